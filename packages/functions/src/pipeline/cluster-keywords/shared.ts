import { Cluster } from "@igny8/core/cluster";
import { z } from "zod";

/** The state the steps of cluster-keywords pass on. */
export const state = z.object({
  accountId: z.string(),
  siteId: z.string().min(1),
  executionId: z.string().min(1),
  options: Cluster.RunOptions,
  sectors: z.array(z.string().min(1)),
});

/** A Catch's output at ResultPath $.error. */
export const caught = z.object({ Error: z.string().optional(), Cause: z.string().optional() });
