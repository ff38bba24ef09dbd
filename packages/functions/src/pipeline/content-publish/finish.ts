import { Execution } from "@igny8/core/pipelines";
import { z } from "zod";
import { task } from "../task";
import { itemResult } from "./shared";

const input = z.object({
  accountId: z.string(),
  siteId: z.string().min(1),
  executionId: z.string().min(1),
  results: z.array(itemResult),
});

/** Finish: ends the execution as succeeded with the counts (failed items are listed with why). */
export const handler = task(input, async ({ executionId, results }) => {
  const failed = results.filter((result) => !result.published);
  const result = {
    published: results.length - failed.length,
    failed: failed.length,
    failures: failed.slice(0, 50).map(({ item, error }) => ({ item, error })),
  };
  await Execution.finish(executionId, "succeeded", { result });
  return result;
});
