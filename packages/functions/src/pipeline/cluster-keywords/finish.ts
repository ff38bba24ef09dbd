import { Cluster } from "@igny8/core/cluster";
import { z } from "zod";
import { task } from "../task";
import { state } from "./shared";

const input = state.extend({
  // Each is a sector's result or { sectorId, failed, error }; the domain adds them up.
  results: z.array(z.looseObject({ sectorId: z.string() })),
});

/** Finish: the run's totals on the execution record. */
export const handler = task(input, ({ executionId, results }) =>
  Cluster.Run.finish(executionId, results as Parameters<typeof Cluster.Run.finish>[1]),
);
