import { Bus, type DomainEvent } from "@igny8/core/events";
import { logger } from "@igny8/core/log";
import { Pipelines } from "@igny8/core/pipelines";
import { Publishing } from "@igny8/core/publishing";
import { createId } from "@igny8/core/util";
import type { WordPressClient, WordPressPost } from "@igny8/core/publishing/wordpress";
import { afterAll, beforeAll, expect, it } from "vitest";
import { call, setPlan, signUp, useApiTestEnvironment } from "../../../functions/src/api/testing/harness";
import { createLocalRunner } from "../runner";
import { type FlakyProxy, startFlakyProxy } from "./flaky-proxy";
import { startWordPress, type WordPressInstance } from "./index";
import { clientFor, describeWordPress, postsOfContent } from "./testing";

/**
 * Publishing as the content pipeline's last step: an offline content run with a destination
 * writes each task (content, image prompts, images) and publishes it to a real WordPress, through
 * the real ASL in the local runner. A destination that keeps failing leaves the content written
 * and in review, the publishing record saying why, and the other steps' work intact.
 */
useApiTestEnvironment();

const runner = createLocalRunner({ retryIntervalMs: 0 });
const events: DomainEvent[] = [];
let wp: WordPressInstance;
let admin: WordPressClient;
let proxy: FlakyProxy;
let token: string;
let siteId: string;
let unsubscribe: () => void;

beforeAll(async () => {
  logger.level = "error";
  Pipelines.useRunner(runner);
  unsubscribe = Bus.subscribe(Publishing.ContentPublished, (event) => {
    events.push(event);
  });
  wp = await startWordPress();
  admin = clientFor(wp, "admin");
  proxy = await startFlakyProxy(wp.url);
  const owner = await signUp();
  await setPlan(owner.accountId, "growth");
  token = owner.accessToken;
  siteId = (await call("POST", "/v1/sites", { token, body: { name: "Run and publish", url: "https://run-publish.example" } })).json.data.siteId;
  expect((await call("PUT", "/v1/ai-config", { token, body: { imageSize: "256x256" } })).status).toBe(200);
}, 180_000);

afterAll(async () => {
  unsubscribe?.();
  Pipelines.useRunner(undefined);
  await runner.idle();
  await proxy?.close();
  await wp?.stop();
});

const connections = new Map<string, string>();

/** The site's connection to `url` (one per site and WordPress user). */
async function connect(url: string, name: string): Promise<string> {
  const known = connections.get(url);
  if (known) return known;
  const connected = await call("POST", `/v1/sites/${siteId}/connections`, {
    token,
    body: { url, username: wp.users.admin.username, appPassword: wp.users.admin.appPassword, name },
  });
  expect(connected.status, connected.text).toBe(201);
  connections.set(url, connected.json.data.connectionId);
  return connected.json.data.connectionId;
}

async function createTasks(prefix: string, count: number): Promise<string[]> {
  const taskIds: string[] = [];
  for (let i = 0; i < count; i++) {
    const created = await call("POST", `/v1/sites/${siteId}/tasks`, {
      token,
      body: { title: `${prefix} ${i + 1}`, primaryKeyword: "oolong roasting", wordCount: 300, inArticleImages: 1 },
    });
    expect(created.status, created.text).toBe(201);
    taskIds.push(created.json.data.taskId);
  }
  return taskIds;
}

/** Starts a run through the API and follows it to its end. */
async function run(body: Record<string, unknown>) {
  const started = await call("POST", `/v1/sites/${siteId}/content-runs`, { token, body });
  expect(started.status, started.text).toBe(202);
  const { runId } = started.json.data as { runId: string };
  for (;;) {
    const view = await call("GET", `/v1/sites/${siteId}/content-runs/${runId}`, { token });
    if (view.json.data.status !== "running") {
      await runner.idle();
      return (await call("GET", `/v1/sites/${siteId}/content-runs/${runId}`, { token })).json.data;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const recordsOf = async (contentId: string) =>
  (await call("GET", `/v1/sites/${siteId}/publishing?contentId=${contentId}`, { token })).json.data;

describeWordPress("a content run that publishes as its last step", () => {
  it("writes and publishes every task once, with its images, a record and one event each", async () => {
    const connectionId = await connect(wp.url, "Direct");
    const taskIds = await createTasks("Roasting notes", 3);
    const done = await run({ taskIds, publish: { connectionId, status: "publish" } });
    expect(done).toMatchObject({ status: "succeeded", result: { generated: 3, failed: 0 }, publish: { connectionId, status: "publish" } });
    await Bus.idle();
    for (const task of done.tasks) {
      expect(task.status, task.failureReason).toBe("published");
      const posts = await postsOfContent(admin, task.contentId);
      expect(posts).toHaveLength(1);
      const post = posts[0]!;
      expect(post.status).toBe("publish");
      expect(post.featured_media).toBeGreaterThan(0);
      // The in-article image was uploaded and its URL rewritten to the media library's.
      expect(post.content.raw).toContain(`${wp.url}/wp-content/uploads/`);
      expect(post.content.raw).not.toContain("/media/img_");
      const [record] = await recordsOf(task.contentId);
      expect(record).toMatchObject({ connectionId, status: "published", remote: { id: post.id, status: "publish" } });
      expect(events.filter((e) => (e.properties as { contentId: string }).contentId === task.contentId)).toHaveLength(1);
    }
  }, 600_000);

  it("schedules: status future with a date publishes them as scheduled posts on WordPress", async () => {
    const connectionId = await connect(wp.url, "Scheduled");
    const scheduledAt = new Date(Date.now() + 3 * 86_400_000).toISOString().replace(/\.\d+Z$/, "Z");
    const refused = await call("POST", `/v1/sites/${siteId}/content-runs`, {
      token,
      body: { taskIds: await createTasks("Refused", 1), publish: { connectionId, status: "future" } },
    });
    expect(refused.status).toBe(400);
    expect(refused.json.error.fields).toEqual([expect.objectContaining({ path: "body.publish.scheduledAt" })]);
    const done = await run({ taskIds: await createTasks("Scheduled notes", 2), publish: { connectionId, status: "future", scheduledAt } });
    expect(done.status).toBe("succeeded");
    for (const task of done.tasks) {
      const [post] = await postsOfContent(admin, task.contentId);
      expect(post).toMatchObject({ status: "future" });
      expect(Date.parse(`${(post as WordPressPost & { date_gmt: string }).date_gmt}Z`)).toBe(Date.parse(scheduledAt));
      expect((await recordsOf(task.contentId))[0]).toMatchObject({ status: "scheduled" });
    }
  }, 600_000);

  it("a destination that keeps failing: content written and in review, the record says why, no post left live", async () => {
    const connectionId = await connect(proxy.url, "Behind a failing proxy");
    proxy.fail("POST", "/wp/v2/media", "refuse", 1000);
    const done = await run({ taskIds: await createTasks("Unlucky notes", 2), publish: { connectionId, status: "publish" } });
    proxy.fail("POST", "/wp/v2/media", "refuse", 0);
    expect(done).toMatchObject({ status: "succeeded", result: { generated: 2, failed: 0 } });
    for (const task of done.tasks) {
      expect(task.status).toBe("review");
      const content = (await call("GET", `/v1/sites/${siteId}/contents/${task.contentId}`, { token })).json.data;
      expect(content.imageIds).toHaveLength(2);
      const [record] = await recordsOf(task.contentId);
      expect(record.status).toBe("failed");
      expect(record.lastError.message).toMatch(/WordPress answered 503 to POST \/wp\/v2\/media/);
      expect(record.lastError.code).toBe("wordpress.unavailable");
      const live = (await postsOfContent(admin, task.contentId)).filter((post) => post.status === "publish");
      expect(live).toHaveLength(0);
    }
    expect(proxy.served.filter((s) => s.path.includes("/wp/v2/media")).length).toBeGreaterThanOrEqual(2 * 6);
  }, 600_000);

  it("refuses a destination of another site or a made-up one, and claims nothing", async () => {
    const other = (await call("POST", "/v1/sites", { token, body: { name: "Other", url: "https://other.example" } })).json.data.siteId;
    const connectionId = await connect(wp.url, "Of the first site");
    const taskIds = (
      await Promise.all(
        [0, 1].map(() => call("POST", `/v1/sites/${other}/tasks`, { token, body: { title: "Elsewhere", primaryKeyword: "tea", wordCount: 300 } })),
      )
    ).map((created) => created.json.data.taskId as string);
    for (const id of [connectionId, createId("connection")]) {
      const refused = await call("POST", `/v1/sites/${other}/content-runs`, { token, body: { taskIds, publish: { connectionId: id } } });
      expect(refused.status, refused.text).toBe(404);
      expect(refused.json.error.code).toBe("connection.not_found");
    }
    const tasks = (await call("GET", `/v1/sites/${other}/tasks`, { token })).json.data;
    expect(tasks.map((t: { status: string }) => t.status)).toEqual(["queued", "queued"]);
  }, 120_000);
});
