export * as ClusterEngine from "./index";

export { granularityValue } from "./validate";
export {
  clusterKeywords,
  topicsOfPageGroups,
  tuningFor,
  twoLevelLabels,
} from "./engine";
export { hashedNgramEmbedder } from "./embeddings";
export { buildFeatures, keywordSimilarity, type KeywordFeatures } from "./features";
export {
  averageLinkage,
  filterGraph,
  graphFromNeighbours,
  louvain,
  type Graph,
  type NeighbourLists,
} from "./graph";
export { type Label, type PartitionScores, scorePartition } from "./metrics";
export { allPairsNeighbours, blockedNeighbours, type NeighbourSearch } from "./neighbours";
export { normalizeUrl } from "./serp";
export { analyze, analyzerFor, englishStopWords, normalizeKeyword, tokenize } from "./text";
export * from "./types";
