/**
 * Offline clustering speed (not a test: it prints tables).
 *   tsx bench/cluster-speed.ts [count=100000]
 * 1. `count` synthetic keywords clustered offline: wall time and peak RSS (target < 60 s, < 2 GB).
 * 2. On a 10k subset, the same pipeline with the blocked neighbour search and with a naive
 *    all-pairs search (same similarity, n(n-1)/2 comparisons), in the same process: time ratio,
 *    similarity evaluations, how many all-pairs edges the blocking finds, and how alike the
 *    resulting clusterings are.
 */
import { availableParallelism, cpus, loadavg } from "node:os";
import {
  allPairsNeighbours,
  analyzerFor,
  blockedNeighbours,
  buildFeatures,
  type ClusterPhase,
  clusterKeywords,
  filterGraph,
  type Graph,
  graphFromNeighbours,
  type NeighbourSearch,
  scorePartition,
  tuningFor,
  twoLevelLabels,
} from "../packages/core/src/cluster/engine/index";
import { syntheticKeywords } from "./lib/synthetic";
import { printTable } from "./lib/table";

const count = Number(process.argv[2] ?? 100_000);
const seconds = (from: number) => (performance.now() - from) / 1000;
const mb = (kb: number) => Math.round(kb / 1024);

console.log(
  `node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? "cpu"}), seed 42, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")} (other processes share these cores: wall time includes waiting for them)`,
);

// 1. The full run.
const keywords = syntheticKeywords(count);
console.log(
  `generated ${keywords.length} keywords, e.g. ${keywords
    .slice(0, 4)
    .map((k) => `"${k.keyword}"`)
    .join(", ")}`,
);
const rssBefore = process.memoryUsage().rss;
const started = performance.now();
const cpuStart = process.cpuUsage();
const phaseEnds: [ClusterPhase, number][] = [];
const result = await clusterKeywords({
  keywords,
  method: { kind: "offline" },
  onProgress: ({ phase, done, total }) => {
    if (done === total) phaseEnds.push([phase, seconds(started)]);
  },
});
const wall = seconds(started);
const cpu = process.cpuUsage(cpuStart);
const peakRss = process.resourceUsage().maxRSS; // kB, whole process so far
console.log(`\n== ${keywords.length} keywords, offline method, granularity medium ==`);
printTable(
  ["metric", "value"],
  [
    ["wall time (s)", wall.toFixed(2)],
    ["CPU time of this process (s, user + system)", ((cpu.user + cpu.system) / 1e6).toFixed(2)],
    ["peak RSS of the process (MB)", String(mb(peakRss))],
    ["RSS before the run (MB)", String(Math.round(rssBefore / 2 ** 20))],
    ["similarity evaluations", String(result.stats.similarityEvaluations)],
    [
      "  as share of all pairs n(n-1)/2",
      (
        result.stats.similarityEvaluations /
        ((keywords.length * (keywords.length - 1)) / 2)
      ).toExponential(2),
    ],
    ["graph edges", String(result.stats.edges)],
    ["topic clusters", String(result.clusters.length)],
    ["page groups", String(result.clusters.reduce((s, c) => s + c.pageGroups.length, 0))],
    ["clustered keywords", String(result.stats.clustered)],
    ["unclustered keywords", String(result.unclustered.length)],
    ["targets met (< 60 s, < 2048 MB)", wall < 60 && mb(peakRss) < 2048 ? "yes" : "NO"],
  ],
);
console.log(
  "\nphase finished at (s): " + phaseEnds.map(([p, t]) => `${p} ${t.toFixed(1)}`).join(", "),
);
console.log("\nlargest topic clusters:");
for (const c of result.clusters.slice(0, 5)) {
  console.log(
    `  ${c.name} (hub "${c.hubKeyword}", ${c.keywordIds.length} kw, ${c.pageGroups.length} page groups, volume ${c.totalVolume}, ${c.dominantIntent})`,
  );
}

// 2. Blocked vs all-pairs on the same 10k keywords, same similarity and same clustering steps.
const subset = keywords.slice(0, Math.min(10_000, keywords.length));
const tuning = tuningFor("offline", "medium");
const features = buildFeatures(
  subset.map((k) => k.keyword),
  analyzerFor({ language: "en" }),
);
const floor = Math.min(tuning.pageGroupThreshold, tuning.topicThreshold);

function pipeline(search: () => NeighbourSearch) {
  const t0 = performance.now();
  const found = search();
  const searchSeconds = seconds(t0);
  const graph = graphFromNeighbours(features.size, found.lists);
  const labels = twoLevelLabels(graph, tuning);
  return { found, graph, labels, searchSeconds, totalSeconds: seconds(t0) };
}

const blocked = pipeline(() =>
  blockedNeighbours(features, { k: tuning.neighbours, floor, maxPosting: tuning.maxPosting }),
);
const naive = pipeline(() => allPairsNeighbours(features, { k: tuning.neighbours, floor }));

/** Share of the edges (>= threshold) of `reference` that `graph` also has. */
function edgeRecall(reference: Graph, graph: Graph, threshold: number): number {
  const ref = filterGraph(reference, threshold);
  let found = 0;
  for (let i = 0; i < ref.size; i++) {
    const mine = new Set(graph.targets.subarray(graph.offsets[i]!, graph.offsets[i + 1]!));
    for (let e = ref.offsets[i]!; e < ref.offsets[i + 1]!; e++)
      if (mine.has(ref.targets[e]!)) found++;
  }
  return ref.targets.length === 0 ? 1 : found / ref.targets.length;
}

const pairs = (subset.length * (subset.length - 1)) / 2;
console.log(
  `\n== ${subset.length} keywords: blocked neighbour search vs naive all-pairs (same process) ==`,
);
printTable(
  ["", "blocked (engine)", "all pairs (naive)", "naive / blocked"],
  [
    [
      "neighbour search (s)",
      blocked.searchSeconds.toFixed(2),
      naive.searchSeconds.toFixed(2),
      `${(naive.searchSeconds / blocked.searchSeconds).toFixed(1)}x`,
    ],
    [
      "search + both clustering levels (s)",
      blocked.totalSeconds.toFixed(2),
      naive.totalSeconds.toFixed(2),
      `${(naive.totalSeconds / blocked.totalSeconds).toFixed(1)}x`,
    ],
    [
      "similarity evaluations",
      String(blocked.found.similarityEvaluations),
      String(naive.found.similarityEvaluations),
      `${(naive.found.similarityEvaluations / blocked.found.similarityEvaluations).toFixed(1)}x`,
    ],
    [
      "  share of n(n-1)/2",
      (blocked.found.similarityEvaluations / pairs).toFixed(4),
      (naive.found.similarityEvaluations / pairs).toFixed(4),
      "",
    ],
    [
      "graph edges (top-k >= floor)",
      String(blocked.graph.targets.length / 2),
      String(naive.graph.targets.length / 2),
      "",
    ],
  ],
);
const pageAgreement = scorePartition(
  Array.from(naive.labels.page),
  Array.from(blocked.labels.page),
);
const topicAgreement = scorePartition(
  Array.from(naive.labels.topic),
  Array.from(blocked.labels.topic),
);
console.log("\nwhat blocking loses (all-pairs result taken as reference):");
printTable(
  ["measure", "value"],
  [
    [
      `edge recall at page threshold ${tuning.pageGroupThreshold.toFixed(2)}`,
      edgeRecall(naive.graph, blocked.graph, tuning.pageGroupThreshold).toFixed(4),
    ],
    [
      `edge recall at topic threshold ${tuning.topicThreshold.toFixed(2)}`,
      edgeRecall(naive.graph, blocked.graph, tuning.topicThreshold).toFixed(4),
    ],
    [
      "page groups: ARI / B3 F1 vs all-pairs",
      `${pageAgreement.ari.toFixed(3)} / ${pageAgreement.bcubedF1.toFixed(3)}`,
    ],
    [
      "topic clusters: ARI / B3 F1 vs all-pairs",
      `${topicAgreement.ari.toFixed(3)} / ${topicAgreement.bcubedF1.toFixed(3)}`,
    ],
  ],
);
