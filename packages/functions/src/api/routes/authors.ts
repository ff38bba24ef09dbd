import { OpenAPIHono } from "@hono/zod-openapi";
import { Author, Strategy } from "@igny8/core/author";
import { Page } from "@igny8/core/pagination";
import { Site } from "@igny8/core/site";
import { z } from "zod";
import { body, defineRoute, envelope, json, listEnvelope, ok, page } from "../openapi";

/** Author profiles (brand voice) and content strategies, which every prompt carries. */
export const authors = new OpenAPIHono();
const tags = ["Authors"];
const ListQuery = z.strictObject({ ...Page.Query });
// Not {authorId}: publishing bodies carry a WordPress `authorId` (a number), and the sweep's
// fixtures are keyed by field name.
const AuthorPath = z.strictObject({ authorProfileId: Author.AuthorId });
const authorKey = (params: { authorProfileId: string }) => ({ authorId: params.authorProfileId });
const StrategyPath = z.strictObject({ strategyId: Strategy.StrategyId });

authors.openapi(
  defineRoute(
    { scope: "account", action: "writer.read", summary: "List author profiles" },
    { method: "get", path: "/authors", tags, request: { query: ListQuery }, responses: { 200: json(listEnvelope(Author.Info)) } },
  ),
  async (c) => {
    const query = c.req.valid("query");
    return page(c, await Author.list(query), query.limit);
  },
);

authors.openapi(
  defineRoute(
    { scope: "account", action: "writer.write", summary: "Add an author profile" },
    { method: "post", path: "/authors", tags, request: { body: body(Author.CreateInput) }, responses: { 201: json(envelope(Author.Info)) } },
  ),
  async (c) => ok(c, await Author.create(c.req.valid("json")), 201),
);

authors.openapi(
  defineRoute(
    { scope: "account", action: "writer.read", summary: "Get an author profile" },
    { method: "get", path: "/authors/{authorProfileId}", tags, request: { params: AuthorPath }, responses: { 200: json(envelope(Author.Info)) } },
  ),
  async (c) => ok(c, await Author.get(authorKey(c.req.valid("param")))),
);

authors.openapi(
  defineRoute(
    { scope: "account", action: "writer.write", summary: "Change an author profile" },
    {
      method: "patch",
      path: "/authors/{authorProfileId}",
      tags,
      request: { params: AuthorPath, body: body(Author.UpdateBody) },
      responses: { 200: json(envelope(Author.Info)) },
    },
  ),
  async (c) => ok(c, await Author.update({ ...c.req.valid("json"), ...authorKey(c.req.valid("param")) })),
);

authors.openapi(
  defineRoute(
    { scope: "account", action: "writer.write", summary: "Delete an author profile", description: "Tasks that named it use the default." },
    { method: "delete", path: "/authors/{authorProfileId}", tags, request: { params: AuthorPath }, responses: { 204: { description: "Deleted" } } },
  ),
  async (c) => {
    await Author.remove(authorKey(c.req.valid("param")));
    return c.body(null, 204);
  },
);

authors.openapi(
  defineRoute(
    { scope: "account", action: "writer.read", summary: "List content strategies", description: "Strategies bound to sites you may not see are left out." },
    { method: "get", path: "/strategies", tags, request: { query: ListQuery }, responses: { 200: json(listEnvelope(Strategy.Info)) } },
  ),
  async (c) => {
    const query = c.req.valid("query");
    return page(c, await Strategy.list(query), query.limit);
  },
);

authors.openapi(
  defineRoute(
    { scope: "account", action: "writer.write", summary: "Add a content strategy for the whole account" },
    { method: "post", path: "/strategies", tags, request: { body: body(Strategy.CreateInput) }, responses: { 201: json(envelope(Strategy.Info)) } },
  ),
  async (c) => ok(c, await Strategy.create(c.req.valid("json")), 201),
);

authors.openapi(
  defineRoute(
    { scope: "site", action: "writer.write", summary: "Add a content strategy for one site", description: "Only tasks of this site may use it." },
    {
      method: "post",
      path: "/sites/{siteId}/strategies",
      tags,
      request: { params: z.strictObject({ siteId: Site.SiteId }), body: body(Strategy.CreateInput) },
      responses: { 201: json(envelope(Strategy.Info)) },
    },
  ),
  async (c) => ok(c, await Strategy.create({ ...c.req.valid("json"), ...c.req.valid("param") }), 201),
);

authors.openapi(
  defineRoute(
    { scope: "account", action: "writer.read", summary: "Get a content strategy" },
    { method: "get", path: "/strategies/{strategyId}", tags, request: { params: StrategyPath }, responses: { 200: json(envelope(Strategy.Info)) } },
  ),
  async (c) => ok(c, await Strategy.get(c.req.valid("param"))),
);

authors.openapi(
  defineRoute(
    { scope: "account", action: "writer.write", summary: "Change a content strategy" },
    {
      method: "patch",
      path: "/strategies/{strategyId}",
      tags,
      request: { params: StrategyPath, body: body(Strategy.UpdateBody) },
      responses: { 200: json(envelope(Strategy.Info)) },
    },
  ),
  async (c) => ok(c, await Strategy.update({ ...c.req.valid("json"), ...c.req.valid("param") })),
);

authors.openapi(
  defineRoute(
    { scope: "account", action: "writer.write", summary: "Delete a content strategy" },
    { method: "delete", path: "/strategies/{strategyId}", tags, request: { params: StrategyPath }, responses: { 204: { description: "Deleted" } } },
  ),
  async (c) => {
    await Strategy.remove(c.req.valid("param"));
    return c.body(null, 204);
  },
);
