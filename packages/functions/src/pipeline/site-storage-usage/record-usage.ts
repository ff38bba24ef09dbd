import { Storage } from "@igny8/core/storage";
import { task } from "../task";
import { summed } from "./shared";

/** RecordUsage: stores the measurement (a put, so a retry writes the same record). */
export const handler = task(summed, async (input) => {
  await Storage.Usage.record({
    siteId: input.siteId,
    counts: input.counts.filter((count) => !count.failed),
    failedFolders: input.failedFolders,
    quotaBytes: input.quotaBytes,
    executionId: input.executionId,
  });
  return input;
});
