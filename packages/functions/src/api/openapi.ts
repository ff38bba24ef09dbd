import { type RouteConfig, createRoute } from "@hono/zod-openapi";
import type { Authz } from "@igny8/core/authz";
import type { Context, MiddlewareHandler } from "hono";
import { z } from "zod";
import { gate } from "./middleware";

/**
 * The conventions every route follows, in one place.
 *
 * - `scope` says who may call it and is published as `x-igny8-scope` in the OpenAPI document:
 *   "public" (anyone), "self" (any signed-in user, about themselves), "account" (members of the
 *   caller's account), "site" (members with access to the `{siteId}` in the path), "admin"
 *   (superusers). The isolation sweep reads it, so a new route joins the sweep by declaring it.
 * - `action` is the authz matrix row (`x-igny8-action`): the gate refuses a role without it
 *   before anything is parsed, and the domain function checks it again.
 * - Success is `{ data, meta }`; failure is `{ error: { code, message, fields, requestId } }`.
 */
export type Scope = "public" | "self" | "account" | "site" | "admin";

export interface RouteMeta {
  scope: Scope;
  action?: Authz.Action;
  summary: string;
  description?: string;
}

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().meta({ example: "site.not_found" }),
      message: z.string(),
      fields: z.array(z.object({ path: z.string(), message: z.string() })),
      requestId: z.string(),
      details: z.record(z.string(), z.unknown()).optional().meta({
        description: "Facts for limit and rate-limit errors (limit, max, current, retryAfter)",
      }),
    }),
  })
  .meta({ id: "Error" });

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: ErrorBody } },
});

function standardErrors(meta: RouteMeta, hasInput: boolean) {
  return {
    ...(hasInput ? { 400: errorResponse("Invalid input (`input.invalid` with fields)") } : {}),
    ...(meta.scope === "public" ? {} : { 401: errorResponse("Not signed in (`auth.required`) or bad credentials") }),
    ...(meta.scope === "public" ? {} : { 403: errorResponse("Role may not do this (`authz.forbidden`) or plan limit (`plan.limit_reached`)") }),
    413: errorResponse("Body over 1 MB (`request.too_large`)"),
    429: errorResponse("Rate limited (`rate_limit.exceeded`, `auth.throttled`); see Retry-After"),
    500: errorResponse("Unexpected failure (`internal`); nothing of it is disclosed"),
  };
}

export const Empty = z.object({}).meta({ id: "EmptyMeta" });

const NoQuery = z.strictObject({});

/** `{ data: T, meta: {} }` */
export function envelope<T extends z.ZodType>(data: T) {
  return z.object({ data, meta: Empty });
}

export const ListMeta = z
  .object({
    cursor: z.string().nullable().meta({ description: "Pass as ?cursor= for the next page; null on the last page" }),
    limit: z.number().int(),
  })
  .meta({ id: "ListMeta" });

/** `{ data: T[], meta: { cursor, limit } }` */
export function listEnvelope<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), meta: ListMeta });
}

export function json<T extends z.ZodType>(schema: T, description = "OK") {
  return { description, content: { "application/json": { schema } } };
}

/** A JSON request body: required, strict (the schemas are strict objects). */
export function body<T extends z.ZodType>(schema: T) {
  return { required: true, content: { "application/json": { schema } } };
}

/**
 * createRoute with the conventions applied: the gate middleware for the scope and action,
 * security requirements, the extension fields the isolation sweep reads, standard errors.
 */
export function defineRoute<R extends RouteConfig>(meta: RouteMeta, config: R): R & { getRoutingPath(): string } {
  const hasInput = Boolean(config.request?.body || config.request?.query || config.request?.params);
  const middleware = [gate(meta), ...toArray(config.middleware)];
  // A route without query parameters still refuses unknown ones (the convention: no unknown fields).
  const request = { ...config.request, query: config.request?.query ?? NoQuery };
  return createRoute({
    ...config,
    request,
    summary: meta.summary,
    ...(meta.description ? { description: meta.description } : {}),
    middleware,
    security: meta.scope === "public" ? [] : [{ bearerAuth: [] }, { apiKeyHeader: [] }],
    "x-igny8-scope": meta.scope,
    ...(meta.action ? { "x-igny8-action": meta.action } : {}),
    responses: { ...standardErrors(meta, hasInput), ...config.responses },
  } as R) as R & { getRoutingPath(): string };
}

function toArray(value: RouteConfig["middleware"]): MiddlewareHandler[] {
  if (!value) return [];
  return (Array.isArray(value) ? value : [value]) as MiddlewareHandler[];
}

/** Answers `{ data, meta }`. */
export function ok<T, S extends 200 | 201 | 202 = 200>(c: Context, data: T, status?: S) {
  return c.json({ data, meta: {} }, (status ?? 200) as S);
}

/** Answers a page: `{ data: items, meta: { cursor, limit } }`. */
export function page<T>(c: Context, result: { items: T[]; cursor: string | null }, limit: number) {
  return c.json({ data: result.items, meta: { cursor: result.cursor, limit } }, 200);
}
