import { Keyword } from "@igny8/core/keyword";
import { z } from "zod";
import { reason, task } from "../task";
import { caught } from "./shared";

const input = z
  .object({
    input: z.object({
      accountId: z.string(),
      siteId: z.string().optional(),
      importId: z.string().optional(),
      error: caught,
    }),
    executionId: z.string().min(1),
  })
  .transform(({ input, executionId }) => ({ ...input, executionId }));

/** RecordFailure: the import (unless it already holds its reason) and the execution are failed. */
export const handler = task(input, async ({ siteId, importId, executionId, error }) => {
  const why = reason(error);
  await Keyword.Imports.fail({ siteId, importId, executionId, reason: why });
  return { executionId, status: "failed", error: why };
});
