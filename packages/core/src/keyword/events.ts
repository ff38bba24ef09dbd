import { z } from "zod";
import { defineEvent } from "../events";

/** New keywords of one sector, one event per write batch (at most a few hundred ids). */
export const KeywordAdded = defineEvent(
  "keyword.added",
  z.object({
    siteId: z.string(),
    sectorId: z.string(),
    keywordIds: z.array(z.string()).min(1),
    count: z.number().int().positive(),
    source: z.string(),
    importId: z.string().optional(),
  }),
);
