import { Entity } from "electrodb";
import { z } from "zod";
import { useAccount } from "../actor";
import { settings } from "../config";
import { entityConfig } from "../db";
import { defineEvent } from "../events";
import { listFolders, prefixSize, sitePrefix } from "./s3";

/**
 * How much a site stores, measured by the `site-storage-usage` pipeline: one count per folder of
 * the site's prefix (images/, content/, exports/ ...), summed and compared with the quota.
 */

/** Published when a measurement finds a site over its storage quota (once per measurement). */
export const StorageQuotaExceeded = defineEvent(
  "storage.quota_exceeded",
  z.object({
    siteId: z.string(),
    usedBytes: z.number().int().nonnegative(),
    quotaBytes: z.number().int().positive(),
    executionId: z.string(),
  }),
);

export interface FolderUsage {
  folder: string;
  bytes: number;
  objects: number;
}

const usageSchema = {
  model: { entity: "siteStorageUsage", version: "1", service: "igny8" },
  attributes: {
    accountId: { type: "string", required: true, readOnly: true },
    siteId: { type: "string", required: true, readOnly: true },
    usedBytes: { type: "number", required: true },
    objects: { type: "number", required: true },
    quotaBytes: { type: "number", required: true },
    overQuota: { type: "boolean", required: true },
    /** Per folder: { "images/": { bytes, objects } }. */
    folders: { type: "any", required: true },
    /** Folders that could not be counted in this measurement (their bytes are missing). */
    failedFolders: { type: "list", items: { type: "string" } },
    executionId: { type: "string", required: true },
    measuredAt: { type: "string", required: true },
  },
  indexes: {
    bySite: {
      pk: { field: "pk", composite: ["accountId"] },
      sk: { field: "sk", composite: ["siteId"] },
    },
  },
} as const;

let cache:
  | { client: unknown; table: string; entity: Entity<string, string, string, typeof usageSchema> }
  | undefined;

function UsageEntity() {
  const config = entityConfig();
  if (!cache || cache.client !== config.client || cache.table !== config.table) {
    cache = { client: config.client, table: config.table, entity: new Entity(usageSchema, config) };
  }
  return cache.entity;
}

/** The default quota until plans set one per site. */
export function defaultQuotaBytes(): number {
  return Math.round(settings().IGNY8_SITE_STORAGE_QUOTA_MB * 1024 * 1024);
}

/** The folder names directly under the site's prefix, e.g. ["content/", "images/"]. */
export async function folders(siteId: string): Promise<string[]> {
  const prefix = sitePrefix(siteId);
  const found = await listFolders(prefix);
  return found.map((full) => full.slice(prefix.length)).sort();
}

/** Bytes and objects in one folder of the site. */
export async function countFolder(siteId: string, folder: string): Promise<FolderUsage> {
  if (!/^[a-z0-9][a-z0-9._-]*\/$/i.test(folder)) {
    throw new Error(`Folder "${folder}" is not a folder name of a site prefix`);
  }
  const { bytes, objects } = await prefixSize(`${sitePrefix(siteId)}${folder}`);
  return { folder, bytes, objects };
}

/** Adds up folder counts. */
export function sum(counts: FolderUsage[]) {
  return counts.reduce(
    (total, count) => ({
      usedBytes: total.usedBytes + count.bytes,
      objects: total.objects + count.objects,
    }),
    { usedBytes: 0, objects: 0 },
  );
}

export async function record(input: {
  siteId: string;
  counts: FolderUsage[];
  failedFolders: string[];
  quotaBytes: number;
  executionId: string;
}) {
  const { usedBytes, objects } = sum(input.counts);
  const item = {
    accountId: useAccount(),
    siteId: input.siteId,
    usedBytes,
    objects,
    quotaBytes: input.quotaBytes,
    overQuota: usedBytes > input.quotaBytes,
    folders: Object.fromEntries(
      input.counts.map((count) => [count.folder, { bytes: count.bytes, objects: count.objects }]),
    ),
    failedFolders: input.failedFolders,
    executionId: input.executionId,
    measuredAt: new Date().toISOString(),
  };
  await UsageEntity().put(item).go();
  return item;
}

/** The last measurement of a site, or undefined before the first. */
export async function get(siteId: string) {
  const { data } = await UsageEntity().get({ accountId: useAccount(), siteId }).go();
  return data ?? undefined;
}
