import { MAX_KEYWORD_CHARS } from "./limits";
import { nfkc } from "./values";

export type RejectReason =
  | "keyword.empty"
  | "keyword.too_long"
  | "keyword.control_characters"
  | "keyword.invalid_characters";

export type NormalizedKeyword =
  | { ok: true; keyword: string; normalizedKey: string }
  | { ok: false; reason: RejectReason; message: string };

export interface NormalizeOptions {
  /** BCP 47 language for lower-casing (`tr` keeps the dotless ı apart); plain lower-casing if absent. */
  locale?: string;
}

const ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff\u00ad]/g;
const WHITESPACE = /\s+/g;
/** C0 and C1 controls that survive whitespace folding (TAB, LF, CR... are folded to spaces first). */
function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}
const QUOTE_PAIRS: [string, string][] = [
  ['"', '"'],
  ["'", "'"],
  ["“", "”"],
  ["„", "“"],
  ["‘", "’"],
  ["«", "»"],
  ["`", "`"],
];
const APOSTROPHES = /[‘’‛′`´ʼ]/g;
const DOUBLE_QUOTES = /[“”„‟″«»]/g;
const DASHES = /[‐‑‒–—―−]/g;
const TYPOGRAPHIC = /[‘’‛′`´ʼ“”„‟″«»‐‑‒–—―−]/;

function stripSurroundingQuotes(s: string): string {
  let out = s;
  for (let changed = true; changed && out.length >= 2; ) {
    changed = false;
    for (const [open, close] of QUOTE_PAIRS) {
      if (out.startsWith(open) && out.endsWith(close) && out.length >= open.length + close.length) {
        out = out.slice(open.length, out.length - close.length);
        // A CSV-quoted cell left as text doubles its inner quotes.
        if (open === '"') out = out.replace(/""/g, '"');
        out = out.trim();
        changed = true;
        break;
      }
    }
  }
  return out;
}

/**
 * The keyword as stored: NFKC, zero-width characters removed, whitespace folded and trimmed,
 * surrounding quotes stripped, lower-cased. `normalizedKey` also folds typographic apostrophes,
 * quotes and dashes so `don’t` and `don't` are one keyword.
 */
export function normalizeKeyword(raw: string, options: NormalizeOptions = {}): NormalizedKeyword {
  let s = nfkc(raw).replace(ZERO_WIDTH, "").replace(WHITESPACE, " ").trim();
  s = stripSurroundingQuotes(s);
  if (!s) return { ok: false, reason: "keyword.empty", message: "The keyword cell is empty." };
  if (hasControl(s)) {
    return {
      ok: false,
      reason: "keyword.control_characters",
      message: "The keyword contains control characters.",
    };
  }
  if (s.includes("\ufffd")) {
    return {
      ok: false,
      reason: "keyword.invalid_characters",
      message: "The keyword contains U+FFFD replacement characters (damaged text).",
    };
  }
  const keyword = options.locale ? s.toLocaleLowerCase(options.locale) : s.toLowerCase();
  // UTF-16 length bounds the character count from above: count only when it could matter.
  const length = keyword.length > MAX_KEYWORD_CHARS ? [...keyword].length : keyword.length;
  if (length > MAX_KEYWORD_CHARS) {
    return {
      ok: false,
      reason: "keyword.too_long",
      message: `The keyword has ${length} characters; the limit is ${MAX_KEYWORD_CHARS}.`,
    };
  }
  const normalizedKey = TYPOGRAPHIC.test(keyword)
    ? keyword
        .replace(APOSTROPHES, "'")
        .replace(DOUBLE_QUOTES, '"')
        .replace(DASHES, "-")
        .replace(WHITESPACE, " ")
        .trim()
    : keyword;
  return { ok: true, keyword, normalizedKey };
}
