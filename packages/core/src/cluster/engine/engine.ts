import { VisibleError } from "../../util/error";
import { lshNeighbours, toVectorSet } from "./embeddings";
import { buildFeatures, hasTokens } from "./features";
import {
  aggregate,
  averageLinkage,
  compact,
  edgeCount,
  filterGraph,
  type Graph,
  graphFromNeighbours,
  louvain,
  type NeighbourLists,
} from "./graph";
import { blockedNeighbours } from "./neighbours";
import { serpGroups, serpOverlap } from "./serp";
import { compareHub, type SummaryContext, summarize } from "./summarize";
import { analyze, analyzerFor, normalizeKeyword } from "./text";
import type {
  ClusterMethod,
  ClusterPhase,
  ClusterRequest,
  ClusterResult,
  Granularity,
  KeywordInput,
  LockedResult,
  PageGroup,
  TopicCluster,
  Tuning,
  UnclusteredKeyword,
  UnclusteredReason,
} from "./types";
import { granularityValue, validateRequest } from "./validate";

/**
 * What granularity means per method. Offline similarities mix IDF-weighted words and character
 * trigrams; embedding cosines of related texts sit higher; SERP thresholds are counts of URLs,
 * so there only the resolution follows granularity.
 */
export function tuningFor(
  kind: ClusterMethod["kind"],
  granularity: Granularity | undefined,
): Tuning {
  const g = granularityValue(granularity);
  const resolution = 2 * 4 ** (g - 0.5);
  if (kind === "embeddings") {
    return {
      pageGroupThreshold: 0.7 + 0.2 * g,
      topicThreshold: 0.45 + 0.2 * g,
      resolution,
      neighbours: 20,
      maxPosting: 256,
    };
  }
  if (kind === "serp") {
    return {
      pageGroupThreshold: 0,
      topicThreshold: 0,
      resolution,
      neighbours: 0,
      maxPosting: 5000,
    };
  }
  return {
    pageGroupThreshold: 0.45 + 0.3 * g,
    topicThreshold: 0.2 + 0.2 * g,
    resolution,
    neighbours: 20,
    maxPosting: 256,
  };
}

/**
 * Topic clusters over page groups: page groups become nodes (their inner similarity a self loop),
 * linked by the sum of the topic-level edges between their members; Louvain groups them.
 * A keyword that Louvain leaves alone although it has a topic-level link (modularity's
 * resolution limit on small inputs) joins the topic of its strongest link instead of being
 * reported unmatched. Returns the topic of each page group (`pageLabels` is compacted in place).
 */
export function topicsOfPageGroups(
  topicGraph: Graph,
  pageLabels: Int32Array,
  resolution: number,
): Int32Array {
  const pageCount = compact(pageLabels);
  const pageGraph = aggregate(topicGraph, pageLabels, pageCount);
  const topics = louvain(pageGraph, resolution);
  const keywordsIn = new Int32Array(pageCount);
  for (const p of pageLabels) keywordsIn[p]!++;
  const pagesIn = new Int32Array(pageCount);
  for (const t of topics) pagesIn[t]!++;
  const alone = (p: number) => keywordsIn[p] === 1 && pagesIn[topics[p]!] === 1;
  const moved = topics.slice();
  for (let p = 0; p < pageCount; p++) {
    if (!alone(p)) continue;
    let best = -1;
    let bestWeight = 0;
    for (let e = pageGraph.offsets[p]!; e < pageGraph.offsets[p + 1]!; e++) {
      const q = pageGraph.targets[e]!;
      const w = pageGraph.weights[e]!;
      // Join real clusters only, so two lone keywords never make a topic of their own here.
      if (alone(q)) continue;
      if (w > bestWeight || (w === bestWeight && topics[q]! < topics[best]!)) {
        best = q;
        bestWeight = w;
      }
    }
    if (best !== -1) moved[p] = topics[best]!;
  }
  return moved;
}

/**
 * Both levels from one similarity graph (offline and embeddings): page groups by average
 * linkage at the tight threshold, then topic clusters over them. Exported so benchmarks can feed
 * it an all-pairs graph and compare.
 */
export function twoLevelLabels(
  graph: Graph,
  tuning: Tuning,
): { page: Int32Array; topic: Int32Array } {
  const page = averageLinkage(
    filterGraph(graph, tuning.pageGroupThreshold),
    tuning.pageGroupThreshold,
  );
  const topicOfPage = topicsOfPageGroups(
    filterGraph(graph, tuning.topicThreshold),
    page,
    tuning.resolution,
  );
  return { page, topic: page.map((p) => topicOfPage[p]!) };
}

function progressReporter(request: ClusterRequest) {
  return (phase: ClusterPhase, done: number, total: number) =>
    request.onProgress?.({ phase, done, total });
}

/** Neighbour graph and page groups of one method over the run's keywords (canonical order). */
interface Grouping {
  graph: Graph;
  /** Page group and topic cluster of every keyword. */
  labels: { page: Int32Array; topic: Int32Array };
  evaluations: number;
  /** Keywords that cannot be clustered, with the reason. */
  excluded: Map<number, UnclusteredReason>;
}

async function offlineGrouping(
  texts: string[],
  context: SummaryContext,
  tuning: Tuning,
  request: ClusterRequest,
  report: ReturnType<typeof progressReporter>,
): Promise<Grouping> {
  const analyzer = analyzerFor({ language: request.language ?? "en", stem: request.stem });
  report("index", 0, texts.length);
  const features = buildFeatures(texts, analyzer);
  context.stems = features.stems;
  report("index", texts.length, texts.length);
  const search = blockedNeighbours(features, {
    k: tuning.neighbours,
    floor: Math.min(tuning.topicThreshold, tuning.pageGroupThreshold),
    maxPosting: tuning.maxPosting,
    onProgress: (done, total) => report("neighbours", done, total),
  });
  const graph = graphFromNeighbours(features.size, search.lists);
  const excluded = new Map<number, UnclusteredReason>();
  for (let i = 0; i < features.size; i++) if (!hasTokens(features, i)) excluded.set(i, "empty");
  report("page_groups", 0, features.size);
  const labels = twoLevelLabels(graph, tuning);
  report("page_groups", features.size, features.size);
  return {
    graph,
    labels,
    evaluations: search.similarityEvaluations,
    excluded,
  };
}

async function embeddingGrouping(
  method: Extract<ClusterMethod, { kind: "embeddings" }>,
  texts: string[],
  context: SummaryContext,
  tuning: Tuning,
  request: ClusterRequest,
  report: ReturnType<typeof progressReporter>,
): Promise<Grouping> {
  const analyzer = analyzerFor({ language: request.language ?? "en", stem: request.stem });
  context.stems = texts.map((text) => analyze(text, analyzer).stems);
  const excluded = new Map<number, UnclusteredReason>();
  const embedIndex: number[] = [];
  texts.forEach((text, i) => {
    if (analyze(text, analyzer).normalized.length === 0) excluded.set(i, "empty");
    else embedIndex.push(i);
  });
  const batchSize = method.batchSize ?? 256;
  const vectors: number[][] = [];
  report("embed", 0, embedIndex.length);
  for (let start = 0; start < embedIndex.length; start += batchSize) {
    const batch = embedIndex.slice(start, start + batchSize).map((i) => texts[i]!);
    const answer = await method.embed(batch);
    if (!Array.isArray(answer) || answer.length !== batch.length) {
      throw new VisibleError(
        "unavailable",
        "cluster.embed.invalid_vectors",
        `the embedding service answered ${Array.isArray(answer) ? answer.length : "no"} vectors for ${batch.length} texts`,
      );
    }
    vectors.push(...answer);
    report("embed", vectors.length, embedIndex.length);
  }
  const dimensions = vectors[0]?.length ?? 0;
  if (
    vectors.some(
      (v) => !Array.isArray(v) || v.length !== dimensions || v.some((x) => !Number.isFinite(x)),
    ) ||
    (vectors.length > 0 && dimensions === 0)
  ) {
    throw new VisibleError(
      "unavailable",
      "cluster.embed.invalid_vectors",
      "the embedding service answered vectors of different sizes or with non-numbers",
    );
  }
  const set = toVectorSet(vectors);
  const search = lshNeighbours(set, {
    k: tuning.neighbours,
    floor: Math.min(tuning.topicThreshold, tuning.pageGroupThreshold),
    onProgress: (done, total) => report("neighbours", done, total),
  });
  // Map the embedded subset back to the run's indices.
  const lists = remapLists(search.lists, embedIndex, texts.length);
  const graph = graphFromNeighbours(texts.length, lists);
  report("page_groups", 0, texts.length);
  const labels = twoLevelLabels(graph, tuning);
  report("page_groups", texts.length, texts.length);
  return {
    graph,
    labels,
    evaluations: search.similarityEvaluations,
    excluded,
  };
}

function remapLists(lists: NeighbourLists, index: number[], size: number): NeighbourLists {
  const offsets = new Int32Array(size + 1);
  const targets: number[] = [];
  const weights: number[] = [];
  let row = 0;
  for (let i = 0; i < size; i++) {
    offsets[i] = targets.length;
    if (index[row] === i) {
      for (let e = lists.offsets[row]!; e < lists.offsets[row + 1]!; e++) {
        targets.push(index[lists.targets[e]!]!);
        weights.push(lists.weights[e]!);
      }
      row++;
    }
  }
  offsets[size] = targets.length;
  return { offsets, targets: Int32Array.from(targets), weights: Float64Array.from(weights) };
}

async function serpGrouping(
  method: Extract<ClusterMethod, { kind: "serp" }>,
  keywords: KeywordInput[],
  texts: string[],
  context: SummaryContext,
  request: ClusterRequest,
  tuning: Tuning,
  report: ReturnType<typeof progressReporter>,
): Promise<Grouping> {
  const analyzer = analyzerFor({ language: request.language ?? "en", stem: request.stem });
  context.stems = texts.map((text) => analyze(text, analyzer).stems);
  const topUrls = method.topUrls ?? 10;
  const minShared = method.minSharedUrls ?? 3;
  const topicMinShared = method.topicMinSharedUrls ?? Math.max(1, minShared - 1);
  const excluded = new Map<number, UnclusteredReason>();
  keywords.forEach((k, i) => {
    if (!k.serpUrls || k.serpUrls.length === 0) excluded.set(i, "no_serp");
  });
  report("index", 0, keywords.length);
  const overlap = serpOverlap(
    keywords.map((k) => k.serpUrls ?? null),
    {
      topUrls,
      maxPosting: tuning.maxPosting,
      onProgress: (done, total) => report("neighbours", done, total),
    },
  );
  const graph = graphFromNeighbours(keywords.length, overlap.lists);
  const priority = keywords.map((_, i) => i).sort((a, b) => compareHub(keywords[a]!, keywords[b]!));
  report("page_groups", 0, keywords.length);
  const pageLabels = serpGroups(graph, priority, method.mode ?? "soft", minShared);
  report("page_groups", keywords.length, keywords.length);
  // Topic level: shared-URL counts as weights (out of topUrls), only links of >= topicMinShared.
  const topicGraph = filterGraph(graph, topicMinShared);
  for (let e = 0; e < topicGraph.weights.length; e++) topicGraph.weights[e]! /= topUrls;
  const topicOfPage = topicsOfPageGroups(topicGraph, pageLabels, tuning.resolution);
  const labels = { page: pageLabels, topic: pageLabels.map((p) => topicOfPage[p]!) };
  return { graph, labels, evaluations: overlap.similarityEvaluations, excluded };
}

/**
 * Clusters keywords at two levels: page groups (keywords one page can rank for) inside topic
 * clusters (hub and spokes). Locked existing clusters are left as they are and their keywords sit
 * out; every other keyword ends in exactly one topic cluster or in `unclustered` with a reason.
 * The same input (in any order) gives the same output.
 */
export async function clusterKeywords(request: ClusterRequest): Promise<ClusterResult> {
  const started = performance.now();
  validateRequest(request);
  const report = progressReporter(request);
  const method = request.method;
  const tuning: Tuning = { ...tuningFor(method.kind, request.granularity), ...request.tuning };
  const minSize = request.minClusterSize ?? 2;

  report("prepare", 0, request.keywords.length);
  const lockedOf = new Map<string, string>();
  const locked: LockedResult[] = [];
  for (const cluster of request.existingClusters ?? []) {
    if (!cluster.locked) continue;
    for (const id of cluster.keywordIds) lockedOf.set(id, cluster.id);
    locked.push({ clusterId: cluster.id, keywordIds: [] });
  }
  const lockedById = new Map(locked.map((l) => [l.clusterId, l]));
  const free: KeywordInput[] = [];
  for (const k of request.keywords) {
    const owner = lockedOf.get(k.id);
    if (owner === undefined) free.push(k);
    else lockedById.get(owner)!.keywordIds.push(k.id);
  }
  for (const l of locked) l.keywordIds.sort();
  // Canonical order: the result does not depend on the order keywords were given in.
  const sortKeys = free.map((k) => normalizeKeyword(k.keyword));
  const order = free.map((_, i) => i);
  order.sort((a, b) => {
    const x = sortKeys[a]!;
    const y = sortKeys[b]!;
    if (x !== y) return x < y ? -1 : 1;
    const p = free[a]!.id;
    const q = free[b]!.id;
    return p < q ? -1 : p > q ? 1 : 0;
  });
  const keywords = order.map((i) => free[i]!);
  const texts = keywords.map((k) => k.keyword);
  report("prepare", request.keywords.length, request.keywords.length);

  const context: SummaryContext = { keywords, stems: [] };
  const grouping =
    method.kind === "offline"
      ? await offlineGrouping(texts, context, tuning, request, report)
      : method.kind === "embeddings"
        ? await embeddingGrouping(method, texts, context, tuning, request, report)
        : await serpGrouping(method, keywords, texts, context, request, tuning, report);

  // Topic clusters: Louvain over the page groups, linked by the topic-level edges.
  report("topics", 0, keywords.length);
  const { page: pageLabels, topic: topicLabels } = grouping.labels;
  report("topics", keywords.length, keywords.length);

  report("summarize", 0, keywords.length);
  const topicMembers = new Map<number, number[]>();
  for (let i = 0; i < keywords.length; i++) {
    if (grouping.excluded.has(i)) continue;
    const topic = topicLabels[i]!;
    let list = topicMembers.get(topic);
    if (!list) {
      list = [];
      topicMembers.set(topic, list);
    }
    list.push(i);
  }
  const unclustered: UnclusteredKeyword[] = [];
  for (const [i, reason] of grouping.excluded)
    unclustered.push({ keywordId: keywords[i]!.id, reason });
  const drafts: { members: number[]; pages: number[][] }[] = [];
  for (const members of topicMembers.values()) {
    if (members.length < minSize) {
      const reason: UnclusteredReason = members.length === 1 ? "no_match" : "below_min_size";
      for (const i of members) unclustered.push({ keywordId: keywords[i]!.id, reason });
      continue;
    }
    const pages = new Map<number, number[]>();
    for (const i of members) {
      let list = pages.get(pageLabels[i]!);
      if (!list) {
        list = [];
        pages.set(pageLabels[i]!, list);
      }
      list.push(i);
    }
    drafts.push({ members, pages: [...pages.values()] });
  }
  const volume = (members: number[]) =>
    members.reduce((s, i) => s + Math.max(0, keywords[i]!.volume ?? 0), 0);
  // Biggest audience first; ties by size, then the first member's canonical position.
  const byWeight = (a: number[], b: number[]) =>
    volume(b) - volume(a) || b.length - a.length || a[0]! - b[0]!;
  drafts.sort((a, b) => byWeight(a.members, b.members));
  const clusters: TopicCluster[] = drafts.map((draft, t) => {
    const key = `t${t + 1}`;
    const pageGroups: PageGroup[] = draft.pages
      .sort(byWeight)
      .map((members, p) => summarize(`${key}.p${p + 1}`, members, context));
    return { ...summarize(key, draft.members, context), pageGroups };
  });
  unclustered.sort((a, b) => (a.keywordId < b.keywordId ? -1 : a.keywordId > b.keywordId ? 1 : 0));
  report("summarize", keywords.length, keywords.length);

  return {
    method: method.kind,
    clusters,
    unclustered,
    locked,
    stats: {
      keywords: request.keywords.length,
      clustered: clusters.reduce((s, c) => s + c.keywordIds.length, 0),
      similarityEvaluations: grouping.evaluations,
      edges: edgeCount(grouping.graph),
      tuning,
      millis: Math.round(performance.now() - started),
    },
  };
}
