import { ContentRun } from "@igny8/core/content";
import { Execution } from "@igny8/core/pipelines";
import { z } from "zod";
import { reason, task } from "../task";
import { caught, pipeline } from "./shared";

const input = z.object({
  accountId: z.string(),
  executionId: z.string().min(1),
  siteId: z.string(),
  runId: z.string(),
  error: caught,
});

/** RunFailed: every task the run still holds is failed with the reason (none is left claimed), then the execution. */
export const handler = task(input, async ({ executionId, siteId, runId, error }) => {
  const why = reason(error);
  await Execution.begin({ executionId, pipeline });
  const released = await ContentRun.failRemaining({ siteId, runId, executionId, reason: `The run failed: ${why}` });
  await Execution.finish(executionId, "failed", { error: why });
  return { executionId, status: "failed", error: why, released };
});
