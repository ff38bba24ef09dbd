import {
  type CsvRecord,
  checkRecordShape,
  type Delimiter,
  detectDelimiter,
  parseSample,
} from "./csv";
import { decodeSample, sniffEncoding, type TextEncoding } from "./encoding";
import {
  CONFIDENT,
  type FormatId,
  type FormatScore,
  formatLabel,
  formatMapping,
  formatNotes,
  nonKeywordSheet,
  scoreFormats,
} from "./formats";
import {
  DETECT_SAMPLE_BYTES,
  HEADER_SEARCH_RECORDS,
  importError,
  MAX_FILE_BYTES,
  tooLarge,
} from "./limits";
import {
  type ColumnMapping,
  FIELD_ALIASES,
  type Field,
  headerMatches,
  type MappingInput,
  type MappingProposal,
  normalizeHeader,
  proposalToMapping,
  proposeMapping,
  resolveMapping,
} from "./mapping";
import { type ImportItem, isBlankRow, markDuplicate, type RowContext, readRow } from "./rows";
import { type NumberLocale, numberLocaleVote } from "./values";

export interface DetectOptions {
  /** `firstBytes` is the whole file. Defaults to true when it is shorter than the sample size. */
  final?: boolean;
  /** Size the upload declared (S3 object size, Content-Length): refused before reading when too large. */
  declaredSize?: number;
  /** Size limit in bytes; defaults to MAX_FILE_BYTES. */
  maxBytes?: number;
  /** A confirmed mapping (header names or 0-based indexes): overrides detection. */
  mapping?: MappingInput;
  /** How the file writes decimals, when the caller knows better than the sample. */
  numberLocale?: NumberLocale;
  /** Language of the keywords for lower-casing (`tr`, `az`, `lt`...). */
  keywordLocale?: string;
}

export interface Detection {
  encoding: TextEncoding;
  bom: boolean;
  /** `null`: a single column, one keyword per line. */
  delimiter: Delimiter;
  format: FormatId;
  formatLabel: string;
  /** 0..1; at or above CONFIDENT (0.7) the format's mapping is used without confirmation. */
  confidence: number;
  /** Known formats that fit the header row, best first. */
  candidates: FormatScore[];
  /** Physical line (1-based) of the header row; null when the file has none. */
  headerLine: number | null;
  /** Index of the header among the file's records (preamble lines come first); -1 without header. */
  headerIndex: number;
  headers: string[];
  /** The columns rows are read with. */
  mapping: ColumnMapping;
  mappingSource: "format" | "explicit" | "proposed";
  /** True when no format is confident: the user must confirm `mapping` (see `proposal`). */
  needsConfirmation: boolean;
  /** Per-field scores of the proposed mapping (header name and value types), when proposed. */
  proposal: MappingProposal | null;
  numberLocale: NumberLocale;
  /** The first rows read with `mapping`. */
  preview: ImportItem[];
  notes: string[];
}

const PREVIEW_ROWS = 5;

const NUMERIC_FIELDS: Field[] = [
  "volume",
  "difficulty",
  "cpc",
  "competition",
  "position",
  "clicks",
  "impressions",
  "ctr",
  "traffic",
  "trafficPotential",
  "globalVolume",
];

export function checkDeclaredSize(declaredSize: number | undefined, maxBytes: number): void {
  if (declaredSize !== undefined && declaredSize > maxBytes)
    throw tooLarge(declaredSize, maxBytes, true);
}

const isKeywordHeader = (cell: string) =>
  FIELD_ALIASES.keyword.some((t) => headerMatches(normalizeHeader(cell), t));

/**
 * The header row: the first of the leading records that names a keyword column or fits a known
 * format. Records before it are a preamble (Keyword Planner writes two). Without one, a table's
 * first all-text row is taken; a single column has no header unless it is named like one.
 */
function findHeader(records: CsvRecord[], delimiter: Delimiter): number {
  const first = records[0];
  if (!first) return -1;
  if (delimiter === null) return isKeywordHeader(first.fields[0] ?? "") ? 0 : -1;
  const widths = records.slice(0, 50).map((r) => r.fields.length);
  const tableWidth = Math.max(...widths);
  const limit = Math.min(HEADER_SEARCH_RECORDS, records.length);
  for (let i = 0; i < limit; i++) {
    const fields = (records[i] as CsvRecord).fields;
    if (fields.length < 2 && i + 1 < records.length) continue;
    if (fields.some(isKeywordHeader) || scoreFormats(fields).length || nonKeywordSheet(fields))
      return i;
  }
  for (let i = 0; i < limit; i++) {
    const fields = (records[i] as CsvRecord).fields;
    if (fields.length < Math.min(2, tableWidth)) continue;
    const texty = fields.every((f) => f.trim() !== "" && !/^[\d\s.,%$€£+-]+$/.test(f));
    return texty ? i : -1;
  }
  return -1;
}

function voteLocale(rows: string[][], mapping: ColumnMapping, delimiter: Delimiter): NumberLocale {
  let en = 0;
  let eu = 0;
  for (const field of NUMERIC_FIELDS) {
    for (const column of mapping[field] ?? []) {
      for (const row of rows) {
        const vote = numberLocaleVote(row[column] ?? "");
        if (vote === "en") en++;
        else if (vote === "eu") eu++;
      }
    }
  }
  if (en || eu) return eu > en ? "eu" : "en";
  return delimiter === ";" ? "eu" : "en";
}

/** Reads preview rows, flagging repeats within them the same way the full parse does. */
function previewRows(records: CsvRecord[], ctx: RowContext): ImportItem[] {
  const seen = new Map<string, number>();
  const items: ImportItem[] = [];
  let row = 0;
  for (const record of records) {
    if (items.length >= PREVIEW_ROWS) break;
    if (isBlankRow(record.fields)) continue;
    row++;
    const result = readRow(record.fields, { line: record.line, row }, ctx);
    if (result.kind === "rejected") {
      items.push(result);
      continue;
    }
    const first = seen.get(result.normalizedKey);
    if (first !== undefined) items.push(markDuplicate(result, first));
    else {
      seen.set(result.normalizedKey, result.line);
      items.push(result);
    }
  }
  return items;
}

/**
 * Looks at the first bytes of an upload (64 KB is enough) and says how to read it: encoding,
 * delimiter, header row, tool and column mapping, with a preview. Refuses binary, empty, too
 * large and wrongly encoded files, and Search Console sheets that hold no queries.
 */
export function detect(firstBytes: Uint8Array, options: DetectOptions = {}): Detection {
  const maxBytes = options.maxBytes ?? MAX_FILE_BYTES;
  checkDeclaredSize(options.declaredSize, maxBytes);
  const sample =
    firstBytes.length > DETECT_SAMPLE_BYTES
      ? firstBytes.subarray(0, DETECT_SAMPLE_BYTES)
      : firstBytes;
  const final =
    sample.length === firstBytes.length &&
    (options.final ?? firstBytes.length < DETECT_SAMPLE_BYTES);
  if (final && firstBytes.length > maxBytes) throw tooLarge(firstBytes.length, maxBytes, false);
  const empty = () => importError("import.empty_file", "The file is empty.", {});
  if (sample.length === 0) throw empty();
  const info = sniffEncoding(sample);
  const text = decodeSample(sample, info, final);
  if (text.trim() === "") throw empty();

  const delimiter = detectDelimiter(text, final);
  const records = parseSample(text, delimiter, final);
  for (const record of records) checkRecordShape(record.fields, record.line);
  const headerIndex = findHeader(records, delimiter);
  const header = records[headerIndex];
  const width = Math.max(1, ...records.slice(0, 50).map((r) => r.fields.length));
  const headers = header ? header.fields.map((h) => h.replace(/^\ufeff/, "").trim()) : [];
  while (!header && headers.length < width) headers.push(`Column ${headers.length + 1}`);
  const dataRecords = records.slice(headerIndex + 1);
  if (final && !dataRecords.some((r) => !isBlankRow(r.fields))) {
    throw importError("import.no_data_rows", "The file has a header but no keyword rows.", {
      headers,
    });
  }

  const sheet = header ? nonKeywordSheet(headers) : null;
  if (sheet) {
    throw importError(
      "import.no_keyword_column",
      sheet === "gsc_filters"
        ? "This is the Search Console Filters.csv (export settings). Upload Queries.csv from the same export."
        : `This Search Console sheet lists ${headers[0]}, not queries. Upload Queries.csv from the same export.`,
      { sheet, headers },
    );
  }

  const candidates = header && delimiter !== null ? scoreFormats(headers) : [];
  const best = candidates[0];
  let format: FormatId;
  let confidence: number;
  let mapping: ColumnMapping;
  let mappingSource: Detection["mappingSource"] = "format";
  let proposal: MappingProposal | null = null;
  const notes: string[] = [];

  if (width === 1 && delimiter === null) {
    format = "plain_list";
    confidence = header ? 0.95 : 0.9;
    mapping = { keyword: [0] };
    if (!header) notes.push("No header row: every line is read as a keyword.");
  } else if (best && best.confidence >= CONFIDENT) {
    format = best.format;
    confidence = best.confidence;
    mapping = formatMapping(format, headers);
    notes.push(...formatNotes(format));
  } else {
    format = "generic";
    proposal = proposeMapping(
      headers,
      dataRecords.slice(0, 50).map((r) => r.fields),
    );
    mapping = proposalToMapping(proposal);
    mappingSource = "proposed";
    confidence = Math.round(Math.min(0.6, (proposal.keyword?.score ?? 0) * 0.6) * 100) / 100;
    if (best) {
      notes.push(`Looks like ${best.label} (confidence ${best.confidence}); confirm the columns.`);
    }
  }
  if (options.mapping) {
    mapping = resolveMapping(options.mapping, headers);
    mappingSource = "explicit";
  }
  if (!mapping.keyword?.length) {
    throw importError(
      "import.no_keyword_column",
      "No column of this file holds keywords. Choose the keyword column.",
      { headers, proposal },
    );
  }

  const numberLocale =
    options.numberLocale ??
    voteLocale(
      dataRecords.slice(0, 50).map((r) => r.fields),
      mapping,
      delimiter,
    );
  const preview = previewRows(dataRecords, {
    headers,
    mapping,
    numberLocale,
    normalize: { locale: options.keywordLocale },
    includeRaw: false,
  });
  if (preview.some((item) => item.kind !== "rejected" && item.volumeLow !== null)) {
    notes.push(
      "Volumes are given as ranges: the midpoint is used as the volume, with the bounds kept.",
    );
  }
  return {
    encoding: info.encoding,
    bom: info.bom,
    delimiter,
    format,
    formatLabel: formatLabel(format),
    confidence,
    candidates,
    headerLine: header ? header.line : null,
    headerIndex,
    headers,
    mapping,
    mappingSource,
    needsConfirmation: mappingSource === "proposed",
    proposal,
    numberLocale,
    preview,
    notes,
  };
}
