import { Cluster } from "@igny8/core/cluster";
import { z } from "zod";
import { task } from "../task";

const input = z.object({
  accountId: z.string(),
  siteId: z.string().min(1),
  executionId: z.string().min(1),
  sectorId: z.string().min(1),
  options: Cluster.RunOptions,
});

/** ClusterSector (one Map iteration): clusters one sector and stores the result. */
export const handler = task(input, (state) => Cluster.Run.clusterSector(state));
