import { describe, expect, it } from "vitest";
import { createMemoryPublishingStore, type PublishingRecord } from "./record";

const record = (): PublishingRecord => ({
  id: "pub_1",
  contentId: "cnt_1",
  destinationId: "con_1",
  version: 0,
  postType: "post",
  restBase: "posts",
  status: "publishing",
  media: [],
  history: [],
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
});

describe("memory publishing store", () => {
  it("is a compare-and-set on version", async () => {
    const store = createMemoryPublishingStore();
    const first = await store.put(record(), 0);
    expect(first.version).toBe(1);
    await expect(store.put(record(), 0)).rejects.toMatchObject({
      code: "publishing.version_conflict",
    });
    const second = await store.put({ ...first, status: "published" }, 1);
    expect(second.version).toBe(2);
    await expect(store.put({ ...first, status: "failed" }, 1)).rejects.toMatchObject({
      code: "publishing.version_conflict",
    });
    expect((await store.get(first))?.status).toBe("published");
  });

  it("hands out copies", async () => {
    const store = createMemoryPublishingStore();
    const stored = await store.put(record(), 0);
    stored.history.push({ at: "x", event: "mutated outside" });
    expect((await store.get(stored))?.history).toEqual([]);
  });
});
