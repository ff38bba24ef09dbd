import { Cluster } from "@igny8/core/cluster";
import { z } from "zod";
import { reason, task } from "../task";
import { caught } from "./shared";

const input = z
  .object({
    input: z.object({ accountId: z.string(), error: caught }),
    executionId: z.string().min(1),
  })
  .transform(({ input, executionId }) => ({ ...input, executionId }));

/** RecordFailure: the run failed for good; the execution record says why. */
export const handler = task(input, async ({ executionId, error }) => {
  const why = reason(error);
  await Cluster.Run.fail(executionId, why);
  return { executionId, status: "failed", error: why };
});
