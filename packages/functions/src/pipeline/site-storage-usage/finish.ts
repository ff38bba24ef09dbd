import { Execution } from "@igny8/core/pipelines";
import { task } from "../task";
import { summed } from "./shared";

/** Finish: ends the execution record as succeeded with the totals (failed folders are listed). */
export const handler = task(summed, async (input) => {
  const result = {
    usedBytes: input.usedBytes,
    objects: input.objects,
    quotaBytes: input.quotaBytes,
    overQuota: input.overQuota,
    failedFolders: input.failedFolders,
  };
  await Execution.finish(input.executionId, "succeeded", { result });
  return result;
});
