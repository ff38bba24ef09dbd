import {
  type ColumnMapping,
  CPC_HEADER,
  FIELD_ALIASES,
  FIELDS,
  type Field,
  GKP_MONTH,
  GSC_PERIOD_METRIC,
  type HeaderTest,
  headerMatches,
  mapByHeaders,
  normalizeHeader,
} from "./mapping";

export type FormatId =
  | "semrush_keyword_magic"
  | "semrush_keyword_magic_compact"
  | "semrush_organic_positions"
  | "ahrefs_keywords_explorer"
  | "ahrefs_site_explorer_organic"
  | "google_keyword_planner"
  | "gsc_queries"
  | "moz_keyword_explorer"
  | "ubersuggest"
  | "plain_list"
  | "generic";

/** Search Console sheets without queries: recognised so the user is told which file to upload. */
export type NonKeywordSheet =
  | "gsc_pages"
  | "gsc_countries"
  | "gsc_devices"
  | "gsc_dates"
  | "gsc_search_appearance"
  | "gsc_filters";

/** A detection at or above this confidence parses without the user confirming the mapping. */
export const CONFIDENT = 0.7;

interface FormatSpec {
  id: Exclude<FormatId, "plain_list" | "generic">;
  label: string;
  /** Every group must match at least one header. */
  signature: HeaderTest[][];
  /** Headers this tool writes: the share of the file's headers they explain raises confidence. */
  known: HeaderTest[];
  /** Headers that point at this tool rather than another. */
  distinct: HeaderTest[];
  /** Headers that mean it is another layout of the same tool. */
  forbid?: HeaderTest[];
  /** Column names preferred for a field, before the generic aliases. */
  aliases?: Partial<Record<Field, HeaderTest[]>>;
  map?: (headers: string[]) => ColumnMapping;
  notes?: string[];
}

const GSC_DIMENSIONS: Record<string, NonKeywordSheet> = {
  "top pages": "gsc_pages",
  page: "gsc_pages",
  pages: "gsc_pages",
  country: "gsc_countries",
  countries: "gsc_countries",
  device: "gsc_devices",
  devices: "gsc_devices",
  date: "gsc_dates",
  dates: "gsc_dates",
  "search appearance": "gsc_search_appearance",
};
const GSC_QUERY_HEADERS = ["top queries", "query", "queries"];
const GSC_METRIC = /^(?:.+\S )?(clicks|impressions|ctr|position)$/;

/**
 * Search Console writes `Clicks`, or in comparison mode one column per period:
 * `Last 28 days Clicks`, `Previous 28 days Clicks`. The first period listed is the current one.
 */
function mapSearchConsole(headers: string[]): ColumnMapping {
  const normalized = headers.map(normalizeHeader);
  const mapping: ColumnMapping = {};
  const keyword = normalized.findIndex((h) => GSC_QUERY_HEADERS.includes(h));
  if (keyword >= 0) mapping.keyword = [keyword];
  const periods: string[] = [];
  normalized.forEach((h, i) => {
    const plain = ["clicks", "impressions", "ctr", "position"].indexOf(h);
    const prefixed = GSC_PERIOD_METRIC.exec(h);
    const metric = plain >= 0 ? h : prefixed?.[2];
    if (!metric) return;
    const period = plain >= 0 ? "" : (prefixed?.[1] as string);
    if (!periods.includes(period)) periods.push(period);
    const previous = periods.indexOf(period) > 0;
    const field = (
      previous
        ? {
            clicks: "previousClicks",
            impressions: "previousImpressions",
            ctr: "previousCtr",
            position: "previousPosition",
          }
        : { clicks: "clicks", impressions: "impressions", ctr: "ctr", position: "position" }
    )[metric as "clicks"] as Field;
    if (!mapping[field] && periods.indexOf(period) < 2) mapping[field] = [i];
  });
  return mapping;
}

const SPECS: FormatSpec[] = [
  {
    id: "semrush_keyword_magic",
    label: "Semrush Keyword Magic Tool",
    signature: [
      ["keyword"],
      ["volume"],
      ["keyword difficulty"],
      ["trend", "competitive density", "number of results"],
    ],
    known: [
      "keyword",
      "intent",
      "volume",
      "trend",
      "keyword difficulty",
      CPC_HEADER,
      "competitive density",
      "serp features",
      "number of results",
    ],
    distinct: ["competitive density", "number of results", "trend", CPC_HEADER],
    aliases: { competition: ["competitive density"] },
    notes: ["Trend holds relative monthly values (the peak month is 1.00)."],
  },
  {
    id: "semrush_keyword_magic_compact",
    label: "Semrush Keyword Magic Tool (compact layout)",
    signature: [["keyword"], ["volume"], ["keyword difficulty"], [/^cpc \([a-z]{3}\)$/]],
    known: ["keyword", "intent", "volume", "keyword difficulty", CPC_HEADER, "serp features"],
    distinct: ["intent", "serp features", /^cpc \([a-z]{3}\)$/],
    forbid: ["trend", "competitive density", "number of results"],
  },
  {
    id: "semrush_organic_positions",
    label: "Semrush Organic Research (Positions)",
    signature: [["keyword"], ["position"], ["search volume"], ["url"]],
    known: [
      "keyword",
      "position",
      "previous position",
      "search volume",
      "keyword difficulty",
      "cpc",
      "url",
      "traffic",
      "traffic (%)",
      "traffic cost",
      "competition",
      "number of results",
      "trends",
      "timestamp",
      "serp features by keyword",
      "keyword intents",
      "position type",
    ],
    distinct: [
      "serp features by keyword",
      "keyword intents",
      "traffic (%)",
      "traffic cost",
      "position type",
      "previous position",
      "trends",
    ],
    aliases: {
      volume: ["search volume"],
      serpFeatures: ["serp features by keyword"],
      intent: ["keyword intents"],
    },
    notes: [
      "A keyword is listed once per ranking URL: repeats are reported as duplicates of the first row.",
    ],
  },
  {
    id: "ahrefs_keywords_explorer",
    label: "Ahrefs Keywords Explorer",
    signature: [
      ["keyword"],
      ["volume"],
      ["difficulty", "kd"],
      ["parent keyword", "parent topic", "traffic potential", "global volume", "cps"],
    ],
    known: [
      "#",
      "keyword",
      "country",
      "difficulty",
      "volume",
      "cpc",
      "cps",
      "clicks",
      "return rate",
      "parent keyword",
      "parent topic",
      "last update",
      "serp features",
      "global volume",
      "traffic potential",
      "global traffic potential",
      "first seen",
      "intents",
      "languages",
      /^sv trend\b/,
      /^sv forecasting trend\b/,
      "category",
    ],
    distinct: [
      "#",
      "parent keyword",
      "parent topic",
      "traffic potential",
      "global volume",
      "cps",
      "first seen",
      "intents",
    ],
    aliases: { volume: ["volume"], difficulty: ["difficulty", "kd"], trend: [/^sv trend\b/] },
    notes: ["`Global volume` is kept apart: `volume` is the selected country's volume."],
  },
  {
    id: "ahrefs_site_explorer_organic",
    label: "Ahrefs Site Explorer (Organic keywords)",
    signature: [
      ["keyword"],
      ["volume"],
      ["kd", "difficulty"],
      ["current position", "position"],
      ["current url", "url", "organic traffic"],
    ],
    known: [
      "keyword",
      "country code",
      "location",
      "language",
      "entities",
      "serp features",
      "volume",
      "kd",
      "cpc",
      "organic traffic",
      "paid traffic",
      "current position",
      "current url",
      "current url inside",
      "updated",
      "navigational",
      "informational",
      "commercial",
      "transactional",
      "branded",
      "local",
      "previous position",
      "position change",
      "previous organic traffic",
      "organic traffic change",
      "previous url",
      "current position kind",
      "previous position kind",
      "previous date",
      "current date",
      "position",
      "url",
      "traffic",
    ],
    distinct: [
      "current position",
      "current url",
      "current url inside",
      "organic traffic",
      "navigational",
      "informational",
      "commercial",
      "transactional",
      "branded",
      "local",
      "kd",
      "entities",
    ],
    aliases: {
      position: ["current position", "position"],
      url: ["current url", "url"],
      traffic: ["organic traffic", "traffic"],
      intent: ["navigational", "informational", "commercial", "transactional"],
      country: ["country code"],
    },
  },
  {
    id: "google_keyword_planner",
    label: "Google Keyword Planner",
    signature: [["keyword"], ["avg. monthly searches"]],
    known: [
      "keyword",
      "currency",
      "segmentation",
      "avg. monthly searches",
      "three month change",
      "yoy change",
      "competition",
      "competition (indexed value)",
      "top of page bid (low range)",
      "top of page bid (high range)",
      "ad impression share",
      "organic impression share",
      "organic average position",
      "in account?",
      "in plan?",
      GKP_MONTH,
    ],
    distinct: [
      "avg. monthly searches",
      "competition (indexed value)",
      "top of page bid (low range)",
      "three month change",
      GKP_MONTH,
    ],
    aliases: {
      volume: ["avg. monthly searches"],
      competition: ["competition (indexed value)", "competition"],
      cpc: [/^top of page bid \((low|high) range\)$/],
      trend: [GKP_MONTH],
    },
    notes: ["Keyword Planner has no SEO difficulty; `competition` is advertising competition."],
  },
  {
    id: "gsc_queries",
    label: "Google Search Console (Queries)",
    signature: [GSC_QUERY_HEADERS, [GSC_METRIC]],
    known: [...GSC_QUERY_HEADERS, GSC_METRIC],
    distinct: ["top queries", GSC_METRIC],
    map: mapSearchConsole,
    notes: [
      "Search Console has no search volume: clicks, impressions, CTR and position are kept, volume stays empty.",
    ],
  },
  {
    id: "moz_keyword_explorer",
    label: "Moz Keyword Explorer",
    signature: [
      ["keyword"],
      ["monthly volume", "min volume", "max volume"],
      ["difficulty"],
      ["organic ctr", "priority", "importance"],
    ],
    known: [
      "keyword",
      "monthly volume",
      "min volume",
      "max volume",
      "difficulty",
      "organic ctr",
      "priority",
      "importance",
      "relevancy",
      "notes",
      "lists",
      "serp features",
    ],
    distinct: ["monthly volume", "organic ctr", "priority", "importance"],
    aliases: { volume: ["monthly volume"] },
  },
  {
    id: "ubersuggest",
    label: "Ubersuggest",
    signature: [
      ["keyword", "keywords"],
      ["seo difficulty", "sd"],
    ],
    known: [
      "no",
      "keyword",
      "keywords",
      "search intent",
      "search volume",
      "volume",
      "cpc",
      "paid difficulty",
      "seo difficulty",
      "sd",
      "pd",
      "position",
      "est. visits",
      "ranking url",
      "trend",
    ],
    distinct: [
      "no",
      "seo difficulty",
      "paid difficulty",
      "sd",
      "pd",
      "est. visits",
      "ranking url",
      "search intent",
    ],
    aliases: {
      difficulty: ["seo difficulty", "sd"],
      competition: ["paid difficulty", "pd"],
      url: ["ranking url"],
    },
  },
];

export interface FormatScore {
  format: FormatId;
  label: string;
  confidence: number;
}

const matchesAny = (header: string, tests: HeaderTest[]) =>
  tests.some((t) => headerMatches(header, t));

function scoreSpec(spec: FormatSpec, headers: string[]): number {
  const present = headers.filter(Boolean);
  if (!present.length) return 0;
  if (spec.forbid && present.some((h) => matchesAny(h, spec.forbid ?? []))) return 0;
  if (!spec.signature.every((group) => present.some((h) => matchesAny(h, group)))) return 0;
  const explained = present.filter((h) => matchesAny(h, spec.known)).length / present.length;
  const distinct = spec.distinct.filter((t) => present.some((h) => headerMatches(h, t))).length;
  const confidence =
    0.55 + 0.3 * explained + 0.15 * Math.min(1, distinct / Math.min(3, spec.distinct.length));
  return Math.round(confidence * 100) / 100;
}

/** Every known format scored against a header row, best first (formats that do not fit left out). */
export function scoreFormats(headers: string[]): FormatScore[] {
  const normalized = headers.map(normalizeHeader);
  return SPECS.map((spec) => ({
    format: spec.id,
    label: spec.label,
    confidence: scoreSpec(spec, normalized),
  }))
    .filter((s) => s.confidence > 0)
    .sort((a, b) => b.confidence - a.confidence);
}

export function formatLabel(format: FormatId): string {
  if (format === "plain_list") return "Plain keyword list";
  if (format === "generic") return "Unrecognised table";
  return SPECS.find((s) => s.id === format)?.label ?? format;
}

export function formatNotes(format: FormatId): string[] {
  return SPECS.find((s) => s.id === format)?.notes ?? [];
}

/** The columns a recognised format puts each field in. */
export function formatMapping(format: FormatId, headers: string[]): ColumnMapping {
  const spec = SPECS.find((s) => s.id === format);
  if (!spec) return mapByHeaders(headers, FIELD_ALIASES);
  if (spec.map) return spec.map(headers);
  const aliases: Partial<Record<Field, HeaderTest[]>> = {};
  for (const field of FIELDS)
    aliases[field] = [...(spec.aliases?.[field] ?? []), ...FIELD_ALIASES[field]];
  // Format-specific names decide first, so generic names cannot take their columns.
  const preferred = FIELDS.filter((f) => spec.aliases?.[f]?.length);
  const order = [...preferred, ...FIELDS.filter((f) => !preferred.includes(f))];
  return mapByHeaders(headers, aliases, order);
}

/** A Search Console sheet that holds no queries (Pages, Countries, ..., Filters). */
export function nonKeywordSheet(headers: string[]): NonKeywordSheet | null {
  const normalized = headers.map(normalizeHeader);
  if (normalized.length === 2 && normalized[0] === "filter" && normalized[1] === "value")
    return "gsc_filters";
  const first = normalized[0] ?? "";
  const sheet = GSC_DIMENSIONS[first];
  if (!sheet) return null;
  const metrics = normalized.slice(1).filter((h) => GSC_METRIC.test(h)).length;
  return metrics >= 2 && metrics === normalized.length - 1 ? sheet : null;
}
