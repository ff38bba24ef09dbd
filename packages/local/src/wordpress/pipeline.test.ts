import { withActor } from "@igny8/core/actor";
import { Bus, type DomainEvent } from "@igny8/core/events";
import { logger } from "@igny8/core/log";
import { Execution, Pipelines } from "@igny8/core/pipelines";
import { Publishing } from "@igny8/core/publishing";
import type { PublishPhase, WordPressClient, WordPressPost } from "@igny8/core/publishing/wordpress";
import { Storage } from "@igny8/core/storage";
import { createId } from "@igny8/core/util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { call, signUp, useApiTestEnvironment } from "../../../functions/src/api/testing/harness";
import { failedHandler as publishOneFailedHandler, handler as publishOneHandler } from "../../../functions/src/pipeline/content-publish/publish-one";
import { createLocalRunner, type RunResult } from "../runner";
import { createTestContentSource, type SeedOptions } from "./content-source";
import { type FlakyProxy, startFlakyProxy } from "./flaky-proxy";
import { startWordPress, type WordPressInstance } from "./index";
import { clientFor, describeWordPress, mediaCount, postsOfContent } from "./testing";

/**
 * The content-publish pipeline (the real ASL through the local runner, the real handlers,
 * DynamoDB and S3 emulators) against a real WordPress: end to end with images, a crash injected
 * after every step followed by the pipeline's own retry, WordPress failing with 5xx (before and
 * after doing the write), a failed image, and 20 publications at once.
 */
useApiTestEnvironment();

class InjectedCrash extends Error {
  override name = "InjectedCrash";
}

/** (contentId) → the step after which its first attempt crashes. */
const crashAt = new Map<string, { step: string; phase: PublishPhase; done: boolean }>();
/** Every step seen, per content. */
const seen = new Map<string, Array<{ step: string; phase: PublishPhase }>>();
/** Remote posts of a content right after its injected crash (before the retry). */
const postsAfterCrash = new Map<string, number>();

let wp: WordPressInstance;
let admin: WordPressClient;
let token: string;
let accountId: string;
let siteId: string;
let sectorId: string;
let connectionId: string;
const source = createTestContentSource();
const events: DomainEvent[] = [];
const results: RunResult[] = [];

const runner = createLocalRunner({
  retryIntervalMs: 0,
  async intercept(call, invoke) {
    try {
      return await invoke();
    } catch (error) {
      const item = (call.payload as { item?: { contentId: string } }).item;
      if ((error as Error).name === "InjectedCrash" && item) {
        postsAfterCrash.set(item.contentId, (await postsOfContent(admin, item.contentId)).length);
      }
      throw error;
    }
  },
});
/** Runs started through Pipelines.start (the route), each kept with its result and events. */
const inFlight = new Set<Promise<unknown>>();

let unobserve: () => void;

beforeAll(async () => {
  logger.level = "error"; // the injected crashes are expected: keep their warnings out of the output
  Pipelines.useRunner({
    async start(request) {
      const running = runner.run(request).then((result) => {
        results.push(result);
      });
      inFlight.add(running);
      void running.finally(() => inFlight.delete(running));
    },
  });
  Publishing.useContentSource(source);
  unobserve = Publishing.observeSteps((step, phase, context) => {
    const steps = seen.get(context.contentId) ?? [];
    steps.push({ step, phase });
    seen.set(context.contentId, steps);
    const plan = crashAt.get(context.contentId);
    if (plan && !plan.done && plan.step === step && plan.phase === phase) {
      plan.done = true;
      throw new InjectedCrash(`injected crash after ${step} (${phase})`);
    }
  });
  Bus.subscribe(Publishing.ContentPublished, (event) => {
    events.push(event);
  });
  wp = await startWordPress();
  admin = clientFor(wp, "admin");
  const owner = await signUp();
  token = owner.accessToken;
  accountId = owner.accountId;
  siteId = (await call("POST", "/v1/sites", { token, body: { name: "Pipeline blog", url: "https://pipeline.example" } })).json.data.siteId;
  sectorId = (await call("POST", `/v1/sites/${siteId}/sectors`, { token, body: { name: `Pipeline Sector ${siteId.slice(-6)}` } })).json.data.sectorId;
  const connected = await call("POST", `/v1/sites/${siteId}/connections`, {
    token,
    body: { url: wp.url, username: wp.users.admin.username, appPassword: wp.users.admin.appPassword },
  });
  if (connected.status !== 201) throw new Error(`connect failed: ${connected.text}`);
  connectionId = connected.json.data.connectionId;
}, 180_000);

afterAll(async () => {
  unobserve?.();
  Pipelines.useRunner(undefined);
  Publishing.useContentSource(undefined);
  await Promise.allSettled([...inFlight]);
  await wp?.stop();
});

const seed = (options: SeedOptions = {}) =>
  withActor({ type: "system", properties: { accountId } }, () => source.seed(siteId, { sectorId, ...options }));

/** Starts a run through the API and waits for it to end; answers the execution and the run's events. */
async function publishRun(items: Array<{ contentId: string; connectionId?: string; status?: string }>) {
  const started = await call("POST", `/v1/sites/${siteId}/publishing/runs`, {
    token,
    body: { items: items.map((item) => ({ connectionId, status: "publish", ...item })) },
  });
  expect(started.status, started.text).toBe(202);
  const executionId = started.json.data.executionId as string;
  await waitForRun(executionId);
  const execution = await call("GET", `/v1/executions/${executionId}`, { token });
  const result = results.find((r) => r.executionId === executionId)!;
  return { executionId, execution: execution.json.data, result };
}

async function waitForRun(executionId: string) {
  for (let i = 0; i < 6000; i++) {
    if (results.some((r) => r.executionId === executionId)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`run ${executionId} did not end`);
}

const publishedEvents = (contentId: string) =>
  events.filter((e) => (e.properties as { contentId: string }).contentId === contentId);

const getPost = async (id: number) => (await admin.get<WordPressPost>(`/wp/v2/posts/${id}`, { context: "edit" })).data;

describeWordPress("the content-publish pipeline against a real WordPress", () => {
  let points: Array<{ step: string; phase: PublishPhase }> = [];
  let discovered: Publishing.PublishableContent;

  it("publishes end to end with images, terms and SEO fields, recording progress and one event", async () => {
    const content = await seed();
    const { execution, result } = await publishRun([{ contentId: content.contentId }]);
    expect(result.status, JSON.stringify(result.error)).toBe("succeeded");
    expect(execution).toMatchObject({
      pipeline: "content-publish",
      status: "succeeded",
      result: { published: 1, failed: 0 },
      progress: { total: 1, done: 1, failed: 0 },
    });
    const item = execution.progress.items[0];
    expect(item.item).toBe(`${content.contentId}@${connectionId}`);
    const posts = await postsOfContent(admin, content.contentId);
    expect(posts).toHaveLength(1);
    const post = await getPost(posts[0]!.id);
    expect(item.detail).toMatchObject({ remoteId: post.id, status: "publish", link: post.link });
    expect(post.status).toBe("publish");
    expect(post.featured_media).toBeGreaterThan(0);
    const attached = (await admin.get<Array<{ alt_text: string }>>("/wp/v2/media", { parent: post.id, context: "edit" })).data;
    expect(attached.map((m) => m.alt_text).sort()).toEqual(["A garden in spring", "A rose after pruning", "Pruning shears on a bench"]);
    const categories = (await admin.get<Array<{ name: string }>>("/wp/v2/categories", { include: post.categories })).data;
    expect(categories.map((c) => c.name)).toEqual([`Pipeline Sector ${siteId.slice(-6)}`]);
    expect(post.meta).toMatchObject({ _yoast_wpseo_title: content.metaTitle });
    await Bus.idle();
    expect(publishedEvents(content.contentId)).toHaveLength(1);

    points = seen.get(content.contentId)!;
    discovered = content;
    expect(points.length).toBeGreaterThanOrEqual(15);
  }, 300_000);

  it("a crash after each step, then the pipeline's retry, leaves exactly one post each time", async () => {
    expect(points.length).toBeGreaterThanOrEqual(15);
    const contents: Array<{ content: Publishing.PublishableContent; point: { step: string; phase: PublishPhase } }> = [];
    for (const point of points) {
      const content = await seed();
      // Upload steps name the image: the same step of this content names its own image.
      const upload = /^upload_media:(.+)$/.exec(point.step);
      const step = upload ? `upload_media:${content.images[discovered.images.findIndex((i) => i.key === upload[1])]!.key}` : point.step;
      crashAt.set(content.contentId, { step, phase: point.phase, done: false });
      contents.push({ content, point });
    }
    const mediaBefore = await mediaCount(admin);
    const { execution, result } = await publishRun(contents.map(({ content }) => ({ contentId: content.contentId })));
    expect(result.status, JSON.stringify(result.error)).toBe("succeeded");
    expect(execution.progress).toMatchObject({ total: points.length, done: points.length, failed: 0 });

    // The runner saw every injected crash, and the run still published every item: each was retried.
    expect(postsAfterCrash.size).toBe(points.length);

    const rows: string[] = [];
    for (const [index, { content, point }] of contents.entries()) {
      const upload = /^upload_media:(.+)$/.exec(point.step);
      const imageNumber = upload ? discovered.images.findIndex((i) => i.key === upload[1]) + 1 : 0;
      const label = `${upload ? `upload_media:image-${imageNumber}` : point.step} (${point.phase})`;
      expect(crashAt.get(content.contentId)!.done, label).toBe(true);
      const posts = await postsOfContent(admin, content.contentId);
      expect(posts, label).toHaveLength(1);
      expect(posts[0]!.status, label).toBe("publish");
      const attached = (await admin.get<unknown[]>("/wp/v2/media", { parent: posts[0]!.id, _fields: "id" })).data;
      expect(attached, label).toHaveLength(3);
      const records = await call("GET", `/v1/sites/${siteId}/publishing?contentId=${content.contentId}`, { token });
      expect(records.json.data, label).toHaveLength(1);
      const record = records.json.data[0];
      expect(record, label).toMatchObject({ status: "published", remote: { id: posts[0]!.id }, attempt: null });
      // Two attempts: the crashed one and the retry (which resumes it, or re-applies after a crash at finish).
      expect(record.history.filter((h: { event: string }) => h.event.startsWith("attempt_")).length, label).toBeGreaterThanOrEqual(2);
      expect(publishedEvents(content.contentId), label).toHaveLength(1);
      rows.push(
        `  ${String(index + 1).padStart(2)}. crash after ${label.padEnd(38)} posts after crash: ${postsAfterCrash.get(content.contentId) ?? "?"}  after retry: ${posts.length}`,
      );
    }
    expect(await mediaCount(admin)).toBe(mediaBefore + 3 * points.length);
    await Bus.idle();
    console.log(
      `\ncontent-publish pipeline: ${points.length} injected crash points, each followed by the pipeline's retry\n${rows.join("\n")}\n` +
        `  remote posts after each retry: ${contents.map(() => 1).join(",")}`,
    );
  }, 900_000);

  it("retries while WordPress answers 5xx, before and after it did the write, without a second post", async () => {
    let proxy: FlakyProxy | undefined;
    try {
      proxy = await startFlakyProxy(wp.url);
      const viaProxy = await call("POST", `/v1/sites/${siteId}/connections`, {
        token,
        body: { url: proxy.url, username: wp.users.editor.username, appPassword: wp.users.editor.appPassword, name: "Behind a flaky proxy" },
      });
      expect(viaProxy.status, viaProxy.text).toBe(201);
      const flakyConnection = viaProxy.json.data.connectionId as string;

      const refused = await seed();
      const lost = await seed();
      // The first create is refused outright; the second is done by WordPress but its answer is lost.
      proxy.fail("POST", "/wp/v2/posts", "refuse", 2);
      const first = await publishRun([{ contentId: refused.contentId, connectionId: flakyConnection }]);
      expect(first.result.status).toBe("succeeded");
      expect(first.execution.progress).toMatchObject({ done: 1, failed: 0 });
      const unavailable = first.result.events.filter((e) => e.type === "StateRetried" && e.state === "PublishItem");
      expect(unavailable.length).toBeGreaterThanOrEqual(1);
      proxy.fail("POST", "/wp/v2/posts", "lose-answer", 1);
      const second = await publishRun([{ contentId: lost.contentId, connectionId: flakyConnection }]);
      expect(second.result.status).toBe("succeeded");
      expect(second.execution.progress).toMatchObject({ done: 1, failed: 0 });
      expect(proxy.served.map((s) => s.mode)).toEqual(["refuse", "refuse", "lose-answer"]);
      for (const content of [refused, lost]) {
        const posts = await postsOfContent(admin, content.contentId);
        expect(posts, content.contentId).toHaveLength(1);
        expect(posts[0]!.status).toBe("publish");
      }
    } finally {
      await proxy?.close();
    }
  }, 300_000);

  it("a failed image upload publishes nothing and removes what the attempt uploaded; the other items go on", async () => {
    const broken = await seed();
    const fine = await seed();
    // The second in-article image's file is gone from storage.
    await withActor({ type: "system", properties: { accountId } }, () => Storage.remove(broken.images[2]!.s3Key));
    const mediaBefore = await mediaCount(admin);
    const { execution, result } = await publishRun([{ contentId: broken.contentId }, { contentId: fine.contentId }]);
    expect(result.status).toBe("succeeded");
    expect(execution.result).toMatchObject({ published: 1, failed: 1 });
    const failed = execution.progress.items.find((i: { item: string }) => i.item.startsWith(broken.contentId));
    expect(failed).toMatchObject({ status: "failed" });
    expect(failed.error).toMatch(/publishing\.image_unavailable/);
    expect(await postsOfContent(admin, broken.contentId)).toHaveLength(0);
    expect(await postsOfContent(admin, fine.contentId)).toHaveLength(1);
    expect(await mediaCount(admin)).toBe(mediaBefore + 3); // only the good item's images are left
    const record = (await call("GET", `/v1/sites/${siteId}/publishing?contentId=${broken.contentId}`, { token })).json.data[0];
    // The record keeps the real reason (the pipeline's give-up is added to its history).
    expect(record).toMatchObject({ status: "failed", remote: null, attempt: null, lastError: { code: "publishing.image_unavailable" } });
    expect(record.history.map((h: { event: string }) => h.event)).toEqual(expect.arrayContaining(["failed", "pipeline_gave_up"]));
  }, 300_000);

  it("20 publications at once through the pipeline are 20 distinct posts sharing one category", async () => {
    const contents: Publishing.PublishableContent[] = [];
    for (let i = 0; i < 20; i++) contents.push(await seed({ clusterName: `Concurrent Cluster ${i}` }));
    const before = await admin.get<Array<{ id: number; count: number }>>("/wp/v2/categories", { search: `Pipeline Sector ${siteId.slice(-6)}` });
    const runs = await Promise.all(
      [0, 1, 2, 3].map((batch) => publishRun(contents.slice(batch * 5, batch * 5 + 5).map((c) => ({ contentId: c.contentId })))),
    );
    for (const { result, execution } of runs) {
      expect(result.status).toBe("succeeded");
      expect(execution.progress).toMatchObject({ total: 5, done: 5, failed: 0 });
    }
    const ids = new Set<number>();
    for (const content of contents) {
      const posts = await postsOfContent(admin, content.contentId);
      expect(posts, content.contentId).toHaveLength(1);
      ids.add(posts[0]!.id);
    }
    expect(ids.size).toBe(20);
    const after = await admin.get<Array<{ id: number; count: number }>>("/wp/v2/categories", { search: `Pipeline Sector ${siteId.slice(-6)}` });
    expect(after.data).toHaveLength(1);
    expect(after.data[0]!.count).toBe((before.data[0]?.count ?? 0) + 20);
    console.log(`20 publications through 4 concurrent pipeline runs: ${ids.size} distinct posts`);
  }, 900_000);

  it("the publish step the content pipeline ends with: retried by the same execution, one post and one event", async () => {
    const content = await seed();
    const executionId = createId("execution");
    const input = { accountId, executionId, siteId, contentId: content.contentId, connectionId, status: "publish" };
    await withActor({ type: "system", properties: { accountId } }, () => Execution.begin({ executionId, pipeline: "content-generation" }));
    crashAt.set(content.contentId, { step: `upload_media:${content.images[1]!.key}`, phase: "recorded", done: false });
    await expect(publishOneHandler(input)).rejects.toMatchObject({ name: "InjectedCrash" });
    const first = await publishOneHandler(input);
    const again = await publishOneHandler(input);
    expect(again.remoteId).toBe(first.remoteId);
    expect(first).toMatchObject({ contentId: content.contentId, connectionId, status: "publish" });
    expect(await postsOfContent(admin, content.contentId)).toHaveLength(1);
    await Bus.idle();
    expect(publishedEvents(content.contentId)).toHaveLength(1);
    await expect(publishOneHandler({ ...input, contentId: createId("content") })).rejects.toMatchObject({ name: "PublishingRejected" });

    // The destination as one object (`"publish.$": "$.publish"`); the Catch step records the failure
    // and releases the crashed attempt, so another execution resumes it at once (its draft adopted).
    const other = await seed();
    const nested = { accountId, executionId, siteId, contentId: other.contentId, publish: { connectionId, status: "draft" } };
    crashAt.set(other.contentId, { step: "create_draft", phase: "recorded", done: false });
    await expect(publishOneHandler(nested)).rejects.toMatchObject({ name: "InjectedCrash" });
    const gaveUp = await publishOneFailedHandler({ ...nested, error: { Error: "InjectedCrash", Cause: JSON.stringify({ errorMessage: "boom" }) } });
    expect(gaveUp).toMatchObject({ published: false, error: "InjectedCrash: boom" });
    const failedRecord = (await call("GET", `/v1/sites/${siteId}/publishing?contentId=${other.contentId}`, { token })).json.data[0];
    expect(failedRecord).toMatchObject({ status: "failed", lastError: { code: "publishing.pipeline_failed", message: "InjectedCrash: boom" } });
    expect(Date.parse(failedRecord.attempt.leaseUntil)).toBeLessThanOrEqual(Date.now());
    const resumed = await publishOneHandler({ ...nested, executionId: createId("execution") });
    expect(resumed.status).toBe("draft");
    const drafts = await postsOfContent(admin, other.contentId);
    expect(drafts.map((p) => p.id)).toEqual([resumed.remoteId]);
  }, 300_000);
});
