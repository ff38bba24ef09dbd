import { Publishing } from "@igny8/core/publishing";
import { VisibleError } from "@igny8/core/util";
import { z } from "zod";

/** The pipeline's name in the registry and in execution records. */
export const pipeline = Publishing.pipelineName;

/** One (content, destination) item as the Map hands it to a step. */
export const itemInput = z.object({
  accountId: z.string(),
  siteId: z.string().min(1),
  executionId: z.string().min(1),
  item: Publishing.RunItem,
});

/** A Catch's output at ResultPath $.error. */
export const caught = z.object({ Error: z.string().optional(), Cause: z.string().optional() });

/** What a Map iteration answers (PublishItem or ItemFailed). */
export const itemResult = z.object({
  item: z.string(),
  published: z.boolean(),
  recordId: z.string().optional(),
  remoteId: z.number().optional(),
  link: z.string().optional(),
  status: z.string().optional(),
  error: z.string().optional(),
});
export type ItemResult = z.infer<typeof itemResult>;

/** WordPress did not answer, or answered 5xx: retried with backoff. */
export class WordPressUnavailable extends Error {
  override name = "WordPressUnavailable";
}

/** Another run holds this (content, destination): retried until its lease ends. */
export class PublishingInProgress extends Error {
  override name = "PublishingInProgress";
}

/** WordPress or our own checks refused it (bad input, no right, slug taken...): not retried. */
export class PublishingRejected extends Error {
  override name = "PublishingRejected";
}

/** Anything else that failed (an image we could not read, a store error): retried a few times. */
export class PublishingFailed extends Error {
  override name = "PublishingFailed";
}

const rejectedKinds = new Set(["input", "forbidden", "not_found", "conflict", "limit", "payment", "auth"]);

/**
 * The error name the state machine's Retry/Catch match, from a publishing failure. The message
 * keeps the product's code so the recorded reason says what happened.
 */
export function stepError(error: unknown): unknown {
  if (!(error instanceof VisibleError)) return error;
  const message = `${error.code}: ${error.message}`;
  if (error.code === "publishing.in_progress") return new PublishingInProgress(message, { cause: error });
  if (error.kind === "unavailable" && error.code.startsWith("wordpress.")) {
    return new WordPressUnavailable(message, { cause: error });
  }
  if (rejectedKinds.has(error.kind)) return new PublishingRejected(message, { cause: error });
  return new PublishingFailed(message, { cause: error });
}
