import { Keyword } from "@igny8/core/keyword";
import { z } from "zod";
import { task } from "../task";

const input = z
  .object({
    input: z.object({ accountId: z.string(), siteId: z.string().min(1), importId: z.string().min(1) }),
    executionId: z.string().min(1),
  })
  .transform(({ input, executionId }) => ({ ...input, executionId }));

/**
 * Validate: reads the whole upload through the parser without writing and hashes it. A bad file
 * fails the import here (InvalidFile, not retried) with nothing written.
 */
export const handler = task(input, async (state) => {
  const { proceed } = await Keyword.Imports.validate(state);
  return { ...state, proceed };
});
