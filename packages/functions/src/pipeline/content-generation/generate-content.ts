import { Generate } from "@igny8/core/content";
import { contextOf, item, step } from "./shared";

/** GenerateContent: the task's content as a new version, paid by measured tokens. */
export const handler = step(item, async (input, signal) => {
  const result = await Generate.generateContent(contextOf(input, signal));
  return { ...input, contentId: result.contentId };
});
