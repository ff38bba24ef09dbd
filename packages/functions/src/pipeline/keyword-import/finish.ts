import { Keyword } from "@igny8/core/keyword";
import { task } from "../task";
import { state } from "./shared";

/** Finish: the import (succeeded or unchanged) and its execution end with the counts. */
export const handler = task(state.passthrough(), (input) => Keyword.Imports.finish(input));
