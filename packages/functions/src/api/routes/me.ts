import { OpenAPIHono } from "@hono/zod-openapi";
import { User } from "@igny8/core/user";
import { body, defineRoute, envelope, json, ok } from "../openapi";

export const me = new OpenAPIHono();
const tags = ["Me"];

me.openapi(
  defineRoute(
    { scope: "self", summary: "The signed-in user and the accounts they belong to" },
    { method: "get", path: "/me", tags, responses: { 200: json(envelope(User.Me)) } },
  ),
  async (c) => ok(c, await User.me()),
);

me.openapi(
  defineRoute(
    { scope: "self", summary: "Change your name" },
    { method: "patch", path: "/me", tags, request: { body: body(User.updateProfile.schema) }, responses: { 200: json(envelope(User.Info)) } },
  ),
  async (c) => ok(c, await User.updateProfile(c.req.valid("json"))),
);
