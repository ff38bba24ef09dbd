import { Execution } from "@igny8/core/pipelines";
import { Publishing } from "@igny8/core/publishing";
import { z } from "zod";
import { task } from "../task";
import { pipeline } from "./shared";

const input = z
  .object({
    input: z.object({
      accountId: z.string(),
      siteId: z.string().min(1),
      items: Publishing.RunBody.shape.items,
    }),
    executionId: z.string().min(1),
  })
  .transform(({ input, executionId }) => ({ ...input, executionId }));

/**
 * Prepare: records the execution (it may have been started outside the API) and one item per
 * (content, destination), so progress shows every item from the start.
 */
export const handler = task(input, async ({ accountId, siteId, executionId, items }) => {
  await Execution.begin({ executionId, pipeline, input: { siteId, items } });
  await Execution.setTotal(executionId, items.length);
  for (const item of items) await Execution.itemStarted(executionId, Publishing.itemName(item));
  return { accountId, siteId, executionId, items };
});
