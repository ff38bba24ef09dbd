import { Execution } from "@igny8/core/pipelines";
import { z } from "zod";
import { reason, task } from "../task";
import { caught, pipeline } from "./shared";

const input = z.object({ accountId: z.string(), executionId: z.string().min(1), error: caught });

/** RecordFailure: a step outside the items failed for good; the execution record says why. */
export const handler = task(input, async ({ executionId, error }) => {
  const why = reason(error);
  // The failure may come before Prepare recorded the execution.
  await Execution.begin({ executionId, pipeline });
  await Execution.finish(executionId, "failed", { error: why });
  return { executionId, status: "failed", error: why };
});
