import { OpenAPIHono } from "@hono/zod-openapi";
import { Content } from "@igny8/core/content";
import { Page } from "@igny8/core/pagination";
import { Task } from "@igny8/core/task";
import { z } from "zod";
import { body, defineRoute, envelope, json, listEnvelope, ok, page } from "../openapi";

/** Content and its versions: read, edit, diff, restore; image prompts; content written by hand. */
export const contents = new OpenAPIHono();
const tags = ["Contents"];
const VersionNumber = z.coerce.number().int().min(1).max(999_999);
const VersionPath = Content.Key.extend({ version: VersionNumber });

contents.openapi(
  defineRoute(
    { scope: "site", action: "writer.read", summary: "List a site's content", description: "Newest first, without bodies." },
    {
      method: "get",
      path: "/sites/{siteId}/contents",
      tags,
      request: { params: Content.ListInput.pick({ siteId: true }), query: z.strictObject({ ...Page.Query }) },
      responses: { 200: json(listEnvelope(Content.Summary)) },
    },
  ),
  async (c) => {
    const query = c.req.valid("query");
    return page(c, await Content.list({ ...query, ...c.req.valid("param") }), query.limit);
  },
);

contents.openapi(
  defineRoute(
    { scope: "site", action: "writer.read", summary: "Get content (its newest version)" },
    { method: "get", path: "/sites/{siteId}/contents/{contentId}", tags, request: { params: Content.Key }, responses: { 200: json(envelope(Content.Info)) } },
  ),
  async (c) => ok(c, await Content.get(c.req.valid("param"))),
);

contents.openapi(
  defineRoute(
    {
      scope: "site",
      action: "writer.write",
      summary: "Edit content (a new version)",
      description: "From `expectedVersion` (409 content.version_conflict if it is not the newest). HTML is sanitized; meta, outline, word count, keywords and JSON-LD are recomputed.",
    },
    {
      method: "patch",
      path: "/sites/{siteId}/contents/{contentId}",
      tags,
      request: { params: Content.Key, body: body(Content.EditBody) },
      responses: { 200: json(envelope(Content.Info)) },
    },
  ),
  async (c) => ok(c, await Content.edit({ ...c.req.valid("json"), ...c.req.valid("param") })),
);

contents.openapi(
  defineRoute(
    { scope: "site", action: "writer.write", summary: "Write a task's content by hand", description: "For a task without content; it becomes version 1 and the task moves to review." },
    {
      method: "post",
      path: "/sites/{siteId}/tasks/{taskId}/content",
      tags,
      request: { params: Task.Key, body: body(Content.WriteBody) },
      responses: { 201: json(envelope(Content.Info)) },
    },
  ),
  async (c) => ok(c, await Content.write({ ...c.req.valid("json"), ...c.req.valid("param") }), 201),
);

contents.openapi(
  defineRoute(
    { scope: "site", action: "writer.read", summary: "Versions of content, newest first" },
    {
      method: "get",
      path: "/sites/{siteId}/contents/{contentId}/versions",
      tags,
      request: { params: Content.Key, query: z.strictObject({ ...Page.Query }) },
      responses: { 200: json(listEnvelope(Content.VersionSummary)) },
    },
  ),
  async (c) => {
    const query = c.req.valid("query");
    return page(c, await Content.versions({ ...query, ...c.req.valid("param") }), query.limit);
  },
);

contents.openapi(
  defineRoute(
    { scope: "site", action: "writer.read", summary: "One version of content" },
    {
      method: "get",
      path: "/sites/{siteId}/contents/{contentId}/versions/{version}",
      tags,
      request: { params: VersionPath },
      responses: { 200: json(envelope(Content.VersionInfo)) },
    },
  ),
  async (c) => ok(c, await Content.version(c.req.valid("param"))),
);

contents.openapi(
  defineRoute(
    { scope: "site", action: "writer.write", summary: "Restore a version (as a new version)" },
    {
      method: "post",
      path: "/sites/{siteId}/contents/{contentId}/versions/{version}/restore",
      tags,
      request: { params: VersionPath },
      responses: { 200: json(envelope(Content.Info)) },
    },
  ),
  async (c) => ok(c, await Content.restore(c.req.valid("param"))),
);

contents.openapi(
  defineRoute(
    {
      scope: "site",
      action: "writer.read",
      summary: "What changed between two versions",
      description: "Word diffs of title, slug and meta; a line diff of the body (one block element per line, long unchanged runs skipped) and of the FAQ.",
    },
    {
      method: "get",
      path: "/sites/{siteId}/contents/{contentId}/diff",
      tags,
      request: { params: Content.Key, query: z.strictObject({ from: VersionNumber, to: VersionNumber }) },
      responses: { 200: json(envelope(Content.DiffView)) },
    },
  ),
  async (c) => ok(c, await Content.diff({ ...c.req.valid("query"), ...c.req.valid("param") })),
);

contents.openapi(
  defineRoute(
    { scope: "site", action: "writer.write", summary: "Replace the image prompts", description: "Run the task in images mode to generate images from them." },
    {
      method: "put",
      path: "/sites/{siteId}/contents/{contentId}/image-prompts",
      tags,
      request: { params: Content.Key, body: body(Content.ImagePromptsBody) },
      responses: { 200: json(envelope(Content.Info)) },
    },
  ),
  async (c) => ok(c, await Content.setImagePrompts({ ...c.req.valid("json"), ...c.req.valid("param") })),
);
