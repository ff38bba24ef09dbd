import { OpenAPIHono } from "@hono/zod-openapi";
import { Invitation } from "@igny8/core/invitation";
import { body, defineRoute, envelope, json, listEnvelope, ok, page } from "../openapi";

export const invitations = new OpenAPIHono();
const tags = ["Invitations"];

invitations.openapi(
  defineRoute(
    { scope: "account", action: "member.read", summary: "List invitations" },
    {
      method: "get",
      path: "/invitations",
      tags,
      request: { query: Invitation.list.schema },
      responses: { 200: json(listEnvelope(Invitation.Info)) },
    },
  ),
  async (c) => {
    const query = c.req.valid("query");
    return page(c, await Invitation.list(query), query.limit);
  },
);

invitations.openapi(
  defineRoute(
    {
      scope: "account",
      action: "member.write",
      summary: "Invite someone by e-mail",
      description: `Owners only. The e-mailed link works for ${Invitation.VALID_DAYS} days; the token is stored hashed.`,
    },
    {
      method: "post",
      path: "/invitations",
      tags,
      request: { body: body(Invitation.create.schema) },
      responses: { 201: json(envelope(Invitation.Info)) },
    },
  ),
  async (c) => ok(c, await Invitation.create(c.req.valid("json")), 201),
);

invitations.openapi(
  defineRoute(
    { scope: "account", action: "member.write", summary: "Revoke a pending invitation" },
    {
      method: "delete",
      path: "/invitations/{invitationId}",
      tags,
      request: { params: Invitation.revoke.schema },
      responses: { 200: json(envelope(Invitation.Info)) },
    },
  ),
  async (c) => ok(c, await Invitation.revoke(c.req.valid("param"))),
);

invitations.openapi(
  defineRoute(
    {
      scope: "public",
      summary: "Accept an invitation",
      description: "With the token from the e-mailed link. People new to IGNY8 also give a name and a password.",
    },
    {
      method: "post",
      path: "/invitations/accept",
      tags,
      request: { body: body(Invitation.accept.schema) },
      responses: { 200: json(envelope(Invitation.Accepted)) },
    },
  ),
  async (c) => ok(c, await Invitation.accept(c.req.valid("json"))),
);
