import { type Actor, useActor, withActor } from "@igny8/core/actor";
import { Auth } from "@igny8/core/auth";
import { Authz } from "@igny8/core/authz";
import { settings } from "@igny8/core/config";
import { withRequestId } from "@igny8/core/log";
import { RateLimit } from "@igny8/core/ratelimit";
import { VisibleError } from "@igny8/core/util";
import { createId } from "@igny8/core/util";
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import type { RouteMeta } from "./openapi";

/** Bodies over this are refused before they are read whole. */
export const MAX_BODY_BYTES = 1024 * 1024;

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Takes a well-formed `x-request-id` or makes one; echoes it and tags every log line with it. */
export const requestId: MiddlewareHandler = async (c, next) => {
  const incoming = c.req.header("x-request-id");
  const id = incoming && REQUEST_ID.test(incoming) ? incoming : createId("request");
  c.set("requestId" as never, id as never);
  c.header("x-request-id", id);
  await withRequestId(id, next);
};

export function useRequestIdOf(c: Context): string {
  return (c.get("requestId" as never) as string | undefined) ?? "unknown";
}

/** CORS for the dashboard's origin only (IGNY8_WEB_ORIGIN), read per request. */
export const corsForDashboard: MiddlewareHandler = (c, next) =>
  cors({
    origin: (origin) => (origin === new URL(settings().IGNY8_WEB_ORIGIN).origin ? origin : null),
    allowMethods: ["GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS"],
    allowHeaders: ["authorization", "content-type", "x-api-key", "x-request-id"],
    exposeHeaders: ["x-request-id", "retry-after", "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset"],
    maxAge: 600,
  })(c, next);

export const limitBody: MiddlewareHandler = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new VisibleError("input", "request.too_large", `Request bodies are limited to ${MAX_BODY_BYTES} bytes`, {
      status: 413,
    });
  },
});

/**
 * The caller's IP: API Gateway's sourceIp in Lambda, the socket's address under
 * @hono/node-server. Forwarded headers are not trusted (anyone can send them).
 */
export function clientIp(c: Context): string {
  const env = c.env as
    | { event?: { requestContext?: { http?: { sourceIp?: string } } }; incoming?: { socket?: { remoteAddress?: string } } }
    | undefined;
  return env?.event?.requestContext?.http?.sourceIp ?? env?.incoming?.socket?.remoteAddress ?? "unknown";
}

export const client: MiddlewareHandler = (c, next) =>
  Auth.withClient({ ip: clientIp(c), userAgent: c.req.header("user-agent") }, next);

function setRateHeaders(c: Context, outcome: RateLimit.Outcome, max: number) {
  c.header("ratelimit-limit", String(max));
  c.header("ratelimit-remaining", String(outcome.remaining));
  c.header("ratelimit-reset", String(outcome.retryAfter));
}

/** Per-IP requests per minute, counted in DynamoDB so every Lambda shares the window. */
export const ipRateLimit: MiddlewareHandler = async (c, next) => {
  const max = settings().IGNY8_RATE_LIMIT_IP;
  const outcome = await RateLimit.hit({ bucket: "api-ip", subject: clientIp(c), max, seconds: 60 });
  setRateHeaders(c, outcome, max);
  RateLimit.assertAllowed(outcome, "rate_limit.exceeded", "Too many requests from this address; slow down");
  await next();
};

/** Per-account requests per minute, after authentication. */
export const accountRateLimit: MiddlewareHandler = async (c, next) => {
  const actor = useActor();
  if (actor.type === "user" || actor.type === "apikey") {
    const max = settings().IGNY8_RATE_LIMIT_ACCOUNT;
    const outcome = await RateLimit.hit({ bucket: "api-account", subject: actor.properties.accountId, max, seconds: 60 });
    setRateHeaders(c, outcome, max);
    RateLimit.assertAllowed(outcome, "rate_limit.exceeded", "Too many requests for this account; slow down");
  }
  await next();
};

const BEARER = /^Bearer\s+(\S{1,4096})$/i;

/**
 * Sets the actor for the rest of the request: public without credentials, the user or API
 * key otherwise. Credentials that are present but wrong answer 401 even on public routes.
 */
export const authenticate: MiddlewareHandler = async (c, next) => {
  const authorization = c.req.header("authorization");
  const apiKey = c.req.header("x-api-key");
  let actor: Actor = { type: "public", properties: {} };
  if (authorization !== undefined || apiKey !== undefined) {
    const bearer = authorization === undefined ? undefined : BEARER.exec(authorization)?.[1];
    if (authorization !== undefined && bearer === undefined) {
      throw new VisibleError("auth", "auth.invalid_header", "Use `Authorization: Bearer <token>`");
    }
    actor = await Auth.authenticate({ bearer, apiKey });
  }
  await withActor(actor, next);
};

/**
 * The route-level gate: refuses before any input is parsed when the scope or the role rules
 * the caller out. Domain functions check again (they are called from pipelines too).
 */
export function gate(meta: RouteMeta): MiddlewareHandler {
  return async (_c, next) => {
    const actor = useActor();
    if (meta.scope !== "public" && actor.type === "public") {
      throw new VisibleError("auth", "auth.required", "Sign in or use an API key");
    }
    if (meta.scope === "self" && actor.type !== "user") {
      throw new VisibleError("forbidden", "auth.user_required", "Only a signed-in person can do this (not an API key)");
    }
    if (meta.scope === "admin") Authz.assertSuperuser(actor);
    if (meta.action) Authz.assertRole(meta.action, actor);
    await next();
  };
}
