import { createHash } from "node:crypto";
import { z } from "zod";
import { useAccount, useActor } from "../actor";
import { Authz } from "../authz";
import { settings } from "../config";
import { Page } from "../pagination";
import { Execution, Pipelines } from "../pipelines";
import { SectorId } from "../sector";
import { SiteId } from "../site";
import { siteEntity } from "../site/site.entity";
import { Storage } from "../storage";
import { isVisibleError, VisibleError } from "../util/error";
import { fn } from "../util/fn";
import { createId, idPattern } from "../util/id";
import { fromRecord } from "./fields";
import { DETECT_SAMPLE_BYTES, type Detection, detect, FIELDS, type ImportItem as ParsedRow, MAX_FILE_BYTES, type MappingInput, openKeywordFile } from "./import";
import { type ImportItem, type ImportStatus, importEntity, importedFileEntity, importStatuses } from "./import.entity";
import { createObjectWriter, openRead, readHead } from "./objects";
import { toCsvRow } from "./export";
import { mapLimited } from "./store";
import { createWriter, type IncomingRow, type RowResult } from "./writer";

/**
 * Keyword file imports, the database side of the parser in ./import.
 *
 * 1. create: the import record and a presigned PUT URL (tmp/<account>/uploads/<import id>/<name>);
 *    declared sizes over the limit and non-text types are refused before any upload.
 * 2. start: detection on the uploaded object's first 64 KB. When detection is unsure the import
 *    waits for a confirmed mapping (setMapping, then start); otherwise the keyword-import
 *    pipeline starts.
 * 3. The pipeline's Validate step reads the whole object once through the parser WITHOUT
 *    writing anything (file-level problems, a CSV bomb, a wrong encoding deep in the file: the
 *    import fails with nothing written) and hashes it. A file already imported into the sector
 *    (same SHA-256) ends as "unchanged" without a second pass.
 * 4. Its Write step streams the object again (only if it is still the same object: If-Match on
 *    the ETag the first pass saw) and writes batches through the keyword writer: de-duplicated
 *    per sector, merged, `max_keywords` taken per transaction. Each row gets a line in the
 *    report (created, merged, duplicate in file, rejected with the reason). A retried step
 *    re-applies the file: what the first attempt wrote is found and counted as created again,
 *    nothing is written twice.
 */

export const ImportId = z.string().regex(idPattern("keywordImport"), "not an import id").meta({ example: "imp_01hz3v5k8q2w4e6r8t0y2u4i6o" });

export const pipeline = "keyword-import";

/** Data rows per write batch (one keyword.added event, one progress item each). */
export const BATCH_ROWS = 250;

const UPLOAD_EXPIRES_SECONDS = 3600;
const REPORT_EXPIRES_SECONDS = 3600;

const textTypes = new Set([
  "text/csv",
  "text/plain",
  "text/tab-separated-values",
  "text/tsv",
  "application/csv",
  "application/vnd.ms-excel",
  "application/octet-stream",
]);
const spreadsheetTypes = /spreadsheetml|ms-excel\.sheet|opendocument\.spreadsheet|application\/zip|application\/pdf|^image\//;

const Mapping = z
  .partialRecord(
    z.enum(FIELDS),
    z.union([z.string().max(200), z.number().int().min(0).max(199), z.array(z.union([z.string().max(200), z.number().int().min(0).max(199)])).max(60), z.null()]),
  )
  .meta({ id: "KeywordImportMapping", description: "Field → header name or 0-based column index (several for trend, cpc, intent, serpUrls)" });

const PreviewRow = z.object({
  line: z.number().int(),
  row: z.number().int(),
  kind: z.enum(["row", "duplicate", "rejected"]),
  keyword: z.string().nullable(),
  volume: z.number().nullable(),
  difficulty: z.number().nullable(),
  cpc: z.number().nullable(),
  intent: z.string().nullable(),
  reason: z.string().nullable(),
});

export const DetectionInfo = z
  .object({
    format: z.string(),
    formatLabel: z.string(),
    confidence: z.number(),
    encoding: z.string(),
    delimiter: z.string().nullable(),
    headerLine: z.number().int().nullable(),
    headers: z.array(z.string()),
    mapping: z.record(z.string(), z.array(z.number().int())).meta({ description: "Field → column indexes used" }),
    mappingByHeader: z.record(z.string(), z.array(z.string())).meta({ description: "Field → header names used" }),
    mappingSource: z.enum(["format", "explicit", "proposed"]),
    needsConfirmation: z.boolean(),
    proposal: z.record(z.string(), z.object({ columns: z.array(z.number().int()), score: z.number() })).nullable(),
    numberLocale: z.string(),
    candidates: z.array(z.object({ format: z.string(), label: z.string(), confidence: z.number() })),
    notes: z.array(z.string()),
    preview: z.array(PreviewRow),
  })
  .meta({ id: "KeywordImportDetection" });
export type DetectionInfo = z.infer<typeof DetectionInfo>;

export const Summary = z
  .object({
    format: z.string(),
    dataRows: z.number().int().meta({ description: "Rows with content after the header" }),
    created: z.number().int().meta({ description: "New keywords" }),
    merged: z.number().int().meta({ description: "Rows merged into a keyword the sector already had" }),
    updated: z.number().int().meta({ description: "Existing keywords whose values the merge changed" }),
    duplicates: z.number().int().meta({ description: "Rows repeating an earlier row of the same file (merged into it)" }),
    rejected: z.number().int(),
    rejectedByReason: z.record(z.string(), z.number().int()),
    limitReached: z.boolean().meta({ description: "max_keywords stopped some rows (reason plan.limit_reached)" }),
  })
  .meta({ id: "KeywordImportSummary" });
export type Summary = z.infer<typeof Summary>;

export const Info = z
  .object({
    importId: ImportId,
    siteId: SiteId,
    sectorId: SectorId,
    fileName: z.string(),
    declaredSize: z.number().int(),
    contentType: z.string(),
    status: z.enum(importStatuses),
    tags: z.array(z.string()),
    detection: DetectionInfo.nullable(),
    mapping: Mapping.nullable().meta({ description: "The mapping a person confirmed, if any" }),
    executionId: z.string().nullable(),
    progress: z
      .object({
        totalRows: z.number().int().nullable(),
        doneRows: z.number().int(),
        created: z.number().int(),
        merged: z.number().int(),
        duplicates: z.number().int(),
        rejected: z.number().int(),
      })
      .nullable(),
    summary: Summary.nullable(),
    duplicateOf: z.string().nullable().meta({ description: "Unchanged: the earlier import of the same file" }),
    error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()) }).nullable(),
    hasReport: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "KeywordImport" });
export type Info = z.infer<typeof Info>;

function serialize(item: ImportItem): Info {
  return {
    importId: item.importId,
    siteId: item.siteId,
    sectorId: item.sectorId,
    fileName: item.fileName,
    declaredSize: item.declaredSize,
    contentType: item.contentType,
    status: item.status,
    tags: item.tags ?? [],
    detection: (item.detection as DetectionInfo | undefined) ?? null,
    mapping: (item.mapping as Info["mapping"] | undefined) ?? null,
    executionId: item.executionId ?? null,
    progress: (item.progress as Info["progress"] | undefined) ?? null,
    summary: (item.summary as Summary | undefined) ?? null,
    duplicateOf: item.duplicateOf ?? null,
    error: (item.error as Info["error"] | undefined) ?? null,
    hasReport: Boolean(item.reportKey),
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}

/** The detection as the API shows it (preview rows trimmed to the useful fields). */
export function describeDetection(detection: Detection): DetectionInfo {
  const byHeader: Record<string, string[]> = {};
  const mapping: Record<string, number[]> = {};
  for (const [field, columns] of Object.entries(detection.mapping)) {
    if (!columns?.length) continue;
    mapping[field] = columns;
    byHeader[field] = columns.map((i) => detection.headers[i] ?? `Column ${i + 1}`);
  }
  return {
    format: detection.format,
    formatLabel: detection.formatLabel,
    confidence: detection.confidence,
    encoding: detection.encoding,
    delimiter: detection.delimiter,
    headerLine: detection.headerLine,
    headers: detection.headers,
    mapping,
    mappingByHeader: byHeader,
    mappingSource: detection.mappingSource,
    needsConfirmation: detection.needsConfirmation,
    proposal: detection.proposal as DetectionInfo["proposal"],
    numberLocale: detection.numberLocale,
    candidates: detection.candidates.map((c) => ({ format: c.format, label: c.label, confidence: c.confidence })),
    notes: detection.notes,
    preview: detection.preview.map((row) =>
      row.kind === "rejected"
        ? { line: row.line, row: row.row, kind: row.kind, keyword: row.value, volume: null, difficulty: null, cpc: null, intent: null, reason: row.reason }
        : { line: row.line, row: row.row, kind: row.kind, keyword: row.keyword, volume: row.volume, difficulty: row.difficulty, cpc: row.cpc, intent: row.intent, reason: null },
    ),
  };
}

const notFound = (importId: string) =>
  new VisibleError("not_found", "keyword_import.not_found", "No such keyword import in this site", { importId });

async function load(siteId: string, importId: string): Promise<ImportItem> {
  const result = await importEntity().get({ accountId: useAccount(), siteId, importId }).go({ consistent: true });
  if (!result.data) throw notFound(importId);
  return result.data;
}

async function patch(
  siteId: string,
  importId: string,
  set: Record<string, unknown>,
  options: { from?: ImportStatus[]; remove?: "error"[] } = {},
) {
  let operation = importEntity().patch({ accountId: useAccount(), siteId, importId }).set(set);
  if (options.remove?.length) operation = operation.remove(options.remove);
  if (options.from) {
    const from = options.from;
    operation = operation.where((attr, op) => from.map((status) => op.eq(attr.status, status)).join(" OR "));
  }
  const result = await operation.go({ response: "all_new" });
  return result.data as ImportItem;
}

/** The language keywords of a site are lower-cased with (tr, az, lt have their own rules). */
export async function keywordLocale(siteId: string): Promise<string | undefined> {
  const site = await siteEntity().get({ accountId: useAccount(), siteId }).go({ attributes: ["language"] });
  return site.data?.language;
}

// ---------------------------------------------------------------- routes' side

export const CreateInput = z
  .strictObject({
    siteId: SiteId,
    sectorId: SectorId,
    fileName: z.string().trim().min(1).max(255),
    size: z.number().int().min(0).meta({ description: "The file's size in bytes, as the browser reports it" }),
    contentType: z.string().trim().max(200).default("text/csv"),
    tags: z.array(z.string().trim().min(1).max(40)).max(20).optional().meta({ description: "Added to every imported keyword" }),
  })
  .meta({ id: "KeywordImportCreate" });

export const Upload = z
  .object({
    url: z.string(),
    method: z.literal("PUT"),
    headers: z.record(z.string(), z.string()).meta({ description: "Send exactly these headers with the PUT" }),
    expiresAt: z.string(),
  })
  .meta({ id: "KeywordImportUpload" });

function refuseType(fileName: string, contentType: string) {
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  const extension = /\.([a-z0-9]{1,8})$/i.exec(fileName)?.[1]?.toLowerCase();
  const binaryExtension = extension && ["xlsx", "xls", "ods", "numbers", "zip", "gz", "pdf", "png", "jpg", "jpeg", "docx"].includes(extension);
  if (spreadsheetTypes.test(type) || binaryExtension || (type && !textTypes.has(type) && !type.startsWith("text/"))) {
    throw new VisibleError("input", "import.content_type_unsupported", "Upload a CSV, TSV or TXT export (save spreadsheets as CSV first)", {
      fields: [{ path: "contentType", message: `${type || extension} is not a text file type` }],
    });
  }
}

/** Creates an import and the URL to PUT the file to. */
export const create = fn(CreateInput, async ({ siteId, sectorId, fileName, size, contentType, tags }) => {
  await Authz.assert("planner.write", { siteId, sectorId });
  if (size > MAX_FILE_BYTES) {
    throw new VisibleError(
      "input",
      "import.too_large",
      `The file is declared as ${Math.round(size / 1024 / 1024)} MB; the limit is ${MAX_FILE_BYTES / 1024 / 1024} MB. Split it into smaller files.`,
      { fields: [{ path: "size", message: `at most ${MAX_FILE_BYTES} bytes` }], bytes: size, limit: MAX_FILE_BYTES, declared: true },
    );
  }
  if (size === 0) {
    throw new VisibleError("input", "import.empty_file", "The file is empty.", { fields: [{ path: "size", message: "the file has no bytes" }] });
  }
  refuseType(fileName, contentType);
  const accountId = useAccount();
  const importId = createId("keywordImport");
  const safeName =
    (fileName.split(/[/\\]/).pop() ?? "").replace(/[^A-Za-z0-9._-]/g, "_").replace(/^[._-]+/, "").slice(0, 128) || "keywords.csv";
  const objectKey = `${Storage.tmpPrefix}${accountId}/uploads/${importId}/${safeName}`;
  const actor = useActor();
  const now = new Date().toISOString();
  const item = {
    accountId,
    siteId,
    importId,
    sectorId,
    fileName,
    declaredSize: size,
    contentType,
    objectKey,
    ...(tags?.length ? { tags: [...new Set(tags)] } : {}),
    status: "awaiting_upload" as const,
    ...(actor.type === "user" ? { createdBy: actor.properties.userId } : {}),
    createdAt: now,
    updatedAt: now,
  };
  await importEntity().create(item).go();
  const url = await Storage.presignPut(objectKey, { contentType, expiresIn: UPLOAD_EXPIRES_SECONDS });
  return {
    import: serialize(item as ImportItem),
    upload: {
      url,
      method: "PUT" as const,
      headers: { "content-type": contentType },
      expiresAt: new Date(Date.now() + UPLOAD_EXPIRES_SECONDS * 1000).toISOString(),
    },
  };
});

export const ListInput = z.strictObject({ siteId: SiteId, ...Page.Query }).meta({ id: "KeywordImportListQuery" });

export const list = fn(ListInput, async ({ siteId, cursor, limit }): Promise<Page.Result<Info>> => {
  await Authz.assert("planner.read", { siteId });
  const accountId = useAccount();
  const scope = JSON.stringify(["keyword-imports", accountId, siteId]);
  const result = await importEntity()
    .query.byId({ accountId, siteId })
    .go({ cursor: Page.decode(cursor, scope) ?? null, count: limit, order: "desc" });
  return { items: result.data.map(serialize), cursor: Page.encode(result.cursor, scope) };
});

const Key = z.strictObject({ siteId: SiteId, importId: ImportId });

export const get = fn(Key, async ({ siteId, importId }) => {
  await Authz.assert("planner.read", { siteId });
  return serialize(await load(siteId, importId));
});

/** Problems a confirmed mapping can fix: the import waits for one instead of failing. */
function fixableByMapping(error: VisibleError): boolean {
  return (
    error.code === "import.mapping_invalid" ||
    error.code === "import.mapping_required" ||
    (error.code === "import.no_keyword_column" && error.details.sheet === undefined)
  );
}

function errorRecord(error: VisibleError) {
  const { fields, ...details } = error.details;
  return { code: error.code, message: error.message, details: JSON.parse(JSON.stringify({ ...details, ...(fields ? { fields } : {}) })) };
}

/** Runs detection on the uploaded object; file-level problems fail the import (with the reason). */
async function detectUpload(record: ImportItem, mapping: MappingInput | undefined, options: { recordFailure: boolean }) {
  const head = await Storage.head(record.objectKey);
  if (!head) {
    throw new VisibleError("conflict", "import.not_uploaded", "Upload the file to the upload URL first", { importId: record.importId });
  }
  try {
    const sample = await readHead(record.objectKey, DETECT_SAMPLE_BYTES);
    const detection = detect(sample, {
      declaredSize: head.size,
      final: head.size <= sample.length,
      mapping,
      keywordLocale: await keywordLocale(record.siteId),
    });
    return { detection, head };
  } catch (error) {
    if (options.recordFailure && isVisibleError(error) && error.code.startsWith("import.")) {
      const fixable = fixableByMapping(error);
      await patch(record.siteId, record.importId, {
        error: errorRecord(error),
        ...(fixable ? { status: "needs_mapping" } : { status: "failed" }),
      });
    }
    throw error;
  }
}

export const StartInput = z
  .strictObject({
    siteId: SiteId,
    importId: ImportId,
    mapping: Mapping.optional().meta({ description: "Confirms the columns (same as PUT .../mapping first)" }),
    reimport: z.boolean().optional().meta({ description: "Import even if this exact file was imported into the sector before" }),
  })
  .meta({ id: "KeywordImportStart" });

export const StartResult = z
  .object({
    import: Info,
    detection: DetectionInfo,
    started: z.boolean().meta({ description: "false: confirm the mapping (PUT .../mapping) and start again" }),
    executionId: z.string().nullable(),
  })
  .meta({ id: "KeywordImportStarted" });

/** Detects the uploaded file and starts the import, or asks for the mapping when detection is unsure. */
export const start = fn(StartInput, async ({ siteId, importId, mapping, reimport }) => {
  await Authz.assert("planner.write", { siteId });
  const record = await load(siteId, importId);
  if (["queued", "validating", "importing", "succeeded", "unchanged"].includes(record.status)) {
    if (!record.detection) throw new VisibleError("conflict", "import.already_started", "This import has already started");
    return { import: serialize(record), detection: record.detection as DetectionInfo, started: true, executionId: record.executionId ?? null };
  }
  if (record.status === "failed") {
    throw new VisibleError("conflict", "import.failed", "This import failed; upload the file again as a new import", {
      importId,
    });
  }
  if (settings().IGNY8_PIPELINES === "local" && !Pipelines.hasRunner()) {
    throw new VisibleError("unavailable", "pipeline.runner_missing", "No local pipeline runner is running; start the local cloud with `pnpm dev`");
  }
  const confirmed = (mapping ?? record.mapping) as MappingInput | undefined;
  const { detection, head } = await detectUpload(record, confirmed, { recordFailure: true });
  const described = describeDetection(detection);
  if (detection.needsConfirmation && !confirmed) {
    const updated = await patch(siteId, importId, { status: "needs_mapping", detection: described }, { remove: ["error"] });
    return { import: serialize(updated), detection: described, started: false, executionId: null };
  }
  try {
    await patch(
      siteId,
      importId,
      {
        status: "queued",
        detection: described,
        size: head.size,
        ...(mapping ? { mapping } : {}),
        ...(reimport ? { reimport: true } : {}),
      },
      { from: ["awaiting_upload", "needs_mapping"], remove: ["error"] },
    );
  } catch (error) {
    if (!String(error).includes("conditional request failed")) throw error;
    // Another start won the race: answer with its state.
    const current = await load(siteId, importId);
    return { import: serialize(current), detection: described, started: true, executionId: current.executionId ?? null };
  }
  let executionId: string;
  try {
    // Started once: only the request that moved the import to "queued" gets here.
    executionId = await Pipelines.start(pipeline, { siteId, importId });
  } catch (error) {
    // Not started: the import can be started again.
    await patch(siteId, importId, { status: record.status }, { from: ["queued"] }).catch(() => undefined);
    throw error;
  }
  const started = await patch(siteId, importId, { executionId });
  return { import: serialize(started), detection: described, started: true, executionId };
});

export const MappingInputSchema = z
  .strictObject({ siteId: SiteId, importId: ImportId, mapping: Mapping })
  .meta({ id: "KeywordImportMappingUpdate" });

/** Checks a mapping against the uploaded file and keeps it; answers the detection read with it. */
export const setMapping = fn(MappingInputSchema, async ({ siteId, importId, mapping }) => {
  await Authz.assert("planner.write", { siteId });
  const record = await load(siteId, importId);
  if (record.status !== "awaiting_upload" && record.status !== "needs_mapping") {
    throw new VisibleError("conflict", "import.already_started", "The mapping can only change before the import starts", {
      importId,
      status: record.status,
    });
  }
  const { detection } = await detectUpload(record, mapping as MappingInput, { recordFailure: false });
  const described = describeDetection(detection);
  const updated = await patch(siteId, importId, { mapping, detection: described, status: "needs_mapping" }, { remove: ["error"] });
  return { import: serialize(updated), detection: described };
});

export const ReportLink = z.object({ url: z.string(), expiresAt: z.string() }).meta({ id: "KeywordImportReport" });

/** A presigned URL of the row-level report (CSV: line, keyword, outcome, reason...). */
export const report = fn(Key, async ({ siteId, importId }) => {
  await Authz.assert("planner.read", { siteId });
  const record = await load(siteId, importId);
  if (!record.reportKey) {
    throw new VisibleError("not_found", "keyword_import.no_report", "This import has no report yet", { importId, status: record.status });
  }
  const url = await Storage.presignGet(record.reportKey, {
    expiresIn: REPORT_EXPIRES_SECONDS,
    downloadName: `${record.fileName.replace(/\.[a-z0-9]{1,8}$/i, "")}-report.csv`,
  });
  return { url, expiresAt: new Date(Date.now() + REPORT_EXPIRES_SECONDS * 1000).toISOString() };
});

// ---------------------------------------------------------------- the pipeline's side

/** A file-level problem found by the validation pass: not retried, the import is failed. */
export class InvalidFileError extends Error {
  override name = "InvalidFile";
}

async function* hashed(source: AsyncIterable<Uint8Array>, hash: ReturnType<typeof createHash>): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    hash.update(chunk);
    yield chunk;
  }
}

async function failWith(record: ImportItem, error: VisibleError): Promise<never> {
  await patch(record.siteId, record.importId, { status: "failed", error: errorRecord(error) });
  throw new InvalidFileError(`${error.code}: ${error.message}`);
}

/**
 * Validate step: reads the whole object through the parser, writing nothing, and hashes it.
 * Returns whether the Write step should run (false when this file was imported before).
 */
export async function validate(input: { siteId: string; importId: string; executionId: string }) {
  const { siteId, importId, executionId } = input;
  await Execution.begin({ executionId, pipeline, input: { siteId, importId } });
  const record = await load(siteId, importId);
  if (record.status === "unchanged") return { proceed: false };
  if (record.status !== "queued" && record.status !== "validating" && record.status !== "importing") {
    throw new InvalidFileError(`import.not_startable: the import is ${record.status}`);
  }
  await patch(siteId, importId, { status: "validating" });
  const head = await Storage.head(record.objectKey);
  if (!head) return failWith(record, new VisibleError("input", "import.not_uploaded", "The uploaded file is gone (uploads expire); upload it again"));
  const hash = createHash("sha256");
  const locale = await keywordLocale(siteId);
  let summary: { dataRows: number; accepted: number; duplicates: number; rejected: number; rejectedByReason: Record<string, number>; format: string };
  try {
    const source = hashed(await openRead(record.objectKey, { ifMatch: head.etag }), hash);
    const file = await openKeywordFile(source, {
      declaredSize: head.size,
      mapping: (record.mapping as MappingInput | undefined) ?? undefined,
      keywordLocale: locale,
      dedupe: true,
    });
    for await (const _ of file.rows()) {
      // Counting only: the summary is filled as rows are read.
    }
    summary = { ...file.summary, rejectedByReason: { ...file.summary.rejectedByReason } };
  } catch (error) {
    if (isVisibleError(error) && error.code.startsWith("import.")) return failWith(record, error);
    throw error;
  }
  if (summary.accepted === 0) {
    return failWith(
      record,
      new VisibleError("input", "import.no_keywords", "No row of the file holds a keyword that can be imported.", {
        dataRows: summary.dataRows,
        rejectedByReason: summary.rejectedByReason,
      }),
    );
  }
  const contentHash = hash.digest("hex");
  const chunks = Math.ceil(summary.dataRows / BATCH_ROWS);
  await Execution.setTotal(executionId, chunks);
  const earlier = await importedFileEntity().get({ accountId: useAccount(), siteId, sectorId: record.sectorId, contentHash }).go();
  if (earlier.data && earlier.data.importId !== importId && !record.reimport) {
    await patch(siteId, importId, { status: "unchanged", duplicateOf: earlier.data.importId, contentHash, size: head.size, etag: head.etag });
    return { proceed: false };
  }
  await patch(siteId, importId, {
    status: "importing",
    contentHash,
    size: head.size,
    ...(head.etag ? { etag: head.etag } : {}),
    progress: { totalRows: summary.dataRows, doneRows: 0, created: 0, merged: 0, duplicates: 0, rejected: 0 },
  });
  return { proceed: true };
}

const REPORT_HEADER = ["Line", "Row", "Keyword", "Outcome", "Reason", "Message", "Keyword ID", "Duplicate of line"];

function reportLine(row: ParsedRow, result: RowResult | undefined): string {
  if (row.kind === "rejected") return toCsvRow([row.line, row.row, row.value, "rejected", row.reason, row.message, null, null]);
  const r = result as RowResult;
  if (r.outcome === "rejected") return toCsvRow([row.line, row.row, row.keyword, "rejected", r.reason, r.message, null, null]);
  const outcome = r.outcome === "created" ? "created" : r.into === "file" ? "duplicate" : r.changed ? "merged (updated)" : "merged (unchanged)";
  return toCsvRow([row.line, row.row, row.keyword, outcome, null, null, r.keywordId, row.kind === "duplicate" ? row.duplicateOf.line : null]);
}

/**
 * Write step: streams the file again and writes it in batches, with the row report and progress.
 * Safe to run again after a failure (see the module comment).
 */
export async function write(input: { siteId: string; importId: string; executionId: string }): Promise<Summary> {
  const { siteId, importId, executionId } = input;
  const record = await load(siteId, importId);
  if (record.status !== "importing") throw new InvalidFileError(`import.not_startable: the import is ${record.status}`);
  const detection = record.detection as DetectionInfo;
  const reportKey = Storage.siteKey(siteId, "imports", importId, "report.csv");
  const report = createObjectWriter(reportKey, { contentType: "text/csv; charset=utf-8" });
  const hash = createHash("sha256");
  const writer = createWriter({ siteId, sectorId: record.sectorId, source: detection.format, importId, tags: record.tags ?? [] });
  const counts = { created: 0, merged: 0, updated: 0, duplicates: 0, rejected: 0, rejectedByReason: {} as Record<string, number> };
  let doneRows = 0;
  let batch: ParsedRow[] = [];
  const totalRows = (record.progress as { totalRows?: number } | undefined)?.totalRows ?? null;

  const flush = async () => {
    if (batch.length === 0) return;
    const rows = batch;
    batch = [];
    const incoming: IncomingRow[] = rows.flatMap((row) =>
      row.kind === "rejected" ? [] : [{ ref: row.row, fields: fromRecord(row), kind: row.kind === "duplicate" ? ("duplicate" as const) : ("row" as const) }],
    );
    const { results } = incoming.length ? await writer.writeBatch(incoming) : { results: [] };
    const byRef = new Map(results.map((r) => [r.ref, r]));
    let lines = "";
    const chunk = { created: 0, merged: 0, duplicates: 0, rejected: 0 };
    for (const row of rows) {
      const result = row.kind === "rejected" ? undefined : byRef.get(row.row);
      lines += reportLine(row, result);
      const reason = row.kind === "rejected" ? row.reason : result?.outcome === "rejected" ? result.reason : null;
      if (reason) {
        chunk.rejected++;
        counts.rejectedByReason[reason] = (counts.rejectedByReason[reason] ?? 0) + 1;
      } else if (result?.outcome === "created") chunk.created++;
      else if (result?.outcome === "merged" && result.into === "file") chunk.duplicates++;
      else if (result?.outcome === "merged") {
        chunk.merged++;
        if (result.changed) counts.updated++;
      }
    }
    await report.write(lines);
    counts.created += chunk.created;
    counts.merged += chunk.merged;
    counts.duplicates += chunk.duplicates;
    counts.rejected += chunk.rejected;
    const first = doneRows + 1;
    doneRows += rows.length;
    const item = `rows ${String(first).padStart(7, "0")}-${String(doneRows).padStart(7, "0")}`;
    await Promise.all([
      Execution.itemSucceeded(executionId, item, { detail: chunk }),
      patch(siteId, importId, {
        progress: { totalRows, doneRows, created: counts.created, merged: counts.merged, duplicates: counts.duplicates, rejected: counts.rejected },
      }),
    ]);
  };

  try {
    await report.write(`\ufeff${toCsvRow(REPORT_HEADER)}`);
    const source = hashed(await openRead(record.objectKey, record.etag ? { ifMatch: record.etag } : {}), hash);
    const file = await openKeywordFile(source, {
      declaredSize: record.size,
      mapping: (record.mapping as MappingInput | undefined) ?? undefined,
      keywordLocale: await keywordLocale(siteId),
      dedupe: true,
    });
    for await (const row of file.rows()) {
      batch.push(row);
      if (batch.length >= BATCH_ROWS) await flush();
    }
    await flush();
    if (hash.digest("hex") !== record.contentHash) {
      throw new VisibleError("conflict", "import.file_changed", "The file changed while it was imported; upload it again");
    }
  } catch (error) {
    await report.abort();
    if (isVisibleError(error) && error.code.startsWith("import.")) return failWith(record, error);
    throw error;
  }
  await report.end();
  const summary: Summary = {
    format: detection.format,
    dataRows: doneRows,
    created: counts.created,
    merged: counts.merged,
    updated: counts.updated,
    duplicates: counts.duplicates,
    rejected: counts.rejected,
    rejectedByReason: counts.rejectedByReason,
    limitReached: (counts.rejectedByReason["plan.limit_reached"] ?? 0) > 0,
  };
  await patch(siteId, importId, { summary, reportKey });
  return summary;
}

/** Finish step: the import and the execution end (succeeded, or unchanged for a repeated file). */
export async function finish(input: { siteId: string; importId: string; executionId: string }) {
  const { siteId, importId, executionId } = input;
  const record = await load(siteId, importId);
  if (record.status === "importing") {
    const summary = record.summary as Summary;
    // Remember the file, unless the plan's limit stopped part of it (importing it again may add more).
    if (record.contentHash && !summary.limitReached) {
      await importedFileEntity()
        .put({
          accountId: useAccount(),
          siteId,
          sectorId: record.sectorId,
          contentHash: record.contentHash,
          importId,
          importedAt: new Date().toISOString(),
        })
        .go();
    }
    await patch(siteId, importId, { status: "succeeded" }, { from: ["importing"] }).catch(() => undefined);
  }
  const final = await load(siteId, importId);
  const result = { importId, status: final.status, summary: final.summary ?? null, duplicateOf: final.duplicateOf ?? null };
  await Execution.finish(executionId, "succeeded", { result });
  return result;
}

/** The failure path: the import is failed (keeping a reason already recorded) and so is the execution. */
export async function fail(input: { siteId?: string; importId?: string; executionId: string; reason: string }) {
  await Execution.begin({ executionId: input.executionId, pipeline });
  if (input.siteId && input.importId) {
    const record = await importEntity().get({ accountId: useAccount(), siteId: input.siteId, importId: input.importId }).go();
    if (record.data && record.data.status !== "failed") {
      await patch(input.siteId, input.importId, {
        status: "failed",
        error: { code: "import.failed", message: "The import stopped on an error; upload the file again.", details: { reason: input.reason.slice(0, 1000) } },
      });
    }
  }
  await Execution.finish(input.executionId, "failed", { error: input.reason });
}

/** A site's import records and their files go with it (keyword module's Site.onDelete hook). */
export async function removeAllImports(siteId: string) {
  const accountId = useAccount();
  const imports = await importEntity().query.byId({ accountId, siteId }).go({ pages: "all" });
  await mapLimited(imports.data, 4, async (record) => {
    await Storage.remove(record.objectKey).catch(() => undefined);
    if (record.reportKey) await Storage.remove(record.reportKey).catch(() => undefined);
    await importEntity().delete({ accountId, siteId, importId: record.importId }).go();
    if (record.contentHash) {
      await importedFileEntity().delete({ accountId, siteId, sectorId: record.sectorId, contentHash: record.contentHash }).go();
    }
  });
}
