/**
 * Clustering quality against labelled sets (not a test: it prints tables).
 *   tsx bench/cluster-quality.ts
 * Page groups are scored against Ahrefs "Parent Keyword" groups; topic clusters against banking77
 * intents, StackOverflow tags and a SERP-overlap clustering. Every dataset also runs the naive
 * baseline (identical stemmed token sets) on the same input in the same process.
 */
import {
  type ClusterMethod,
  type ClusterResult,
  clusterKeywords,
  hashedNgramEmbedder,
  type Intent,
  type KeywordInput,
  type PartitionScores,
  scorePartition,
} from "../packages/core/src/cluster/engine/index";
import { stemmedTokenSetGroups } from "./lib/baseline";
import {
  ahrefsAiTools,
  banking77,
  type LabelledKeyword,
  requireDatasets,
  serpOverlapAsphalt,
  stackOverflowTitles,
} from "./lib/datasets";
import { printTable } from "./lib/table";

requireDatasets();

type Level = "page groups" | "topic clusters";

interface Row {
  dataset: string;
  level: Level;
  method: string;
  scores: PartitionScores;
  coverageAll: number;
  clusters: number;
  seconds: number;
}

const rows: Row[] = [];

function toInput(items: LabelledKeyword[]): KeywordInput[] {
  return items.map((item, i) => ({
    id: `k${i}`,
    keyword: item.keyword,
    volume: item.volume ?? null,
    difficulty: item.difficulty ?? null,
    intent: (item.intents ?? []) as Intent[],
    serpUrls: item.serpUrls ?? null,
  }));
}

/** Per input item: its page group and topic cluster keys (null when unclustered). */
function labelsOf(result: ClusterResult, count: number) {
  const page: (string | null)[] = new Array(count).fill(null);
  const topic: (string | null)[] = new Array(count).fill(null);
  for (const cluster of result.clusters) {
    for (const id of cluster.keywordIds) topic[Number(id.slice(1))] = cluster.key;
    for (const group of cluster.pageGroups) {
      for (const id of group.keywordIds) page[Number(id.slice(1))] = group.key;
    }
  }
  return { page, topic };
}

/** Share of all items in a predicted cluster of two or more. */
function coverage(labels: (string | null)[]): number {
  const sizes = new Map<string, number>();
  for (const label of labels) if (label !== null) sizes.set(label, (sizes.get(label) ?? 0) + 1);
  const covered = labels.filter((l) => l !== null && sizes.get(l)! >= 2).length;
  return covered / labels.length;
}

function clusterCount(labels: (string | null)[]): number {
  const sizes = new Map<string, number>();
  for (const label of labels) if (label !== null) sizes.set(label, (sizes.get(label) ?? 0) + 1);
  return [...sizes.values()].filter((s) => s >= 2).length;
}

function record(
  dataset: string,
  level: Level,
  method: string,
  items: LabelledKeyword[],
  predicted: (string | null)[],
  seconds: number,
) {
  const scored = items.map((item, i) => ({ item, i })).filter(({ item }) => item.label !== null);
  rows.push({
    dataset,
    level,
    method,
    scores: scorePartition(
      scored.map(({ item }) => item.label!),
      scored.map(({ i }) => predicted[i]!),
    ),
    coverageAll: coverage(predicted),
    clusters: clusterCount(predicted),
    seconds,
  });
}

async function runEngine(
  dataset: string,
  items: LabelledKeyword[],
  method: ClusterMethod,
  label: string,
  levels: Level[],
) {
  const started = performance.now();
  const result = await clusterKeywords({ keywords: toInput(items), method });
  const seconds = (performance.now() - started) / 1000;
  const { page, topic } = labelsOf(result, items.length);
  for (const level of levels) {
    record(dataset, level, label, items, level === "page groups" ? page : topic, seconds);
  }
}

function runBaseline(dataset: string, items: LabelledKeyword[], levels: Level[]) {
  const started = performance.now();
  const keys = stemmedTokenSetGroups(items.map((item) => item.keyword));
  const seconds = (performance.now() - started) / 1000;
  // The baseline has one level; it is scored against whichever level the dataset labels.
  for (const level of levels)
    record(dataset, level, "naive baseline (same stemmed token set)", items, keys, seconds);
}

const offline: ClusterMethod = { kind: "offline" };
const hashed: ClusterMethod = { kind: "embeddings", embed: hashedNgramEmbedder(256) };
const OFFLINE = "offline";
const HASHED = "embeddings (local hashed char-n-gram, not a model)";

async function main() {
  const both: Level[] = ["page groups", "topic clusters"];

  const ahrefs = ahrefsAiTools();
  const ahrefsName = `ahrefs_ai_tools (${ahrefs.length} kw, ${ahrefs.filter((k) => k.label).length} with parent)`;
  await runEngine(ahrefsName, ahrefs, offline, OFFLINE, both);
  await runEngine(ahrefsName, ahrefs, hashed, HASHED, both);
  runBaseline(ahrefsName, ahrefs, both);

  const banking = banking77();
  const bankingName = `banking77 test (${banking.length})`;
  await runEngine(bankingName, banking, offline, OFFLINE, both);
  await runEngine(bankingName, banking, hashed, HASHED, both);
  runBaseline(bankingName, banking, both);

  const stack = stackOverflowTitles();
  const stackName = `stackoverflow_titles (${stack.length})`;
  await runEngine(stackName, stack, offline, OFFLINE, both);
  await runEngine(stackName, stack, hashed, HASHED, both);
  runBaseline(stackName, stack, both);

  const asphalt = serpOverlapAsphalt();
  const asphaltName = `serp_overlap_asphalt (${asphalt.length})`;
  for (const mode of ["soft", "moderate", "hard"] as const) {
    await runEngine(
      asphaltName,
      asphalt,
      { kind: "serp", mode },
      `serp ${mode}, >=3 of 10 shared`,
      both,
    );
  }
  await runEngine(
    asphaltName,
    asphalt,
    { kind: "serp", mode: "soft", minSharedUrls: 5 },
    "serp soft, >=5 of 10 shared",
    both,
  );
  await runEngine(asphaltName, asphalt, offline, OFFLINE, both);
  runBaseline(asphaltName, asphalt, both);

  for (const level of both) {
    console.log(`\n== ${level} ==`);
    printTable(
      [
        "dataset",
        "method",
        "B3 P",
        "B3 R",
        "B3 F1",
        "ARI",
        "NMI",
        "coverage",
        "clusters>=2",
        "seconds",
      ],
      rows
        .filter((r) => r.level === level)
        .map((r) => [
          r.dataset,
          r.method,
          r.scores.bcubedPrecision,
          r.scores.bcubedRecall,
          r.scores.bcubedF1,
          r.scores.ari,
          r.scores.nmi,
          r.coverageAll,
          r.clusters,
          r.seconds,
        ]),
    );
  }
  console.log(
    "\nScores are computed on items that have a reference label (Ahrefs: rows with a Parent Keyword);" +
      "\ncoverage = share of ALL input keywords placed in a cluster of size >= 2 at that level;" +
      "\nunclustered keywords count as singletons. Granularity: medium (default) everywhere." +
      "\nReference levels: Ahrefs parents ~ page groups; banking77, StackOverflow ~ topic clusters;" +
      "\nthe asphalt reference is a hub-based SERP clustering (Jaccard >= 0.3 of URL sets, about 5 of 10 shared).",
  );
}

await main();
