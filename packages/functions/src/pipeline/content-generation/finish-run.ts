import { Execution } from "@igny8/core/pipelines";
import { z } from "zod";
import { task } from "../task";

const input = z.object({ accountId: z.string(), executionId: z.string().min(1), siteId: z.string(), runId: z.string() });

/** FinishRun: the execution succeeded; its result counts tasks generated and failed and the credits used. */
export const handler = task(input, async ({ executionId, runId }) => {
  const execution = await Execution.get(executionId);
  const result = {
    runId,
    generated: execution?.progress.done ?? 0,
    failed: execution?.progress.failed ?? 0,
    credits: execution?.cost ?? 0,
  };
  await Execution.finish(executionId, "succeeded", { result });
  return result;
});
