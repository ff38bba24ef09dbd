import { Generate } from "@igny8/core/content";
import { reason, task } from "../task";
import { caught, contextOf, item } from "./shared";

/** TaskFailed (the Catch of a task's steps): the task failed with its reason; the run goes on. */
export const handler = task(item.extend({ error: caught }), async (input) => {
  const why = reason(input.error);
  await Generate.failTask(contextOf(input), why);
  return { taskId: input.taskId, status: "failed", error: why };
});
