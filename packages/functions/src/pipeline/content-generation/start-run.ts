import { Execution } from "@igny8/core/pipelines";
import { z } from "zod";
import { task } from "../task";
import { destination, pipeline } from "./shared";

const input = z
  .object({
    input: z.object({
      accountId: z.string(),
      siteId: z.string().min(1),
      runId: z.string().min(1),
      runCap: z.number().int().positive().nullable(),
      mode: z.enum(["full", "images"]),
      maxConcurrency: z.number().int().min(1).max(40),
      items: z.array(z.object({ taskId: z.string().min(1), generation: z.number().int().positive() })).min(1),
      publish: destination.nullable().default(null),
    }),
    executionId: z.string().min(1),
  })
  .transform(({ input, executionId }) => ({ ...input, executionId }));

/**
 * StartRun: records the execution and one progress item per task (all "running" until they end).
 * Its output is the state the Map reads, `publish` always present (null: no destination).
 */
export const handler = task(input, async (state) => {
  await Execution.begin({ executionId: state.executionId, pipeline, input: { siteId: state.siteId, runId: state.runId, mode: state.mode } });
  await Execution.setTotal(state.executionId, state.items.length);
  for (const item of state.items) await Execution.itemStarted(state.executionId, item.taskId);
  return state;
});
