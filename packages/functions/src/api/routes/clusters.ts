import { OpenAPIHono } from "@hono/zod-openapi";
import { Cluster } from "@igny8/core/cluster";
import { Site } from "@igny8/core/site";
import { z } from "zod";
import { body, defineRoute, envelope, json, listEnvelope, ok, page } from "../openapi";

/** Clustering runs and the clusters they make (topic clusters with their page groups). */
export const clusters = new OpenAPIHono();
const tags = ["Clusters"];
const SitePath = z.strictObject({ siteId: Site.SiteId });
const ClusterPath = z.strictObject({ siteId: Site.SiteId, clusterId: Cluster.ClusterId });

const RunStarted = z
  .object({
    executionId: z.string(),
    pipeline: z.literal("cluster-keywords"),
    status: z.literal("running"),
    sectors: z.array(z.string()),
  })
  .meta({ id: "ClusteringRunStarted" });

clusters.openapi(
  defineRoute(
    {
      scope: "site",
      action: "planner.write",
      summary: "Cluster keywords",
      description:
        "Starts the cluster-keywords pipeline for one sector (or every sector of the site): topic clusters with page groups, " +
        "by offline text similarity, the AI provider's embeddings, or shared top-10 URLs. Clusters people locked or edited are " +
        "kept; unclustered keywords are reported with the reason. Follow it at GET /v1/executions/{executionId}.",
    },
    {
      method: "post",
      path: "/sites/{siteId}/clustering-runs",
      tags,
      request: { params: SitePath, body: body(Cluster.RunStartInput.omit({ siteId: true })) },
      responses: { 202: json(envelope(RunStarted), "The run started") },
    },
  ),
  async (c) => {
    const run = await Cluster.startRun({ ...c.req.valid("json"), ...c.req.valid("param") });
    return ok(c, { ...run, pipeline: "cluster-keywords" as const, status: "running" as const }, 202);
  },
);

clusters.openapi(
  defineRoute(
    { scope: "site", action: "planner.read", summary: "List a site's clusters" },
    {
      method: "get",
      path: "/sites/{siteId}/clusters",
      tags,
      request: { params: SitePath, query: Cluster.ListInput.omit({ siteId: true }) },
      responses: { 200: json(listEnvelope(Cluster.Info)) },
    },
  ),
  async (c) => {
    const query = c.req.valid("query");
    return page(c, await Cluster.list({ ...query, ...c.req.valid("param") }), query.limit);
  },
);

clusters.openapi(
  defineRoute(
    { scope: "site", action: "planner.write", summary: "Create a cluster by hand", description: "Counts against max_clusters; kept by clustering runs." },
    {
      method: "post",
      path: "/sites/{siteId}/clusters",
      tags,
      request: { params: SitePath, body: body(Cluster.CreateInput.omit({ siteId: true })) },
      responses: { 201: json(envelope(Cluster.Detail)) },
    },
  ),
  async (c) => ok(c, await Cluster.create({ ...c.req.valid("json"), ...c.req.valid("param") }), 201),
);

clusters.openapi(
  defineRoute(
    { scope: "site", action: "planner.read", summary: "A cluster with its page groups and keywords" },
    {
      method: "get",
      path: "/sites/{siteId}/clusters/{clusterId}",
      tags,
      request: { params: ClusterPath },
      responses: { 200: json(envelope(Cluster.Detail)) },
    },
  ),
  async (c) => ok(c, await Cluster.get(c.req.valid("param"))),
);

clusters.openapi(
  defineRoute(
    { scope: "site", action: "planner.write", summary: "Rename or lock a cluster", description: "A renamed cluster counts as edited: runs keep it." },
    {
      method: "patch",
      path: "/sites/{siteId}/clusters/{clusterId}",
      tags,
      request: { params: ClusterPath, body: body(Cluster.UpdateInput.omit({ siteId: true, clusterId: true })) },
      responses: { 200: json(envelope(Cluster.Info)) },
    },
  ),
  async (c) => ok(c, await Cluster.update({ ...c.req.valid("json"), ...c.req.valid("param") })),
);

clusters.openapi(
  defineRoute(
    { scope: "site", action: "planner.write", summary: "Lock a cluster", description: "Clustering runs keep locked clusters as they are." },
    {
      method: "post",
      path: "/sites/{siteId}/clusters/{clusterId}/lock",
      tags,
      request: { params: ClusterPath },
      responses: { 200: json(envelope(Cluster.Info)) },
    },
  ),
  async (c) => ok(c, await Cluster.lock(c.req.valid("param"))),
);

clusters.openapi(
  defineRoute(
    { scope: "site", action: "planner.write", summary: "Unlock a cluster" },
    {
      method: "post",
      path: "/sites/{siteId}/clusters/{clusterId}/unlock",
      tags,
      request: { params: ClusterPath },
      responses: { 200: json(envelope(Cluster.Info)) },
    },
  ),
  async (c) => ok(c, await Cluster.unlock(c.req.valid("param"))),
);

clusters.openapi(
  defineRoute(
    { scope: "site", action: "planner.write", summary: "Merge clusters into this one", description: "Same sector only; the merged clusters are deleted (slots given back)." },
    {
      method: "post",
      path: "/sites/{siteId}/clusters/{clusterId}/merge",
      tags,
      request: { params: ClusterPath, body: body(Cluster.MergeInput.omit({ siteId: true, clusterId: true })) },
      responses: { 200: json(envelope(Cluster.Detail)) },
    },
  ),
  async (c) => ok(c, await Cluster.merge({ ...c.req.valid("json"), ...c.req.valid("param") })),
);

clusters.openapi(
  defineRoute(
    { scope: "site", action: "planner.write", summary: "Move keywords into or out of a cluster" },
    {
      method: "post",
      path: "/sites/{siteId}/clusters/{clusterId}/keywords",
      tags,
      request: { params: ClusterPath, body: body(Cluster.EditKeywordsBody) },
      responses: { 200: json(envelope(Cluster.Detail)) },
    },
  ),
  async (c) => ok(c, await Cluster.editKeywords({ ...c.req.valid("json"), ...c.req.valid("param") })),
);

clusters.openapi(
  defineRoute(
    { scope: "site", action: "planner.write", summary: "Delete a cluster", description: "Its keywords stay, unclustered; its max_clusters slot is given back." },
    {
      method: "delete",
      path: "/sites/{siteId}/clusters/{clusterId}",
      tags,
      request: { params: ClusterPath },
      responses: { 204: { description: "Deleted" } },
    },
  ),
  async (c) => {
    await Cluster.remove(c.req.valid("param"));
    return c.body(null, 204);
  },
);
