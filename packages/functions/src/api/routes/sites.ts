import { OpenAPIHono } from "@hono/zod-openapi";
import { Site } from "@igny8/core/site";
import { body, defineRoute, envelope, json, listEnvelope, ok, page } from "../openapi";

export const sites = new OpenAPIHono();
const tags = ["Sites"];
const SitePath = Site.get.schema;

sites.openapi(
  defineRoute(
    { scope: "account", action: "site.read", summary: "List sites" },
    {
      method: "get",
      path: "/sites",
      tags,
      request: { query: Site.list.schema },
      responses: { 200: json(listEnvelope(Site.Info), "A page of sites") },
    },
  ),
  async (c) => {
    const query = c.req.valid("query");
    return page(c, await Site.list(query), query.limit);
  },
);

sites.openapi(
  defineRoute(
    { scope: "account", action: "site.write", summary: "Add a site", description: "Counts against the plan's max_sites, atomically." },
    {
      method: "post",
      path: "/sites",
      tags,
      request: { body: body(Site.create.schema) },
      responses: { 201: json(envelope(Site.Info), "The new site") },
    },
  ),
  async (c) => ok(c, await Site.create(c.req.valid("json")), 201),
);

sites.openapi(
  defineRoute(
    { scope: "site", action: "site.read", summary: "Get a site" },
    {
      method: "get",
      path: "/sites/{siteId}",
      tags,
      request: { params: SitePath },
      responses: { 200: json(envelope(Site.Info)) },
    },
  ),
  async (c) => ok(c, await Site.get(c.req.valid("param"))),
);

sites.openapi(
  defineRoute(
    { scope: "site", action: "site.write", summary: "Change a site" },
    {
      method: "patch",
      path: "/sites/{siteId}",
      tags,
      request: { params: SitePath, body: body(Site.update.schema.omit({ siteId: true })) },
      responses: { 200: json(envelope(Site.Info)) },
    },
  ),
  async (c) => ok(c, await Site.update({ ...c.req.valid("json"), ...c.req.valid("param") })),
);

sites.openapi(
  defineRoute(
    { scope: "site", action: "site.write", summary: "Delete a site and its sectors", description: "Gives its max_sites slot back." },
    {
      method: "delete",
      path: "/sites/{siteId}",
      tags,
      request: { params: SitePath },
      responses: { 204: { description: "Deleted" } },
    },
  ),
  async (c) => {
    await Site.remove(c.req.valid("param"));
    return c.body(null, 204);
  },
);
