import { OpenAPIHono } from "@hono/zod-openapi";
import { Content } from "@igny8/core/content";
import { Image } from "@igny8/core/image";
import { Page } from "@igny8/core/pagination";
import { z } from "zod";
import { body, defineRoute, envelope, json, listEnvelope, ok, page } from "../openapi";

/** Generated images: metadata with provenance, the PNG itself, alt text and captions. */
export const images = new OpenAPIHono();
const tags = ["Images"];

images.openapi(
  defineRoute(
    { scope: "site", action: "writer.read", summary: "Images of content, newest generation first" },
    {
      method: "get",
      path: "/sites/{siteId}/contents/{contentId}/images",
      tags,
      request: { params: Content.Key, query: z.strictObject({ ...Page.Query }) },
      responses: { 200: json(listEnvelope(Image.Info)) },
    },
  ),
  async (c) => {
    const query = c.req.valid("query");
    return page(c, await Image.list({ ...query, ...c.req.valid("param") }), query.limit);
  },
);

images.openapi(
  defineRoute(
    { scope: "site", action: "writer.read", summary: "An image with its provenance (model, prompt, date, AI-generated)" },
    { method: "get", path: "/sites/{siteId}/images/{imageId}", tags, request: { params: Image.Key }, responses: { 200: json(envelope(Image.Info)) } },
  ),
  async (c) => ok(c, await Image.get(c.req.valid("param"))),
);

images.openapi(
  defineRoute(
    { scope: "site", action: "writer.read", summary: "The image file (PNG)" },
    {
      method: "get",
      path: "/sites/{siteId}/images/{imageId}/file",
      tags,
      request: { params: Image.Key },
      responses: { 200: { description: "The PNG", content: { "image/png": { schema: z.string().meta({ format: "binary" }) } } } },
    },
  ),
  async (c) => {
    const { body: bytes, contentType, info } = await Image.file(c.req.valid("param"));
    return c.body(new Uint8Array(bytes), 200, {
      "content-type": contentType,
      "cache-control": "private, max-age=3600",
      "x-igny8-ai-generated": "true",
      "x-igny8-model": info.provenance.model.replace(/[^\x20-\x7e]/g, ""),
    });
  },
);

images.openapi(
  defineRoute(
    { scope: "site", action: "writer.write", summary: "Change an image's alt text or caption" },
    {
      method: "patch",
      path: "/sites/{siteId}/images/{imageId}",
      tags,
      request: { params: Image.Key, body: body(Image.UpdateBody) },
      responses: { 200: json(envelope(Image.Info)) },
    },
  ),
  async (c) => ok(c, await Image.update({ ...c.req.valid("json"), ...c.req.valid("param") })),
);
