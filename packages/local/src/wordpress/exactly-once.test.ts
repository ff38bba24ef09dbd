import {
  createMemoryPublishingStore,
  type PublishInput,
  type PublishPhase,
  publishToWordPress,
  type WordPressClient,
  type WordPressPost,
} from "@igny8/core/publishing/wordpress";
import { afterAll, beforeAll, expect, it } from "vitest";
import { png, startWordPress, type WordPressInstance } from "./index";
import { clientFor, describeWordPress, mediaCount, postsOfContent, uniqueSlug } from "./testing";

class InjectedCrash extends Error {
  constructor(readonly at: string) {
    super(`injected crash after ${at}`);
  }
}

function article(slug: string, color: number): PublishInput {
  return {
    contentId: `cnt_${slug}`,
    destinationId: "con_crash",
    title: `Crash test ${slug}`,
    slug,
    status: "publish",
    html: '<p><img src="https://cdn.igny8.test/a.png"></p><p><img src="https://cdn.igny8.test/b.png"></p>',
    categories: [{ name: "Crash Tests" }],
    tags: [{ name: "exactly-once" }, { name: `run-${color}` }],
    featuredImage: {
      filename: "cover.png",
      contentType: "image/png",
      alt: "Cover",
      data: png(24, 24, [color, 10, 10]),
    },
    images: [
      {
        key: "a",
        src: "https://cdn.igny8.test/a.png",
        filename: "a.png",
        contentType: "image/png",
        alt: "A",
        data: png(16, 16, [10, color, 10]),
      },
      {
        key: "b",
        src: "https://cdn.igny8.test/b.png",
        filename: "b.png",
        contentType: "image/png",
        alt: "B",
        data: png(16, 16, [10, 10, color]),
      },
    ],
    seo: { title: "Crash SEO", description: "Crash description" },
  };
}

describeWordPress("exactly once against a real WordPress", () => {
  let wp: WordPressInstance;
  let admin: WordPressClient;
  beforeAll(async () => {
    wp = await startWordPress();
    admin = clientFor(wp, "admin");
  });
  afterAll(() => wp?.stop());

  /** Every (step, phase) the algorithm reports for a publication with three images. */
  async function crashPoints(): Promise<Array<{ step: string; phase: PublishPhase }>> {
    const points: Array<{ step: string; phase: PublishPhase }> = [];
    await publishToWordPress(admin, article(uniqueSlug("discover"), 1), {
      store: createMemoryPublishingStore(),
      afterStep: (step, phase) => {
        points.push({ step, phase });
      },
    });
    return points;
  }

  async function crashThenRetry(
    point: { step: string; phase: PublishPhase },
    index: number,
    retry: "same run" | "another run after the lease",
  ) {
    const store = createMemoryPublishingStore();
    const input = article(uniqueSlug(`crash-${index}`), 20 + index);
    const mediaBefore = await mediaCount(admin);
    const label = `${point.step} (${point.phase})`;
    const crashed = await publishToWordPress(admin, input, {
      store,
      attemptKey: "execution-1",
      afterStep: (step, phase) => {
        if (step === point.step && phase === point.phase) throw new InjectedCrash(label);
      },
    }).catch((error) => error);
    expect(crashed).toBeInstanceOf(InjectedCrash);
    const postsAfterCrash = (await postsOfContent(admin, input.contentId)).length;

    const later = new Date(Date.now() + 11 * 60_000);
    const result = await publishToWordPress(
      admin,
      input,
      retry === "same run"
        ? { store, attemptKey: "execution-1" }
        : { store, attemptKey: "execution-2", now: () => later },
    );
    const posts = await postsOfContent(admin, input.contentId);
    const attached = await admin.get<unknown[]>("/wp/v2/media", {
      parent: result.post.id,
      _fields: "id",
    });
    const saved = (
      await admin.get<WordPressPost>(`/wp/v2/posts/${result.post.id}`, { context: "edit" })
    ).data;
    return {
      label,
      postsAfterCrash,
      posts: posts.length,
      postIds: posts.map((p) => p.id),
      resultId: result.post.id,
      status: saved.status,
      mediaAdded: (await mediaCount(admin)) - mediaBefore,
      attachedMedia: attached.data.length,
      featured: saved.featured_media,
      record: result.record,
    };
  }

  for (const retry of ["same run", "another run after the lease"] as const) {
    it(`a crash after each step, then a retry by ${retry}, leaves exactly one post`, async () => {
      const points = await crashPoints();
      expect(points.length).toBeGreaterThanOrEqual(15);
      const rows = [];
      for (const [index, point] of points.entries()) {
        const row = await crashThenRetry(point, index, retry);
        rows.push(row);
        expect(row.posts, row.label).toBe(1);
        expect(row.postIds, row.label).toEqual([row.resultId]);
        expect(row.status, row.label).toBe("publish");
        expect(row.mediaAdded, row.label).toBe(3);
        expect(row.attachedMedia, row.label).toBe(3);
        expect(row.featured, row.label).toBeGreaterThan(0);
        expect(row.record, row.label).toMatchObject({
          status: "published",
          remoteId: row.resultId,
        });
        expect(row.record.attempt, row.label).toBeUndefined();
        expect(
          row.record.media.map((m) => m.key),
          row.label,
        ).toEqual(["featured", "a", "b"]);
      }
      console.log(
        `\nretry by ${retry}: ${points.length} injected crash points\n${rows
          .map(
            (r, i) =>
              `  ${String(i + 1).padStart(2)}. crash after ${r.label.padEnd(34)} posts after crash: ${r.postsAfterCrash}  after retry: ${r.posts}  media added: ${r.mediaAdded}`,
          )
          .join("\n")}\n  remote posts after each retry: ${rows.map((r) => r.posts).join(",")}`,
      );
    }, 900_000);
  }

  it("20 posts published concurrently are 20 distinct posts, sharing terms without duplicates", async () => {
    const store = createMemoryPublishingStore();
    const batch = uniqueSlug("concurrent");
    const category = `Concurrent ${batch}`;
    const inputs = Array.from({ length: 20 }, (_, i) => ({
      ...article(`${batch}-${i}`, 100 + i),
      categories: [{ name: category }],
      tags: [{ name: `${batch}-shared` }, { name: `${batch}-own-${i}` }],
    }));
    const results = await Promise.all(
      inputs.map((input) => publishToWordPress(admin, input, { store })),
    );
    const ids = results.map((r) => r.post.id);
    expect(new Set(ids).size).toBe(20);
    expect(results.map((r) => r.post.slug)).toEqual(inputs.map((i) => i.slug));
    for (const input of inputs) {
      expect(await postsOfContent(admin, input.contentId), input.slug).toHaveLength(1);
    }
    const categories = await admin.get<Array<{ id: number; count: number }>>("/wp/v2/categories", {
      search: batch,
    });
    expect(categories.data).toHaveLength(1);
    expect(categories.data[0]?.count).toBe(20);
    const shared = await admin.get<Array<{ count: number }>>("/wp/v2/tags", {
      slug: `${batch}-shared`,
    });
    expect(shared.data).toHaveLength(1);
    expect(shared.data[0]?.count).toBe(20);
    console.log(`20 concurrent publications: ${new Set(ids).size} distinct posts`);
  }, 300_000);

  it("the same content published twice at once: one run publishes, the other is told to wait", async () => {
    const store = createMemoryPublishingStore();
    const input = article(uniqueSlug("twice"), 7);
    const outcomes = await Promise.allSettled([
      publishToWordPress(admin, input, { store, attemptKey: "click-1" }),
      publishToWordPress(admin, input, { store, attemptKey: "click-2" }),
    ]);
    const fulfilled = outcomes.filter((o) => o.status === "fulfilled");
    const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected");
    expect(fulfilled).toHaveLength(1);
    expect(rejected.map((r) => r.reason.code)).toEqual(["publishing.in_progress"]);
    expect(await postsOfContent(admin, input.contentId)).toHaveLength(1);
  });
});
