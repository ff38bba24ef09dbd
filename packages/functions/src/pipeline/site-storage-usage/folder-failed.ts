import { Execution } from "@igny8/core/pipelines";
import { z } from "zod";
import { reason, task } from "../task";
import { caught } from "./shared";

const input = z.object({
  accountId: z.string(),
  executionId: z.string().min(1),
  folder: z.string().min(1),
  error: caught,
});

/** FolderFailed (the Map iteration's Catch): the item is failed with its reason; counting goes on. */
export const handler = task(input, async ({ executionId, folder, error }) => {
  const why = reason(error);
  await Execution.itemFailed(executionId, folder, why);
  return { folder, bytes: 0, objects: 0, failed: true, error: why };
});
