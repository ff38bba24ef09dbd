import { OpenAPIHono } from "@hono/zod-openapi";
import { Account } from "@igny8/core/account";
import { Plan } from "@igny8/core/plan";
import { z } from "zod";
import { body, defineRoute, envelope, json, listEnvelope, ok, page } from "../openapi";

/** Operators (superusers of the system account): plans and accounts. */
export const admin = new OpenAPIHono();
const tags = ["Admin"];

admin.openapi(
  defineRoute(
    { scope: "admin", summary: "Every plan, hidden ones too" },
    { method: "get", path: "/admin/plans", tags, responses: { 200: json(envelope(z.array(Plan.Info))) } },
  ),
  async (c) => ok(c, await Plan.list({ includeHidden: true })),
);

admin.openapi(
  defineRoute(
    { scope: "admin", summary: "Add a plan" },
    { method: "post", path: "/admin/plans", tags, request: { body: body(Plan.create.schema) }, responses: { 201: json(envelope(Plan.Info)) } },
  ),
  async (c) => ok(c, await Plan.create(c.req.valid("json")), 201),
);

admin.openapi(
  defineRoute(
    { scope: "admin", summary: "Change a plan's name, price or limits" },
    {
      method: "patch",
      path: "/admin/plans/{planId}",
      tags,
      request: { params: Plan.get.schema, body: body(Plan.update.schema.omit({ planId: true })) },
      responses: { 200: json(envelope(Plan.Info)) },
    },
  ),
  async (c) => ok(c, await Plan.update({ ...c.req.valid("json"), ...c.req.valid("param") })),
);

admin.openapi(
  defineRoute(
    { scope: "admin", summary: "List accounts" },
    { method: "get", path: "/admin/accounts", tags, request: { query: Account.adminList.schema }, responses: { 200: json(listEnvelope(Account.AdminInfo)) } },
  ),
  async (c) => {
    const query = c.req.valid("query");
    return page(c, await Account.adminList(query), query.limit);
  },
);

admin.openapi(
  defineRoute(
    { scope: "admin", summary: "Get an account" },
    { method: "get", path: "/admin/accounts/{accountId}", tags, request: { params: Account.adminGet.schema }, responses: { 200: json(envelope(Account.AdminInfo)) } },
  ),
  async (c) => ok(c, await Account.adminGet(c.req.valid("param"))),
);

admin.openapi(
  defineRoute(
    { scope: "admin", summary: "Change an account's plan, name or status" },
    {
      method: "patch",
      path: "/admin/accounts/{accountId}",
      tags,
      request: { params: Account.adminGet.schema, body: body(Account.adminUpdate.schema.omit({ accountId: true })) },
      responses: { 200: json(envelope(Account.AdminInfo)) },
    },
  ),
  async (c) => ok(c, await Account.adminUpdate({ ...c.req.valid("json"), ...c.req.valid("param") })),
);
