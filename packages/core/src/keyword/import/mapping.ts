import { importError } from "./limits";
import {
  INTENTS,
  parseIntents,
  parseNumber,
  parsePercent,
  parseSerpFeatures,
  parseTrend,
  parseVolume,
} from "./values";

/** Everything a column can be mapped to. */
export const FIELDS = [
  "keyword",
  "volume",
  "difficulty",
  "cpc",
  "competition",
  "intent",
  "branded",
  "local",
  "serpFeatures",
  "trend",
  "position",
  "previousPosition",
  "url",
  "clicks",
  "impressions",
  "ctr",
  "previousClicks",
  "previousImpressions",
  "previousCtr",
  "traffic",
  "trafficPotential",
  "globalVolume",
  "organicCtr",
  "priority",
  "parentKeyword",
  "serpUrls",
  "country",
] as const;
export type Field = (typeof FIELDS)[number];

/** Fields that may take several columns: Ahrefs intent flags, Keyword Planner months and bids. */
export const MULTI_COLUMN_FIELDS: ReadonlySet<Field> = new Set<Field>([
  "intent",
  "trend",
  "cpc",
  "serpUrls",
]);

/** Column indexes (0-based) per field; multi-column fields list several. */
export type ColumnMapping = Partial<Record<Field, number[]>>;

/** A mapping as a user confirms it: header names or 0-based column indexes. */
export type MappingInput = Partial<Record<Field, string | number | (string | number)[] | null>>;

/** Header text compared case- and space-insensitively. */
export function normalizeHeader(header: string): string {
  return header
    .normalize("NFKC")
    .replace(/^\ufeff/, "")
    .trim()
    .replace(/^["']|["']$/g, "")
    .replace(/\s+/g, " ")
    .toLowerCase();
}

export type HeaderTest = string | RegExp;

export function headerMatches(header: string, test: HeaderTest): boolean {
  return typeof test === "string" ? header === test : test.test(header);
}

export const CPC_HEADER = /^cpc(?: \([a-z]{3}\))?$/;
export const GKP_MONTH = /^searches: [a-z]{3,9}\.? \d{4}$/;
export const GSC_PERIOD_METRIC = /^(.+\S) (clicks|impressions|ctr|position)$/;

/** Generic header names per field, best first. Formats put their own names in front. */
export const FIELD_ALIASES: Record<Field, HeaderTest[]> = {
  keyword: [
    "keyword",
    "keywords",
    "top queries",
    "query",
    "queries",
    "search query",
    "search term",
    "search terms",
    "keyword phrase",
    "phrase",
    "term",
    "kw",
  ],
  volume: [
    "volume",
    "search volume",
    "avg. monthly searches",
    "avg monthly searches",
    "average monthly searches",
    "monthly volume",
    "monthly searches",
    "msv",
    "sv",
  ],
  difficulty: [
    "keyword difficulty",
    "difficulty",
    "kd",
    "kd %",
    "kd (%)",
    "kd%",
    "seo difficulty",
    "sd",
    "keyword difficulty index",
  ],
  cpc: [
    CPC_HEADER,
    "cost per click",
    "avg. cpc",
    "average cpc",
    /^top of page bid \((low|high) range\)$/,
  ],
  competition: [
    "competitive density",
    "competition (indexed value)",
    "competition",
    "paid difficulty",
    "pd",
  ],
  intent: ["intent", "intents", "keyword intents", "search intent", ...INTENTS],
  branded: ["branded"],
  local: ["local"],
  serpFeatures: ["serp features", "serp features by keyword", "serp feature", "features"],
  trend: ["trend", "trends", /^sv trend\b/, GKP_MONTH],
  position: [
    "position",
    "current position",
    "rank",
    "ranking",
    "avg. position",
    "average position",
  ],
  previousPosition: ["previous position"],
  url: ["url", "current url", "ranking url", "landing page", "page"],
  clicks: ["clicks"],
  impressions: ["impressions"],
  ctr: ["ctr", "click through rate"],
  previousClicks: [],
  previousImpressions: [],
  previousCtr: [],
  traffic: ["traffic", "organic traffic", "est. visits", "estimated visits"],
  trafficPotential: ["traffic potential"],
  globalVolume: ["global volume"],
  organicCtr: ["organic ctr"],
  priority: ["priority"],
  parentKeyword: ["parent keyword", "parent topic"],
  serpUrls: ["serp urls", "top urls", "top 10 urls", "urls", /^(?:serp )?url ?\d{1,2}$/],
  country: ["country", "country code", "database", "market"],
};

/**
 * Assigns columns to fields by header name: for each field in `order`, the first alias that
 * matches an unused column wins. Multi-column fields take every column matching that alias.
 */
export function mapByHeaders(
  headers: string[],
  aliases: Partial<Record<Field, HeaderTest[]>>,
  order: readonly Field[] = FIELDS,
): ColumnMapping {
  const normalized = headers.map(normalizeHeader);
  const used = new Set<number>();
  const mapping: ColumnMapping = {};
  for (const field of order) {
    for (const test of aliases[field] ?? []) {
      const hits = normalized
        .map((h, i) => (!used.has(i) && headerMatches(h, test) ? i : -1))
        .filter((i) => i >= 0);
      if (!hits.length) continue;
      const take = MULTI_COLUMN_FIELDS.has(field) ? hits : hits.slice(0, 1);
      mapping[field] = [...(mapping[field] ?? []), ...take];
      for (const i of take) used.add(i);
      // Intent flags and SERP URL columns collect over aliases; the others stop at the first hit.
      if (field !== "intent" && field !== "serpUrls") break;
    }
  }
  return mapping;
}

/** Turns a user's mapping (names or indexes) into column indexes, checking every column exists. */
export function resolveMapping(input: MappingInput, headers: string[]): ColumnMapping {
  const normalized = headers.map(normalizeHeader);
  const mapping: ColumnMapping = {};
  const fields: { path: string; message: string }[] = [];
  for (const [key, value] of Object.entries(input)) {
    const field = key as Field;
    if (!FIELDS.includes(field)) {
      fields.push({ path: `mapping.${key}`, message: `Unknown field "${key}"` });
      continue;
    }
    if (value === null || value === undefined) continue;
    const refs = Array.isArray(value) ? value : [value];
    if (refs.length > 1 && !MULTI_COLUMN_FIELDS.has(field)) {
      fields.push({ path: `mapping.${key}`, message: "This field takes one column" });
      continue;
    }
    const indexes: number[] = [];
    for (const ref of refs) {
      const index =
        typeof ref === "number" ? ref : normalized.indexOf(normalizeHeader(String(ref)));
      if (!Number.isInteger(index) || index < 0 || index >= Math.max(headers.length, 1)) {
        fields.push({
          path: `mapping.${key}`,
          message: `No column ${JSON.stringify(ref)} in the file`,
        });
        continue;
      }
      indexes.push(index);
    }
    if (indexes.length) mapping[field] = indexes;
  }
  if (fields.length) {
    throw importError("import.mapping_invalid", fields[0]?.message ?? "Invalid mapping", {
      fields,
      headers,
    });
  }
  return mapping;
}

/** What the values of one column look like in the sample. */
export interface ColumnProfile {
  filled: number;
  numeric: number;
  integer: number;
  percent: number;
  range: number;
  url: number;
  boolean: number;
  intent: number;
  list: number;
  trend: number;
  text: number;
  averageLength: number;
}

export function profileColumn(values: string[]): ColumnProfile {
  const filled = values.map((v) => v.trim()).filter(Boolean);
  const share = (test: (v: string) => boolean) =>
    filled.length ? filled.filter(test).length / filled.length : 0;
  return {
    filled: values.length ? filled.length / values.length : 0,
    numeric: share((v) => parseNumber(v) !== null),
    integer: share((v) => {
      const n = parseNumber(v, { kind: "integer" });
      return n !== null && Number.isInteger(n) && !v.includes("%");
    }),
    percent: share((v) => /%\s*$/.test(v) && parsePercent(v) !== null),
    range: share((v) => parseVolume(v).low !== null),
    url: share((v) => /^https?:\/\//i.test(v.trim())),
    boolean: share((v) => /^(true|false)$/i.test(v.trim())),
    intent: share((v) => parseIntents(v).intents.length > 0 && v.length < 80),
    list: share((v) => parseSerpFeatures(v).length > 1 && parseNumber(v) === null),
    trend: share((v) => (parseTrend(v)?.length ?? 0) > 2),
    text: share((v) => parseNumber(v) === null && !/^https?:\/\//i.test(v) && /\p{L}/u.test(v)),
    averageLength: filled.length ? filled.reduce((n, v) => n + v.length, 0) / filled.length : 0,
  };
}

/** How well a column's values fit a field, 0..1, whatever its header says. */
export function valueFit(field: Field, p: ColumnProfile): number {
  switch (field) {
    case "keyword":
      return p.text * (p.list > 0.5 ? 0.3 : 1) * (p.boolean > 0.5 || p.intent > 0.8 ? 0.2 : 1);
    case "volume":
      return Math.max(p.integer, p.range);
    case "clicks":
    case "impressions":
    case "traffic":
    case "trafficPotential":
    case "globalVolume":
    case "previousClicks":
    case "previousImpressions":
      return p.integer;
    case "difficulty":
    case "cpc":
    case "competition":
    case "position":
    case "previousPosition":
    case "priority":
      return p.numeric;
    case "ctr":
    case "organicCtr":
    case "previousCtr":
      return Math.max(p.percent, p.numeric * 0.6);
    case "intent":
      return Math.max(p.intent, p.boolean);
    case "branded":
    case "local":
      return p.boolean;
    case "serpFeatures":
      return p.text * 0.5 + p.list * 0.5;
    case "trend":
      return p.trend;
    case "url":
      return p.url;
    case "serpUrls":
      return p.url;
    case "parentKeyword":
      return p.text;
    case "country":
      return p.text * (p.averageLength <= 3 ? 1 : 0.3);
  }
}

export interface FieldProposal {
  columns: number[];
  /** 0..1: header name and value types together. */
  score: number;
}

export type MappingProposal = Partial<Record<Field, FieldProposal>>;

function headerScore(header: string, field: Field): number {
  const aliases = FIELD_ALIASES[field];
  if (aliases.some((t) => headerMatches(header, t))) return 1;
  const words = header.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const partial = aliases.some(
    (t) => typeof t === "string" && t.length > 2 && (words.includes(t) || header.includes(t)),
  );
  return partial ? 0.6 : 0;
}

/**
 * A mapping for a file no format claims: every (field, column) pair is scored by header name
 * and by what the sample values look like, then fields take their best free column.
 */
export function proposeMapping(headers: string[], sampleRows: string[][]): MappingProposal {
  const normalized = headers.map(normalizeHeader);
  const width = Math.max(headers.length, ...sampleRows.map((r) => r.length));
  const profiles = Array.from({ length: width }, (_, i) =>
    profileColumn(sampleRows.map((r) => r[i] ?? "")),
  );
  const pairs: { field: Field; column: number; score: number }[] = [];
  for (const field of FIELDS) {
    for (let column = 0; column < width; column++) {
      const profile = profiles[column] as ColumnProfile;
      const name = headerScore(normalized[column] ?? "", field);
      const fit = sampleRows.length ? valueFit(field, profile) : name ? 0.5 : 0;
      // Unnamed columns are guessed only for the two fields every keyword table has.
      let score = name
        ? 0.6 * name + 0.4 * fit
        : field === "keyword" || field === "volume"
          ? 0.5 * fit
          : 0;
      // Without a header hint the keyword is the longest mostly-text column.
      if (field === "keyword" && !name) {
        score =
          score * (profile.averageLength >= 3 ? 1 : 0.5) +
          Math.min(profile.averageLength, 40) / 1000;
      }
      if (score > 0) pairs.push({ field, column, score });
    }
  }
  pairs.sort((a, b) => b.score - a.score);
  const proposal: MappingProposal = {};
  const used = new Set<number>();
  for (const { field, column, score } of pairs) {
    if (score < 0.45 || used.has(column)) continue;
    const existing = proposal[field];
    if (existing && !(MULTI_COLUMN_FIELDS.has(field) && field !== "cpc")) continue;
    if (existing) existing.columns.push(column);
    else proposal[field] = { columns: [column], score: Math.round(score * 100) / 100 };
    used.add(column);
  }
  return proposal;
}

export function proposalToMapping(proposal: MappingProposal): ColumnMapping {
  const mapping: ColumnMapping = {};
  for (const [field, value] of Object.entries(proposal)) {
    if (value) mapping[field as Field] = [...value.columns].sort((a, b) => a - b);
  }
  return mapping;
}
