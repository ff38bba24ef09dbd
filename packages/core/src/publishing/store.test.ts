import { describe, expect, it } from "vitest";
import { Site } from "../site";
import { useTestTable, withTestAccount } from "../testing";
import { createId } from "../util/id";
import { Publishing } from "./index";
import { createDynamoPublishingStore } from "./store";
import type { PublishingRecord } from "./wordpress";

useTestTable();

const record = (overrides: Partial<PublishingRecord> = {}): PublishingRecord => ({
  id: createId("publishing"),
  contentId: createId("content"),
  destinationId: createId("connection"),
  version: 0,
  postType: "post",
  restBase: "posts",
  status: "publishing",
  media: [],
  history: [],
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
  ...overrides,
});

const newSite = async () => (await Site.create({ name: "Blog", url: "https://blog.example" })).siteId;

describe("DynamoDB publishing store", () => {
  it("is a compare-and-set on version: create-only at 0, then exactly the stored version", async () => {
    await withTestAccount(async () => {
      const store = createDynamoPublishingStore(await newSite());
      const first = record({ remoteId: 7, attempt: { key: "exe_1", startedAt: "x", leaseUntil: "y", step: "begin", uploaded: [] } });
      const stored = await store.put(first, 0);
      expect(stored.version).toBe(1);
      await expect(store.put(first, 0)).rejects.toMatchObject({ code: "publishing.version_conflict", details: { actualVersion: 1 } });
      const second = await store.put({ ...stored, status: "published", attempt: undefined }, 1);
      expect(second.version).toBe(2);
      await expect(store.put({ ...stored, status: "failed" }, 1)).rejects.toMatchObject({
        code: "publishing.version_conflict",
        details: { expectedVersion: 1, actualVersion: 2 },
      });
      const read = await store.get(first);
      expect(read).toMatchObject({ id: first.id, version: 2, status: "published", remoteId: 7 });
      // A put replaces the item: the attempt written at version 1 is gone.
      expect(read?.attempt).toBeUndefined();
      // A record that does not exist cannot be updated.
      await expect(store.put(record(), 3)).rejects.toMatchObject({ code: "publishing.version_conflict", details: { actualVersion: 0 } });
    });
  });

  it("lets exactly one of many concurrent writers of the same version win", async () => {
    await withTestAccount(async () => {
      const store = createDynamoPublishingStore(await newSite());
      const base = await store.put(record(), 0);
      const outcomes = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) => store.put({ ...base, status: "published", remoteId: i + 1 }, 1)),
      );
      expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
      expect(outcomes.filter((o) => o.status === "rejected")).toHaveLength(9);
      expect((await store.get(base))?.version).toBe(2);
    });
  });

  it("keeps records per account: another account neither reads nor overwrites them", async () => {
    const made = await withTestAccount(async () => {
      const siteId = await newSite();
      const stored = await createDynamoPublishingStore(siteId).put(record({ status: "published", remoteId: 11 }), 0);
      return { siteId, stored };
    });
    await withTestAccount(async () => {
      const store = createDynamoPublishingStore(made.siteId);
      expect(await store.get(made.stored)).toBeUndefined();
      // B's write under the same (content, destination) lands in B's partition, not A's.
      await store.put({ ...made.stored, version: 0, status: "failed" }, 0);
      await expect(Publishing.get({ siteId: made.siteId, recordId: made.stored.id })).rejects.toMatchObject({
        code: "site.not_found",
      });
    });
    const again = await withTestAccount(async () => createDynamoPublishingStore(made.siteId).get(made.stored));
    expect(again).toBeUndefined();
  });

  it("shows records through the API shape: by content, by destination, by id, newest first", async () => {
    await withTestAccount(async () => {
      const siteId = await newSite();
      const store = createDynamoPublishingStore(siteId);
      const contentId = createId("content");
      const a = await store.put(record({ contentId, destinationId: createId("connection"), status: "published", remoteId: 1 }), 0);
      const b = await store.put(record({ contentId, destinationId: createId("connection"), status: "failed" }), 0);
      const other = await store.put(record({ status: "draft", remoteId: 3 }), 0);

      const byContent = await Publishing.list({ siteId, contentId });
      expect(byContent.items.map((r) => r.recordId).sort()).toEqual([a.id, b.id].sort());
      const byDestination = await Publishing.list({ siteId, connectionId: b.destinationId });
      expect(byDestination.items.map((r) => r.recordId)).toEqual([b.id]);
      const all = await Publishing.list({ siteId, limit: 2 });
      expect(all.items.map((r) => r.recordId)).toEqual([other.id, b.id]);
      const next = await Publishing.list({ siteId, limit: 2, cursor: all.cursor! });
      expect(next.items.map((r) => r.recordId)).toEqual([a.id]);

      const one = await Publishing.get({ siteId, recordId: a.id });
      expect(one).toMatchObject({ recordId: a.id, connectionId: a.destinationId, status: "published", remote: { id: 1 } });
      await expect(Publishing.get({ siteId, recordId: createId("publishing") })).rejects.toMatchObject({
        code: "publishing.record_not_found",
      });
      // Another site of the same account does not show them.
      const otherSite = await newSite();
      expect((await Publishing.list({ siteId: otherSite, contentId })).items).toEqual([]);
      await expect(Publishing.get({ siteId: otherSite, recordId: a.id })).rejects.toMatchObject({
        code: "publishing.record_not_found",
      });
    });
  });

  it("records a pipeline's failure and releases the lease its crashed run held", async () => {
    await withTestAccount(async () => {
      const siteId = await newSite();
      const store = createDynamoPublishingStore(siteId);
      const far = new Date(Date.now() + 600_000).toISOString();
      const crashed = await store.put(
        record({ attempt: { key: "exe_crashed", startedAt: "x", leaseUntil: far, step: "create_draft", uploaded: [], createdPostId: 5 } }),
        0,
      );
      const noted = await Publishing.recordFailure({
        siteId,
        contentId: crashed.contentId,
        connectionId: crashed.destinationId,
        executionId: "exe_crashed",
        reason: "InjectedCrash: boom",
      });
      expect(noted).toMatchObject({ status: "failed", lastError: { code: "publishing.pipeline_failed" } });
      const stored = await store.get(crashed);
      expect(Date.parse(stored!.attempt!.leaseUntil)).toBeLessThanOrEqual(Date.now());
      expect(stored!.attempt!.createdPostId).toBe(5); // the next run inherits (and cleans up) its draft
      expect(stored!.history.at(-1)).toMatchObject({ event: "pipeline_gave_up", attempt: "exe_crashed" });

      expect(
        await Publishing.recordFailure({ siteId, contentId: createId("content"), connectionId: createId("connection"), executionId: "x", reason: "r" }),
      ).toBeUndefined();
    });
  });

  it("a deleted site takes its records with it", async () => {
    await withTestAccount(async () => {
      const siteId = await newSite();
      const store = createDynamoPublishingStore(siteId);
      const stored = await store.put(record({ status: "published", remoteId: 5 }), 0);
      await Site.remove({ siteId });
      expect(await store.get(stored)).toBeUndefined();
    });
  });
});
