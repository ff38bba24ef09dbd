import { OpenAPIHono } from "@hono/zod-openapi";
import { Page } from "@igny8/core/pagination";
import { Execution, Pipelines } from "@igny8/core/pipelines";
import { Site } from "@igny8/core/site";
import { Storage } from "@igny8/core/storage";
import { VisibleError } from "@igny8/core/util";
import { z } from "zod";
import { defineRoute, envelope, json, listEnvelope, ok, page } from "../openapi";

/**
 * Pipeline executions: start the site storage recount and read any execution's progress. The
 * account always comes from the caller (useAccount() inside the domain functions).
 */
export const executions = new OpenAPIHono();
const tags = ["Executions"];
const SitePath = z.strictObject({ siteId: Site.SiteId });

const Started = z
  .object({
    executionId: Execution.ExecutionId,
    pipeline: z.string(),
    status: z.literal("running"),
  })
  .meta({ id: "ExecutionStarted" });

executions.openapi(
  defineRoute(
    {
      scope: "site",
      action: "site.write",
      summary: "Recount a site's storage",
      description:
        "Starts the site-storage-usage pipeline: counts every folder of the site's files, records the usage and " +
        "publishes `storage.quota_exceeded` when over the plan's quota. Follow it at GET /v1/executions/{executionId}.",
    },
    {
      method: "post",
      path: "/sites/{siteId}/storage-usage",
      tags,
      request: { params: SitePath },
      responses: { 202: json(envelope(Started), "The execution started") },
    },
  ),
  async (c) => {
    const { siteId } = c.req.valid("param");
    await Site.get({ siteId });
    const executionId = await Pipelines.start("site-storage-usage", { siteId });
    return ok(c, { executionId, pipeline: "site-storage-usage", status: "running" as const }, 202);
  },
);

executions.openapi(
  defineRoute(
    { scope: "site", action: "usage.read", summary: "A site's last storage measurement" },
    {
      method: "get",
      path: "/sites/{siteId}/storage-usage",
      tags,
      request: { params: SitePath },
      responses: { 200: json(envelope(Storage.Usage.Info)) },
    },
  ),
  async (c) => {
    const { siteId } = c.req.valid("param");
    await Site.get({ siteId });
    const usage = await Storage.Usage.get(siteId);
    if (!usage) {
      throw new VisibleError(
        "not_found",
        "storage_usage.not_measured",
        "This site's storage has not been counted yet",
      );
    }
    return ok(c, usage);
  },
);

executions.openapi(
  defineRoute(
    { scope: "account", action: "account.read", summary: "An execution with its progress" },
    {
      method: "get",
      path: "/executions/{executionId}",
      tags,
      request: { params: z.strictObject({ executionId: Execution.ExecutionId }) },
      responses: { 200: json(envelope(Execution.View)) },
    },
  ),
  async (c) => {
    const { executionId } = c.req.valid("param");
    const execution = await Execution.get(executionId);
    if (!execution)
      throw new VisibleError(
        "not_found",
        "execution.not_found",
        "No such execution in this account",
      );
    return ok(c, execution);
  },
);

const ListQuery = z.strictObject({
  pipeline: z.enum(Pipelines.pipelines.map((p) => p.name) as [string, ...string[]]),
  ...Page.Query,
});

executions.openapi(
  defineRoute(
    { scope: "account", action: "account.read", summary: "Executions of a pipeline, newest first" },
    {
      method: "get",
      path: "/executions",
      tags,
      request: { query: ListQuery },
      responses: { 200: json(listEnvelope(Execution.Summary)) },
    },
  ),
  async (c) => {
    const { pipeline, cursor, limit } = c.req.valid("query");
    return page(c, await Execution.list(pipeline, { cursor, limit }), limit);
  },
);
