import { OpenAPIHono } from "@hono/zod-openapi";
import { Cluster } from "@igny8/core/cluster";
import { Idea } from "@igny8/core/idea";
import { Site } from "@igny8/core/site";
import { z } from "zod";
import { body, defineRoute, envelope, json, listEnvelope, ok, page } from "../openapi";

/** Content ideas per cluster (AI), their edits, and idea → writing task. */
export const ideas = new OpenAPIHono();
const tags = ["Ideas"];
const SitePath = z.strictObject({ siteId: Site.SiteId });
const ClusterPath = z.strictObject({ siteId: Site.SiteId, clusterId: Cluster.ClusterId });
const IdeaPath = z.strictObject({ siteId: Site.SiteId, ideaId: Idea.IdeaId });

ideas.openapi(
  defineRoute(
    {
      scope: "site",
      action: "planner.write",
      summary: "Generate ideas for a cluster",
      description:
        "Asks the AI provider (the offline adapter when none is configured: ideas are then marked `offline`) for 1 to 10 " +
        "ideas from the cluster's keywords. Counts against max_content_ideas; announces idea.created per idea.",
    },
    {
      method: "post",
      path: "/sites/{siteId}/clusters/{clusterId}/ideas",
      tags,
      request: { params: ClusterPath, body: body(Idea.GenerateInput.omit({ siteId: true, clusterId: true })) },
      responses: { 201: json(envelope(z.array(Idea.Info)), "The new ideas") },
    },
  ),
  async (c) => ok(c, await Idea.generate({ ...c.req.valid("json"), ...c.req.valid("param") }), 201),
);

const PreviewQuery = z.strictObject({
  count: z.coerce.number().int().min(1).max(10).default(3),
  contentTypes: z.string().trim().max(200).optional().meta({ description: "Only these content types, comma-separated", example: "guide,how-to" }),
  instructions: z.string().trim().max(1000).optional(),
});

ideas.openapi(
  defineRoute(
    {
      scope: "site",
      action: "planner.read",
      summary: "Preview the prompt of an idea generation",
      description:
        "The system message (with the author profile and strategy) and the prompt that generating ideas for this cluster with these " +
        "options would send now: the account's ideas prompt (or the default), the cluster's keywords and the ideas it already has. " +
        "Nothing is called or charged.",
    },
    {
      method: "get",
      path: "/sites/{siteId}/clusters/{clusterId}/ideas/prompt-preview",
      tags,
      request: { params: ClusterPath, query: PreviewQuery },
      responses: { 200: json(envelope(Idea.PreviewView)) },
    },
  ),
  async (c) => {
    const { contentTypes, ...query } = c.req.valid("query");
    const list = contentTypes?.split(",").map((type) => type.trim()).filter(Boolean);
    return ok(c, await Idea.previewPrompt({ ...query, ...c.req.valid("param"), contentTypes: list as Parameters<typeof Idea.previewPrompt>[0]["contentTypes"] }));
  },
);

ideas.openapi(
  defineRoute(
    { scope: "site", action: "planner.read", summary: "List a site's ideas", description: "Newest first; filter by cluster, sector, status or content type." },
    {
      method: "get",
      path: "/sites/{siteId}/ideas",
      tags,
      request: { params: SitePath, query: Idea.ListInput.omit({ siteId: true }) },
      responses: { 200: json(listEnvelope(Idea.Info)) },
    },
  ),
  async (c) => {
    const query = c.req.valid("query");
    return page(c, await Idea.list({ ...query, ...c.req.valid("param") }), query.limit);
  },
);

ideas.openapi(
  defineRoute(
    {
      scope: "site",
      action: "planner.write",
      summary: "Turn ideas into writing tasks",
      description: "One task per idea (an idea that already has one answers it, `created: false`); the ideas become `tasked`.",
    },
    {
      method: "post",
      path: "/sites/{siteId}/ideas/to-tasks",
      tags,
      request: { params: SitePath, body: body(Idea.ToTasksInput.omit({ siteId: true })) },
      responses: { 200: json(envelope(Idea.ToTasksResult)) },
    },
  ),
  async (c) => ok(c, await Idea.toTasks({ ...c.req.valid("json"), ...c.req.valid("param") })),
);

ideas.openapi(
  defineRoute(
    { scope: "site", action: "planner.read", summary: "Get an idea" },
    {
      method: "get",
      path: "/sites/{siteId}/ideas/{ideaId}",
      tags,
      request: { params: IdeaPath },
      responses: { 200: json(envelope(Idea.Info)) },
    },
  ),
  async (c) => ok(c, await Idea.get(c.req.valid("param"))),
);

ideas.openapi(
  defineRoute(
    { scope: "site", action: "planner.write", summary: "Edit an idea", description: "Title, angle, type, outline, targets, length; status new/approved/rejected." },
    {
      method: "patch",
      path: "/sites/{siteId}/ideas/{ideaId}",
      tags,
      request: { params: IdeaPath, body: body(Idea.UpdateInput.omit({ siteId: true, ideaId: true })) },
      responses: { 200: json(envelope(Idea.Info)) },
    },
  ),
  async (c) => ok(c, await Idea.update({ ...c.req.valid("json"), ...c.req.valid("param") })),
);

ideas.openapi(
  defineRoute(
    { scope: "site", action: "planner.write", summary: "Regenerate an idea", description: "A new AI draft in place of this one (same id, no new slot)." },
    {
      method: "post",
      path: "/sites/{siteId}/ideas/{ideaId}/regenerate",
      tags,
      request: { params: IdeaPath, body: body(Idea.RegenerateInput.omit({ siteId: true, ideaId: true })) },
      responses: { 200: json(envelope(Idea.Info)) },
    },
  ),
  async (c) => ok(c, await Idea.regenerate({ ...c.req.valid("json"), ...c.req.valid("param") })),
);

ideas.openapi(
  defineRoute(
    { scope: "site", action: "planner.write", summary: "Turn an idea into a writing task" },
    {
      method: "post",
      path: "/sites/{siteId}/ideas/{ideaId}/to-task",
      tags,
      request: { params: IdeaPath },
      responses: { 200: json(envelope(Idea.ToTasksResult)) },
    },
  ),
  async (c) => {
    const { siteId, ideaId } = c.req.valid("param");
    return ok(c, await Idea.toTasks({ siteId, ideaIds: [ideaId] }));
  },
);

ideas.openapi(
  defineRoute(
    { scope: "site", action: "planner.write", summary: "Delete an idea", description: "Gives its max_content_ideas slot back." },
    {
      method: "delete",
      path: "/sites/{siteId}/ideas/{ideaId}",
      tags,
      request: { params: IdeaPath },
      responses: { 204: { description: "Deleted" } },
    },
  ),
  async (c) => {
    await Idea.remove(c.req.valid("param"));
    return c.body(null, 204);
  },
);
