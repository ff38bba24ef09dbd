import { OpenAPIHono } from "@hono/zod-openapi";
import { Keyword } from "@igny8/core/keyword";
import { Site } from "@igny8/core/site";
import { z } from "zod";
import { body, defineRoute, envelope, json, listEnvelope, ok, page } from "../openapi";

/** A site's keywords: list, add by hand, bulk actions, CSV export, one keyword. */
export const keywords = new OpenAPIHono();
const tags = ["Keywords"];
const SitePath = z.strictObject({ siteId: Site.SiteId });
const KeywordPath = z.strictObject({ siteId: Site.SiteId, keywordId: Keyword.KeywordId });

keywords.openapi(
  defineRoute(
    {
      scope: "site",
      action: "planner.read",
      summary: "List a site's keywords",
      description:
        "Filter by sector, cluster (`none` for unclustered), intent, status, tag and text; sort by volume, difficulty, " +
        "keyword or creation. With `sort=keyword` and filters other than `q`, a page may hold fewer items than `limit`: follow `meta.cursor`.",
    },
    {
      method: "get",
      path: "/sites/{siteId}/keywords",
      tags,
      request: { params: SitePath, query: Keyword.ListInput.omit({ siteId: true }) },
      responses: { 200: json(listEnvelope(Keyword.Info), "A page of keywords") },
    },
  ),
  async (c) => {
    const query = c.req.valid("query");
    return page(c, await Keyword.list({ ...query, ...c.req.valid("param") }), query.limit);
  },
);

keywords.openapi(
  defineRoute(
    {
      scope: "site",
      action: "planner.write",
      summary: "Add keywords by hand",
      description:
        "Up to 1,000 keywords into one sector: normalized, de-duplicated (a keyword the sector has is merged, not added twice), " +
        "counted against max_keywords (rows over the limit are rejected with `plan.limit_reached`). Announces keyword.added.",
    },
    {
      method: "post",
      path: "/sites/{siteId}/keywords",
      tags,
      request: { params: SitePath, body: body(Keyword.AddInput.omit({ siteId: true })) },
      responses: { 201: json(envelope(Keyword.AddResult), "What happened to each keyword") },
    },
  ),
  async (c) => ok(c, await Keyword.add({ ...c.req.valid("json"), ...c.req.valid("param") }), 201),
);

keywords.openapi(
  defineRoute(
    {
      scope: "site",
      action: "planner.write",
      summary: "Act on many keywords",
      description:
        "`move` to another sector of the site (merging into the keyword the sector already has), `tag`/`untag`, `delete` " +
        "(slots given back), `ignore`/`unignore` (ignored keywords are left out of clustering), `recluster` (taken out of " +
        "their clusters, then a clustering run per sector). Up to 1,000 ids; ids of no keyword are listed under `missing`.",
    },
    {
      method: "post",
      path: "/sites/{siteId}/keywords/bulk",
      tags,
      request: { params: SitePath, body: body(Keyword.BulkBody) },
      responses: { 200: json(envelope(Keyword.BulkResult)) },
    },
  ),
  async (c) => ok(c, await Keyword.bulk({ ...c.req.valid("json"), ...c.req.valid("param") })),
);

keywords.openapi(
  defineRoute(
    {
      scope: "site",
      action: "planner.read",
      summary: "Export keywords as CSV",
      description:
        "Writes the keywords that match (same filters and sorts as the list) to a CSV file and answers a download URL valid " +
        "for an hour. Cells starting with = + - @ TAB or CR are prefixed with a quote so spreadsheets do not run them.",
    },
    {
      method: "post",
      path: "/sites/{siteId}/keywords/export",
      tags,
      request: { params: SitePath, body: body(Keyword.ExportInput.omit({ siteId: true })) },
      responses: { 200: json(envelope(Keyword.ExportResult)) },
    },
  ),
  async (c) => ok(c, await Keyword.exportCsv({ ...c.req.valid("json"), ...c.req.valid("param") })),
);

keywords.openapi(
  defineRoute(
    { scope: "site", action: "planner.read", summary: "Get a keyword" },
    {
      method: "get",
      path: "/sites/{siteId}/keywords/{keywordId}",
      tags,
      request: { params: KeywordPath },
      responses: { 200: json(envelope(Keyword.Info)) },
    },
  ),
  async (c) => ok(c, await Keyword.get(c.req.valid("param"))),
);

keywords.openapi(
  defineRoute(
    { scope: "site", action: "planner.write", summary: "Change a keyword", description: "Status (new/ignored), tags and metrics; null clears a metric." },
    {
      method: "patch",
      path: "/sites/{siteId}/keywords/{keywordId}",
      tags,
      request: { params: KeywordPath, body: body(Keyword.UpdateInput.omit({ siteId: true, keywordId: true })) },
      responses: { 200: json(envelope(Keyword.Info)) },
    },
  ),
  async (c) => ok(c, await Keyword.update({ ...c.req.valid("json"), ...c.req.valid("param") })),
);

keywords.openapi(
  defineRoute(
    { scope: "site", action: "planner.write", summary: "Delete a keyword", description: "Gives its max_keywords slot back." },
    {
      method: "delete",
      path: "/sites/{siteId}/keywords/{keywordId}",
      tags,
      request: { params: KeywordPath },
      responses: { 204: { description: "Deleted" } },
    },
  ),
  async (c) => {
    await Keyword.remove(c.req.valid("param"));
    return c.body(null, 204);
  },
);
