import { Cluster } from "@igny8/core/cluster";
import { z } from "zod";
import { task } from "../task";

const input = z
  .object({
    input: z.object({
      accountId: z.string(),
      siteId: z.string().min(1),
      sectors: z.array(z.string().min(1)).min(1),
      options: Cluster.RunOptions,
    }),
    executionId: z.string().min(1),
  })
  .transform(({ input, executionId }) => ({ ...input, executionId }));

/** Prepare: records the execution and its progress total (one item per sector and phase). */
export const handler = task(input, async (state) => {
  await Cluster.Run.prepare(state);
  return state;
});
