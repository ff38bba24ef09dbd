/**
 * Cell readers for the numbers, ranges, percentages, intents, SERP features and trends that
 * keyword tools write. Every reader returns null (or an empty list) for an empty or unreadable
 * cell: a missing metric is unknown, never 0.
 */

/** How a file writes decimals: `en` 1,234.5 · `eu` 1.234,5. */
export type NumberLocale = "en" | "eu";
/** `integer` columns (volumes, clicks) never hold fractions, so `1.200` and `1,200` are thousands. */
export type NumberKind = "integer" | "decimal";

export interface NumberOptions {
  locale?: NumberLocale;
  kind?: NumberKind;
}

const NULL_TOKENS = new Set([
  "",
  "-",
  "--",
  "—",
  "–",
  "n/a",
  "na",
  "n.a.",
  "null",
  "none",
  "nan",
  "undefined",
  "?",
]);

const MULTIPLIER: Record<string, number> = { k: 1e3, m: 1e6, b: 1e9 };

interface NumberParts {
  value: number;
  percent: boolean;
  bound: "<" | ">" | null;
}

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

const GROUPED_COMMA = /^[1-9]\d{0,2}(,\d{3})+$/;
const GROUPED_DOT = /^[1-9]\d{0,2}(\.\d{3})+$/;
const GROUP_SPACES = /[' ]/g;

function resolveSeparators(digits: string, options: NumberOptions, scaled: boolean): string | null {
  const d = digits.replace(GROUP_SPACES, "");
  const dots = d.split(".").length - 1;
  const commas = d.split(",").length - 1;
  const grouped = (sep: "." | ",") => (sep === "," ? GROUPED_COMMA : GROUPED_DOT).test(d);
  if (dots && commas) {
    const decimal = d.lastIndexOf(".") > d.lastIndexOf(",") ? "." : ",";
    const group = decimal === "." ? "," : ".";
    const [int, frac, ...more] = d.split(decimal);
    if (more.length || frac === undefined || frac.includes(group)) return null;
    return `${int?.split(group).join("")}.${frac}`;
  }
  for (const sep of [",", "."] as const) {
    const count = sep === "," ? commas : dots;
    if (!count) continue;
    if (count > 1) return grouped(sep) ? d.split(sep).join("") : null;
    // One separator followed by three digits: thousands where the column or the file says so.
    const isThousands =
      grouped(sep) &&
      !scaled &&
      (options.kind === "integer" ||
        (sep === "," ? options.locale !== "eu" : options.locale === "eu"));
    return isThousands ? d.replace(sep, "") : d.replace(sep, ".");
  }
  return d;
}

// Currency or unit text around a number (`US$`, `€`, `USD`, `đ`): a few characters at most.
const AFFIX = /^[^\d+\-−.,]{0,4}$/;
const BODY = /^(\d(?:[\d.,' ]*\d)?)\s*(?:([kKmMbB])(?![a-zA-Z]))?\s*(.*)$/;

// Plain numbers need none of the work below: `8100`, `0.85`, `-3` (not `1.200`, which is ambiguous).
const PLAIN_INTEGER = /^-?\d{1,15}$/;
const PLAIN_DECIMAL = /^-?\d{1,15}\.(?:\d{1,2}|\d{4,})$|^-?0\.\d+$/;
// Printable ASCII needs no Unicode normalization.
const PRINTABLE_ASCII = /^[ -~]*$/;

/** NFKC, skipped for printable ASCII (most cells), which it would leave unchanged. */
export const nfkc = (text: string): string =>
  PRINTABLE_ASCII.test(text) ? text : text.normalize("NFKC");

function parseParts(text: string, options: NumberOptions): NumberParts | null {
  if (PLAIN_INTEGER.test(text)) return { value: Number(text), percent: false, bound: null };
  if (PLAIN_DECIMAL.test(text)) return { value: round6(Number(text)), percent: false, bound: null };
  let s = nfkc(text).trim();
  if (NULL_TOKENS.has(s.toLowerCase())) return null;
  let bound: NumberParts["bound"] = null;
  const qualifier = /^([<>≤≥~≈])=?\s*/.exec(s);
  if (qualifier) {
    const q = qualifier[1];
    bound = q === "<" || q === "≤" ? "<" : q === ">" || q === "≥" ? ">" : null;
    s = s.slice(qualifier[0].length);
  }
  let negative = false;
  const sign = /^([+\-−])\s*/.exec(s);
  if (sign) {
    negative = sign[1] !== "+";
    s = s.slice(sign[0].length);
  }
  const start = s.search(/\d/);
  if (start < 0 || !AFFIX.test(s.slice(0, start).trim())) return null;
  const body = BODY.exec(s.slice(start));
  if (!body) return null;
  const [, digits, suffix, rest] = body;
  let tail = (rest ?? "").trim();
  const percent = tail.startsWith("%");
  if (percent) tail = tail.slice(1).trim();
  if (!AFFIX.test(tail)) return null;
  const plain = resolveSeparators(digits as string, options, Boolean(suffix));
  if (plain === null) return null;
  let value = Number(plain);
  if (!Number.isFinite(value)) return null;
  if (suffix) value *= MULTIPLIER[suffix.toLowerCase()] as number;
  if (negative) value = -value;
  return { value: round6(value), percent, bound };
}

/** `8,100` · `1.2K` · `1.5M` · `1.200` · `12,5` · `$2.17` · `33.33%` (as 33.33) · `<10` (as 10). */
export function parseNumber(text: string | undefined, options: NumberOptions = {}): number | null {
  if (text === undefined) return null;
  if (PLAIN_INTEGER.test(text)) return Number(text);
  return parseParts(text, options)?.value ?? null;
}

/** A share: `33.33%` and `33.33` give 0.3333; `0.25` stays 0.25. */
export function parsePercent(text: string | undefined, options: NumberOptions = {}): number | null {
  if (text === undefined) return null;
  const parts = parseParts(text, { ...options, kind: "decimal" });
  if (!parts) return null;
  return parts.percent || parts.value > 1 ? round6(parts.value / 100) : parts.value;
}

export interface VolumeValue {
  /** The number to sort and sum by: the value itself, or the midpoint of a range. */
  volume: number | null;
  /** Bounds when the tool gave a range (`10K – 100K`, `<10`); null for an exact value. */
  low: number | null;
  high: number | null;
}

const NO_VOLUME: VolumeValue = { volume: null, low: null, high: null };
const RANGE = /^(.*\d\s*[kKmMbB]?)\s*(?:–|—|−|-|~|\bto\b)\s*(\d.*)$/;

/** Search volume, exact or a range: `8,100` · `1.2K` · `10K – 100K` · `1K-10K` · `<10`. */
export function parseVolume(text: string | undefined, options: NumberOptions = {}): VolumeValue {
  if (text === undefined) return NO_VOLUME;
  if (PLAIN_INTEGER.test(text)) {
    const value = Number(text);
    return value < 0 ? NO_VOLUME : { volume: value, low: null, high: null };
  }
  const opts: NumberOptions = { ...options, kind: "integer" };
  const s = nfkc(text).trim();
  const range = RANGE.exec(s);
  if (range) {
    const low = parseParts(range[1] as string, opts);
    const high = parseParts(range[2] as string, opts);
    if (low && high && !low.percent && !high.percent && low.value >= 0 && low.value <= high.value) {
      return {
        volume: Math.round((low.value + high.value) / 2),
        low: Math.round(low.value),
        high: Math.round(high.value),
      };
    }
  }
  const parts = parseParts(s, opts);
  if (!parts || parts.percent || parts.value < 0) return NO_VOLUME;
  const value = Math.round(parts.value);
  if (parts.bound === "<") return { volume: Math.round(value / 2), low: 0, high: value };
  if (parts.bound === ">") return { volume: value, low: value, high: null };
  return { volume: value, low: null, high: null };
}

export type Intent = "informational" | "commercial" | "transactional" | "navigational";
export const INTENTS: readonly Intent[] = [
  "informational",
  "commercial",
  "transactional",
  "navigational",
];

const INTENT_WORDS: Record<string, Intent> = {
  informational: "informational",
  information: "informational",
  info: "informational",
  i: "informational",
  commercial: "commercial",
  "commercial investigation": "commercial",
  investigation: "commercial",
  c: "commercial",
  transactional: "transactional",
  transaction: "transactional",
  t: "transactional",
  navigational: "navigational",
  navigation: "navigational",
  n: "navigational",
  // Semrush API writes intents as codes.
  "0": "commercial",
  "1": "informational",
  "2": "navigational",
  "3": "transactional",
};

/**
 * Intent and SERP feature cells repeat across thousands of rows: their parse is kept in a small
 * map (cleared when full) and each row gets its own copy.
 */
function memo<T>(parse: (text: string) => T, copy: (value: T) => T): (text: string) => T {
  const cache = new Map<string, T>();
  return (text) => {
    let value = cache.get(text);
    if (value === undefined) {
      if (cache.size >= 2000) cache.clear();
      value = parse(text);
      cache.set(text, value);
    }
    return copy(value);
  };
}

export interface IntentValue {
  /** Distinct intents in the order the tool listed them: the first is the primary one. */
  intents: Intent[];
  branded: boolean | null;
  local: boolean | null;
}

/**
 * `Informational, Commercial` (Semrush) · `informational, transactional` · `I, C` ·
 * `Informational,Commercial,Non-branded,Non-local` (Ahrefs) · `1,0` (Semrush API codes).
 */
export function parseIntents(text: string | undefined): IntentValue {
  if (!text) return { intents: [], branded: null, local: null };
  return cachedIntents(text);
}

const cachedIntents = memo(readIntents, (v) => ({ ...v, intents: [...v.intents] }));

function readIntents(text: string): IntentValue {
  const result: IntentValue = { intents: [], branded: null, local: null };
  for (const raw of text.split(/[,;|/]+/)) {
    const token = nfkc(raw).trim().toLowerCase().replace(/\s+/g, " ");
    if (!token) continue;
    const compact = token.replace(/[\s_-]/g, "");
    if (compact === "branded") result.branded = true;
    else if (compact === "nonbranded") result.branded = false;
    else if (compact === "local") result.local = true;
    else if (compact === "nonlocal") result.local = false;
    else {
      const intent = INTENT_WORDS[token];
      if (intent && !result.intents.includes(intent)) result.intents.push(intent);
    }
  }
  return result;
}

/** Ahrefs writes intent flags as `true`/`false` columns. */
export function parseBoolean(text: string | undefined): boolean | null {
  const s = text?.trim().toLowerCase();
  if (s === "true" || s === "yes" || s === "1" || s === "y" || s === "x" || s === "✓") return true;
  if (s === "false" || s === "no" || s === "0" || s === "n") return false;
  return null;
}

/** `AI Overview,Thumbnail` · `Sitelinks, Video, Related searches` → `["ai_overview", ...]`. */
export function parseSerpFeatures(text: string | undefined): string[] {
  return text ? cachedSerpFeatures(text) : [];
}

const cachedSerpFeatures = memo(readSerpFeatures, (v) => [...v]);

function readSerpFeatures(text: string): string[] {
  const seen = new Set<string>();
  for (const part of text.split(/[,;|\n]+/)) {
    const slug = nfkc(part)
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, "_")
      .replace(/^_+|_+$/g, "");
    if (slug) seen.add(slug);
  }
  return [...seen];
}

const TREND_NUMBERS: NumberOptions = { locale: "en", kind: "decimal" };

/** `"[0,0,3,100]"` (Semrush positions) · `"0.81,1.00"` (Keyword Magic) · `2181, 1845` (Ahrefs). */
export function parseTrend(text: string | undefined): number[] | null {
  if (!text) return null;
  const body = text
    .trim()
    .replace(/^\[|\]$/g, "")
    .trim();
  if (!body) return null;
  const values: number[] = [];
  for (const token of body.split(/[,;|\s]+/)) {
    if (!token) continue;
    const n = parseNumber(token, TREND_NUMBERS);
    if (n === null) return null;
    values.push(n);
  }
  return values.length ? values : null;
}

/** `https://a.example/x | https://b.example/y` or one URL per line. */
export function parseUrlList(text: string | undefined): string[] {
  if (!text) return [];
  return text
    .split(/[\s|,]+/)
    .map((u) => u.trim())
    .filter((u) => /^https?:\/\//i.test(u));
}

export type CompetitionLevel = "low" | "medium" | "high";

/** Keyword Planner's `Low` / `Medium` / `High` (any case). */
export function parseCompetitionLevel(text: string | undefined): CompetitionLevel | null {
  const s = text?.trim().toLowerCase();
  return s === "low" || s === "medium" || s === "high" ? s : null;
}

/** Votes for a file's number locale from cells that can only be read one way. */
export function numberLocaleVote(text: string): NumberLocale | null {
  const s = text.trim().replace(/^[^\d-]+|[^\d]+$/g, "");
  if (/^-?\d+,\d{1,2}$|^-?\d+,\d{4,}$|^-?\d{1,3}(\.\d{3})+,\d+$/.test(s)) return "eu";
  if (/^-?\d+\.\d{1,2}$|^-?\d+\.\d{4,}$|^-?\d{1,3}(,\d{3})+\.\d+$/.test(s)) return "en";
  return null;
}
