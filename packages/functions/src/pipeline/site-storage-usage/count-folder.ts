import { Execution } from "@igny8/core/pipelines";
import { Storage } from "@igny8/core/storage";
import { z } from "zod";
import { task } from "../task";

const input = z.object({
  accountId: z.string(),
  siteId: z.string().min(1),
  executionId: z.string().min(1),
  folder: z.string().min(1),
});

/** CountFolder (one Map iteration): bytes and objects under one folder, recorded on its item. */
export const handler = task(input, async ({ siteId, executionId, folder }) => {
  const { bytes, objects } = await Storage.Usage.countFolder(siteId, folder);
  await Execution.itemSucceeded(executionId, folder, { detail: { bytes, objects } });
  return { folder, bytes, objects, failed: false };
});
