import { type ClusterSummary, type Intent, intents, type KeywordInput } from "./types";

/** What summaries need of each keyword, by the engine's internal index. */
export interface SummaryContext {
  keywords: KeywordInput[];
  /** Stemmed content words per keyword (for naming). */
  stems: string[][];
}

const volumeOf = (k: KeywordInput) =>
  typeof k.volume === "number" && Number.isFinite(k.volume) && k.volume > 0 ? k.volume : 0;

/** Highest volume, then shortest, then alphabetical: the keyword a hub page would target. */
export function compareHub(a: KeywordInput, b: KeywordInput): number {
  return (
    volumeOf(b) - volumeOf(a) ||
    a.keyword.length - b.keyword.length ||
    (a.keyword < b.keyword ? -1 : a.keyword > b.keyword ? 1 : 0) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/**
 * A readable name: the words most members share (in at least half of them) are the cluster's core;
 * the name is the member with the fewest content words that contains the whole core (then the
 * shortest text, then the highest volume): the short head phrase, "ai marketing tools" rather than "best ai marketing tools
 * 2025". When no member holds it all, the member whose words are most shared across the cluster.
 */
export function clusterName(members: number[], context: SummaryContext): string {
  const { keywords, stems } = context;
  if (members.length === 1) return keywords[members[0]!]!.keyword;
  const counts = new Map<string, number>();
  for (const i of members)
    for (const stem of new Set(stems[i]!)) counts.set(stem, (counts.get(stem) ?? 0) + 1);
  const core = [...counts].filter(([, c]) => c * 2 >= members.length).map(([s]) => s);
  const holders = members.filter((i) => {
    const own = new Set(stems[i]!);
    return core.every((stem) => own.has(stem));
  });
  if (core.length > 0 && holders.length > 0) {
    holders.sort(
      (a, b) =>
        stems[a]!.length - stems[b]!.length ||
        keywords[a]!.keyword.length - keywords[b]!.keyword.length ||
        compareHub(keywords[a]!, keywords[b]!),
    );
    return keywords[holders[0]!]!.keyword;
  }
  let best = members[0]!;
  let bestScore = -1;
  for (const i of members) {
    const own = [...new Set(stems[i]!)];
    const score = own.reduce((s, stem) => s + counts.get(stem)!, 0) / Math.max(1, own.length);
    if (
      score > bestScore ||
      (score === bestScore && compareHub(keywords[i]!, keywords[best]!) < 0)
    ) {
      best = i;
      bestScore = score;
    }
  }
  return keywords[best]!.keyword;
}

export function summarize(key: string, members: number[], context: SummaryContext): ClusterSummary {
  const { keywords } = context;
  const sorted = [...members].sort((a, b) => compareHub(keywords[a]!, keywords[b]!));
  const hub = keywords[sorted[0]!]!;
  let totalVolume = 0;
  let difficultySum = 0;
  let difficultyCount = 0;
  const intentWeight = new Map<Intent, number>();
  const allZero = sorted.every((i) => volumeOf(keywords[i]!) === 0);
  for (const i of sorted) {
    const k = keywords[i]!;
    const volume = volumeOf(k);
    totalVolume += volume;
    if (typeof k.difficulty === "number" && Number.isFinite(k.difficulty)) {
      difficultySum += k.difficulty;
      difficultyCount++;
    }
    const list = k.intent == null ? [] : Array.isArray(k.intent) ? k.intent : [k.intent];
    // Without volumes every keyword counts once.
    const weight = allZero ? 1 : volume;
    for (const intent of new Set(list))
      intentWeight.set(intent, (intentWeight.get(intent) ?? 0) + weight);
  }
  let dominantIntent: Intent | null = null;
  let best = -1;
  for (const intent of intents) {
    const w = intentWeight.get(intent);
    if (w !== undefined && w > best) {
      best = w;
      dominantIntent = intent;
    }
  }
  return {
    key,
    name: clusterName(members, context),
    hubKeywordId: hub.id,
    hubKeyword: hub.keyword,
    keywordIds: sorted.map((i) => keywords[i]!.id),
    totalVolume,
    meanDifficulty: difficultyCount > 0 ? difficultySum / difficultyCount : null,
    dominantIntent,
  };
}
