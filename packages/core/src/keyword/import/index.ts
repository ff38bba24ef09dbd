export type { Delimiter } from "./csv";
export { type Detection, type DetectOptions, detect } from "./detect";
export type { EncodingInfo, TextEncoding } from "./encoding";
export { CONFIDENT, type FormatId, type FormatScore, scoreFormats } from "./formats";
export * as KeywordImport from "./index";
export {
  DETECT_SAMPLE_BYTES,
  type ImportErrorCode,
  MAX_COLUMNS,
  MAX_FIELD_CHARS,
  MAX_FILE_BYTES,
  MAX_KEYWORD_CHARS,
  MAX_RECORD_CHARS,
} from "./limits";
export {
  type ColumnMapping,
  FIELDS,
  type Field,
  type FieldProposal,
  type MappingInput,
  type MappingProposal,
} from "./mapping";
export { type NormalizedKeyword, normalizeKeyword, type RejectReason } from "./normalize";
export {
  type ByteSource,
  type ImportSummary,
  type KeywordFile,
  openKeywordFile,
  type ParseOptions,
  parseKeywordFile,
} from "./parse";
export type {
  AcceptedRow,
  DuplicateRow,
  ImportItem,
  KeywordRecord,
  RejectedRow,
} from "./rows";
export {
  type CompetitionLevel,
  INTENTS,
  type Intent,
  type NumberLocale,
  parseIntents,
  parseNumber,
  parsePercent,
  parseSerpFeatures,
  parseTrend,
  parseVolume,
  type VolumeValue,
} from "./values";
