import { Storage } from "@igny8/core/storage";
import { z } from "zod";
import { task } from "../task";
import { folderCount, state } from "./shared";

const input = state.extend({ counts: z.array(folderCount) });

/** SumUsage: the site's total and whether it is over quota (the Choice state reads overQuota). */
export const handler = task(input, async (input) => {
  const counted = input.counts.filter((count) => !count.failed);
  const { usedBytes, objects } = Storage.Usage.sum(counted);
  return {
    ...input,
    usedBytes,
    objects,
    failedFolders: input.counts.filter((count) => count.failed).map((count) => count.folder),
    overQuota: input.quotaBytes !== null && usedBytes > input.quotaBytes,
  };
});
