import { withActor } from "@igny8/core/actor";
import { logger, withRequestId } from "@igny8/core/log";
import { isId } from "@igny8/core/util";
import type { z } from "zod";

/**
 * The edge of every pipeline Task handler: validates the state input, sets a system actor for the
 * account the execution works for, tags logs with the execution id, and turns errors into the
 * names the state machines' Retry/Catch match:
 * - "InvalidInput": the input is malformed; retrying cannot help (Retry MaxAttempts 0).
 * - "Throttled": AWS asked us to slow down; retried with backoff.
 * - anything else keeps its own name and is retried as States.TaskFailed, then caught.
 */

export class InvalidInputError extends Error {
  override name = "InvalidInput";
}

export class ThrottledError extends Error {
  override name = "Throttled";
}

const throttlingNames = new Set([
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "TooManyRequestsException",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "SlowDown",
  "RequestThrottled",
  "RequestThrottledException",
]);

function isThrottling(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return throttlingNames.has(error.name) || status === 429;
}

export interface TaskInput {
  accountId: string;
  executionId?: string;
}

/** Wraps a handler: `export const handler = task(schema, async (input) => ...)`. */
export function task<Schema extends z.ZodType<TaskInput>, Result>(
  schema: Schema,
  impl: (input: z.output<Schema>) => Promise<Result>,
): (event: unknown) => Promise<Result> {
  return async (event) => {
    const parsed = schema.safeParse(event);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InvalidInputError(`${issue?.path.join(".") || "input"}: ${issue?.message}`);
    }
    const input = parsed.data;
    if (!isId("account", input.accountId))
      throw new InvalidInputError(`accountId: "${input.accountId}" is not an account id`);
    return withRequestId(input.executionId ?? "pipeline", () =>
      withActor({ type: "system", properties: { accountId: input.accountId } }, async () => {
        try {
          return await impl(input);
        } catch (error) {
          if (isThrottling(error))
            throw new ThrottledError((error as Error).message, { cause: error });
          logger.warn({ err: error }, "pipeline step failed");
          throw error;
        }
      }),
    );
  };
}

/** The reason people should read, from a Catch's `{ Error, Cause }` (Cause is Lambda's JSON). */
export function reason(error: { Error?: string; Cause?: string } | undefined): string {
  if (!error) return "unknown error";
  try {
    const cause = JSON.parse(error.Cause ?? "") as { errorMessage?: string };
    if (cause.errorMessage) return `${error.Error}: ${cause.errorMessage}`;
  } catch {
    // Cause was plain text
  }
  return error.Cause ? `${error.Error}: ${error.Cause}` : (error.Error ?? "unknown error");
}
