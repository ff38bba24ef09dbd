import { z } from "zod";
import { defineEvent } from "../events";

/**
 * A content item is on a destination (published, scheduled or as a draft), after its publishing
 * record committed. `version` is the record's version: with `recordId` it names this publication,
 * so a subscriber that sees the same pair twice (a pipeline retry) can tell.
 */
export const ContentPublished = defineEvent(
  "content.published",
  z.object({
    siteId: z.string(),
    contentId: z.string(),
    connectionId: z.string(),
    recordId: z.string(),
    version: z.number().int(),
    remoteId: z.number().int(),
    url: z.string(),
    status: z.enum(["draft", "publish", "future"]),
    postType: z.string(),
    executionId: z.string().optional(),
  }),
);
