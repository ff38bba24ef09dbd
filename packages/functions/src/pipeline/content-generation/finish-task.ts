import { Generate } from "@igny8/core/content";
import { Image } from "@igny8/core/image";
import { contextOf, item, step } from "./shared";

/**
 * FinishTask: images placed in the body, the task in review, its item succeeded with its cost.
 * Answers what the publish step after it needs (the run's destination and the content).
 */
export const handler = step(item, async (input) => {
  const result = await Generate.finishTask(contextOf(input), (contentId) => Image.placed(input.siteId, contentId, input.generation));
  const { accountId, siteId, executionId, taskId, publish } = input;
  return { accountId, siteId, executionId, taskId, publish, status: result.status, contentId: result.contentId ?? null, cost: result.cost };
});
