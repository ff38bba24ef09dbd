import { withActor } from "@igny8/core/actor";
import { Content } from "@igny8/core/content";
import { Bus, type DomainEvent } from "@igny8/core/events";
import { logger } from "@igny8/core/log";
import { Pipelines } from "@igny8/core/pipelines";
import { Publishing } from "@igny8/core/publishing";
import { Task } from "@igny8/core/task";
import { createId } from "@igny8/core/util";
import type { WordPressClient, WordPressPost } from "@igny8/core/publishing/wordpress";
import { afterAll, beforeAll, expect, it } from "vitest";
import { call, signUp, useApiTestEnvironment } from "../../../functions/src/api/testing/harness";
import { createLocalRunner } from "../runner";
import { createTestContentSource, type SeedOptions } from "./content-source";
import { startWordPress, type WordPressInstance } from "./index";
import { clientFor, describeWordPress, postsOfContent } from "./testing";

/**
 * Publishing as a product, through the API in-process (app.request) against a real WordPress:
 * connecting (good, wrong password, author, Application Passwords off, revoked), the catalog,
 * publishing with images and terms from the sector and cluster, records with history,
 * unpublish, delete, re-sync after remote edits and deletes, and a run through the pipeline.
 */
useApiTestEnvironment();

const runner = createLocalRunner({ retryIntervalMs: 0 });
const source = createTestContentSource();
const events: DomainEvent[] = [];

let wp: WordPressInstance;
let admin: WordPressClient;
let token: string;
let siteId: string;
let sectorId: string;

beforeAll(async () => {
  logger.level = "error"; // refused publications are expected here: keep their warnings out of the output
  Pipelines.useRunner(runner);
  Publishing.useContentSource(source);
  Bus.subscribe(Publishing.ContentPublished, (event) => {
    events.push(event);
  });
  wp = await startWordPress();
  admin = clientFor(wp, "admin");
  const owner = await signUp();
  token = owner.accessToken;
  accountId = owner.accountId;
  const site = await call("POST", "/v1/sites", { token, body: { name: "Garden blog", url: "https://garden.example" } });
  siteId = site.json.data.siteId;
  const sector = await call("POST", `/v1/sites/${siteId}/sectors`, { token, body: { name: "Garden Care" } });
  sectorId = sector.json.data.sectorId;
}, 180_000);

afterAll(async () => {
  Pipelines.useRunner(undefined);
  Publishing.useContentSource(undefined);
  await runner.stop();
  await wp?.stop();
});

const connect = (user: { username: string; appPassword: string }, extra: Record<string, unknown> = {}) =>
  call("POST", `/v1/sites/${siteId}/connections`, {
    token,
    body: { url: wp.url, username: user.username, appPassword: user.appPassword, ...extra },
  });

const getPost = async (id: number) => (await admin.get<WordPressPost>(`/wp/v2/posts/${id}`, { context: "edit" })).data;

async function termNames(taxonomy: "categories" | "tags", ids: number[]) {
  if (ids.length === 0) return [];
  const { data } = await admin.get<Array<{ name: string }>>(`/wp/v2/${taxonomy}`, { include: ids });
  return data.map((term) => term.name).sort();
}

let connectionId: string;
let accountId: string;

/** Content of the owner's site (images written to S3 as the account). */
const seed = (options: SeedOptions = {}) =>
  withActor({ type: "system", properties: { accountId } }, () => source.seed(siteId, options));

describeWordPress("publishing through the API against a real WordPress", () => {
  it("refuses a wrong password, storing nothing and never answering 401", async () => {
    const before = (await call("GET", `/v1/sites/${siteId}/connections`, { token })).json.data.length;
    expect(before).toBe(0);
    const wrong = await connect({ username: wp.users.editor.username, appPassword: "aaaa bbbb cccc dddd eeee ffff" });
    expect(wrong.status).toBe(400);
    expect(wrong.json.error).toMatchObject({ code: "wordpress.auth_failed", fields: [{ path: "appPassword" }] });
    expect(wrong.json.error.message).toMatch(/Application Password/);
    const login = await connect({ username: wp.users.admin.username, appPassword: wp.adminLoginPassword });
    expect(login.status).toBe(400);
    expect(login.json.error.code).toBe("wordpress.auth_failed");
    expect((await call("GET", `/v1/sites/${siteId}/connections`, { token })).json.data).toHaveLength(before);
  });

  it("connects an administrator: report, post types, no secret in any answer", async () => {
    const connected = await connect(wp.users.admin, { name: "Garden WP" });
    expect(connected.status, connected.text).toBe(201);
    const data = connected.json.data;
    expect(data).toMatchObject({
      siteId,
      kind: "wordpress",
      name: "Garden WP",
      url: wp.url,
      username: wp.users.admin.username,
      status: "connected",
      report: { user: { role: "administrator" }, can: { publishPosts: true, createCategories: true }, limitations: [] },
      mapping: { sectors: "category", clusters: "tag" },
    });
    expect(data.postTypes.map((t: { slug: string }) => t.slug)).toEqual(expect.arrayContaining(["post", "page"]));
    connectionId = data.connectionId;
    const secret = wp.users.admin.appPassword;
    for (const answer of [
      connected,
      await call("GET", `/v1/sites/${siteId}/connections`, { token }),
      await call("GET", `/v1/sites/${siteId}/connections/${connectionId}`, { token }),
    ]) {
      expect(answer.status).toBe(200 + (answer === connected ? 1 : 0));
      expect(answer.text).not.toContain(secret);
      expect(answer.text).not.toContain(secret.replace(/ /g, ""));
      expect(answer.text).not.toContain("v1.local.");
    }
    const again = await connect(wp.users.admin);
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe("connection.exists");
  });

  it("connects an author and reports what the role cannot do", async () => {
    const author = await connect(wp.users.author);
    expect(author.status, author.text).toBe(201);
    const codes = author.json.data.report.limitations.map((l: { code: string }) => l.code);
    expect(codes).toEqual(expect.arrayContaining(["cannot_create_categories", "content_filtered", "cannot_publish_pages"]));
    expect(author.json.data.report.user.role).toBe("author");
    const removed = await call("DELETE", `/v1/sites/${siteId}/connections/${author.json.data.connectionId}`, { token });
    expect(removed.status).toBe(204);
  });

  it("says what to do when Application Passwords are unavailable", async () => {
    await wp.setApplicationPasswords(false);
    try {
      const refused = await connect(wp.users.editor);
      expect(refused.status).toBe(400);
      expect(refused.json.error.code).toBe("wordpress.application_passwords_unavailable");
      expect(refused.json.error.message).toMatch(/HTTPS/);
      expect(refused.json.error.fields[0]).toMatchObject({ path: "url" });
      expect(refused.json.error.fields[0].message).toMatch(/WP_ENVIRONMENT_TYPE|security plugin/);
    } finally {
      await wp.setApplicationPasswords(true);
    }
  });

  it("marks a connection failed when its password is revoked, and publishing says to reconnect (not 401)", async () => {
    const created = await admin.post<{ password: string; uuid: string }>(`/wp/v2/users/${wp.users.editor.id}/application-passwords`, {
      name: "igny8 revocation test",
    });
    const connected = await connect({ username: wp.users.editor.username, appPassword: created.data.password });
    expect(connected.status, connected.text).toBe(201);
    const id = connected.json.data.connectionId;
    await admin.delete(`/wp/v2/users/${wp.users.editor.id}/application-passwords/${created.data.uuid}`);

    const checked = await call("POST", `/v1/sites/${siteId}/connections/${id}/validate`, { token });
    expect(checked.status).toBe(200);
    expect(checked.json.data).toMatchObject({ status: "failed", lastError: { code: "wordpress.auth_failed" } });

    const content = await seed({ withoutImages: true });
    const published = await call("POST", `/v1/sites/${siteId}/publishing`, {
      token,
      body: { contentId: content.contentId, connectionId: id, status: "publish" },
    });
    expect(published.status).toBe(409);
    expect(published.json.error.code).toBe("wordpress.auth_failed");
    expect(await postsOfContent(admin, content.contentId)).toHaveLength(0);
  });

  it("syncs categories, tags and authors into the catalog", async () => {
    await admin.post("/wp/v2/tags", { name: "catalog-probe" }, { allow: [400] });
    const synced = await call("POST", `/v1/sites/${siteId}/connections/${connectionId}/sync`, { token });
    expect(synced.status, synced.text).toBe(200);
    expect(synced.json.data.connection.catalog).toMatchObject({ categories: expect.any(Number), authors: expect.any(Number) });
    expect(synced.json.data.connection.catalog.tags).toBeGreaterThanOrEqual(1);
    const categories = await call("GET", `/v1/sites/${siteId}/connections/${connectionId}/catalog?kind=category&limit=100`, { token });
    expect(categories.json.data.map((c: { slug: string }) => c.slug)).toContain("uncategorized");
    const tags = await call("GET", `/v1/sites/${siteId}/connections/${connectionId}/catalog?kind=tag&q=catalog-probe`, { token });
    expect(tags.json.data.map((t: { name: string }) => t.name)).toEqual(["catalog-probe"]);
    const authors = await call("GET", `/v1/sites/${siteId}/connections/${connectionId}/catalog?kind=author`, { token });
    expect(authors.json.data.map((a: { id: number }) => a.id)).toEqual(
      expect.arrayContaining([wp.users.admin.id, wp.users.editor.id, wp.users.author.id]),
    );

    // A tag deleted on WordPress leaves the catalog at the next sync.
    const probe = tags.json.data[0].id as number;
    await admin.delete(`/wp/v2/tags/${probe}`, { force: true });
    const resynced = await call("POST", `/v1/sites/${siteId}/connections/${connectionId}/sync`, { token });
    expect(resynced.json.data.removed).toBeGreaterThanOrEqual(1);
    const gone = await call("GET", `/v1/sites/${siteId}/connections/${connectionId}/catalog?kind=tag&q=catalog-probe`, { token });
    expect(gone.json.data).toEqual([]);
  });

  let published: { contentId: string; recordId: string; postId: number };

  it("publishes with images, the sector as category, the cluster as tag and SEO fields; the record shows the history", async () => {
    const content = await seed({ sectorId, clusterName: "Rose Pruning" });
    const before = events.length;
    const answer = await call("POST", `/v1/sites/${siteId}/publishing`, {
      token,
      body: { contentId: content.contentId, connectionId, status: "publish" },
    });
    expect(answer.status, answer.text).toBe(200);
    const { record, post, warnings } = answer.json.data;
    expect(warnings).toEqual([]);
    expect(post).toMatchObject({ status: "publish", slug: content.slug });
    expect(record).toMatchObject({
      siteId,
      contentId: content.contentId,
      connectionId,
      status: "published",
      requestedStatus: "publish",
      remote: { id: post.id, status: "publish", link: post.link },
      attempt: null,
      lastError: null,
    });
    expect(record.media.map((m: { key: string }) => m.key)).toEqual(content.images.map((i) => i.key));
    expect(record.history.map((h: { event: string }) => h.event).at(-1)).toBe("published");

    const remote = await getPost(post.id);
    expect(remote.title.raw).toBe(content.title);
    expect(remote.excerpt?.raw).toBe(content.excerpt);
    expect(await termNames("categories", remote.categories ?? [])).toEqual(["Garden Care"]);
    expect(await termNames("tags", remote.tags ?? [])).toEqual(["Rose Pruning"]);
    expect(remote.meta).toMatchObject({ _yoast_wpseo_title: content.metaTitle, _yoast_wpseo_metadesc: content.metaDescription });
    const featured = (await admin.get<{ alt_text: string; post: number }>(`/wp/v2/media/${remote.featured_media}`, { context: "edit" })).data;
    expect(featured).toMatchObject({ alt_text: "A garden in spring", post: post.id });
    const inArticle = (await admin.get<Array<{ id: number; alt_text: string; source_url: string }>>("/wp/v2/media", { parent: post.id, context: "edit" })).data;
    const raw = remote.content.raw ?? "";
    for (const alt of ["Pruning shears on a bench", "A rose after pruning"]) {
      const media = inArticle.find((m) => m.alt_text === alt);
      expect(media, alt).toBeDefined();
      expect(raw).toContain(`src="${media!.source_url}"`);
      expect(raw).toContain(`wp-image-${media!.id}`);
    }
    // The image the HTML did not show was placed before the second section; no local src is left.
    expect(raw.indexOf("A rose after pruning")).toBeLessThan(raw.indexOf("How to cut"));
    expect(raw).not.toContain("/media/");
    expect(raw).not.toContain("igny8-image:");

    await Bus.idle();
    const announced = events.slice(before).filter((e) => (e.properties as { contentId: string }).contentId === content.contentId);
    expect(announced).toHaveLength(1);
    expect(announced[0]!.properties).toMatchObject({ siteId, connectionId, recordId: record.recordId, remoteId: post.id, status: "publish", url: post.link });

    const listed = await call("GET", `/v1/sites/${siteId}/publishing?contentId=${content.contentId}`, { token });
    expect(listed.json.data.map((r: { recordId: string }) => r.recordId)).toEqual([record.recordId]);
    const one = await call("GET", `/v1/sites/${siteId}/publishing/${record.recordId}`, { token });
    expect(one.json.data.history).toEqual(record.history);
    published = { contentId: content.contentId, recordId: record.recordId, postId: post.id };
  });

  it("publishing again updates the same post", async () => {
    source.update(published.contentId, { title: "How to prune roses, revised" });
    const again = await call("POST", `/v1/sites/${siteId}/publishing`, {
      token,
      body: { contentId: published.contentId, connectionId, status: "publish" },
    });
    expect(again.status, again.text).toBe(200);
    expect(again.json.data.post.id).toBe(published.postId);
    expect(again.json.data.record.recordId).toBe(published.recordId);
    expect((await getPost(published.postId)).title.raw).toBe("How to prune roses, revised");
    expect(await postsOfContent(admin, published.contentId)).toHaveLength(1);
  });

  it("categories and tags given in the request replace the mapped ones; scheduling works", async () => {
    const content = await seed({ sectorId, withoutImages: true });
    const at = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const answer = await call("POST", `/v1/sites/${siteId}/publishing`, {
      token,
      body: {
        contentId: content.contentId,
        connectionId,
        status: "future",
        scheduledAt: at,
        categories: [{ name: "Seasonal Jobs" }],
        tags: [{ name: "winter" }, { name: "roses" }],
      },
    });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json.data.record.status).toBe("scheduled");
    const remote = await getPost(answer.json.data.post.id);
    expect(remote.status).toBe("future");
    expect(remote.date_gmt?.slice(0, 16)).toBe(at.slice(0, 16));
    expect(await termNames("categories", remote.categories ?? [])).toEqual(["Seasonal Jobs"]);
    expect(await termNames("tags", remote.tags ?? [])).toEqual(["roses", "winter"]);

    const noDate = await call("POST", `/v1/sites/${siteId}/publishing`, {
      token,
      body: { contentId: content.contentId, connectionId, status: "future" },
    });
    expect(noDate.status).toBe(400);
    expect(noDate.json.error.fields[0].path).toContain("scheduledAt");
  });

  it("unpublishes and publishes back; detects a remote edit and a remote delete on re-sync without re-publishing", async () => {
    const path = `/v1/sites/${siteId}/publishing/${published.recordId}`;
    const unpublished = await call("POST", `${path}/unpublish`, { token });
    expect(unpublished.status, unpublished.text).toBe(200);
    expect(unpublished.json.data.status).toBe("unpublished");
    expect((await getPost(published.postId)).status).toBe("draft");
    const back = await call("POST", `/v1/sites/${siteId}/publishing`, {
      token,
      body: { contentId: published.contentId, connectionId, status: "publish" },
    });
    expect(back.json.data.post).toMatchObject({ id: published.postId, status: "publish" });

    const inSync = await call("POST", `${path}/resync`, { token });
    expect(inSync.json.data.state).toBe("in_sync");

    await new Promise((resolve) => setTimeout(resolve, 1100)); // modified_gmt has second precision
    await admin.post(`/wp/v2/posts/${published.postId}`, { title: "Edited in WordPress" });
    const edited = await call("POST", `${path}/resync`, { token });
    expect(edited.json.data.state).toBe("edited_remotely");
    expect(edited.json.data.record.history.at(-1).event).toBe("resync_edited_remotely");
    expect((await getPost(published.postId)).title.raw).toBe("Edited in WordPress"); // not overwritten

    await admin.delete(`/wp/v2/posts/${published.postId}`, { force: true });
    const deleted = await call("POST", `${path}/resync`, { token });
    expect(deleted.status).toBe(200);
    expect(deleted.json.data).toMatchObject({ state: "deleted", record: { status: "gone" } });
    expect(await postsOfContent(admin, published.contentId)).toHaveLength(0); // nothing came back by itself

    const all = await call("POST", `/v1/sites/${siteId}/publishing/resync`, { token, body: { connectionId } });
    expect(all.status, all.text).toBe(200);
    expect(all.json.data.counts.deleted).toBeGreaterThanOrEqual(1);
    expect(all.json.data.cursor).toBeNull();

    // Publishing again is an explicit act: it makes one new post.
    const republished = await call("POST", `/v1/sites/${siteId}/publishing`, {
      token,
      body: { contentId: published.contentId, connectionId, status: "publish" },
    });
    expect(republished.status, republished.text).toBe(200);
    expect(republished.json.data.post.id).not.toBe(published.postId);
    expect(await postsOfContent(admin, published.contentId)).toHaveLength(1);
    published.postId = republished.json.data.post.id;
  });

  it("deletes from WordPress: to the trash, then for good", async () => {
    const path = `/v1/sites/${siteId}/publishing/${published.recordId}`;
    const trashed = await call("DELETE", path, { token });
    expect(trashed.status, trashed.text).toBe(200);
    expect(trashed.json.data.status).toBe("trashed");
    expect((await getPost(published.postId)).status).toBe("trash");
    const gone = await call("DELETE", `${path}?force=true`, { token });
    expect(gone.json.data).toMatchObject({ status: "deleted", remote: null });
    expect(await postsOfContent(admin, published.contentId)).toHaveLength(0);
    const again = await call("DELETE", path, { token });
    expect(again.status).toBe(404);
    expect(again.json.error.code).toBe("publishing.not_published");
  });

  it("publishes the Writer's own content (the default source) and marks its task published", async () => {
    Publishing.useContentSource(undefined);
    try {
      const made = await withActor({ type: "system", properties: { accountId } }, async () => {
        const task = await Task.create({ siteId, title: "Mulching beds", primaryKeyword: "mulch garden beds", sectorId });
        const content = await Content.write({
          siteId,
          taskId: task.taskId,
          title: "How to mulch garden beds",
          metaTitle: "Mulching garden beds",
          metaDescription: "Why, when and how to mulch.",
          html: "<h2>Why mulch</h2><p>It keeps water in.</p><h2>How</h2><p>Five centimetres.</p>",
        });
        return { taskId: task.taskId, content };
      });
      const answer = await call("POST", `/v1/sites/${siteId}/publishing`, {
        token,
        body: { contentId: made.content.contentId, connectionId, status: "publish" },
      });
      expect(answer.status, answer.text).toBe(200);
      const remote = await getPost(answer.json.data.post.id);
      expect(remote.title.raw).toBe("How to mulch garden beds");
      expect(remote.slug).toBe(made.content.slug);
      expect(await termNames("categories", remote.categories ?? [])).toEqual(["Garden Care"]);
      expect(remote.meta).toMatchObject({ _yoast_wpseo_title: "Mulching garden beds", _yoast_wpseo_focuskw: "mulch garden beds" });
      const task = await withActor({ type: "system", properties: { accountId } }, () => Task.get({ siteId, taskId: made.taskId }));
      expect(task.status).toBe("published");
    } finally {
      Publishing.useContentSource(source);
    }
  });

  it("publishes a batch through the pipeline, followed with the executions API", async () => {
    const contents = [await seed({ sectorId }), await seed({ sectorId })];
    const started = await call("POST", `/v1/sites/${siteId}/publishing/runs`, {
      token,
      body: { items: contents.map((c) => ({ contentId: c.contentId, connectionId, status: "publish" })) },
    });
    expect(started.status, started.text).toBe(202);
    expect(started.json.data).toMatchObject({ pipeline: "content-publish", status: "running", items: 2 });
    await runner.idle();
    const execution = await call("GET", `/v1/executions/${started.json.data.executionId}`, { token });
    expect(execution.json.data).toMatchObject({
      status: "succeeded",
      result: { published: 2, failed: 0 },
      progress: { total: 2, done: 2, failed: 0 },
    });
    for (const content of contents) {
      const posts = await postsOfContent(admin, content.contentId);
      expect(posts).toHaveLength(1);
      expect(posts[0]!.status).toBe("publish");
    }
    const unknown = await call("POST", `/v1/sites/${siteId}/publishing/runs`, {
      token,
      body: { items: [{ contentId: contents[0]!.contentId, connectionId: createId("connection"), status: "publish" }] },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe("connection.not_found");
  });
});
