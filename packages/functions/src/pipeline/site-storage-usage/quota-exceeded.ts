import { Execution } from "@igny8/core/pipelines";
import { Storage } from "@igny8/core/storage";
import { task } from "../task";
import { summed } from "./shared";

/** AnnounceQuotaExceeded: publishes storage.quota_exceeded once per execution (a retry does not repeat it). */
export const handler = task(summed, async (input) => {
  if (input.quotaBytes === null) return input; // the Choice only comes here when over a quota
  const quotaBytes = input.quotaBytes;
  await Execution.once(input.executionId, "quota-exceeded-event", () =>
    Storage.Usage.StorageQuotaExceeded.publish({
      siteId: input.siteId,
      usedBytes: input.usedBytes,
      quotaBytes,
      executionId: input.executionId,
    }),
  );
  return input;
});
