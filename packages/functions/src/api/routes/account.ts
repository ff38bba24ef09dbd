import { OpenAPIHono } from "@hono/zod-openapi";
import { Account } from "@igny8/core/account";
import { z } from "zod";
import { body, defineRoute, envelope, json, ok } from "../openapi";

export const account = new OpenAPIHono();
const tags = ["Account"];

const Usage = z
  .object({
    planId: z.string(),
    limits: z.array(
      z.object({
        limit: z.string(),
        scope: z.enum(["account", "site"]),
        window: z.enum(["none", "day", "month"]),
        unit: z.string(),
        max: z.number().nullable(),
        used: z.number(),
        sites: z.array(z.object({ siteId: z.string(), used: z.number() })),
      }),
    ),
  })
  .meta({ id: "Usage" });

account.openapi(
  defineRoute(
    { scope: "account", action: "account.read", summary: "The current account" },
    { method: "get", path: "/account", tags, responses: { 200: json(envelope(Account.Info)) } },
  ),
  async (c) => ok(c, await Account.current()),
);

account.openapi(
  defineRoute(
    { scope: "account", action: "account.write", summary: "Rename the account" },
    {
      method: "patch",
      path: "/account",
      tags,
      request: { body: body(Account.update.schema) },
      responses: { 200: json(envelope(Account.Info)) },
    },
  ),
  async (c) => ok(c, await Account.update(c.req.valid("json"))),
);

account.openapi(
  defineRoute(
    { scope: "account", action: "usage.read", summary: "Plan limits and current use", description: "Every limit as a meter; windows are UTC days and months." },
    { method: "get", path: "/account/usage", tags, responses: { 200: json(envelope(Usage)) } },
  ),
  async (c) => ok(c, await Account.usage()),
);
