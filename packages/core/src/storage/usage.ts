import { Entity } from "electrodb";
import { z } from "zod";
import { useAccount } from "../actor";
import { lazyEntity } from "../db";
import { defineEvent } from "../events";
import { Limit } from "../limit";
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

/** A site's last measurement, as the API answers it. */
export const Info = z
  .object({
    siteId: z.string(),
    usedBytes: z.number().int(),
    objects: z.number().int(),
    quotaBytes: z
      .number()
      .int()
      .nullable()
      .meta({ description: "null when the plan has no storage limit" }),
    overQuota: z.boolean(),
    folders: z.record(z.string(), z.object({ bytes: z.number().int(), objects: z.number().int() })),
    failedFolders: z
      .array(z.string())
      .meta({ description: "Folders that could not be counted this time" }),
    executionId: z.string(),
    measuredAt: z.string(),
  })
  .meta({ id: "StorageUsage" });
export type Info = z.infer<typeof Info>;

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
    /** Absent when the plan has no storage limit. */
    quotaBytes: { type: "number" },
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

const UsageEntity = lazyEntity((config) => new Entity(usageSchema, config));

/** The site's storage quota in bytes from the account's plan (storage_quota_gb); null = unlimited. */
export async function quotaBytes(): Promise<number | null> {
  return Limit.maxInUnits(await Limit.currentPlan(), "storage_quota_gb");
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
  quotaBytes: number | null;
  executionId: string;
}) {
  const { usedBytes, objects } = sum(input.counts);
  const item = {
    accountId: useAccount(),
    siteId: input.siteId,
    usedBytes,
    objects,
    quotaBytes: input.quotaBytes ?? undefined,
    overQuota: input.quotaBytes !== null && usedBytes > input.quotaBytes,
    folders: Object.fromEntries(
      input.counts.map((count) => [count.folder, { bytes: count.bytes, objects: count.objects }]),
    ),
    failedFolders: input.failedFolders,
    executionId: input.executionId,
    measuredAt: new Date().toISOString(),
  };
  await UsageEntity().put(item).go();
  // A complete measurement is the truth for the plan's storage counter (uploads only estimate it).
  if (input.failedFolders.length === 0) {
    await Limit.recount({ limit: "storage_quota_gb", siteId: input.siteId }, usedBytes);
  }
  return item;
}

/** The last measurement of a site, or undefined before the first. */
export async function get(siteId: string): Promise<Info | undefined> {
  const { data } = await UsageEntity().get({ accountId: useAccount(), siteId }).go();
  if (!data) return undefined;
  return {
    siteId: data.siteId,
    usedBytes: data.usedBytes,
    objects: data.objects,
    quotaBytes: data.quotaBytes ?? null,
    overQuota: data.overQuota,
    folders: data.folders as Info["folders"],
    failedFolders: data.failedFolders ?? [],
    executionId: data.executionId,
    measuredAt: data.measuredAt,
  };
}
