export * as Keyword from "./index";

import { z } from "zod";
import { useAccount } from "../actor";
import { Authz } from "../authz";
import { refresh as refreshClusters } from "../cluster/stats";
import { assertNoRunInProgress, Options as ClusteringOptions, start as startClusteringRun } from "../cluster/run";
import { Page } from "../pagination";
import { Sector, SectorId } from "../sector";
import { Site, SiteId } from "../site";
import { Transaction } from "../transaction";
import { VisibleError } from "../util/error";
import { fn } from "../util/fn";
import { fromItem, type KeywordFields, mergeFields, toAttributes } from "./fields";
import { normalizeKeyword } from "./import";
import { type KeywordItem, keywordEntity, keywordKeyEntity, NO_CLUSTER, NO_VALUE } from "./keyword.entity";
import { Info, Intent, KeywordId, KeywordIds, serialize, Status, Tag, Tags } from "./schema";
import { detach, forSite, getMany, mapLimited, removeMany } from "./store";
import { removeAllImports } from "./importer";
import { createWriter, type RowResult } from "./writer";

export { KeywordAdded } from "./events";
export { fromRecord, type KeywordFields, mergeFields } from "./fields";
export * as Imports from "./importer";
export { exportCsv, ExportInput, ExportResult, neutralizeCell, toCsvRow } from "./export";
export { Info, Intent, KeywordId, KeywordIds, Status, Tag, Tags, serialize };
export { createWriter, type IncomingRow, type RowResult } from "./writer";
export { forCluster, forSector, getMany } from "./store";

const notFound = (keywordId: string) =>
  new VisibleError("not_found", "keyword.not_found", "No such keyword in this site", { keywordId });

export const ListInput = z
  .strictObject({
    siteId: SiteId,
    ...Page.Query,
    sectorId: SectorId.optional(),
    clusterId: z
      .union([z.string().regex(/^cl_[0-9a-z]{26}$/, "a cluster id or none"), z.literal("none")])
      .optional()
      .meta({ description: "A cluster id, or `none` for keywords in no cluster" }),
    intent: Intent.optional(),
    status: Status.optional(),
    tag: Tag.optional(),
    q: z.string().trim().min(1).max(100).optional().meta({ description: "Keywords containing this text" }),
    sort: z
      .enum(["-volume", "volume", "-difficulty", "difficulty", "keyword", "-keyword", "-created", "created"])
      .default("-volume"),
  })
  .meta({ id: "KeywordListQuery" });
export type ListInput = z.output<typeof ListInput>;

/** The filter of a list in DynamoDB's terms (sort=keyword applies it after reading). */
function matches(item: KeywordItem, input: ListInput): boolean {
  if (input.sectorId && item.sectorId !== input.sectorId) return false;
  if (input.clusterId && item.clusterKey !== input.clusterId) return false;
  if (input.intent && !(item.intents ?? []).includes(input.intent) && item.intent !== input.intent) return false;
  if (input.status && item.status !== input.status) return false;
  if (input.tag && !(item.tags ?? []).includes(input.tag)) return false;
  if (input.q && !item.keyword.includes(input.q.toLowerCase())) return false;
  return true;
}

/**
 * A page of the site's keywords. Volume, difficulty and creation order read an index each;
 * alphabetical order reads the keywords' uniqueness items (per sector when one is given) and
 * filters after reading, so its pages may hold fewer than `limit` items: follow the cursor.
 */
export const list = fn(ListInput, async (input): Promise<Page.Result<Info>> => {
  await Authz.assert("planner.read", { siteId: input.siteId, sectorId: input.sectorId });
  const accountId = useAccount();
  const { siteId } = input;
  const scope = JSON.stringify(["keywords", accountId, siteId, input.sectorId, input.clusterId, input.intent, input.status, input.tag, input.q, input.sort]);
  const cursor = Page.decode(input.cursor, scope) ?? null;
  const order = input.sort.startsWith("-") ? "desc" : "asc";
  const by = input.sort.replace("-", "");

  if (by === "keyword") {
    const keys = input.sectorId
      ? keywordKeyEntity().query.byKey({ accountId, siteId, sectorId: input.sectorId })
      : keywordKeyEntity().query.byName({ accountId, siteId });
    const q = input.q?.toLowerCase();
    const page = await (q ? keys.where((attr, op) => op.contains(attr.normalizedKey, q)) : keys).go({
      cursor,
      count: input.limit,
      order,
    });
    const items = await getMany(siteId, page.data.map((k) => k.keywordId));
    return { items: items.filter((item) => matches(item, input)).map(serialize), cursor: Page.encode(page.cursor, scope) };
  }

  const key = { accountId, siteId };
  const query =
    input.clusterId && by === "volume"
      ? keywordEntity().query.byCluster({ ...key, clusterKey: input.clusterId })
      : by === "volume"
        ? keywordEntity().query.byVolume(key)
        : by === "difficulty"
          ? keywordEntity().query.byDifficulty(key)
          : keywordEntity().query.byId(key);
  const result = await query
    .where((attr, op) => {
      const clauses: string[] = [];
      if (input.sectorId) clauses.push(op.eq(attr.sectorId, input.sectorId));
      if (input.clusterId && by !== "volume") clauses.push(op.eq(attr.clusterKey, input.clusterId));
      if (input.intent) clauses.push(`(${op.contains(attr.intents, input.intent)} OR ${op.eq(attr.intent, input.intent)})`);
      if (input.status) clauses.push(op.eq(attr.status, input.status));
      if (input.tag) clauses.push(op.contains(attr.tags, input.tag));
      if (input.q) clauses.push(op.contains(attr.keyword, input.q.toLowerCase()));
      return clauses.join(" AND ");
    })
    .go({ cursor, count: input.limit, order });
  return { items: result.data.map(serialize), cursor: Page.encode(result.cursor, scope) };
});

const Key = z.strictObject({ siteId: SiteId, keywordId: KeywordId });

async function load(siteId: string, keywordId: string): Promise<KeywordItem> {
  const result = await keywordEntity().get({ accountId: useAccount(), siteId, keywordId }).go();
  if (!result.data) throw notFound(keywordId);
  return result.data;
}

export const get = fn(Key, async ({ siteId, keywordId }) => {
  await Authz.assert("planner.read", { siteId });
  return serialize(await load(siteId, keywordId));
});

const Metric = z.number().min(0).max(1e12).nullable();

export const UpdateInput = z
  .strictObject({
    siteId: SiteId,
    keywordId: KeywordId,
    status: z.enum(["new", "ignored"]).optional().meta({ description: "Ignore a keyword (clustering leaves it out) or take it back" }),
    tags: z.array(Tag).max(20).optional().meta({ description: "Replaces the tags" }),
    volume: Metric.optional(),
    difficulty: z.number().min(0).max(100).nullable().optional(),
    cpc: Metric.optional(),
    intent: Intent.nullable().optional(),
  })
  .meta({ id: "KeywordUpdate" });

/** Edits a keyword by hand: status, tags and metrics (null clears a metric). */
export const update = fn(UpdateInput, async ({ siteId, keywordId, status, tags, intent, ...metrics }) => {
  await Authz.assert("planner.write", { siteId });
  const current = await load(siteId, keywordId);
  const fields: Partial<KeywordFields> = { ...metrics };
  if (intent !== undefined) Object.assign(fields, { intent, intents: intent ? [intent] : [] });
  const set: Record<string, unknown> = toAttributes(fields);
  const remove = Object.entries(fields)
    .filter(([, value]) => value === null || (Array.isArray(value) && value.length === 0))
    .map(([name]) => name);
  if (remove.includes("volume")) set.volumeSort = NO_VALUE;
  if (remove.includes("difficulty")) set.difficultySort = NO_VALUE;
  if (status !== undefined && status !== current.status) {
    set.status = status;
    // An ignored keyword leaves its cluster; clustering will not place it again.
    if (status === "ignored" && current.clusterId) {
      set.clusterKey = NO_CLUSTER;
      remove.push("clusterId", "pageGroupId");
    }
  }
  if (tags !== undefined) {
    if (tags.length) set.tags = [...new Set(tags)];
    else remove.push("tags");
  }
  if (Object.keys(set).length === 0 && remove.length === 0) return serialize(current);
  let operation = keywordEntity().patch({ accountId: useAccount(), siteId, keywordId }).set(set);
  if (remove.length) operation = operation.remove(remove as never);
  const result = await operation.go({ response: "all_new" }).catch((error) => {
    if (String(error).includes("conditional request failed")) throw notFound(keywordId);
    throw error;
  });
  if (current.clusterId) await refreshClusters(siteId, [current.clusterId]);
  return serialize(result.data as KeywordItem);
});

/** Deletes one keyword (its max_keywords slot is given back). */
export const remove = fn(Key, async ({ siteId, keywordId }) => {
  await Authz.assert("planner.write", { siteId });
  const item = await load(siteId, keywordId);
  await removeMany(siteId, [item]);
  if (item.clusterId) await refreshClusters(siteId, [item.clusterId]);
});

const ManualKeyword = z.strictObject({
  keyword: z.string().min(1).max(400),
  volume: z.number().int().min(0).max(1e12).optional(),
  difficulty: z.number().min(0).max(100).optional(),
  cpc: z.number().min(0).max(1e6).optional(),
  intent: Intent.optional(),
});

export const AddInput = z
  .strictObject({
    siteId: SiteId,
    sectorId: SectorId,
    keywords: z.array(ManualKeyword).min(1).max(1000),
    tags: z.array(Tag).max(20).optional(),
  })
  .meta({ id: "KeywordAdd" });

export const AddResult = z
  .object({
    created: z.number().int(),
    merged: z.number().int(),
    rejected: z.number().int(),
    results: z.array(
      z.object({
        index: z.number().int().meta({ description: "Position in the request's keywords" }),
        outcome: z.enum(["created", "merged", "rejected"]),
        keywordId: z.string().nullable(),
        reason: z.string().nullable(),
        message: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: "KeywordAddResult" });

const emptyFields = (keyword: string, normalizedKey: string): KeywordFields => ({
  keyword,
  normalizedKey,
  volume: null,
  volumeLow: null,
  volumeHigh: null,
  difficulty: null,
  cpc: null,
  competition: null,
  intent: null,
  intents: [],
  serpFeatures: [],
  trend: null,
  serpUrls: [],
  position: null,
  url: null,
  clicks: null,
  impressions: null,
  ctr: null,
  traffic: null,
  parentKeyword: null,
  country: null,
});

/** Adds keywords typed or pasted by a person: normalized, de-duplicated and merged like an import. */
export const add = fn(AddInput, async ({ siteId, sectorId, keywords, tags }) => {
  await Authz.assert("planner.write", { siteId, sectorId });
  const writer = createWriter({ siteId, sectorId, source: "manual", tags });
  const rejected = new Map<number, RowResult>();
  const rows = keywords.flatMap((entry, index) => {
    const normalized = normalizeKeyword(entry.keyword);
    if (!normalized.ok) {
      rejected.set(index, { ref: index, outcome: "rejected", reason: normalized.reason, message: normalized.message });
      return [];
    }
    const fields = emptyFields(normalized.keyword, normalized.normalizedKey);
    Object.assign(fields, {
      volume: entry.volume ?? null,
      difficulty: entry.difficulty ?? null,
      cpc: entry.cpc ?? null,
      intent: entry.intent ?? null,
      intents: entry.intent ? [entry.intent] : [],
    });
    return [{ ref: index, fields, kind: "row" as const }];
  });
  const written = rows.length ? await writer.writeBatch(rows) : { results: [] };
  const byRef = new Map<number, RowResult>([...rejected, ...written.results.map((r) => [r.ref, r] as const)]);
  const results = keywords.map((_, index) => {
    const r = byRef.get(index) as RowResult;
    return {
      index,
      outcome: r.outcome,
      keywordId: r.outcome === "rejected" ? null : r.keywordId,
      reason: r.outcome === "rejected" ? r.reason : null,
      message: r.outcome === "rejected" ? r.message : null,
    };
  });
  return {
    created: results.filter((r) => r.outcome === "created").length,
    merged: results.filter((r) => r.outcome === "merged").length,
    rejected: results.filter((r) => r.outcome === "rejected").length,
    results,
  };
});

const bulkActions = <Shape extends z.ZodRawShape>(base: Shape) =>
  [
    z.strictObject({ ...base, action: z.literal("move"), keywordIds: KeywordIds, sectorId: SectorId.meta({ description: "Another sector of the same site" }) }),
    z.strictObject({ ...base, action: z.literal("tag"), keywordIds: KeywordIds, tags: Tags }),
    z.strictObject({ ...base, action: z.literal("untag"), keywordIds: KeywordIds, tags: Tags }),
    z.strictObject({ ...base, action: z.literal("delete"), keywordIds: KeywordIds }),
    z.strictObject({ ...base, action: z.literal("ignore"), keywordIds: KeywordIds }),
    z.strictObject({ ...base, action: z.literal("unignore"), keywordIds: KeywordIds }),
    z.strictObject({ ...base, action: z.literal("recluster"), keywordIds: KeywordIds, options: ClusteringOptions.optional() }),
  ] as const;

/** The request body of POST /v1/sites/{siteId}/keywords/bulk. */
export const BulkBody = z.discriminatedUnion("action", bulkActions({})).meta({ id: "KeywordBulk" });
export const BulkInput = z.discriminatedUnion("action", bulkActions({ siteId: SiteId }));

export const BulkResult = z
  .object({
    action: z.string(),
    requested: z.number().int(),
    changed: z.number().int().meta({ description: "Keywords changed (moved, tagged, deleted...)" }),
    merged: z.number().int().meta({ description: "Move: keywords merged into the same keyword of the target sector" }),
    unchanged: z.number().int(),
    missing: z.array(z.string()).meta({ description: "Ids that name no keyword of this site" }),
    executionIds: z.array(z.string()).meta({ description: "Recluster: the clustering runs started" }),
  })
  .meta({ id: "KeywordBulkResult" });
export type BulkResult = z.infer<typeof BulkResult>;

/** Bulk actions over up to 1000 keywords of one site. */
export const bulk = fn(BulkInput, async (input): Promise<BulkResult> => {
  const { siteId } = input;
  await Authz.assert("planner.write", { siteId, sectorId: input.action === "move" ? input.sectorId : undefined });
  const accountId = useAccount();
  const items = await getMany(siteId, input.keywordIds);
  const found = new Set(items.map((k) => k.keywordId));
  const result: BulkResult = {
    action: input.action,
    requested: new Set(input.keywordIds).size,
    changed: 0,
    merged: 0,
    unchanged: 0,
    missing: [...new Set(input.keywordIds)].filter((id) => !found.has(id)),
    executionIds: [],
  };
  const clusters = new Set(items.map((k) => k.clusterId).filter((id): id is string => Boolean(id)));
  switch (input.action) {
    case "tag":
    case "untag": {
      const wanted = [...new Set(input.tags)];
      await mapLimited(items, 8, async (item) => {
        const has = new Set(item.tags ?? []);
        const change = input.action === "tag" ? wanted.filter((t) => !has.has(t)) : wanted.filter((t) => has.has(t));
        if (change.length === 0) {
          result.unchanged++;
          return;
        }
        const key = { accountId, siteId, keywordId: item.keywordId };
        const operation =
          input.action === "tag" ? keywordEntity().patch(key).add({ tags: change }) : keywordEntity().patch(key).delete({ tags: change });
        await operation.go().catch((error) => {
          if (!String(error).includes("conditional request failed")) throw error;
        });
        result.changed++;
      });
      return result;
    }
    case "delete": {
      result.changed = (await removeMany(siteId, items)).length;
      await refreshClusters(siteId, [...clusters]);
      return result;
    }
    case "ignore":
    case "unignore": {
      const target = input.action === "ignore" ? "ignored" : "new";
      const changing = items.filter((k) => (target === "ignored" ? k.status !== "ignored" : k.status === "ignored"));
      result.unchanged = items.length - changing.length;
      await mapLimited(changing, 8, async (item) => {
        const operation = keywordEntity().patch({ accountId, siteId, keywordId: item.keywordId }).set({ status: target, clusterKey: NO_CLUSTER });
        await operation.remove(["clusterId", "pageGroupId", "unclusteredReason"]).go();
        result.changed++;
      });
      await refreshClusters(siteId, [...clusters]);
      return result;
    }
    case "move": {
      const moved = await moveKeywords(siteId, items, input.sectorId);
      Object.assign(result, moved);
      await refreshClusters(siteId, [...clusters]);
      return result;
    }
    case "recluster": {
      await assertNoRunInProgress(siteId, [...new Set(items.map((k) => k.sectorId))]);
      await detach(siteId, items);
      result.changed = items.length;
      await refreshClusters(siteId, [...clusters]);
      const sectors = [...new Set(items.map((k) => k.sectorId))];
      for (const sectorId of sectors) {
        const run = await startClusteringRun({ siteId, sectorId, ...(input.options ?? {}) });
        result.executionIds.push(run.executionId);
      }
      return result;
    }
  }
});

class KeyTaken extends Error {}

/**
 * Moves keywords to another sector of the site. A keyword the target sector already has is
 * merged into that one (gaps filled) and the moved copy deleted, giving its slot back.
 */
async function moveKeywords(siteId: string, items: KeywordItem[], sectorId: string) {
  const accountId = useAccount();
  const counts = { changed: 0, merged: 0, unchanged: 0 };
  const moving = items.filter((k) => k.sectorId !== sectorId);
  counts.unchanged = items.length - moving.length;
  const mergedAway: KeywordItem[] = [];
  for (const item of moving) {
    // Twice at most: a key taken between the lookup and the write is merged on the second pass.
    for (let attempt = 0; attempt < 2; attempt++) {
      const existing = await keywordKeyEntity().get({ accountId, siteId, sectorId, normalizedKey: item.normalizedKey }).go();
      const [target]: (KeywordItem | undefined)[] = existing.data ? await getMany(siteId, [existing.data.keywordId]) : [];
      if (target) {
        const set = toAttributes(mergeFields(fromItem(target), fromItem(item), "fill"));
        const newTags = (item.tags ?? []).filter((t: string) => !(target.tags ?? []).includes(t));
        if (Object.keys(set).length || newTags.length) {
          let operation = keywordEntity().patch({ accountId, siteId, keywordId: target.keywordId }).set(set);
          if (newTags.length) operation = operation.add({ tags: newTags });
          await operation.go();
        }
        mergedAway.push(item);
        break;
      }
      try {
        await Transaction.write([
          Transaction.part(
            keywordKeyEntity().create({ accountId, siteId, sectorId, normalizedKey: item.normalizedKey, keywordId: item.keywordId }),
            () => new KeyTaken(),
          ),
          Transaction.part(
            keywordKeyEntity()
              .delete({ accountId, siteId, sectorId: item.sectorId, normalizedKey: item.normalizedKey })
              .where((attr, op) => op.eq(attr.keywordId, item.keywordId)),
          ),
          Transaction.part(
            keywordEntity()
              .patch({ accountId, siteId, keywordId: item.keywordId })
              .set({ sectorId, clusterKey: NO_CLUSTER, status: item.status === "ignored" ? "ignored" : "new" })
              .remove(["clusterId", "pageGroupId", "unclusteredReason"]),
          ),
        ]);
        counts.changed++;
        break;
      } catch (error) {
        if (!(error instanceof KeyTaken)) throw error;
      }
    }
  }
  if (mergedAway.length) {
    await removeMany(siteId, mergedAway);
    counts.merged = mergedAway.length;
  }
  return counts;
}

/** Every keyword of a site goes with it (hook run by Site.remove): slots given back. */
Site.onDelete(async ({ siteId }) => {
  const items = await forSite(siteId);
  if (items.length > 0) await removeMany(siteId, items);
  await removeAllImports(siteId);
});

Sector.onRemoveCheck(async ({ accountId, siteId, sectorId }) => {
  const found = await keywordKeyEntity().query.byKey({ accountId, siteId, sectorId }).go({ count: 1, attributes: ["keywordId"] });
  return found.data.length > 0 ? "keywords" : undefined;
});
