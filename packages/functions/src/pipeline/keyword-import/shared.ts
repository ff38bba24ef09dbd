import { z } from "zod";

/** The state every step of keyword-import passes on. */
export const state = z.object({
  accountId: z.string(),
  siteId: z.string().min(1),
  importId: z.string().min(1),
  executionId: z.string().min(1),
});

/** A Catch's output at ResultPath $.error. */
export const caught = z.object({ Error: z.string().optional(), Cause: z.string().optional() });
