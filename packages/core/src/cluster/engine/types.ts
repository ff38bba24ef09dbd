/** Search intents as keyword tools report them; a keyword may carry several. */
export const intents = ["informational", "commercial", "transactional", "navigational"] as const;
export type Intent = (typeof intents)[number];

/** One keyword handed to the engine. Only `id` and `keyword` are required. */
export interface KeywordInput {
  id: string;
  keyword: string;
  volume?: number | null;
  difficulty?: number | null;
  intent?: Intent | Intent[] | null;
  /** Top organic result URLs in rank order (used by the SERP method; ignored otherwise). */
  serpUrls?: string[] | null;
}

/** A cluster that already exists. Only `locked` ones are kept as they are; the rest is re-clustered. */
export interface ExistingCluster {
  id: string;
  locked: boolean;
  keywordIds: string[];
}

/** Turns texts into vectors, one per text, all of one dimension (the AI port's embed). */
export type EmbedFn = (texts: string[]) => Promise<number[][]>;

/**
 * How keywords of a SERP group relate, as peer tools define the modes:
 * - soft: every member shares >= minSharedUrls with the group's hub (its highest-volume keyword);
 *   members need not overlap with each other;
 * - moderate: members are chained: each shares >= minSharedUrls with at least one other member
 *   (single linkage, connected components);
 * - hard: every member shares >= minSharedUrls with every other member (complete linkage).
 */
export type SerpMode = "soft" | "moderate" | "hard";

export type ClusterMethod =
  | { kind: "offline" }
  | {
      kind: "embeddings";
      embed: EmbedFn;
      /** Texts per embed call; default 256. */
      batchSize?: number;
    }
  | {
      kind: "serp";
      mode?: SerpMode;
      /** Shared URLs that join two keywords in a page group; default 3 (of 10). */
      minSharedUrls?: number;
      /** How many leading URLs of each SERP count; default 10. */
      topUrls?: number;
      /** Shared URLs that link page groups into a topic cluster; default minSharedUrls - 1 (at least 1). */
      topicMinSharedUrls?: number;
    };

export type Granularity = number | "low" | "medium" | "high";

export type ClusterPhase =
  | "prepare"
  | "embed"
  | "index"
  | "neighbours"
  | "page_groups"
  | "topics"
  | "summarize";

export interface ClusterProgress {
  phase: ClusterPhase;
  done: number;
  total: number;
}

export interface ClusterRequest {
  keywords: KeywordInput[];
  method: ClusterMethod;
  /** 0 = few broad clusters, 1 = many tight ones; "low" 0.25, "medium" 0.5 (default), "high" 0.75. */
  granularity?: Granularity;
  /** Topic clusters smaller than this are dissolved; their keywords are reported unclustered. Default 2. */
  minClusterSize?: number;
  /** Clusters the user already has; locked ones survive untouched and their keywords sit out the run. */
  existingClusters?: ExistingCluster[];
  /**
   * "en" (default) stems with Porter and drops English stop words; any other language code keeps
   * whole words (normalized) and drops no stop word, unless `stem` is given.
   */
  language?: string;
  /** A stemmer for `language` when the engine has none. */
  stem?: (token: string) => string;
  /** Expert overrides of what granularity derives (similarity thresholds in 0..1, modularity resolution). */
  tuning?: Partial<Tuning>;
  onProgress?: (progress: ClusterProgress) => void;
}

/** The knobs granularity turns; exported so benchmarks and tests can show them. */
export interface Tuning {
  /** Average-linkage similarity at which keywords share one page. */
  pageGroupThreshold: number;
  /** Weakest similarity that links keywords (or page groups) within a topic cluster. */
  topicThreshold: number;
  /** Modularity resolution for topic clusters: higher gives smaller clusters. */
  resolution: number;
  /** Nearest neighbours kept per keyword in the similarity graph. */
  neighbours: number;
  /** Longest inverted-index posting scanned whole; longer ones are read in a window (blocking). */
  maxPosting: number;
}

export interface ClusterSummary {
  /** Deterministic within one result ("t3", "t3.p1"); storage assigns real ids. */
  key: string;
  name: string;
  hubKeywordId: string;
  hubKeyword: string;
  keywordIds: string[];
  totalVolume: number;
  /** Mean of the members that have a difficulty; null when none has. */
  meanDifficulty: number | null;
  /** Volume-weighted; null when no member has an intent. */
  dominantIntent: Intent | null;
}

export type PageGroup = ClusterSummary;

export interface TopicCluster extends ClusterSummary {
  /** Every member sits in exactly one page group (one page can rank for all its keywords). */
  pageGroups: PageGroup[];
}

export type UnclusteredReason =
  /** Nothing similar enough was found. */
  | "no_match"
  /** Its topic cluster was smaller than minClusterSize. */
  | "below_min_size"
  /** Nothing left after normalization (only punctuation or stop words). */
  | "empty"
  /** SERP method: the keyword has no SERP URLs. */
  | "no_serp";

export interface UnclusteredKeyword {
  keywordId: string;
  reason: UnclusteredReason;
}

export interface LockedResult {
  clusterId: string;
  /** The locked cluster's members that were in this run's input. */
  keywordIds: string[];
}

export interface ClusterStats {
  keywords: number;
  clustered: number;
  /** Full pairwise similarity computations (the all-pairs approach needs n(n-1)/2). */
  similarityEvaluations: number;
  /** Undirected edges in the similarity graph. */
  edges: number;
  tuning: Tuning;
  millis: number;
}

export interface ClusterResult {
  method: ClusterMethod["kind"];
  clusters: TopicCluster[];
  unclustered: UnclusteredKeyword[];
  locked: LockedResult[];
  stats: ClusterStats;
}
