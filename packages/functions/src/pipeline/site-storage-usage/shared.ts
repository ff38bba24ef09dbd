import { z } from "zod";

/** The pipeline's name in the registry and in execution records. */
export const pipeline = "site-storage-usage";

export const folderCount = z.object({
  folder: z.string(),
  bytes: z.number().int().nonnegative(),
  objects: z.number().int().nonnegative(),
  failed: z.boolean(),
  error: z.string().optional(),
});

/** The state every step after ListFolders passes on. */
export const state = z.object({
  accountId: z.string(),
  siteId: z.string().min(1),
  executionId: z.string().min(1),
  /** From the plan's storage_quota_gb; null when the plan has no storage limit. */
  quotaBytes: z.number().int().positive().nullable(),
  folders: z.array(z.string()),
});

/** After SumUsage: the totals and the comparison the Choice state reads. */
export const summed = state.extend({
  counts: z.array(folderCount),
  usedBytes: z.number().int().nonnegative(),
  objects: z.number().int().nonnegative(),
  failedFolders: z.array(z.string()),
  overQuota: z.boolean(),
});

/** A Catch's output at ResultPath $.error. */
export const caught = z.object({ Error: z.string().optional(), Cause: z.string().optional() });
