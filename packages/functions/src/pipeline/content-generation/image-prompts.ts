import { Generate } from "@igny8/core/content";
import { contextOf, item, step } from "./shared";

/** GenerateImagePrompts: the featured and in-article image prompts; their indexes feed the images Map. */
export const handler = step(item, async (input, signal) => {
  const { images } = await Generate.generateImagePrompts(contextOf(input, signal));
  return { ...input, images };
});
