import { aiError, toPipelineError } from "@igny8/core/ai";
import type { Generate } from "@igny8/core/content";
import { z } from "zod";
import { paidStepError } from "../errors";
import { task } from "../task";

/** The pipeline's name in the registry and in execution records. */
export const pipeline = "content-generation";

/** Where a run publishes (ContentRunStart's `publish`), as the pipeline carries it. */
export const destination = z.object({
  connectionId: z.string().min(1),
  status: z.enum(["draft", "publish", "future"]),
  scheduledAt: z.string().optional(),
});

/** What every step of one task's iteration receives (the Map's ItemSelector) and passes on. */
export const item = z.object({
  accountId: z.string(),
  siteId: z.string().min(1),
  executionId: z.string().min(1),
  runId: z.string().min(1),
  runCap: z.number().int().positive().nullable(),
  mode: z.enum(["full", "images"]),
  taskId: z.string().min(1),
  generation: z.number().int().positive(),
  /** The run's destination: each task's content is published there as its last step. */
  publish: destination.nullable().default(null),
});
export type Item = z.infer<typeof item>;

/** A Catch's output at ResultPath $.error. */
export const caught = z.object({ Error: z.string().optional(), Cause: z.string().optional() });

/**
 * How long a step may wait for the provider: below the Lambda timeout (300 s), so a slow call is
 * aborted by us (and its hold released) rather than killed with the function.
 */
const deadlineMs = () => Number(process.env.IGNY8_STEP_DEADLINE_MS ?? 270_000);

/** The names the state machine's Retry and Catch match, for the errors our steps throw. */
function pipelineError(error: unknown): unknown {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return toPipelineError(aiError("ai.timeout", `The step ran out of time waiting for the AI provider (${deadlineMs()} ms)`, {}, error));
  }
  return paidStepError(error);
}

/** A step of one task: validated input, a deadline for provider calls, errors named for Retry/Catch. */
export function step<Schema extends z.ZodType<{ accountId: string; executionId?: string }>, Result>(
  schema: Schema,
  impl: (input: z.output<Schema>, signal: AbortSignal) => Promise<Result>,
) {
  return task(schema, async (input) => {
    try {
      return await impl(input, AbortSignal.timeout(deadlineMs()));
    } catch (error) {
      throw pipelineError(error);
    }
  });
}

export function contextOf(input: Item, signal?: AbortSignal): Generate.StepContext {
  return {
    siteId: input.siteId,
    taskId: input.taskId,
    runId: input.runId,
    runCap: input.runCap,
    generation: input.generation,
    executionId: input.executionId,
    mode: input.mode,
    signal,
  };
}
