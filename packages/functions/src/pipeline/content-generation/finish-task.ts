import { Generate } from "@igny8/core/content";
import { Image } from "@igny8/core/image";
import { contextOf, item, step } from "./shared";

/** FinishTask: images placed in the body, the task in review, its item succeeded with its cost. */
export const handler = step(item, async (input) => {
  const result = await Generate.finishTask(contextOf(input), (contentId) => Image.placed(input.siteId, contentId, input.generation));
  return { taskId: input.taskId, status: result.status, contentId: result.contentId ?? null, cost: result.cost };
});
