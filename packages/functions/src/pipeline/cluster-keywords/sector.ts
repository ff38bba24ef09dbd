import { Cluster } from "@igny8/core/cluster";
import { z } from "zod";
import { paidStepError } from "../errors";
import { task } from "../task";

const input = z.object({
  accountId: z.string(),
  siteId: z.string().min(1),
  executionId: z.string().min(1),
  sectorId: z.string().min(1),
  options: Cluster.RunOptions,
});

/**
 * ClusterSector (one Map iteration): clusters one sector and stores the result. Errors of the
 * embeddings calls and their credits are named for the state machine's Retry (paidStepError).
 */
export const handler = task(input, async (state) => {
  try {
    return await Cluster.Run.clusterSector(state);
  } catch (error) {
    throw paidStepError(error);
  }
});
