import { VisibleError } from "../../util/error";

/** Largest keyword file accepted (bytes as uploaded). A 2 GB upload is refused from its declared size. */
export const MAX_FILE_BYTES = 200 * 1024 * 1024;
/** More columns than any real export has (Keyword Planner with 24 monthly columns stays under 50). */
export const MAX_COLUMNS = 200;
/** One cell larger than this is not a keyword export: a CSV bomb or a binary blob. */
export const MAX_FIELD_CHARS = 64 * 1024;
/** One record (line, or lines joined by quotes) larger than this is refused. */
export const MAX_RECORD_CHARS = 1024 * 1024;
/** Longest keyword kept; longer cells are rejected row by row. */
export const MAX_KEYWORD_CHARS = 200;
/** How many leading bytes `detect` reads: enough for the header and a preview of every real export. */
export const DETECT_SAMPLE_BYTES = 64 * 1024;
/** Records of the sample looked at for the header row (Keyword Planner puts two preamble lines first). */
export const HEADER_SEARCH_RECORDS = 12;

export type ImportErrorCode =
  | "import.binary_file"
  | "import.encoding_unsupported"
  | "import.empty_file"
  | "import.no_data_rows"
  | "import.too_large"
  | "import.too_many_columns"
  | "import.field_too_large"
  | "import.line_too_large"
  | "import.malformed_csv"
  | "import.no_keyword_column"
  | "import.mapping_required"
  | "import.mapping_invalid";

/** Every file-level failure of the parser: the whole file is refused, never half-imported. */
export function importError(
  code: ImportErrorCode,
  message: string,
  details: Record<string, unknown> = {},
  cause?: unknown,
): VisibleError {
  return new VisibleError("input", code, message, details, cause ? { cause } : undefined);
}

export function tooLarge(bytes: number, limit: number, declared: boolean): VisibleError {
  const mb = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;
  return importError(
    "import.too_large",
    `The file is ${declared ? "declared as " : "larger than "}${mb(bytes)}; the limit is ${mb(limit)}. Split it into smaller files.`,
    { bytes, limit, declared },
  );
}
