import {
  createMemoryPublishingStore,
  deleteFromWordPress,
  type PublishInput,
  publishToWordPress,
  resyncFromWordPress,
  unpublish,
  type WordPressClient,
  type WordPressPost,
} from "@igny8/core/publishing/wordpress";
import { afterAll, beforeAll, expect, it } from "vitest";
import { png, startWordPress, type WordPressInstance } from "./index";
import { clientFor, describeWordPress, mediaCount, postsOfContent, uniqueSlug } from "./testing";

interface WordPressMediaItem {
  id: number;
  alt_text: string;
  source_url: string;
  post: number | null;
}

/** An article with a featured image, two in-article images, terms and SEO fields. */
function article(overrides: Partial<PublishInput> = {}): PublishInput {
  const slug = overrides.slug ?? uniqueSlug("article");
  return {
    contentId: `cnt_${slug}`,
    destinationId: "con_test",
    title: `Article ${slug}`,
    slug,
    status: "publish",
    excerpt: "A short summary.",
    html: [
      "<h2>Intro</h2>",
      '<p>Text <img src="https://cdn.igny8.test/img/one.png" alt=""> more.</p>',
      '<figure><img src="https://cdn.igny8.test/img/two.png" alt="Own alt" srcset="https://cdn.igny8.test/img/two@2x.png 2x"></figure>',
    ].join("\n"),
    categories: [{ name: "Garden Tools" }, { name: "Spring Guides" }],
    tags: [{ name: "pruning" }, { name: "roses" }],
    featuredImage: {
      filename: "cover.png",
      contentType: "image/png",
      alt: "A cover picture",
      data: png(64, 48, [200, 40, 40]),
    },
    images: [
      {
        key: "img-one",
        src: "https://cdn.igny8.test/img/one.png",
        filename: "one.png",
        contentType: "image/png",
        alt: "First picture",
        data: async () => png(32, 32, [20, 160, 20]),
      },
      {
        key: "img-two",
        src: "https://cdn.igny8.test/img/two.png",
        filename: "two.png",
        contentType: "image/png",
        alt: "Second picture",
        data: png(40, 30, [20, 20, 180]),
      },
    ],
    seo: { title: "SEO title here", description: "SEO description here", focusKeyword: "roses" },
    ...overrides,
  };
}

describeWordPress("publishing to a real WordPress", () => {
  let wp: WordPressInstance;
  let admin: WordPressClient;
  beforeAll(async () => {
    wp = await startWordPress();
    admin = clientFor(wp, "admin");
  });
  afterAll(() => wp?.stop());

  const getPost = async (id: number, restBase = "posts") =>
    (await admin.get<WordPressPost>(`/wp/v2/${restBase}/${id}`, { context: "edit" })).data;

  it("publishes a post with featured and in-article images, terms and Yoast fields", async () => {
    const store = createMemoryPublishingStore();
    const input = article();
    const mediaBefore = await mediaCount(admin);
    const result = await publishToWordPress(admin, input, { store });

    expect(result.post.status).toBe("publish");
    expect(result.warnings).toEqual([]);
    const post = await getPost(result.post.id);
    expect(post).toMatchObject({
      status: "publish",
      slug: input.slug,
      title: { raw: input.title },
    });
    expect(post.excerpt?.raw).toBe("A short summary.");

    const categories = await admin.get<Array<{ id: number; name: string }>>("/wp/v2/categories", {
      include: post.categories,
    });
    expect(categories.data.map((c) => c.name).sort()).toEqual(["Garden Tools", "Spring Guides"]);
    const tags = await admin.get<Array<{ name: string }>>("/wp/v2/tags", { include: post.tags });
    expect(tags.data.map((t) => t.name).sort()).toEqual(["pruning", "roses"]);

    expect(await mediaCount(admin)).toBe(mediaBefore + 3);
    const featured = (
      await admin.get<WordPressMediaItem>(`/wp/v2/media/${post.featured_media}`, {
        context: "edit",
      })
    ).data;
    expect(featured).toMatchObject({ alt_text: "A cover picture", post: post.id });
    const attached = (
      await admin.get<WordPressMediaItem[]>("/wp/v2/media", { parent: post.id, context: "edit" })
    ).data;
    expect(attached).toHaveLength(3);
    const byAlt = Object.fromEntries(attached.map((m) => [m.alt_text, m]));
    const one = byAlt["First picture"]!;
    const two = byAlt["Second picture"]!;

    const raw = post.content.raw ?? "";
    expect(raw).not.toContain("cdn.igny8.test");
    expect(raw).toContain(
      `<img src="${one.source_url}" alt="First picture" class="wp-image-${one.id}" />`,
    );
    expect(raw).toContain(
      `<img src="${two.source_url}" alt="Own alt" class="wp-image-${two.id}" />`,
    );
    expect(post.meta).toMatchObject({
      _yoast_wpseo_title: "SEO title here",
      _yoast_wpseo_metadesc: "SEO description here",
      _yoast_wpseo_focuskw: "roses",
    });

    // A visitor sees the published page with the rewritten images.
    const page = await fetch(post.link);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(one.source_url);

    const record = result.record;
    expect(record).toMatchObject({
      status: "published",
      remoteId: post.id,
      remoteSlug: input.slug,
      remoteStatus: "publish",
      remoteModifiedGmt: post.modified_gmt,
    });
    expect(record.attempt).toBeUndefined();
    expect(record.media.map((m) => m.key)).toEqual(["featured", "img-one", "img-two"]);
    expect(record.history.map((h) => h.event)).toEqual([
      "attempt_started",
      "located",
      "terms_resolved",
      "draft_created",
      "media_uploaded",
      "media_uploaded",
      "media_uploaded",
      "content_updated",
      "status_set",
      "published",
    ]);
    expect(await postsOfContent(admin, input.contentId)).toHaveLength(1);
  });

  it("re-publishes an update onto the same remote post, reusing unchanged images", async () => {
    const store = createMemoryPublishingStore();
    const input = article();
    const first = await publishToWordPress(admin, input, { store });
    const mediaAfterFirst = await mediaCount(admin);
    const second = await publishToWordPress(
      admin,
      {
        ...input,
        title: "A better title",
        images: [input.images![0]!, { ...input.images![1]!, data: png(40, 30, [1, 2, 3]) }],
      },
      { store },
    );
    expect(second.post.id).toBe(first.post.id);
    expect((await getPost(first.post.id)).title.raw).toBe("A better title");
    expect(await mediaCount(admin)).toBe(mediaAfterFirst + 1); // only the changed image
    expect(second.record.history.filter((h) => h.event === "media_reused")).toHaveLength(2);
    expect(await postsOfContent(admin, input.contentId)).toHaveLength(1);
  });

  it("as an author: a new category is refused up front; scripts and iframes are stripped", async () => {
    const author = clientFor(wp, "author");
    const store = createMemoryPublishingStore();
    const refused = article({ categories: [{ name: uniqueSlug("Brand new category") }] });
    await expect(publishToWordPress(author, refused, { store })).rejects.toMatchObject({
      code: "wordpress.cannot_create_term",
    });
    expect(await postsOfContent(admin, refused.contentId)).toHaveLength(0);
    expect((await store.get(refused))?.status).toBe("failed");

    const existing = (
      await admin.post<{ id: number }>("/wp/v2/categories", { name: uniqueSlug("Existing") })
    ).data;
    const input = article({
      categories: [{ id: existing.id }],
      html: '<p onclick="steal()">Hello</p><script>alert(1)</script><iframe src="https://video.test/x"></iframe><img src="https://cdn.igny8.test/img/one.png">',
      images: [article().images![0]!],
    });
    const result = await publishToWordPress(author, input, { store });
    expect(result.post.status).toBe("publish");
    expect(result.warnings.map((w) => w.code)).toEqual(["content_filtered"]);
    expect(result.warnings[0]?.details?.removed).toEqual([
      "<script>",
      "<iframe>",
      "on* event attributes",
    ]);
    const post = await getPost(result.post.id);
    expect(post.content.raw).not.toMatch(/<script|<iframe|onclick/);
    expect(post.categories).toEqual([existing.id]);
    expect(post.author).toBe(wp.users.author.id);
    // The tag names did not exist for this author's post: authors may create tags.
    expect(post.tags).toHaveLength(2);
  });

  it("a failed image upload publishes nothing and removes what the attempt uploaded", async () => {
    const store = createMemoryPublishingStore();
    const input = article();
    input.images![1] = { ...input.images![1]!, data: new TextEncoder().encode("not a png at all") };
    const mediaBefore = await mediaCount(admin);
    const error = await publishToWordPress(admin, input, { store }).catch((e) => e);
    expect(error).toMatchObject({
      code: "wordpress.media_rejected",
      details: { filename: "two.png" },
    });
    expect(await postsOfContent(admin, input.contentId)).toHaveLength(0);
    expect(await mediaCount(admin)).toBe(mediaBefore);
    const record = await store.get(input);
    expect(record).toMatchObject({
      status: "failed",
      lastError: { code: "wordpress.media_rejected" },
    });
    expect(record?.remoteId).toBeUndefined();
    expect(record?.attempt).toBeUndefined();
    expect(record?.history.at(-1)?.detail).toMatchObject({
      removedMedia: [expect.any(Number), expect.any(Number)],
    });

    // The next attempt with a good image publishes, once.
    const fixed = await publishToWordPress(
      admin,
      article({ slug: input.slug, contentId: input.contentId }),
      { store },
    );
    expect(fixed.post.status).toBe("publish");
    expect(await postsOfContent(admin, input.contentId)).toHaveLength(1);
  });

  it("a failed image upload on an update leaves the live post as it was", async () => {
    const store = createMemoryPublishingStore();
    const input = article();
    const first = await publishToWordPress(admin, input, { store });
    const before = await getPost(first.post.id);
    const mediaBefore = await mediaCount(admin);
    const broken = {
      ...input,
      title: "Should never show",
      featuredImage: { ...input.featuredImage!, data: new Uint8Array([1, 2, 3, 4]) },
    };
    await expect(publishToWordPress(admin, broken, { store })).rejects.toMatchObject({
      code: "wordpress.media_rejected",
    });
    const after = await getPost(first.post.id);
    expect(after).toMatchObject({
      status: "publish",
      title: { raw: before.title.raw },
      modified_gmt: before.modified_gmt,
    });
    expect(await mediaCount(admin)).toBe(mediaBefore);
    expect((await store.get(input))?.remoteId).toBe(first.post.id);
  });

  it("stale term ids are reported before anything is created", async () => {
    const store = createMemoryPublishingStore();
    const input = article({
      categories: [{ id: 987654 }],
      tags: [{ name: "fine" }, { id: 987655 }],
    });
    const error = await publishToWordPress(admin, input, { store }).catch((e) => e);
    expect(error).toMatchObject({
      code: "wordpress.reference_dropped",
      details: { categories: [987654], tags: [987655] },
    });
    expect(await postsOfContent(admin, input.contentId)).toHaveLength(0);
  });

  it("a slug held by someone else's post is a reported collision, not a -2 post", async () => {
    const slug = uniqueSlug("taken");
    const foreign = (
      await admin.post<WordPressPost>("/wp/v2/posts", { title: "Theirs", slug, status: "publish" })
    ).data;
    const store = createMemoryPublishingStore();
    const input = article({ slug });
    const error = await publishToWordPress(admin, input, { store }).catch((e) => e);
    expect(error).toMatchObject({
      code: "wordpress.slug_collision",
      details: { slug, existingId: foreign.id },
    });
    expect(await postsOfContent(admin, input.contentId)).toHaveLength(0);
    const holders = await admin.get<WordPressPost[]>("/wp/v2/posts", {
      slug: [slug, `${slug}-2`],
      status: "any",
    });
    expect(holders.data.map((p) => p.id)).toEqual([foreign.id]);
  });

  it("a collision with a post this user cannot see is caught from the -2 slug and undone", async () => {
    const slug = uniqueSlug("hidden");
    // The editor's private draft: invisible to the author's slug lookup.
    const editor = clientFor(wp, "editor");
    await editor.post("/wp/v2/posts", { title: "Editor draft", slug, status: "private" });
    const store = createMemoryPublishingStore();
    const input = article({
      slug,
      categories: [],
      images: [],
      html: "<p>plain</p>",
      featuredImage: undefined,
    });
    const error = await publishToWordPress(clientFor(wp, "author"), input, { store }).catch(
      (e) => e,
    );
    expect(error).toMatchObject({
      code: "wordpress.slug_collision",
      details: { existingSlug: `${slug}-2` },
    });
    expect(await postsOfContent(admin, input.contentId)).toHaveLength(0);
    expect((await store.get(input))?.history.at(-1)?.detail).toMatchObject({
      removedPost: expect.any(Number),
    });
  });

  it("publishes pages, custom post types and scheduled posts; Rank Math fields when that is the plugin", async () => {
    const store = createMemoryPublishingStore();
    const page = await publishToWordPress(
      admin,
      article({ postType: "page", categories: [], tags: [], seo: undefined }),
      { store },
    );
    expect(page.warnings.map((w) => w.code)).toEqual(["excerpt_unsupported"]);
    expect((await getPost(page.post.id, "pages")).status).toBe("publish");

    await wp.setSeoPlugin("rank-math");
    try {
      const book = await publishToWordPress(clientFor(wp, "admin"), article({ postType: "book" }), {
        store,
      });
      const saved = await getPost(book.post.id, "books");
      expect(saved.meta).toMatchObject({
        rank_math_title: "SEO title here",
        rank_math_description: "SEO description here",
      });
      expect(saved.featured_media).toBeGreaterThan(0);
    } finally {
      await wp.setSeoPlugin("yoast");
    }

    const when = new Date(Date.now() + 3 * 86_400_000);
    when.setUTCMilliseconds(0);
    const scheduled = await publishToWordPress(
      admin,
      article({ status: "future", scheduledAt: when.toISOString() }),
      { store },
    );
    const saved = await getPost(scheduled.post.id);
    expect(saved.status).toBe("future");
    expect(`${saved.date_gmt}Z`).toBe(when.toISOString().replace(".000Z", "Z"));
    expect(scheduled.record.status).toBe("scheduled");

    await expect(
      publishToWordPress(
        admin,
        article({ status: "future", scheduledAt: "2001-01-01T00:00:00Z" }),
        { store },
      ),
    ).rejects.toMatchObject({ code: "publishing.scheduled_at_past" });
  });

  it("a post deleted in WordPress is seen as gone by a resync and published again as one new post", async () => {
    const store = createMemoryPublishingStore();
    const input = article();
    const first = await publishToWordPress(admin, input, { store });
    expect((await resyncFromWordPress(admin, input, { store })).state).toBe("in_sync");

    await admin.delete(`/wp/v2/posts/${first.post.id}`, { force: true });
    const resync = await resyncFromWordPress(admin, input, { store });
    expect(resync.state).toBe("deleted");
    expect(resync.record?.status).toBe("gone");

    const again = await publishToWordPress(admin, input, { store });
    expect(again.post.id).not.toBe(first.post.id);
    expect(again.record.history.map((h) => h.event)).toContain("remote_gone");
    const posts = await postsOfContent(admin, input.contentId);
    expect(posts.map((p) => p.id)).toEqual([again.post.id]);
  });

  it("a resync sees edits, status changes and the trash made in WordPress", async () => {
    const store = createMemoryPublishingStore();
    const input = article({ images: [], featuredImage: undefined, html: "<p>x</p>" });
    const first = await publishToWordPress(admin, input, { store });
    // Edited in WordPress (even within the same second: the content hash tells).
    await admin.post(`/wp/v2/posts/${first.post.id}`, { title: "Edited by hand" });
    const edited = await resyncFromWordPress(admin, input, { store });
    expect(edited.state).toBe("edited_remotely");
    expect(edited.record?.history.at(-1)?.event).toBe("resync_edited_remotely");
    // Re-publishing overwrites the edit and is in sync again.
    await publishToWordPress(admin, input, { store });
    expect((await resyncFromWordPress(admin, input, { store })).state).toBe("in_sync");

    await admin.post(`/wp/v2/posts/${first.post.id}`, { status: "draft" });
    const changed = await resyncFromWordPress(admin, input, { store });
    // modified_gmt has one-second resolution: a status flip in the same second shows as a status change only.
    expect(["edited_remotely", "status_changed"]).toContain(changed.state);
    expect(changed.record).toMatchObject({ status: "unpublished", remoteStatus: "draft" });

    await admin.delete(`/wp/v2/posts/${first.post.id}`);
    const trashed = await resyncFromWordPress(admin, input, { store });
    expect(trashed).toMatchObject({ state: "trashed", record: { status: "gone" } });
    const again = await publishToWordPress(admin, input, { store });
    expect(again.post.id).not.toBe(first.post.id);
    const live = (await postsOfContent(admin, input.contentId)).filter((p) => p.status !== "trash");
    expect(live.map((p) => p.id)).toEqual([again.post.id]);
  });

  it("unpublishes to draft, trashes and deletes for good", async () => {
    const store = createMemoryPublishingStore();
    const input = article({ images: [], featuredImage: undefined, html: "<p>x</p>" });
    const { post } = await publishToWordPress(admin, input, { store });
    expect((await unpublish(admin, input, { store })).status).toBe("unpublished");
    expect((await getPost(post.id)).status).toBe("draft");
    expect((await resyncFromWordPress(admin, input, { store })).state).toBe("in_sync");

    const republished = await publishToWordPress(admin, input, { store });
    expect(republished.post).toMatchObject({ id: post.id, status: "publish" });

    expect((await deleteFromWordPress(admin, input, { store })).status).toBe("trashed");
    expect((await getPost(post.id)).status).toBe("trash");
    await publishToWordPress(admin, input, { store }); // trashed counts as gone: a new post
    const deleted = await deleteFromWordPress(admin, input, { store, force: true });
    expect(deleted).toMatchObject({ status: "deleted", remoteId: undefined });
    expect(
      (await postsOfContent(admin, input.contentId)).filter((p) => p.status !== "trash"),
    ).toHaveLength(0);
    await expect(unpublish(admin, input, { store })).rejects.toMatchObject({
      code: "publishing.not_published",
    });
  });

  it("bad input is a field error, not a request to WordPress", async () => {
    const store = createMemoryPublishingStore();
    await expect(
      publishToWordPress(admin, article({ slug: "Not A Slug" }), { store }),
    ).rejects.toMatchObject({ code: "input.invalid", details: { fields: [{ path: "slug" }] } });
    await expect(
      publishToWordPress(admin, article({ html: "<p>no images here</p>" }), { store }),
    ).rejects.toMatchObject({
      code: "input.invalid",
      details: { fields: [{ path: "images.0.src" }, { path: "images.1.src" }] },
    });
    await expect(
      publishToWordPress(admin, article({ postType: "page" }), { store }),
    ).rejects.toMatchObject({ code: "publishing.categories_unsupported" });
    await expect(
      publishToWordPress(admin, article({ postType: "movie" }), { store }),
    ).rejects.toMatchObject({ code: "wordpress.post_type_unknown" });
    expect(store.all()).toEqual([]);
  });
});
