import { type ErrorKind, isVisibleError, VisibleError } from "../util/error";

/** The AI error family: one VisibleError code per way a provider call can fail. */
export const aiErrors = {
  "ai.rate_limited": { kind: "rate_limit", retryable: true, name: "AiThrottled" },
  "ai.provider_error": { kind: "unavailable", retryable: true, name: "AiProviderError" },
  "ai.timeout": { kind: "unavailable", retryable: true, name: "AiTimeout" },
  "ai.invalid_output": { kind: "unavailable", retryable: false, name: "AiInvalidOutput" },
  "ai.truncated": { kind: "unavailable", retryable: false, name: "AiTruncated" },
  "ai.bad_request": { kind: "input", retryable: false, name: "AiBadRequest" },
} as const satisfies Record<string, { kind: ErrorKind; retryable: boolean; name: string }>;

export type AiErrorCode = keyof typeof aiErrors;
export type AiErrorName = (typeof aiErrors)[AiErrorCode]["name"];

/** Names a Step Functions `Retry` should match (`ErrorEquals`); the rest go to `Catch`. */
export const retryableErrorNames: AiErrorName[] = Object.values(aiErrors)
  .filter((entry) => entry.retryable)
  .map((entry) => entry.name);

export interface AiErrorDetails {
  /** HTTP status from the provider, when there was one. */
  status?: number;
  /** For `ai.rate_limited`: how long the provider asked callers to wait. */
  retryAfterMs?: number;
  /** HTTP calls made before giving up. */
  attempts?: number;
  /** Tokens the provider billed before the failure (e.g. a truncated or unrepairable reply). */
  usage?: { promptTokens: number; completionTokens: number; totalTokens: number };
  providerCode?: string;
  issues?: string[];
  [key: string]: unknown;
}

export function aiError(
  code: AiErrorCode,
  message: string,
  details: AiErrorDetails = {},
  cause?: unknown,
): VisibleError {
  const entry = aiErrors[code];
  return new VisibleError(
    entry.kind,
    code,
    message,
    { ...details, retryable: entry.retryable },
    cause === undefined ? undefined : { cause },
  );
}

export function isAiError(error: unknown): error is VisibleError & { code: AiErrorCode } {
  return isVisibleError(error) && error.code in aiErrors;
}

export function isRetryable(error: unknown): boolean {
  return isAiError(error) && aiErrors[error.code].retryable;
}

/**
 * The stable error name pipeline handlers throw so a state machine's Retry/Catch can match it
 * ("AiThrottled", "AiProviderError", "AiTimeout", …); undefined for errors outside the family.
 */
export function aiErrorName(error: unknown): AiErrorName | undefined {
  return isAiError(error) ? aiErrors[error.code].name : undefined;
}

/**
 * Renames an AI error for a Lambda to throw: Step Functions sees `errorType` = the error's name.
 * Code, details and message are kept; other errors are returned unchanged.
 */
export function toPipelineError(error: unknown): unknown {
  const name = aiErrorName(error);
  if (!name || !isVisibleError(error)) return error;
  const renamed = new VisibleError(error.kind, error.code, error.message, error.details, {
    cause: error.cause,
  });
  renamed.name = name;
  return renamed;
}
