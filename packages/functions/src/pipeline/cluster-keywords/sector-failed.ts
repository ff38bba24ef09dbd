import { z } from "zod";
import { reason, task } from "../task";
import { caught } from "./shared";

const input = z.object({
  accountId: z.string(),
  executionId: z.string().min(1),
  sectorId: z.string().min(1),
  error: caught,
});

/** SectorFailed (the Map iteration's Catch): the sector is reported failed; the others still run. */
export const handler = task(input, async ({ sectorId, error }) => ({ sectorId, failed: true as const, error: reason(error) }));
