/** The kinds of failure a caller can act on; each maps to one HTTP status in the API's onError. */
export type ErrorKind =
  | "input"
  | "auth"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "limit"
  | "payment"
  | "rate_limit"
  | "unavailable"
  | "internal";

export interface FieldError {
  path: string;
  message: string;
}

/**
 * The one error class of the product. `code` is a stable dotted code (`keyword.limit_reached`)
 * that clients switch on; `message` is a sentence for people; `details` carries facts such as a
 * limit and the current count.
 */
export class VisibleError extends Error {
  constructor(
    public readonly kind: ErrorKind,
    public readonly code: string,
    message: string,
    public readonly details: {
      fields?: FieldError[];
      [key: string]: unknown;
    } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "VisibleError";
  }
}

export const isVisibleError = (error: unknown): error is VisibleError =>
  error instanceof VisibleError;
