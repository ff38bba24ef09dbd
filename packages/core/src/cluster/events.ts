import { z } from "zod";
import { defineEvent } from "../events";

/** A topic cluster was created (by a clustering run or a person). Runs publish them in batches. */
export const ClusterCreated = defineEvent(
  "cluster.created",
  z.object({
    siteId: z.string(),
    sectorId: z.string(),
    clusterId: z.string(),
    name: z.string(),
    keywordCount: z.number().int().nonnegative(),
    totalVolume: z.number().nonnegative(),
    runId: z.string().optional(),
  }),
);
