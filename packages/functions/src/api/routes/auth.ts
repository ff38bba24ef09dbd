import { OpenAPIHono } from "@hono/zod-openapi";
import { Auth } from "@igny8/core/auth";
import { z } from "zod";
import { body, defineRoute, envelope, json, ok } from "../openapi";

export const auth = new OpenAPIHono();
const tags = ["Authentication"];
const tokens = json(envelope(Auth.Tokens), "Signed in: a 15-minute access token and a rotating refresh token");

auth.openapi(
  defineRoute(
    { scope: "public", summary: "Sign up", description: "Creates an account on the default plan with you as its owner, and signs you in." },
    { method: "post", path: "/auth/sign-up", tags, request: { body: body(Auth.signUp.schema) }, responses: { 201: tokens } },
  ),
  async (c) => ok(c, await Auth.signUp(c.req.valid("json")), 201),
);

auth.openapi(
  defineRoute(
    { scope: "public", summary: "Log in", description: "Throttled per e-mail and per IP: too many attempts answer 429 `auth.throttled` with Retry-After." },
    { method: "post", path: "/auth/log-in", tags, request: { body: body(Auth.logIn.schema) }, responses: { 200: tokens } },
  ),
  async (c) => ok(c, await Auth.logIn(c.req.valid("json"))),
);

auth.openapi(
  defineRoute(
    {
      scope: "public",
      summary: "Rotate a refresh token",
      description: "Each refresh token works once. Presenting one twice revokes its whole family (`auth.refresh_reused`).",
    },
    { method: "post", path: "/auth/refresh", tags, request: { body: body(Auth.refresh.schema) }, responses: { 200: tokens } },
  ),
  async (c) => ok(c, await Auth.refresh(c.req.valid("json"))),
);

auth.openapi(
  defineRoute(
    { scope: "self", summary: "Log out", description: "Revokes this sign-in's refresh family; its access tokens stop working at once." },
    { method: "post", path: "/auth/log-out", tags, responses: { 204: { description: "Logged out" } } },
  ),
  async (c) => {
    await Auth.logOut();
    return c.body(null, 204);
  },
);

auth.openapi(
  defineRoute(
    { scope: "self", summary: "Switch to another of your accounts" },
    {
      method: "post",
      path: "/auth/switch-account",
      tags,
      request: { body: body(Auth.switchAccount.schema) },
      responses: { 200: json(envelope(Auth.Switched)) },
    },
  ),
  async (c) => ok(c, await Auth.switchAccount(c.req.valid("json"))),
);

auth.openapi(
  defineRoute(
    { scope: "self", summary: "Change your password", description: "Signs out your other sessions." },
    { method: "post", path: "/auth/password", tags, request: { body: body(Auth.changePassword.schema) }, responses: { 204: { description: "Changed" } } },
  ),
  async (c) => {
    await Auth.changePassword(c.req.valid("json"));
    return c.body(null, 204);
  },
);

auth.openapi(
  defineRoute(
    { scope: "public", summary: "E-mail a password reset link", description: "Answers 202 whether or not the address has a user." },
    {
      method: "post",
      path: "/auth/password-reset/request",
      tags,
      request: { body: body(Auth.requestPasswordReset.schema) },
      responses: { 202: json(envelope(z.object({ sent: z.literal(true) }).meta({ id: "Accepted" }))) },
    },
  ),
  async (c) => {
    await Auth.requestPasswordReset(c.req.valid("json"));
    return ok(c, { sent: true as const }, 202);
  },
);

auth.openapi(
  defineRoute(
    { scope: "public", summary: "Set a new password with an e-mailed token", description: "Works once; signs out every session." },
    { method: "post", path: "/auth/password-reset", tags, request: { body: body(Auth.resetPassword.schema) }, responses: { 204: { description: "Changed" } } },
  ),
  async (c) => {
    await Auth.resetPassword(c.req.valid("json"));
    return c.body(null, 204);
  },
);
