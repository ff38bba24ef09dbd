import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { CsvError, type InfoRecord, type Options, parse } from "csv-parse";
import { parse as parseSync } from "csv-parse/sync";
import { importError, MAX_COLUMNS, MAX_FIELD_CHARS, MAX_RECORD_CHARS } from "./limits";

/** `null`: one keyword per line, no delimiter and no quoting (a plain list). */
export type Delimiter = "," | ";" | "\t" | "|" | null;
const CANDIDATES: Exclude<Delimiter, null>[] = [",", "\t", ";", "|"];

export interface CsvRecord {
  fields: string[];
  /** Physical line (1-based) where the record starts; quoted newlines make records span lines. */
  line: number;
}

function parserOptions(delimiter: Delimiter): Omit<Options, "on_record"> {
  return {
    // NUL never reaches the parser (binary files are refused), so it splits nothing.
    delimiter: delimiter ?? "\u0000",
    quote: delimiter === null ? false : '"',
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    max_record_size: MAX_RECORD_CHARS,
    bom: false,
  };
}

/**
 * Turns csv-parse's line count (the line where a record ends) into the line where it starts.
 * csv-parse counts a CRLF inside a quoted field as two lines; that is corrected here.
 */
export class LineCounter {
  private overcount = 0;

  startLine(fields: string[], endLine: number): number {
    let breaks = 0;
    for (const field of fields) {
      if (field.indexOf("\n") < 0 && field.indexOf("\r") < 0) continue;
      const crlf = field.split("\r\n").length - 1;
      this.overcount += crlf;
      breaks += (field.match(/\r\n|\r|\n/g) ?? []).length;
    }
    return endLine - this.overcount - breaks;
  }
}

/** Checks that bound a CSV bomb: column count and cell size. */
export function checkRecordShape(fields: string[], line: number): void {
  if (fields.length > MAX_COLUMNS) {
    throw importError(
      "import.too_many_columns",
      `Line ${line} has ${fields.length} columns; the limit is ${MAX_COLUMNS}.`,
      { line, columns: fields.length, limit: MAX_COLUMNS },
    );
  }
  for (const field of fields) {
    if (field.length > MAX_FIELD_CHARS) {
      throw importError(
        "import.field_too_large",
        `Line ${line} has a cell of ${field.length} characters; the limit is ${MAX_FIELD_CHARS}.`,
        { line, characters: field.length, limit: MAX_FIELD_CHARS },
      );
    }
  }
}

function csvFailure(error: unknown, fallbackLine: number): unknown {
  if (!(error instanceof CsvError)) return error;
  const line = (error as CsvError & { lines?: number }).lines ?? fallbackLine;
  if (error.code === "CSV_MAX_RECORD_SIZE") {
    return importError(
      "import.line_too_large",
      `Line ${line} is longer than ${MAX_RECORD_CHARS} characters.`,
      { line, limit: MAX_RECORD_CHARS },
      error,
    );
  }
  return importError(
    "import.malformed_csv",
    `The file is not valid CSV near line ${line}: ${error.message}`,
    { line, reason: error.code },
    error,
  );
}

/**
 * Parses the decoded sample. When the sample is only the start of the file, the last record
 * may be cut and is dropped, and an unterminated quote at the cut is not an error.
 */
export function parseSample(
  text: string,
  delimiter: Delimiter,
  final: boolean,
  lenient = false,
): CsvRecord[] {
  const records: CsvRecord[] = [];
  const lines = new LineCounter();
  try {
    parseSync(text, {
      ...parserOptions(delimiter),
      on_record: (fields: string[], info: InfoRecord) => {
        records.push({ fields, line: lines.startLine(fields, info.lines) });
        return null;
      },
    });
  } catch (error) {
    if (final && !lenient) throw csvFailure(error, (records.at(-1)?.line ?? 0) + 1);
    // Records emitted before the failure are whole; the failure is at the cut (or reported later).
    return records;
  }
  return final ? records : records.slice(0, -1);
}

/** The most common value and how many of `values` have it. */
function mode(values: number[]): { value: number; share: number } {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = { value: 1, count: 0 };
  for (const [value, count] of counts) {
    if (count > best.count || (count === best.count && value > best.value)) best = { value, count };
  }
  return { value: best.value, share: values.length ? best.count / values.length : 0 };
}

/**
 * Picks the delimiter that splits the sample into the most consistent number of columns
 * (more than one). A file that no delimiter splits consistently is a plain list.
 */
export function detectDelimiter(text: string, final: boolean): Delimiter {
  let best: { delimiter: Delimiter; score: number; width: number } = {
    delimiter: null,
    score: 0,
    width: 1,
  };
  const head = text.length > 32_768 ? text.slice(0, 32_768) : text;
  for (const delimiter of CANDIDATES) {
    // Lenient: a broken quote further down must not hide the delimiter (it is reported later).
    const records = parseSample(head, delimiter, final && head === text, true).slice(0, 60);
    const widths = records.map((r) => r.fields.length);
    // Preamble lines (Keyword Planner) come first: the table's width is read from the later
    // records, and consistency is judged from the first record of that width on.
    const { value } = mode(widths.slice(Math.floor(widths.length / 2)));
    if (value < 2) continue;
    const score = mode(widths.slice(widths.indexOf(value))).share;
    if (score > best.score + 0.05 || (Math.abs(score - best.score) <= 0.05 && value > best.width)) {
      best = { delimiter, score, width: value };
    }
  }
  return best.score >= 0.6 ? best.delimiter : null;
}

/** Waits until `stream` has data to read, has ended, or has failed. */
function readable(stream: Readable): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = () => {
      cleanup();
      resolve();
    };
    const fail = (error: unknown) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      stream.off("readable", done);
      stream.off("end", done);
      stream.off("close", done);
      stream.off("error", fail);
    };
    stream.on("readable", done);
    stream.on("end", done);
    stream.on("close", done);
    stream.on("error", fail);
  });
}

/**
 * Streams records from UTF-8 bytes with csv-parse, in batches of what the parser has ready
 * (one promise per batch rather than per record). Memory holds a chunk and its records.
 */
export async function* streamRecords(
  chunks: AsyncIterable<Buffer>,
  delimiter: Delimiter,
): AsyncGenerator<CsvRecord[]> {
  const lines = new LineCounter();
  const options: Options<CsvRecord, string[]> = {
    ...parserOptions(delimiter),
    on_record: (fields, info) => ({ fields, line: lines.startLine(fields, info.lines) }),
  };
  // csv-parse types the streaming parser's options for records kept as arrays only.
  const parser = parse(options as unknown as Options);
  const source = Readable.from(chunks, { objectMode: false });
  // Errors of the source reach the parser, which rethrows them to the loop below.
  const done = pipeline(source, parser).catch(() => undefined);
  let last = 0;
  try {
    for (;;) {
      const batch: CsvRecord[] = [];
      for (let record = parser.read(); record !== null; record = parser.read()) batch.push(record);
      if (batch.length) {
        last = (batch.at(-1) as CsvRecord).line;
        yield batch;
        continue;
      }
      if (parser.errored) throw parser.errored;
      if (parser.readableEnded || parser.destroyed) return;
      await readable(parser);
    }
  } catch (error) {
    throw csvFailure(error, last + 1);
  } finally {
    source.destroy();
    parser.destroy();
    await done;
  }
}
