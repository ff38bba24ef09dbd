import type { ColumnMapping, Field } from "./mapping";
import { normalizeHeader } from "./mapping";
import { type NormalizeOptions, normalizeKeyword, type RejectReason } from "./normalize";
import {
  type CompetitionLevel,
  INTENTS,
  type Intent,
  type NumberLocale,
  nfkc,
  parseBoolean,
  parseCompetitionLevel,
  parseIntents,
  parseNumber,
  parsePercent,
  parseSerpFeatures,
  parseTrend,
  parseUrlList,
  parseVolume,
} from "./values";

/** One keyword as read from a row. Metrics the file does not give are null (never 0). */
export interface KeywordRecord {
  /** Physical line (1-based) where the row starts. */
  line: number;
  /** Data row number (1-based, the header not counted). */
  row: number;
  keyword: string;
  /** Key for de-duplication: equal keys are the same keyword. */
  normalizedKey: string;
  /** Exact volume, or the midpoint of a range. */
  volume: number | null;
  volumeLow: number | null;
  volumeHigh: number | null;
  difficulty: number | null;
  cpc: number | null;
  /** Advertising competition, 0..1. */
  competition: number | null;
  competitionLevel: CompetitionLevel | null;
  /** The primary intent (first of `intents`). */
  intent: Intent | null;
  intents: Intent[];
  branded: boolean | null;
  local: boolean | null;
  serpFeatures: string[];
  trend: number[] | null;
  position: number | null;
  previousPosition: number | null;
  url: string | null;
  clicks: number | null;
  impressions: number | null;
  /** Click-through rate as a share (0.3333 for `33.33%`). */
  ctr: number | null;
  previousClicks: number | null;
  previousImpressions: number | null;
  previousCtr: number | null;
  traffic: number | null;
  trafficPotential: number | null;
  globalVolume: number | null;
  /** Moz: share of clicks that go to organic results. */
  organicCtr: number | null;
  priority: number | null;
  parentKeyword: string | null;
  serpUrls: string[];
  country: string | null;
  /** The cells by header, when asked for (`includeRaw`). */
  raw?: Record<string, string>;
}

export interface AcceptedRow extends KeywordRecord {
  kind: "row";
  duplicateOf: null;
}

/** A row whose keyword an earlier row of the same file already had (same `normalizedKey`). */
export interface DuplicateRow extends KeywordRecord {
  kind: "duplicate";
  /** The line of the first row with this keyword. */
  duplicateOf: { line: number };
}

export interface RejectedRow {
  kind: "rejected";
  line: number;
  row: number;
  reason: RejectReason;
  message: string;
  /** The keyword cell as written (cut to 300 characters). */
  value: string | null;
}

export type ImportItem = AcceptedRow | DuplicateRow | RejectedRow;

export interface RowContext {
  headers: string[];
  mapping: ColumnMapping;
  numberLocale: NumberLocale;
  normalize: NormalizeOptions;
  includeRaw: boolean;
}

const cell = (fields: string[], mapping: ColumnMapping, field: Field): string | undefined => {
  const index = mapping[field]?.[0];
  return index === undefined ? undefined : fields[index];
};

const cells = (fields: string[], mapping: ColumnMapping, field: Field): string[] =>
  (mapping[field] ?? []).map((i) => fields[i] ?? "");

function nonNegative(n: number | null): number | null {
  return n === null || n < 0 ? null : n;
}

function readIntents(fields: string[], ctx: RowContext) {
  const columns = ctx.mapping.intent ?? [];
  const found = {
    intents: [] as Intent[],
    branded: null as boolean | null,
    local: null as boolean | null,
  };
  for (const index of columns) {
    const value = fields[index] ?? "";
    const header = normalizeHeader(ctx.headers[index] ?? "");
    const flag = parseBoolean(value);
    // A `true`/`false` column named after an intent (Ahrefs Site Explorer).
    if (flag !== null && INTENTS.includes(header as Intent)) {
      if (flag && !found.intents.includes(header as Intent)) found.intents.push(header as Intent);
      continue;
    }
    const parsed = parseIntents(value);
    for (const intent of parsed.intents)
      if (!found.intents.includes(intent)) found.intents.push(intent);
    found.branded ??= parsed.branded;
    found.local ??= parsed.local;
  }
  return found;
}

function readCpc(fields: string[], ctx: RowContext): number | null {
  // Keyword Planner gives a low and a high bid: their mean stands for the CPC.
  const values = cells(fields, ctx.mapping, "cpc")
    .map((v) => parseNumber(v, { locale: ctx.numberLocale, kind: "decimal" }))
    .filter((n): n is number => n !== null && n >= 0);
  if (!values.length) return null;
  return Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 100) / 100;
}

function readTrend(fields: string[], ctx: RowContext): number[] | null {
  const columns = cells(fields, ctx.mapping, "trend");
  if (columns.length === 1) return parseTrend(columns[0]);
  if (!columns.length) return null;
  // One column per month (Keyword Planner `Searches: Jan 2024`).
  const values = columns.map((v) => parseVolume(v, { locale: ctx.numberLocale }).volume);
  return values.every((v) => v === null) ? null : values.map((v) => v ?? 0);
}

function readCompetition(text: string | undefined, ctx: RowContext) {
  const level = parseCompetitionLevel(text);
  const n = parseNumber(text, { locale: ctx.numberLocale, kind: "decimal" });
  // Indexed values (0-100) and Ubersuggest's paid difficulty become shares.
  const competition = n === null || n < 0 ? null : n > 1 ? Math.min(1, n / 100) : n;
  return { competition, competitionLevel: level };
}

function text(value: string | undefined): string | null {
  const s = value === undefined ? undefined : nfkc(value).replace(/\s+/g, " ").trim();
  return s ? s : null;
}

/**
 * Reads one data row through the mapping: an accepted row, or the reason it is rejected.
 * Repeats are found by the caller, which turns the row into a duplicate (`markDuplicate`).
 */
export function readRow(
  fields: string[],
  position: { line: number; row: number },
  ctx: RowContext,
): AcceptedRow | RejectedRow {
  const { mapping, numberLocale: locale } = ctx;
  const rawKeyword = cell(fields, mapping, "keyword") ?? "";
  const normalized = normalizeKeyword(rawKeyword, ctx.normalize);
  if (!normalized.ok) {
    return {
      kind: "rejected",
      ...position,
      reason: normalized.reason,
      message: normalized.message,
      value: rawKeyword ? rawKeyword.slice(0, 300) : null,
    };
  }
  const int = (field: Field) =>
    nonNegative(parseNumber(cell(fields, mapping, field), { locale, kind: "integer" }));
  const dec = (field: Field) =>
    nonNegative(parseNumber(cell(fields, mapping, field), { locale, kind: "decimal" }));
  const pct = (field: Field) => nonNegative(parsePercent(cell(fields, mapping, field), { locale }));
  const rank = (field: Field) => {
    const n = dec(field);
    return n === null || n <= 0 ? null : n;
  };
  const volume = parseVolume(cell(fields, mapping, "volume"), { locale });
  const intents = readIntents(fields, ctx);
  const flag = (field: "branded" | "local") =>
    parseBoolean(cell(fields, mapping, field)) ?? intents[field];
  const parent = cell(fields, mapping, "parentKeyword");
  const parentNormalized = parent ? normalizeKeyword(parent, ctx.normalize) : null;
  const competition = readCompetition(cell(fields, mapping, "competition"), ctx);
  // A literal without spreads keeps one object shape for every row (spreads made V8 slow here).
  const record: AcceptedRow = {
    kind: "row",
    duplicateOf: null,
    line: position.line,
    row: position.row,
    keyword: normalized.keyword,
    normalizedKey: normalized.normalizedKey,
    volume: volume.volume,
    volumeLow: volume.low,
    volumeHigh: volume.high,
    difficulty: dec("difficulty"),
    cpc: readCpc(fields, ctx),
    competition: competition.competition,
    competitionLevel: competition.competitionLevel,
    intent: intents.intents[0] ?? null,
    intents: intents.intents,
    branded: flag("branded"),
    local: flag("local"),
    serpFeatures: parseSerpFeatures(cell(fields, mapping, "serpFeatures")),
    trend: readTrend(fields, ctx),
    position: rank("position"),
    previousPosition: rank("previousPosition"),
    url: text(cell(fields, mapping, "url")),
    clicks: int("clicks"),
    impressions: int("impressions"),
    ctr: pct("ctr"),
    previousClicks: int("previousClicks"),
    previousImpressions: int("previousImpressions"),
    previousCtr: pct("previousCtr"),
    traffic: int("traffic"),
    trafficPotential: int("trafficPotential"),
    globalVolume: int("globalVolume"),
    organicCtr: pct("organicCtr"),
    priority: dec("priority"),
    parentKeyword: parentNormalized?.ok ? parentNormalized.keyword : null,
    serpUrls: cells(fields, mapping, "serpUrls").flatMap(parseUrlList),
    country: text(cell(fields, mapping, "country"))?.toLowerCase() ?? null,
  };
  if (ctx.includeRaw) {
    record.raw = Object.fromEntries(
      fields.map((value, i) => [ctx.headers[i] || `column ${i + 1}`, value]),
    );
  }
  return record;
}

/** Flags a row as a repeat of the row on `firstLine`, keeping the object (and its shape). */
export function markDuplicate(row: AcceptedRow, firstLine: number): DuplicateRow {
  const duplicate = row as unknown as DuplicateRow;
  duplicate.kind = "duplicate";
  duplicate.duplicateOf = { line: firstLine };
  return duplicate;
}

/** True for a row whose cells are all blank (`,,,`): skipped, not counted as data. */
export function isBlankRow(fields: string[]): boolean {
  for (const field of fields) if (NOT_BLANK.test(field)) return false;
  return true;
}

const NOT_BLANK = /\S/;
