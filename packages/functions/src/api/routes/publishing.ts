import { OpenAPIHono } from "@hono/zod-openapi";
import { Execution } from "@igny8/core/pipelines";
import { Publishing } from "@igny8/core/publishing";
import { Site } from "@igny8/core/site";
import { z } from "zod";
import { body, defineRoute, envelope, json, listEnvelope, ok, page } from "../openapi";

/**
 * Publishing content to a site's connections, and the publishing records (one per content and
 * destination, with their history). One item publishes at once; many go through the
 * content-publish pipeline (POST .../publishing/runs), followed at GET /v1/executions/{id}.
 */
export const publishing = new OpenAPIHono();
const tags = ["Publishing"];
const SitePath = z.strictObject({ siteId: Site.SiteId });
const RecordPath = Publishing.RecordKey;

publishing.openapi(
  defineRoute(
    {
      scope: "site",
      action: "publisher.write",
      summary: "Publish a content item to a connection",
      description:
        "Exactly once per (content, connection): the first call creates the post, later calls update the same post. " +
        "All or nothing: the post is staged as a draft and gets the requested status only when every image uploaded and " +
        "WordPress kept every category, tag and image; a failed attempt removes what it uploaded. Categories and tags " +
        "come from the connection's mapping of the content's sector and cluster unless given.",
    },
    {
      method: "post",
      path: "/sites/{siteId}/publishing",
      tags,
      request: { params: SitePath, body: body(Publishing.PublishBody) },
      responses: { 200: json(envelope(Publishing.Published), "The post and its publishing record") },
    },
  ),
  async (c) => ok(c, await Publishing.publish({ ...c.req.valid("json"), ...c.req.valid("param") })),
);

publishing.openapi(
  defineRoute(
    { scope: "site", action: "publisher.read", summary: "Publishing records of a site", description: "Newest first; filter by content or by connection." },
    {
      method: "get",
      path: "/sites/{siteId}/publishing",
      tags,
      request: { params: SitePath, query: Publishing.ListInput.omit({ siteId: true }) },
      responses: { 200: json(listEnvelope(Publishing.RecordInfo)) },
    },
  ),
  async (c) => {
    const query = c.req.valid("query");
    return page(c, await Publishing.list({ ...query, ...c.req.valid("param") }), query.limit);
  },
);

const RunStarted = z
  .object({
    executionId: Execution.ExecutionId,
    pipeline: z.string(),
    status: z.literal("running"),
    items: z.number().int(),
  })
  .meta({ id: "PublishingRunStarted" });

publishing.openapi(
  defineRoute(
    {
      scope: "site",
      action: "publisher.write",
      summary: "Publish many items through the pipeline",
      description:
        "Starts the content-publish pipeline: each (content, connection) item publishes exactly once, retried while WordPress is " +
        "unavailable; an item that fails is recorded with its reason and the others go on. Follow it at GET /v1/executions/{executionId}.",
    },
    {
      method: "post",
      path: "/sites/{siteId}/publishing/runs",
      tags,
      request: { params: SitePath, body: body(Publishing.RunBody) },
      responses: { 202: json(envelope(RunStarted), "The execution started") },
    },
  ),
  async (c) => ok(c, await Publishing.startRun({ ...c.req.valid("json"), ...c.req.valid("param") }), 202),
);

const ResyncedAll = z
  .object({
    checked: z.number().int(),
    counts: z.record(z.string(), z.number().int()).meta({ description: "Records by state (in_sync, edited_remotely, trashed...)" }),
    changed: z.array(Publishing.RecordInfo).meta({ description: "Records whose post changed on WordPress" }),
    cursor: z.string().nullable().meta({ description: "Pass back as cursor for the next records; null when all were checked" }),
  })
  .meta({ id: "PublishingResyncedAll" });

publishing.openapi(
  defineRoute(
    {
      scope: "site",
      action: "publisher.write",
      summary: "Re-sync every record of a connection",
      description: "Detects posts edited, unpublished, trashed or deleted on WordPress, 100 records per call (pass the answer's cursor for the next). Nothing is re-published.",
    },
    {
      method: "post",
      path: "/sites/{siteId}/publishing/resync",
      tags,
      request: { params: SitePath, body: body(Publishing.ResyncAllInput.omit({ siteId: true })) },
      responses: { 200: json(envelope(ResyncedAll)) },
    },
  ),
  async (c) => ok(c, await Publishing.resyncConnection({ ...c.req.valid("json"), ...c.req.valid("param") })),
);

publishing.openapi(
  defineRoute(
    { scope: "site", action: "publisher.read", summary: "A publishing record with its history" },
    {
      method: "get",
      path: "/sites/{siteId}/publishing/{recordId}",
      tags,
      request: { params: RecordPath },
      responses: { 200: json(envelope(Publishing.RecordInfo)) },
    },
  ),
  async (c) => ok(c, await Publishing.get(c.req.valid("param"))),
);

publishing.openapi(
  defineRoute(
    {
      scope: "site",
      action: "publisher.write",
      summary: "Unpublish",
      description: "Switches the post back to draft on WordPress; publishing again puts it back.",
    },
    {
      method: "post",
      path: "/sites/{siteId}/publishing/{recordId}/unpublish",
      tags,
      request: { params: RecordPath },
      responses: { 200: json(envelope(Publishing.RecordInfo)) },
    },
  ),
  async (c) => ok(c, await Publishing.unpublish(c.req.valid("param"))),
);

publishing.openapi(
  defineRoute(
    {
      scope: "site",
      action: "publisher.write",
      summary: "Re-sync a record with WordPress",
      description: "Detects a post edited, unpublished, trashed or deleted on WordPress and records it. Nothing is re-published.",
    },
    {
      method: "post",
      path: "/sites/{siteId}/publishing/{recordId}/resync",
      tags,
      request: { params: RecordPath },
      responses: { 200: json(envelope(Publishing.Resynced)) },
    },
  ),
  async (c) => ok(c, await Publishing.resync(c.req.valid("param"))),
);

publishing.openapi(
  defineRoute(
    {
      scope: "site",
      action: "publisher.write",
      summary: "Delete the post from WordPress",
      description: "Moves the post to the WordPress trash (or deletes it for good with force=true). The record keeps its history.",
    },
    {
      method: "delete",
      path: "/sites/{siteId}/publishing/{recordId}",
      tags,
      request: { params: RecordPath, query: Publishing.DeleteQuery },
      responses: { 200: json(envelope(Publishing.RecordInfo)) },
    },
  ),
  async (c) => ok(c, await Publishing.remove({ ...c.req.valid("param"), force: c.req.valid("query").force === "true" })),
);
