import { OpenAPIHono } from "@hono/zod-openapi";
import { Membership } from "@igny8/core/membership";
import { defineRoute, envelope, json, listEnvelope, ok, page, body } from "../openapi";

export const members = new OpenAPIHono();
const tags = ["Members"];
const MemberPath = Membership.get.schema;

members.openapi(
  defineRoute(
    { scope: "account", action: "member.read", summary: "List the account's members" },
    {
      method: "get",
      path: "/members",
      tags,
      request: { query: Membership.list.schema },
      responses: { 200: json(listEnvelope(Membership.Info)) },
    },
  ),
  async (c) => {
    const query = c.req.valid("query");
    return page(c, await Membership.list(query), query.limit);
  },
);

members.openapi(
  defineRoute(
    { scope: "account", action: "member.read", summary: "Get a member" },
    { method: "get", path: "/members/{userId}", tags, request: { params: MemberPath }, responses: { 200: json(envelope(Membership.Info)) } },
  ),
  async (c) => ok(c, await Membership.get(c.req.valid("param"))),
);

members.openapi(
  defineRoute(
    { scope: "account", action: "member.write", summary: "Change a member's role or site restriction", description: "Owners only. An account keeps at least one owner." },
    {
      method: "patch",
      path: "/members/{userId}",
      tags,
      request: { params: MemberPath, body: body(Membership.update.schema.omit({ userId: true })) },
      responses: { 200: json(envelope(Membership.Info)) },
    },
  ),
  async (c) => ok(c, await Membership.update({ ...c.req.valid("json"), ...c.req.valid("param") })),
);

members.openapi(
  defineRoute(
    { scope: "account", action: "member.write", summary: "Remove a member", description: "Owners only; gives the max_users slot back." },
    { method: "delete", path: "/members/{userId}", tags, request: { params: MemberPath }, responses: { 204: { description: "Removed" } } },
  ),
  async (c) => {
    await Membership.remove(c.req.valid("param"));
    return c.body(null, 204);
  },
);
