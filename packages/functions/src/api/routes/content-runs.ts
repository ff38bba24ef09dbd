import { OpenAPIHono } from "@hono/zod-openapi";
import { ContentRun } from "@igny8/core/content";
import { Page } from "@igny8/core/pagination";
import { Site } from "@igny8/core/site";
import { z } from "zod";
import { body, defineRoute, envelope, json, listEnvelope, ok, page } from "../openapi";

/** Content runs: estimate, start, follow. */
export const contentRuns = new OpenAPIHono();
const tags = ["Content runs"];
const SitePath = z.strictObject({ siteId: Site.SiteId });

contentRuns.openapi(
  defineRoute(
    {
      scope: "site",
      action: "writer.read",
      summary: "Estimate a run's cost before it starts",
      description: "Credits per task and step at the current rates, against what is available and the caps. Nothing is claimed or charged.",
    },
    {
      method: "post",
      path: "/sites/{siteId}/content-runs/estimate",
      tags,
      request: { params: SitePath, body: body(ContentRun.RunBody) },
      responses: { 200: json(envelope(ContentRun.EstimateView)) },
    },
  ),
  async (c) => ok(c, await ContentRun.estimate({ ...c.req.valid("json"), ...c.req.valid("param") })),
);

contentRuns.openapi(
  defineRoute(
    {
      scope: "site",
      action: "writer.write",
      summary: "Start a content run",
      description:
        "Claims the tasks and the plan's daily_content_tasks slots atomically (403 plan.limit_reached when over), refuses an estimate beyond the credits or caps " +
        "(402) unless partial, and starts the content-generation pipeline with the plan's max_concurrent_tasks. Follow it at GET .../content-runs/{runId}.",
    },
    {
      method: "post",
      path: "/sites/{siteId}/content-runs",
      tags,
      request: { params: SitePath, body: body(ContentRun.StartBody) },
      responses: {
        202: json(envelope(ContentRun.Started), "The run started"),
        402: json(z.object({ error: z.object({ code: z.string() }) }), "credits.insufficient or a budget cap (with the estimate)"),
      },
    },
  ),
  async (c) => ok(c, await ContentRun.start({ ...c.req.valid("json"), ...c.req.valid("param") }), 202),
);

contentRuns.openapi(
  defineRoute(
    { scope: "site", action: "writer.read", summary: "A site's content runs, newest first" },
    {
      method: "get",
      path: "/sites/{siteId}/content-runs",
      tags,
      request: { params: SitePath, query: z.strictObject({ ...Page.Query }) },
      responses: { 200: json(listEnvelope(ContentRun.Summary)) },
    },
  ),
  async (c) => {
    const query = c.req.valid("query");
    return page(c, await ContentRun.list({ ...query, ...c.req.valid("param") }), query.limit);
  },
);

contentRuns.openapi(
  defineRoute(
    { scope: "site", action: "writer.read", summary: "A content run with progress per task", description: "Each task's step, status, failure reason and credits used." },
    {
      method: "get",
      path: "/sites/{siteId}/content-runs/{runId}",
      tags,
      request: { params: z.strictObject({ siteId: Site.SiteId, runId: ContentRun.RunId }) },
      responses: { 200: json(envelope(ContentRun.RunView)) },
    },
  ),
  async (c) => ok(c, await ContentRun.get(c.req.valid("param"))),
);
