import { Image } from "@igny8/core/image";
import { z } from "zod";
import { contextOf, item, step } from "./shared";

/** GenerateImage (one iteration of the images Map): one image, stored and paid once. */
export const handler = step(item.extend({ index: z.number().int().min(0).max(20) }), async (input, signal) => {
  const result = await Image.generate({ ...contextOf(input, signal), index: input.index });
  return { index: input.index, imageId: result.imageId ?? null, skipped: result.skipped };
});
