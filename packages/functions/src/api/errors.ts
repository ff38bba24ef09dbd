import { fieldErrors } from "@igny8/core/util";
import { type ErrorKind, VisibleError, isVisibleError } from "@igny8/core/util";
import { logger } from "@igny8/core/log";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ZodError } from "zod";
import { useRequestIdOf } from "./middleware";

/**
 * Every failure's HTTP status, by kind. Plan limits answer 403 (the plan forbids it; the
 * code `plan.limit_reached` tells it apart from a role's `authz.forbidden`).
 */
export const statusOf: Record<ErrorKind, ContentfulStatusCode> = {
  input: 400,
  auth: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  limit: 403,
  payment: 402,
  rate_limit: 429,
  unavailable: 503,
  internal: 500,
};

/** Kinds whose details are facts the caller needs (never ids of other tenants). */
const disclosed = new Set<ErrorKind>(["limit", "rate_limit", "payment"]);

function answer(c: Context, status: ContentfulStatusCode, error: VisibleError) {
  const { fields, status: _status, ...details } = error.details;
  const retryAfter = details.retryAfter;
  if (status === 429 && typeof retryAfter === "number") c.header("retry-after", String(retryAfter));
  return c.json(
    {
      error: {
        code: error.code,
        message: error.message,
        fields: fields ?? [],
        requestId: useRequestIdOf(c),
        ...(disclosed.has(error.kind) && Object.keys(details).length > 0 ? { details } : {}),
      },
    },
    status,
  );
}

const httpCodes: Record<number, string> = {
  400: "request.malformed",
  404: "route.not_found",
  405: "request.method_not_allowed",
  413: "request.too_large",
  415: "request.unsupported_media_type",
};

export function onError(error: unknown, c: Context) {
  if (isVisibleError(error)) {
    const status = (typeof error.details.status === "number" ? error.details.status : statusOf[error.kind]) as ContentfulStatusCode;
    return answer(c, status, error);
  }
  if (error instanceof ZodError) {
    const fields = fieldErrors(error);
    return answer(c, 400, new VisibleError("input", "input.invalid", fields[0] ? `${fields[0].path}: ${fields[0].message}` : "Invalid input", { fields }));
  }
  if (error instanceof HTTPException && error.status < 500) {
    const status = error.status as ContentfulStatusCode;
    const code = httpCodes[status] ?? "request.invalid";
    return answer(c, status, new VisibleError("input", code, error.message || "The request is not acceptable"));
  }
  logger.error({ err: error, path: c.req.path, method: c.req.method }, "unhandled error");
  return answer(c, 500, new VisibleError("internal", "internal", "Something went wrong on our side; try again"));
}

export function notFound(c: Context) {
  return answer(c, 404, new VisibleError("not_found", "route.not_found", `No route ${c.req.method} ${c.req.path}`));
}

/** The validation hook every route shares: a 400 naming each field, prefixed by where it was. */
export function validationHook(
  result: { success: true } | { success: false; error: ZodError; target?: string },
) {
  if (result.success) return;
  const where = { json: "body", query: "query", param: "path", header: "header" }[result.target ?? ""] ?? result.target;
  const fields = fieldErrors(result.error).map((field) => ({
    path: where ? `${where}.${field.path}` : field.path,
    message: field.message,
  }));
  const first = fields[0];
  throw new VisibleError("input", "input.invalid", first ? `${first.path}: ${first.message}` : "Invalid input", { fields });
}
