import { OpenAPIHono } from "@hono/zod-openapi";
import { ApiKey } from "@igny8/core/apikey";
import { body, defineRoute, envelope, json, listEnvelope, ok, page } from "../openapi";

export const apiKeys = new OpenAPIHono();
const tags = ["API keys"];

apiKeys.openapi(
  defineRoute(
    { scope: "account", action: "apikey.read", summary: "List API keys" },
    {
      method: "get",
      path: "/api-keys",
      tags,
      request: { query: ApiKey.list.schema },
      responses: { 200: json(listEnvelope(ApiKey.Info)) },
    },
  ),
  async (c) => {
    const query = c.req.valid("query");
    return page(c, await ApiKey.list(query), query.limit);
  },
);

apiKeys.openapi(
  defineRoute(
    {
      scope: "account",
      action: "apikey.write",
      summary: "Create an API key",
      description:
        "The key (`igny8_sk_...`) is in the answer once and never again. Use it as `Authorization: Bearer <key>` or `x-api-key: <key>`.",
    },
    {
      method: "post",
      path: "/api-keys",
      tags,
      request: { body: body(ApiKey.create.schema) },
      responses: { 201: json(envelope(ApiKey.Created)) },
    },
  ),
  async (c) => ok(c, await ApiKey.create(c.req.valid("json")), 201),
);

apiKeys.openapi(
  defineRoute(
    { scope: "account", action: "apikey.read", summary: "Get an API key (never the key itself)" },
    { method: "get", path: "/api-keys/{keyId}", tags, request: { params: ApiKey.get.schema }, responses: { 200: json(envelope(ApiKey.Info)) } },
  ),
  async (c) => ok(c, await ApiKey.get(c.req.valid("param"))),
);

apiKeys.openapi(
  defineRoute(
    { scope: "account", action: "apikey.write", summary: "Revoke an API key", description: "Takes effect on the next request." },
    { method: "delete", path: "/api-keys/{keyId}", tags, request: { params: ApiKey.revoke.schema }, responses: { 200: json(envelope(ApiKey.Info)) } },
  ),
  async (c) => ok(c, await ApiKey.revoke(c.req.valid("param"))),
);
