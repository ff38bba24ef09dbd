import { Entity } from "electrodb";
import { lazyEntity } from "../db";

export const importStatuses = [
  /** Created: waiting for the file at the upload URL. */
  "awaiting_upload",
  /** Detection was unsure: the column mapping must be confirmed (PUT .../mapping, then start). */
  "needs_mapping",
  /** Started: the pipeline will validate it. */
  "queued",
  /** First pass: the whole file is read and checked, nothing is written. */
  "validating",
  /** Second pass: keywords are written. */
  "importing",
  "succeeded",
  /** The same file (same content hash) was already imported into this sector: nothing changed. */
  "unchanged",
  "failed",
] as const;
export type ImportStatus = (typeof importStatuses)[number];

/** A keyword file import: the upload, its detection, progress, report and outcome. */
export const importEntity = lazyEntity(
  (config) =>
    new Entity(
      {
        model: { entity: "keywordImport", version: "1", service: "igny8" },
        attributes: {
          accountId: { type: "string", required: true, readOnly: true },
          siteId: { type: "string", required: true, readOnly: true },
          importId: { type: "string", required: true, readOnly: true },
          sectorId: { type: "string", required: true, readOnly: true },
          fileName: { type: "string", required: true, readOnly: true },
          declaredSize: { type: "number", required: true, readOnly: true },
          contentType: { type: "string", required: true, readOnly: true },
          objectKey: { type: "string", required: true, readOnly: true },
          tags: { type: "list", items: { type: "string" } },
          status: { type: importStatuses, required: true },
          /** What detection said (format, confidence, headers, mapping, preview). */
          detection: { type: "any" },
          /** The mapping a person confirmed (header names or column indexes per field). */
          mapping: { type: "any" },
          /** Import even when the same file was imported before. */
          reimport: { type: "boolean" },
          /** Size, ETag and SHA-256 of the object the validation pass read. */
          size: { type: "number" },
          etag: { type: "string" },
          contentHash: { type: "string" },
          executionId: { type: "string" },
          /** Rows read, created, merged and rejected so far (the writing pass). */
          progress: { type: "any" },
          /** The final counts (see Imports.Summary). */
          summary: { type: "any" },
          /** Where the row-level report is (sites/<account>/<site>/imports/<id>/report.csv). */
          reportKey: { type: "string" },
          /** The earlier import of the same file, when unchanged. */
          duplicateOf: { type: "string" },
          error: { type: "any" },
          createdBy: { type: "string" },
          createdAt: {
            type: "string",
            required: true,
            readOnly: true,
            default: () => new Date().toISOString(),
          },
          updatedAt: {
            type: "string",
            required: true,
            watch: "*",
            default: () => new Date().toISOString(),
            set: () => new Date().toISOString(),
          },
        },
        indexes: {
          byId: {
            pk: { field: "pk", composite: ["accountId", "siteId"] },
            sk: { field: "sk", composite: ["importId"] },
          },
        },
      },
      config,
    ),
);

/** A file (by content hash) imported into a sector: re-uploading it changes nothing. */
export const importedFileEntity = lazyEntity(
  (config) =>
    new Entity(
      {
        model: { entity: "keywordImportedFile", version: "1", service: "igny8" },
        attributes: {
          accountId: { type: "string", required: true, readOnly: true },
          siteId: { type: "string", required: true, readOnly: true },
          sectorId: { type: "string", required: true, readOnly: true },
          contentHash: { type: "string", required: true, readOnly: true },
          importId: { type: "string", required: true },
          importedAt: { type: "string", required: true },
        },
        indexes: {
          byHash: {
            pk: { field: "pk", composite: ["accountId", "siteId", "sectorId"] },
            sk: { field: "sk", composite: ["contentHash"] },
          },
        },
      },
      config,
    ),
);

export type ImportItem = NonNullable<
  Awaited<ReturnType<ReturnType<ReturnType<typeof importEntity>["get"]>["go"]>>["data"]
>;
