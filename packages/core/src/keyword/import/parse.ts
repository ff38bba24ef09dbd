import { checkRecordShape, streamRecords } from "./csv";
import { checkDeclaredSize, type Detection, type DetectOptions, detect } from "./detect";
import { type TextEncoding, toUtf8Chunks } from "./encoding";
import type { FormatId } from "./formats";
import { DETECT_SAMPLE_BYTES, importError, MAX_FILE_BYTES, tooLarge } from "./limits";
import type { RejectReason } from "./normalize";
import { type ImportItem, isBlankRow, markDuplicate, type RowContext, readRow } from "./rows";

/** What the parser reads: a Node Readable, a web ReadableStream, any async iterable of bytes. */
export type ByteSource = AsyncIterable<Uint8Array> | ReadableStream<Uint8Array> | Uint8Array;

export interface ParseOptions extends DetectOptions {
  /** Attach each row's cells by header name (`raw`). */
  includeRaw?: boolean;
  /** Flag repeated keywords as duplicates (default true). Holds one entry per distinct keyword. */
  dedupe?: boolean;
}

export interface ImportSummary {
  format: FormatId;
  encoding: TextEncoding;
  bytes: number;
  /** Non-blank rows after the header: accepted + duplicates + rejected. */
  dataRows: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  rejectedByReason: Partial<Record<RejectReason, number>>;
  /** Rows whose cells were all empty; not counted as data. */
  blankRows: number;
}

const SLICE = 64 * 1024;

async function* fromBytes(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += SLICE) yield bytes.subarray(i, i + SLICE);
}

function toIterable(source: ByteSource): AsyncIterable<Uint8Array> {
  if (source instanceof Uint8Array) return fromBytes(source);
  return source as AsyncIterable<Uint8Array>;
}

// A Node Readable with an encoding set yields strings; read them back as UTF-8 bytes.
const asBytes = (value: Uint8Array | string): Uint8Array =>
  typeof value === "string" ? Buffer.from(value, "utf8") : value;

/** Reads the first bytes for detection, then replays them ahead of the rest of the stream. */
class Prefetch {
  private readonly iterator: AsyncIterator<Uint8Array>;
  private readonly buffered: Uint8Array[] = [];
  private size = 0;
  done = false;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  async fill(bytes: number): Promise<Uint8Array> {
    while (!this.done && this.size < bytes) {
      const next = await this.iterator.next();
      if (next.done) this.done = true;
      else if (next.value.length) {
        const chunk = asBytes(next.value);
        this.buffered.push(chunk);
        this.size += chunk.length;
      }
    }
    return Buffer.concat(this.buffered);
  }

  async *replay(): AsyncGenerator<Uint8Array> {
    while (this.buffered.length) yield this.buffered.shift() as Uint8Array;
    try {
      while (!this.done) {
        const next = await this.iterator.next();
        if (next.done) this.done = true;
        else yield asBytes(next.value);
      }
    } finally {
      if (!this.done) await this.iterator.return?.();
    }
  }
}

async function* limitBytes(
  chunks: AsyncIterable<Uint8Array>,
  maxBytes: number,
  counter: { bytes: number },
): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) {
    counter.bytes += chunk.length;
    if (counter.bytes > maxBytes) throw tooLarge(counter.bytes, maxBytes, false);
    yield chunk;
  }
}

export interface KeywordFile {
  detection: Detection;
  /** Counters, final once `rows()` has been read to the end. */
  summary: ImportSummary;
  /**
   * Every data row in file order: accepted, duplicate (same keyword as an earlier row) or
   * rejected with a reason. Throws a VisibleError for file-level problems, possibly after some
   * rows: the caller must treat the import as failed then. Can be read once.
   */
  rows(): AsyncGenerator<ImportItem, ImportSummary>;
  /**
   * The same items in file order, grouped as the parser produced them (up to a chunk's worth,
   * about 64 KB of input): one await per batch instead of per row, for bulk writers.
   * Either `rows()` or `batches()` can be read, once.
   */
  batches(): AsyncGenerator<ImportItem[], ImportSummary>;
}

/**
 * Opens an upload: reads the first 64 KB to detect how to read it (refusing bad files early),
 * then streams the rows on demand. Memory does not grow with the file, except for the
 * de-duplication index (one entry per distinct keyword).
 */
export async function openKeywordFile(
  source: ByteSource,
  options: ParseOptions = {},
): Promise<KeywordFile> {
  const maxBytes = options.maxBytes ?? MAX_FILE_BYTES;
  checkDeclaredSize(options.declaredSize, maxBytes);
  const prefetch = new Prefetch(toIterable(source));
  const sample = await prefetch.fill(DETECT_SAMPLE_BYTES);
  const detection = detect(sample, { ...options, final: prefetch.done });
  const summary: ImportSummary = {
    format: detection.format,
    encoding: detection.encoding,
    bytes: 0,
    dataRows: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    rejectedByReason: {},
    blankRows: 0,
  };
  let started = false;

  async function* batches(): AsyncGenerator<ImportItem[], ImportSummary> {
    if (started) throw new Error("the rows of a keyword file can be read once");
    started = true;
    if (detection.needsConfirmation && !options.mapping) {
      throw importError(
        "import.mapping_required",
        "The file's format was not recognised: confirm which column holds what.",
        { headers: detection.headers, proposal: detection.proposal, mapping: detection.mapping },
      );
    }
    const ctx: RowContext = {
      headers: detection.headers,
      mapping: detection.mapping,
      numberLocale: detection.numberLocale,
      normalize: { locale: options.keywordLocale },
      includeRaw: options.includeRaw ?? false,
    };
    const seen = options.dedupe === false ? null : new Map<string, number>();
    const bytes = limitBytes(prefetch.replay(), maxBytes, summary);
    let index = -1;
    for await (const records of streamRecords(
      toUtf8Chunks(bytes, detection),
      detection.delimiter,
    )) {
      const items: ImportItem[] = [];
      for (const record of records) {
        index++;
        checkRecordShape(record.fields, record.line);
        if (index <= detection.headerIndex) continue;
        if (isBlankRow(record.fields)) {
          summary.blankRows++;
          continue;
        }
        summary.dataRows++;
        const result = readRow(record.fields, { line: record.line, row: summary.dataRows }, ctx);
        if (result.kind === "rejected") {
          summary.rejected++;
          summary.rejectedByReason[result.reason] =
            (summary.rejectedByReason[result.reason] ?? 0) + 1;
          items.push(result);
          continue;
        }
        const first = seen?.get(result.normalizedKey);
        if (first !== undefined) {
          summary.duplicates++;
          items.push(markDuplicate(result, first));
          continue;
        }
        seen?.set(result.normalizedKey, result.line);
        summary.accepted++;
        items.push(result);
      }
      if (items.length) yield items;
    }
    if (summary.dataRows === 0) {
      throw importError("import.no_data_rows", "The file has a header but no keyword rows.", {
        headers: detection.headers,
      });
    }
    return summary;
  }

  async function* rows(): AsyncGenerator<ImportItem, ImportSummary> {
    const iterator = batches();
    let finished = false;
    try {
      for (let next = await iterator.next(); ; next = await iterator.next()) {
        if (next.done) {
          finished = true;
          return next.value;
        }
        yield* next.value;
      }
    } finally {
      // A consumer that stops early must stop the read too (closes the source stream).
      if (!finished) await iterator.return(summary);
    }
  }

  return { detection, summary, rows, batches };
}

/**
 * The whole parse as one async generator: yields every row (accepted, duplicate, rejected) and
 * returns the summary. Detection runs first; use `openKeywordFile` to inspect it before reading.
 */
export async function* parseKeywordFile(
  source: ByteSource,
  options: ParseOptions = {},
): AsyncGenerator<ImportItem, ImportSummary> {
  const file = await openKeywordFile(source, options);
  return yield* file.rows();
}
