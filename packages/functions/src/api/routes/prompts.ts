import { OpenAPIHono } from "@hono/zod-openapi";
import { Generate } from "@igny8/core/content";
import { Page } from "@igny8/core/pagination";
import { AiConfig, Prompt } from "@igny8/core/prompt";
import { Site } from "@igny8/core/site";
import { Task } from "@igny8/core/task";
import { z } from "zod";
import { body, defineRoute, envelope, json, listEnvelope, ok, page } from "../openapi";

/**
 * The "Thinker": prompts per AI function (defaults, account overrides, task overrides, versions),
 * the preview of a task's final prompt, and the account's AI provider.
 */
export const prompts = new OpenAPIHono();
const tags = ["Prompts"];

const KeyPath = z.strictObject({ promptKey: Prompt.Key });
const VersionPath = KeyPath.extend({ version: z.coerce.number().int().min(1).max(999_999) });
const TaskKeyPath = z.strictObject({ siteId: Site.SiteId, taskId: Task.TaskId, promptKey: Prompt.Key });
const TaskVersionPath = TaskKeyPath.extend({ version: z.coerce.number().int().min(1).max(999_999) });
const ListQuery = z.strictObject({ ...Page.Query });

prompts.openapi(
  defineRoute(
    { scope: "account", action: "settings.read", summary: "Every prompt in force", description: "One per AI function and content type: the default or the account's newest override." },
    { method: "get", path: "/prompts", tags, responses: { 200: json(envelope(z.array(Prompt.Effective))) } },
  ),
  async (c) => ok(c, await Prompt.list()),
);

prompts.openapi(
  defineRoute(
    { scope: "account", action: "settings.read", summary: "A prompt in force, with its default and variables" },
    { method: "get", path: "/prompts/{promptKey}", tags, request: { params: KeyPath }, responses: { 200: json(envelope(Prompt.Effective)) } },
  ),
  async (c) => ok(c, await Prompt.get({ key: c.req.valid("param").promptKey })),
);

prompts.openapi(
  defineRoute(
    { scope: "account", action: "settings.write", summary: "Save the account's prompt (a new version)", description: "Unknown variables and broken blocks are refused naming the field." },
    { method: "put", path: "/prompts/{promptKey}", tags, request: { params: KeyPath, body: body(Prompt.SaveBody) }, responses: { 200: json(envelope(Prompt.Version)) } },
  ),
  async (c) => ok(c, await Prompt.save({ ...c.req.valid("json"), key: c.req.valid("param").promptKey })),
);

prompts.openapi(
  defineRoute(
    { scope: "account", action: "settings.write", summary: "Back to the default prompt (a new version that clears the override)" },
    { method: "delete", path: "/prompts/{promptKey}", tags, request: { params: KeyPath }, responses: { 200: json(envelope(Prompt.Version)) } },
  ),
  async (c) => ok(c, await Prompt.reset({ key: c.req.valid("param").promptKey })),
);

prompts.openapi(
  defineRoute(
    { scope: "account", action: "settings.read", summary: "Versions of the account's prompt, newest first" },
    {
      method: "get",
      path: "/prompts/{promptKey}/versions",
      tags,
      request: { params: KeyPath, query: ListQuery },
      responses: { 200: json(listEnvelope(Prompt.Version)) },
    },
  ),
  async (c) => {
    const query = c.req.valid("query");
    return page(c, await Prompt.versions({ ...query, key: c.req.valid("param").promptKey }), query.limit);
  },
);

prompts.openapi(
  defineRoute(
    { scope: "account", action: "settings.write", summary: "Restore a version of the account's prompt (as a new version)" },
    { method: "post", path: "/prompts/{promptKey}/versions/{version}/restore", tags, request: { params: VersionPath }, responses: { 200: json(envelope(Prompt.Version)) } },
  ),
  async (c) => {
    const { promptKey, version } = c.req.valid("param");
    return ok(c, await Prompt.restore({ key: promptKey, version }));
  },
);

prompts.openapi(
  defineRoute(
    { scope: "site", action: "writer.read", summary: "A task's prompt in force (task, account or default)" },
    { method: "get", path: "/sites/{siteId}/tasks/{taskId}/prompts/{promptKey}", tags, request: { params: TaskKeyPath }, responses: { 200: json(envelope(Prompt.Effective)) } },
  ),
  async (c) => {
    const { promptKey, ...key } = c.req.valid("param");
    return ok(c, await Prompt.getForTask({ ...key, key: promptKey }));
  },
);

prompts.openapi(
  defineRoute(
    { scope: "site", action: "writer.write", summary: "Override a prompt for one task (a new version)" },
    {
      method: "put",
      path: "/sites/{siteId}/tasks/{taskId}/prompts/{promptKey}",
      tags,
      request: { params: TaskKeyPath, body: body(Prompt.SaveBody) },
      responses: { 200: json(envelope(Prompt.Version)) },
    },
  ),
  async (c) => {
    const { promptKey, ...key } = c.req.valid("param");
    return ok(c, await Prompt.saveForTask({ ...c.req.valid("json"), ...key, key: promptKey }));
  },
);

prompts.openapi(
  defineRoute(
    { scope: "site", action: "writer.write", summary: "Drop a task's override (the account's prompt applies again)" },
    { method: "delete", path: "/sites/{siteId}/tasks/{taskId}/prompts/{promptKey}", tags, request: { params: TaskKeyPath }, responses: { 200: json(envelope(Prompt.Version)) } },
  ),
  async (c) => {
    const { promptKey, ...key } = c.req.valid("param");
    return ok(c, await Prompt.resetForTask({ ...key, key: promptKey }));
  },
);

prompts.openapi(
  defineRoute(
    { scope: "site", action: "writer.read", summary: "Versions of a task's prompt override" },
    {
      method: "get",
      path: "/sites/{siteId}/tasks/{taskId}/prompts/{promptKey}/versions",
      tags,
      request: { params: TaskKeyPath, query: ListQuery },
      responses: { 200: json(listEnvelope(Prompt.Version)) },
    },
  ),
  async (c) => {
    const { promptKey, ...key } = c.req.valid("param");
    const query = c.req.valid("query");
    return page(c, await Prompt.versionsForTask({ ...query, ...key, key: promptKey }), query.limit);
  },
);

prompts.openapi(
  defineRoute(
    { scope: "site", action: "writer.write", summary: "Restore a version of a task's prompt override" },
    {
      method: "post",
      path: "/sites/{siteId}/tasks/{taskId}/prompts/{promptKey}/versions/{version}/restore",
      tags,
      request: { params: TaskVersionPath },
      responses: { 200: json(envelope(Prompt.Version)) },
    },
  ),
  async (c) => {
    const { promptKey, ...key } = c.req.valid("param");
    return ok(c, await Prompt.restoreForTask({ ...key, key: promptKey }));
  },
);

prompts.openapi(
  defineRoute(
    {
      scope: "site",
      action: "writer.read",
      summary: "Preview the final prompt of a task",
      description: "The system message (with the author profile and strategy) and the prompt a step would send now. Nothing is called or charged.",
    },
    {
      method: "get",
      path: "/sites/{siteId}/tasks/{taskId}/prompt-preview",
      tags,
      request: {
        params: z.strictObject({ siteId: Site.SiteId, taskId: Task.TaskId }),
        query: Generate.PreviewInput.pick({ function: true, index: true }).strict(),
      },
      responses: { 200: json(envelope(Generate.PreviewView)) },
    },
  ),
  async (c) => ok(c, await Generate.previewPrompt({ ...c.req.valid("query"), ...c.req.valid("param") })),
);

prompts.openapi(
  defineRoute(
    { scope: "account", action: "settings.read", summary: "The account's AI provider", description: "The key is never returned: only whether one is set and its last four characters." },
    { method: "get", path: "/ai-config", tags, responses: { 200: json(envelope(AiConfig.View)) } },
  ),
  async (c) => ok(c, await AiConfig.get()),
);

prompts.openapi(
  defineRoute(
    {
      scope: "account",
      action: "settings.write",
      summary: "Change the account's AI provider",
      description: "An OpenAI-compatible endpoint, its key (stored encrypted) and models per AI function; null clears a field.",
    },
    { method: "put", path: "/ai-config", tags, request: { body: body(AiConfig.Body) }, responses: { 200: json(envelope(AiConfig.View)) } },
  ),
  async (c) => ok(c, await AiConfig.update(c.req.valid("json"))),
);

prompts.openapi(
  defineRoute(
    { scope: "account", action: "settings.write", summary: "Back to the product's AI provider (or offline drafts)" },
    { method: "delete", path: "/ai-config", tags, responses: { 200: json(envelope(AiConfig.View)) } },
  ),
  async (c) => ok(c, await AiConfig.clear()),
);
