import { Keyword } from "@igny8/core/keyword";
import { task } from "../task";
import { state } from "./shared";

/** Write: streams the file again and writes keywords in batches; a retry re-applies without duplicates. */
export const handler = task(state, async (input) => {
  const summary = await Keyword.Imports.write(input);
  return { ...input, summary };
});
