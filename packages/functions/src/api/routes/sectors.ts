import { OpenAPIHono } from "@hono/zod-openapi";
import { Sector } from "@igny8/core/sector";
import { Site } from "@igny8/core/site";
import { z } from "zod";
import { body, defineRoute, envelope, json, listEnvelope, ok, page } from "../openapi";

export const sectors = new OpenAPIHono();
const tags = ["Sectors"];
const SitePath = z.strictObject({ siteId: Site.SiteId });
const SectorPath = Sector.get.schema;

sectors.openapi(
  defineRoute(
    { scope: "site", action: "site.read", summary: "List a site's sectors" },
    {
      method: "get",
      path: "/sites/{siteId}/sectors",
      tags,
      request: { params: SitePath, query: Sector.list.schema.omit({ siteId: true }) },
      responses: { 200: json(listEnvelope(Sector.Info)) },
    },
  ),
  async (c) => {
    const query = c.req.valid("query");
    return page(c, await Sector.list({ ...query, ...c.req.valid("param") }), query.limit);
  },
);

sectors.openapi(
  defineRoute(
    { scope: "site", action: "site.write", summary: "Add a sector", description: "Give a name, or a sector preset id (GET /v1/presets/industries)." },
    {
      method: "post",
      path: "/sites/{siteId}/sectors",
      tags,
      request: {
        params: SitePath,
        body: body(Sector.CreateBody),
      },
      responses: { 201: json(envelope(Sector.Info)) },
    },
  ),
  async (c) => ok(c, await Sector.create({ ...c.req.valid("json"), ...c.req.valid("param") }), 201),
);

sectors.openapi(
  defineRoute(
    { scope: "site", action: "site.read", summary: "Get a sector" },
    {
      method: "get",
      path: "/sites/{siteId}/sectors/{sectorId}",
      tags,
      request: { params: SectorPath },
      responses: { 200: json(envelope(Sector.Info)) },
    },
  ),
  async (c) => ok(c, await Sector.get(c.req.valid("param"))),
);

sectors.openapi(
  defineRoute(
    { scope: "site", action: "site.write", summary: "Change a sector" },
    {
      method: "patch",
      path: "/sites/{siteId}/sectors/{sectorId}",
      tags,
      request: { params: SectorPath, body: body(Sector.update.schema.omit({ siteId: true, sectorId: true })) },
      responses: { 200: json(envelope(Sector.Info)) },
    },
  ),
  async (c) => ok(c, await Sector.update({ ...c.req.valid("json"), ...c.req.valid("param") })),
);

sectors.openapi(
  defineRoute(
    { scope: "site", action: "site.write", summary: "Delete a sector" },
    {
      method: "delete",
      path: "/sites/{siteId}/sectors/{sectorId}",
      tags,
      request: { params: SectorPath },
      responses: { 204: { description: "Deleted" } },
    },
  ),
  async (c) => {
    await Sector.remove(c.req.valid("param"));
    return c.body(null, 204);
  },
);
