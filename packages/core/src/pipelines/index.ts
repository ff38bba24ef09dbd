export * as Pipelines from "./index";

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * Every state machine of the product. Each is an ASL file beside this one; every Task state's
 * `Resource` is a `${Substitution}` whose handler lives in packages/functions/src/pipeline/.
 * The stacks turn each substitution into a Lambda ARN; the local runner maps the same state to
 * the same handler function.
 */
export interface PipelineDefinition {
  /** Stable name, also the state machine's logical id suffix. */
  name: string;
  /** ASL file name beside this module. */
  file: string;
  /** Substitution key used in the ASL (`${Key}`) → handler module path relative to packages/functions/src, and its export. */
  tasks: Record<string, { handler: string }>;
}

export const pipelines: PipelineDefinition[] = [];

/** The ASL text of a pipeline, exactly as the stacks and the local runner read it. */
export function readDefinition(pipeline: PipelineDefinition): string {
  return readFileSync(fileURLToPath(new URL(pipeline.file, import.meta.url)), "utf8");
}
