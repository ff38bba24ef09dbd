import type { KeywordRecord } from "./import";
import { difficultySort, type KeywordItem, volumeSort } from "./keyword.entity";

export type Intent = "informational" | "commercial" | "transactional" | "navigational";

/** The facts about a keyword that files and people give; what a merge compares. */
export interface KeywordFields {
  keyword: string;
  normalizedKey: string;
  volume: number | null;
  volumeLow: number | null;
  volumeHigh: number | null;
  difficulty: number | null;
  cpc: number | null;
  competition: number | null;
  intent: Intent | null;
  intents: Intent[];
  serpFeatures: string[];
  trend: number[] | null;
  serpUrls: string[];
  position: number | null;
  url: string | null;
  clicks: number | null;
  impressions: number | null;
  ctr: number | null;
  traffic: number | null;
  parentKeyword: string | null;
  country: string | null;
}

type Scalar = Exclude<
  keyof KeywordFields,
  "keyword" | "normalizedKey" | "intent" | "intents" | "serpFeatures" | "trend" | "serpUrls"
>;

const scalars: Scalar[] = [
  "volume",
  "volumeLow",
  "volumeHigh",
  "difficulty",
  "cpc",
  "competition",
  "position",
  "url",
  "clicks",
  "impressions",
  "ctr",
  "traffic",
  "parentKeyword",
  "country",
];

/** At most this many SERP URLs are kept (the top 10). */
export const MAX_SERP_URLS = 10;

/** The fields of a parsed row. */
export function fromRecord(record: KeywordRecord): KeywordFields {
  return {
    keyword: record.keyword,
    normalizedKey: record.normalizedKey,
    volume: record.volume,
    volumeLow: record.volumeLow,
    volumeHigh: record.volumeHigh,
    difficulty: record.difficulty,
    cpc: record.cpc,
    competition: record.competition,
    intent: record.intent,
    intents: [...record.intents],
    serpFeatures: [...record.serpFeatures],
    trend: record.trend ? [...record.trend] : null,
    serpUrls: record.serpUrls.slice(0, MAX_SERP_URLS),
    position: record.position,
    url: record.url,
    clicks: record.clicks,
    impressions: record.impressions,
    ctr: record.ctr,
    traffic: record.traffic,
    parentKeyword: record.parentKeyword,
    country: record.country,
  };
}

/** The fields of a stored keyword (absent attributes are null or empty). */
export function fromItem(item: KeywordItem): KeywordFields {
  return {
    keyword: item.keyword,
    normalizedKey: item.normalizedKey,
    volume: item.volume ?? null,
    volumeLow: item.volumeLow ?? null,
    volumeHigh: item.volumeHigh ?? null,
    difficulty: item.difficulty ?? null,
    cpc: item.cpc ?? null,
    competition: item.competition ?? null,
    intent: item.intent ?? null,
    intents: (item.intents ?? []) as Intent[],
    serpFeatures: item.serpFeatures ?? [],
    trend: item.trend ?? null,
    serpUrls: item.serpUrls ?? [],
    position: item.position ?? null,
    url: item.url ?? null,
    clicks: item.clicks ?? null,
    impressions: item.impressions ?? null,
    ctr: item.ctr ?? null,
    traffic: item.traffic ?? null,
    parentKeyword: item.parentKeyword ?? null,
    country: item.country ?? null,
  };
}

const sameList = (a: readonly unknown[] | null, b: readonly unknown[] | null) =>
  a === b || (a !== null && b !== null && a.length === b.length && a.every((v, i) => v === b[i]));

/**
 * How a repeated keyword changes the one already there:
 * - "update" (a newer file or a person): the incoming non-empty values replace the old ones;
 *   SERP features are united; an empty incoming value never erases a known one.
 * - "fill" (a repeat within the same file): the first row wins; later rows only fill gaps.
 * Returns only what changes, so an identical repeat changes nothing.
 */
export function mergeFields(
  current: KeywordFields,
  incoming: KeywordFields,
  policy: "update" | "fill",
): Partial<KeywordFields> {
  const changes: Partial<KeywordFields> = {};
  const take = policy === "update";
  for (const field of scalars) {
    const next = incoming[field];
    const now = current[field];
    if (next === null || next === now) continue;
    if (now === null || take) (changes as Record<string, unknown>)[field] = next;
  }
  if (incoming.intents.length > 0 && !sameList(incoming.intents, current.intents)) {
    if (current.intents.length === 0 || take) {
      changes.intents = incoming.intents;
      changes.intent = incoming.intent;
    }
  }
  const features = [...new Set([...current.serpFeatures, ...incoming.serpFeatures])];
  if (features.length !== current.serpFeatures.length) changes.serpFeatures = features;
  if (incoming.trend && !sameList(incoming.trend, current.trend) && (current.trend === null || take)) {
    changes.trend = incoming.trend;
  }
  if (incoming.serpUrls.length > 0 && !sameList(incoming.serpUrls, current.serpUrls)) {
    if (current.serpUrls.length === 0 || take) changes.serpUrls = incoming.serpUrls;
  }
  return changes;
}

/**
 * Numbers as stored: at most 6 decimals (DynamoDB refuses magnitudes under 1e-130, and no
 * keyword metric means anything past a millionth) and within ±1e15.
 */
export function storedNumber(value: number): number {
  const rounded = Math.round(value * 1e6) / 1e6;
  return Math.max(-1e15, Math.min(1e15, Object.is(rounded, -0) ? 0 : rounded));
}

/** The fields with every number as it will be stored (so comparisons see stored values). */
export function cleanFields(fields: KeywordFields): KeywordFields {
  const cleaned = { ...fields };
  for (const field of scalars) {
    const value = cleaned[field];
    if (typeof value === "number") (cleaned as Record<string, unknown>)[field] = storedNumber(value);
  }
  if (cleaned.trend) cleaned.trend = cleaned.trend.map(storedNumber);
  return cleaned;
}

/** The stored attributes for fields: nulls and empty lists are left out (absent). */
export function toAttributes(fields: Partial<KeywordFields>): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === null || value === undefined) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    attributes[key] =
      typeof value === "number"
        ? storedNumber(value)
        : Array.isArray(value) && typeof value[0] === "number"
          ? (value as number[]).map(storedNumber)
          : value;
  }
  if ("volume" in fields) attributes.volumeSort = volumeSort(fields.volume);
  if ("difficulty" in fields) attributes.difficultySort = difficultySort(fields.difficulty);
  return attributes;
}

/** Fields set to null or emptied by a change, which must be removed from the stored item. */
export function removedAttributes(fields: Partial<KeywordFields>): string[] {
  return Object.entries(fields)
    .filter(([, value]) => value === null || (Array.isArray(value) && value.length === 0))
    .map(([key]) => key);
}
