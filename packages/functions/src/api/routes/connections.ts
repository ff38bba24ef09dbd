import { OpenAPIHono } from "@hono/zod-openapi";
import { Connection } from "@igny8/core/connection";
import { Site } from "@igny8/core/site";
import { z } from "zod";
import { body, defineRoute, envelope, json, listEnvelope, ok, page } from "../openapi";

/**
 * Connections: a site's publishing destinations (WordPress). Connecting validates the site and
 * the user's role before anything is stored; the Application Password is stored sealed and never
 * answered.
 */
export const connections = new OpenAPIHono();
const tags = ["Connections"];
const SitePath = z.strictObject({ siteId: Site.SiteId });
const ConnectionPath = Connection.Key;

connections.openapi(
  defineRoute(
    {
      scope: "site",
      action: "integration.write",
      summary: "Connect a WordPress site",
      description:
        "Checks the site end to end first: the REST API answers, Application Passwords are on (if not, the error says what to do), " +
        "the credentials work (`GET /wp/v2/users/me?context=edit`) and the user's role can publish. The report lists the role and " +
        "what it cannot do (authors cannot create categories and lose scripts and iframes). Nothing is stored when a check fails.",
    },
    {
      method: "post",
      path: "/sites/{siteId}/connections",
      tags,
      request: { params: SitePath, body: body(Connection.CreateBody) },
      responses: { 201: json(envelope(Connection.Info), "The connection with its validation report") },
    },
  ),
  async (c) => ok(c, await Connection.create({ ...c.req.valid("json"), ...c.req.valid("param") }), 201),
);

connections.openapi(
  defineRoute(
    { scope: "site", action: "publisher.read", summary: "List a site's connections" },
    {
      method: "get",
      path: "/sites/{siteId}/connections",
      tags,
      request: { params: SitePath, query: Connection.ListInput.omit({ siteId: true }) },
      responses: { 200: json(listEnvelope(Connection.Info)) },
    },
  ),
  async (c) => {
    const query = c.req.valid("query");
    return page(c, await Connection.list({ ...query, ...c.req.valid("param") }), query.limit);
  },
);

connections.openapi(
  defineRoute(
    { scope: "site", action: "publisher.read", summary: "Get a connection" },
    {
      method: "get",
      path: "/sites/{siteId}/connections/{connectionId}",
      tags,
      request: { params: ConnectionPath },
      responses: { 200: json(envelope(Connection.Info)) },
    },
  ),
  async (c) => ok(c, await Connection.get(c.req.valid("param"))),
);

connections.openapi(
  defineRoute(
    {
      scope: "site",
      action: "integration.write",
      summary: "Change a connection",
      description: "Rename, change the mapping of sectors and clusters to terms, or change the credentials (validated again before they are stored).",
    },
    {
      method: "patch",
      path: "/sites/{siteId}/connections/{connectionId}",
      tags,
      request: { params: ConnectionPath, body: body(Connection.UpdateBody) },
      responses: { 200: json(envelope(Connection.Info)) },
    },
  ),
  async (c) => ok(c, await Connection.update({ ...c.req.valid("json"), ...c.req.valid("param") })),
);

connections.openapi(
  defineRoute(
    { scope: "site", action: "integration.write", summary: "Delete a connection", description: "Publishing records keep their history." },
    {
      method: "delete",
      path: "/sites/{siteId}/connections/{connectionId}",
      tags,
      request: { params: ConnectionPath },
      responses: { 204: { description: "Deleted" } },
    },
  ),
  async (c) => {
    await Connection.remove(c.req.valid("param"));
    return c.body(null, 204);
  },
);

connections.openapi(
  defineRoute(
    {
      scope: "site",
      action: "integration.write",
      summary: "Check a connection again",
      description: "Runs the connection checks with the stored credentials and records the outcome (status failed with the reason when they no longer work).",
    },
    {
      method: "post",
      path: "/sites/{siteId}/connections/{connectionId}/validate",
      tags,
      request: { params: ConnectionPath },
      responses: { 200: json(envelope(Connection.Info)) },
    },
  ),
  async (c) => ok(c, await Connection.validate(c.req.valid("param"))),
);

const Synced = z
  .object({ connection: Connection.Info, removed: z.number().int().meta({ description: "Entries no longer on the site" }) })
  .meta({ id: "ConnectionSynced" });

connections.openapi(
  defineRoute(
    {
      scope: "site",
      action: "integration.write",
      summary: "Sync categories, tags, authors and post types",
      description: "Reads them from WordPress (nothing is written there) and stores them as the connection's catalog.",
    },
    {
      method: "post",
      path: "/sites/{siteId}/connections/{connectionId}/sync",
      tags,
      request: { params: ConnectionPath },
      responses: { 200: json(envelope(Synced)) },
    },
  ),
  async (c) => ok(c, await Connection.sync(c.req.valid("param"))),
);

connections.openapi(
  defineRoute(
    { scope: "site", action: "publisher.read", summary: "A connection's synced categories, tags or authors" },
    {
      method: "get",
      path: "/sites/{siteId}/connections/{connectionId}/catalog",
      tags,
      request: { params: ConnectionPath, query: Connection.CatalogInput.omit({ siteId: true, connectionId: true }) },
      responses: { 200: json(listEnvelope(Connection.CatalogEntry)) },
    },
  ),
  async (c) => {
    const query = c.req.valid("query");
    return page(c, await Connection.catalog({ ...query, ...c.req.valid("param") }), query.limit);
  },
);
