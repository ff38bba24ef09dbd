import { Execution } from "@igny8/core/pipelines";
import { Storage } from "@igny8/core/storage";
import { z } from "zod";
import { task } from "../task";
import { pipeline } from "./shared";

const input = z
  .object({
    input: z.object({
      accountId: z.string(),
      siteId: z.string().min(1),
      /** Overrides the plan's quota (null: no limit); absent: the plan decides. */
      quotaBytes: z.number().int().positive().nullable().optional(),
    }),
    executionId: z.string().min(1),
  })
  .transform(({ input, executionId }) => ({ ...input, executionId }));

/**
 * ListFolders: records the execution (it may have been started by a schedule, not the API) and
 * lists the folders of the site's prefix; each becomes an item of the execution's progress. The
 * quota comes from the account's plan unless the input names one.
 */
export const handler = task(input, async ({ accountId, siteId, executionId, quotaBytes }) => {
  await Execution.begin({ executionId, pipeline, input: { siteId, quotaBytes } });
  const folders = await Storage.Usage.folders(siteId);
  await Execution.setTotal(executionId, folders.length);
  for (const folder of folders) await Execution.itemStarted(executionId, folder);
  return {
    accountId,
    siteId,
    executionId,
    quotaBytes: quotaBytes === undefined ? await Storage.Usage.quotaBytes() : quotaBytes,
    folders,
  };
});
