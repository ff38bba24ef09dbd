import { OpenAPIHono } from "@hono/zod-openapi";
import { Site } from "@igny8/core/site";
import { Task } from "@igny8/core/task";
import { z } from "zod";
import { body, defineRoute, envelope, json, listEnvelope, ok, page } from "../openapi";

/** Writing tasks of a site (by hand here; from ideas through the planner). */
export const tasks = new OpenAPIHono();
const tags = ["Tasks"];
const SitePath = z.strictObject({ siteId: Site.SiteId });

tasks.openapi(
  defineRoute(
    { scope: "site", action: "writer.read", summary: "List a site's tasks", description: "Newest first; filter by status, content type or text." },
    { method: "get", path: "/sites/{siteId}/tasks", tags, request: { params: SitePath, query: Task.ListInput }, responses: { 200: json(listEnvelope(Task.Info)) } },
  ),
  async (c) => {
    const query = c.req.valid("query");
    return page(c, await Task.list({ ...query, ...c.req.valid("param") }), query.limit);
  },
);

tasks.openapi(
  defineRoute(
    { scope: "site", action: "writer.write", summary: "Add a task by hand" },
    { method: "post", path: "/sites/{siteId}/tasks", tags, request: { params: SitePath, body: body(Task.CreateBody) }, responses: { 201: json(envelope(Task.Info)) } },
  ),
  async (c) => ok(c, await Task.create({ ...c.req.valid("json"), ...c.req.valid("param") }), 201),
);

tasks.openapi(
  defineRoute(
    { scope: "site", action: "writer.read", summary: "Get a task" },
    { method: "get", path: "/sites/{siteId}/tasks/{taskId}", tags, request: { params: Task.Key }, responses: { 200: json(envelope(Task.Info)) } },
  ),
  async (c) => ok(c, await Task.get(c.req.valid("param"))),
);

tasks.openapi(
  defineRoute(
    { scope: "site", action: "writer.write", summary: "Change what a task asks for", description: "Not while a run holds it (409 task.busy)." },
    {
      method: "patch",
      path: "/sites/{siteId}/tasks/{taskId}",
      tags,
      request: { params: Task.Key, body: body(Task.UpdateBody) },
      responses: { 200: json(envelope(Task.Info)) },
    },
  ),
  async (c) => ok(c, await Task.update({ ...c.req.valid("json"), ...c.req.valid("param") })),
);

tasks.openapi(
  defineRoute(
    {
      scope: "site",
      action: "writer.write",
      summary: "Move a task: review ⇄ approved, or back to queued",
      description: "generating, failed and published are set by the pipeline and the publisher.",
    },
    {
      method: "post",
      path: "/sites/{siteId}/tasks/{taskId}/status",
      tags,
      request: { params: Task.Key, body: body(Task.SetStatusBody) },
      responses: { 200: json(envelope(Task.Info)) },
    },
  ),
  async (c) => ok(c, await Task.setStatus({ ...c.req.valid("json"), ...c.req.valid("param") })),
);

tasks.openapi(
  defineRoute(
    { scope: "site", action: "writer.write", summary: "Delete a task with its content and images" },
    { method: "delete", path: "/sites/{siteId}/tasks/{taskId}", tags, request: { params: Task.Key }, responses: { 204: { description: "Deleted" } } },
  ),
  async (c) => {
    await Task.remove(c.req.valid("param"));
    return c.body(null, 204);
  },
);
