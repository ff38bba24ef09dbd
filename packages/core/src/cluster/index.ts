export * as Cluster from "./index";

import { z } from "zod";
import { useAccount } from "../actor";
import { Authz } from "../authz";
import { keywordEntity } from "../keyword/keyword.entity";
import { Info as KeywordInfo, KeywordIds, serialize as serializeKeyword } from "../keyword/schema";
import { detach, forCluster, getMany, mapLimited } from "../keyword/store";
import { Limit } from "../limit";
import { Page } from "../pagination";
import { Sector, SectorId } from "../sector";
import { Site, SiteId } from "../site";
import { Transaction } from "../transaction";
import { VisibleError } from "../util/error";
import { fn } from "../util/fn";
import { createId, idPattern } from "../util/id";
import { deleteClusters } from "./apply";

export { matchByOverlap } from "./apply";
import {
  type ClusterItem,
  clusterEntity,
  type PageGroupItem,
  pageGroupEntity,
  runLeaseEntity,
} from "./cluster.entity";
import { refresh, summaryChanges, summaryOf } from "./stats";

import { ClusterCreated } from "./events";

export { ClusterCreated };
export { Options as RunOptions, start as startRun, StartInput as RunStartInput } from "./run";
export * as Run from "./run";
export { refresh } from "./stats";

export const ClusterId = z
  .string()
  .regex(idPattern("cluster"), "not a cluster id")
  .meta({ example: "cl_01hz3v5k8q2w4e6r8t0y2u4i6o" });
export const PageGroupId = z.string().regex(idPattern("pageGroup"), "not a page group id");

const Intent = z.enum(["informational", "commercial", "transactional", "navigational"]);

const summaryFields = {
  name: z.string(),
  hubKeywordId: z.string().nullable(),
  hubKeyword: z.string().nullable(),
  totalVolume: z.number(),
  meanDifficulty: z.number().nullable(),
  dominantIntent: Intent.nullable(),
  keywordCount: z.number().int(),
};

export const Info = z
  .object({
    clusterId: ClusterId,
    siteId: SiteId,
    sectorId: SectorId,
    ...summaryFields,
    pageGroupCount: z.number().int(),
    locked: z
      .boolean()
      .meta({ description: "Locked clusters are kept as they are by clustering runs" }),
    editedByUser: z
      .boolean()
      .meta({ description: "Renamed or edited by a person: also kept by clustering runs" }),
    method: z.string(),
    runId: z
      .string()
      .nullable()
      .meta({ description: "The clustering run (execution) that last wrote it" }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Cluster" });
export type Info = z.infer<typeof Info>;

export const PageGroupInfo = z
  .object({
    pageGroupId: z.string(),
    clusterId: ClusterId,
    ...summaryFields,
    keywordIds: z.array(z.string()),
  })
  .meta({ id: "PageGroup" });

export const Detail = Info.extend({
  pageGroups: z.array(PageGroupInfo),
  keywords: z.array(KeywordInfo).meta({ description: "Every member, highest volume first" }),
}).meta({ id: "ClusterDetail" });
export type Detail = z.infer<typeof Detail>;

function serialize(item: ClusterItem): Info {
  return {
    clusterId: item.clusterId,
    siteId: item.siteId,
    sectorId: item.sectorId,
    name: item.name,
    hubKeywordId: item.hubKeywordId ?? null,
    hubKeyword: item.hubKeyword ?? null,
    totalVolume: item.totalVolume,
    meanDifficulty: item.meanDifficulty ?? null,
    dominantIntent: item.dominantIntent ?? null,
    keywordCount: item.keywordCount,
    pageGroupCount: item.pageGroupCount,
    locked: item.locked,
    editedByUser: item.editedByUser,
    method: item.method,
    runId: item.runId ?? null,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}

const notFound = (clusterId: string) =>
  new VisibleError("not_found", "cluster.not_found", "No such cluster in this site", { clusterId });

async function load(siteId: string, clusterId: string): Promise<ClusterItem> {
  const result = await clusterEntity().get({ accountId: useAccount(), siteId, clusterId }).go();
  if (!result.data) throw notFound(clusterId);
  return result.data;
}

export const ListInput = z
  .strictObject({
    siteId: SiteId,
    ...Page.Query,
    sectorId: SectorId.optional(),
    locked: z
      .enum(["true", "false"])
      .optional()
      .meta({ description: "Only locked (true) or unlocked (false) clusters" }),
    q: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .optional()
      .meta({ description: "Matches the name, case-insensitive" }),
    sort: z.enum(["-volume", "volume", "name", "-name", "-created", "created"]).default("-volume"),
  })
  .meta({ id: "ClusterListQuery" });

export const list = fn(ListInput, async (input): Promise<Page.Result<Info>> => {
  await Authz.assert("planner.read", { siteId: input.siteId });
  const accountId = useAccount();
  const { siteId } = input;
  const scope = JSON.stringify([
    "clusters",
    accountId,
    siteId,
    input.sectorId,
    input.locked,
    input.q,
    input.sort,
  ]);
  const key = { accountId, siteId };
  const by = input.sort.replace("-", "");
  const query =
    by === "volume"
      ? clusterEntity().query.byVolume(key)
      : by === "name"
        ? clusterEntity().query.byName(key)
        : clusterEntity().query.byId(key);
  const result = await query
    .where((attr, op) => {
      const clauses: string[] = [];
      if (input.sectorId) clauses.push(op.eq(attr.sectorId, input.sectorId));
      if (input.locked) clauses.push(op.eq(attr.locked, input.locked === "true"));
      if (input.q) clauses.push(op.contains(attr.nameKey, input.q.toLowerCase()));
      return clauses.join(" AND ");
    })
    .go({
      cursor: Page.decode(input.cursor, scope) ?? null,
      count: input.limit,
      order: input.sort.startsWith("-") ? "desc" : "asc",
    });
  return { items: result.data.map(serialize), cursor: Page.encode(result.cursor, scope) };
});

const Key = z.strictObject({ siteId: SiteId, clusterId: ClusterId });

async function pageGroupsOf(siteId: string, clusterId: string): Promise<PageGroupItem[]> {
  const result = await pageGroupEntity()
    .query.byCluster({ accountId: useAccount(), siteId, clusterId })
    .go({ pages: "all" });
  return result.data.sort(
    (a, b) => b.totalVolume - a.totalVolume || (a.pageGroupId < b.pageGroupId ? -1 : 1),
  );
}

/** A cluster with its page groups and its keywords. */
export const get = fn(Key, async ({ siteId, clusterId }): Promise<Detail> => {
  await Authz.assert("planner.read", { siteId });
  const cluster = await load(siteId, clusterId);
  const [groups, members] = await Promise.all([
    pageGroupsOf(siteId, clusterId),
    forCluster(siteId, clusterId),
  ]);
  const idsOf = new Map<string, string[]>();
  for (const k of members) {
    if (!k.pageGroupId) continue;
    const list = idsOf.get(k.pageGroupId);
    if (list) list.push(k.keywordId);
    else idsOf.set(k.pageGroupId, [k.keywordId]);
  }
  return {
    ...serialize(cluster),
    pageGroups: groups.map((g) => ({
      pageGroupId: g.pageGroupId,
      clusterId: g.clusterId,
      name: g.name,
      hubKeywordId: g.hubKeywordId ?? null,
      hubKeyword: g.hubKeyword ?? null,
      totalVolume: g.totalVolume,
      meanDifficulty: g.meanDifficulty ?? null,
      dominantIntent: g.dominantIntent ?? null,
      keywordCount: g.keywordCount,
      keywordIds: idsOf.get(g.pageGroupId) ?? [],
    })),
    keywords: members.map(serializeKeyword),
  };
});

/** The keywords of `ids` that exist, refusing any that is in another sector (nothing written yet). */
async function sameSector(siteId: string, ids: string[], sectorId: string, field: string) {
  const items = await getMany(siteId, ids);
  const foreign = items.find((k) => k.sectorId !== sectorId);
  if (foreign) {
    throw new VisibleError(
      "input",
      "cluster.sector_mismatch",
      "Keywords must be in the cluster's sector",
      {
        fields: [{ path: field, message: `${foreign.keywordId} is in another sector` }],
      },
    );
  }
  return items;
}

export const CreateInput = z
  .strictObject({
    siteId: SiteId,
    sectorId: SectorId,
    name: z.string().trim().min(1).max(200),
    keywordIds: KeywordIds.optional().meta({
      description: "Keywords of the sector to put in it (each in a page group of its own)",
    }),
    locked: z.boolean().default(false),
  })
  .meta({ id: "ClusterCreate" });

/** A cluster made by hand (kept by clustering runs); takes a max_clusters slot. */
export const create = fn(CreateInput, async ({ siteId, sectorId, name, keywordIds, locked }) => {
  await Authz.assert("planner.write", { siteId, sectorId });
  if (keywordIds?.length) await sameSector(siteId, keywordIds, sectorId, "keywordIds");
  const accountId = useAccount();
  const clusterId = createId("cluster");
  const now = new Date().toISOString();
  const slot = await Limit.reserve({ limit: "max_clusters" });
  await Transaction.write([
    slot,
    Transaction.part(
      clusterEntity().create({
        accountId,
        siteId,
        sectorId,
        clusterId,
        name,
        totalVolume: 0,
        keywordCount: 0,
        pageGroupCount: 0,
        locked,
        editedByUser: true,
        method: "manual",
        createdAt: now,
        updatedAt: now,
      }),
    ),
  ]);
  if (keywordIds?.length) await editKeywords({ siteId, clusterId, add: keywordIds });
  const detail = await get({ siteId, clusterId });
  await ClusterCreated.publish({
    siteId,
    sectorId,
    clusterId,
    name,
    keywordCount: detail.keywordCount,
    totalVolume: detail.totalVolume,
  });
  return detail;
});

export const UpdateInput = z
  .strictObject({
    siteId: SiteId,
    clusterId: ClusterId,
    name: z.string().trim().min(1).max(200).optional(),
    locked: z.boolean().optional(),
  })
  .meta({ id: "ClusterUpdate" });

/** Renames and/or locks a cluster. A rename marks it edited: runs keep it from then on. */
export const update = fn(UpdateInput, async ({ siteId, clusterId, name, locked }) => {
  await Authz.assert("planner.write", { siteId });
  const current = await load(siteId, clusterId);
  const changes: Record<string, unknown> = {};
  if (name !== undefined && name !== current.name)
    Object.assign(changes, { name, editedByUser: true });
  if (locked !== undefined && locked !== current.locked) changes.locked = locked;
  if (Object.keys(changes).length === 0) return serialize(current);
  const result = await clusterEntity()
    .patch({ accountId: useAccount(), siteId, clusterId })
    .set(changes)
    .go({ response: "all_new" })
    .catch((error) => {
      if (String(error).includes("conditional request failed")) throw notFound(clusterId);
      throw error;
    });
  return serialize(result.data as ClusterItem);
});

export const lock = fn(Key, ({ siteId, clusterId }) => update({ siteId, clusterId, locked: true }));
export const unlock = fn(Key, ({ siteId, clusterId }) =>
  update({ siteId, clusterId, locked: false }),
);

/** Deletes a cluster: its keywords become unclustered "new" keywords; its slot is given back. */
export const remove = fn(Key, async ({ siteId, clusterId }) => {
  await Authz.assert("planner.write", { siteId });
  await load(siteId, clusterId);
  await detach(siteId, await forCluster(siteId, clusterId));
  await deleteClusters(siteId, [{ clusterId }]);
});

export const MergeInput = z
  .strictObject({
    siteId: SiteId,
    clusterId: ClusterId,
    clusterIds: z
      .array(ClusterId)
      .min(1)
      .max(50)
      .meta({ description: "Clusters merged into clusterId (then deleted)" }),
  })
  .meta({ id: "ClusterMerge" });

/** Moves the members and page groups of other clusters of the same sector into one, then deletes them. */
export const merge = fn(MergeInput, async ({ siteId, clusterId, clusterIds }) => {
  await Authz.assert("planner.write", { siteId });
  const accountId = useAccount();
  const target = await load(siteId, clusterId);
  const sources = [...new Set(clusterIds)].filter((id) => id !== clusterId);
  const others = await Promise.all(sources.map((id) => load(siteId, id)));
  const foreign = others.find((c) => c.sectorId !== target.sectorId);
  if (foreign) {
    throw new VisibleError(
      "input",
      "cluster.sector_mismatch",
      "Only clusters of the same sector can be merged",
      {
        fields: [{ path: "clusterIds", message: `${foreign.clusterId} is in another sector` }],
      },
    );
  }
  for (const source of others) {
    const groups = await pageGroupsOf(siteId, source.clusterId);
    if (groups.length > 0) {
      // A page group's key holds its cluster: it is re-created under the target, same id.
      await pageGroupEntity()
        .put(groups.map(({ clusterId: _old, ...group }) => ({ ...group, clusterId })))
        .go();
    }
    const members = await forCluster(siteId, source.clusterId);
    await mapLimited(members, 16, (k) =>
      keywordEntity()
        .patch({ accountId, siteId, keywordId: k.keywordId })
        .set({ clusterKey: clusterId, clusterId })
        .go(),
    );
  }
  await deleteClusters(siteId, others);
  await clusterEntity().patch({ accountId, siteId, clusterId }).set({ editedByUser: true }).go();
  await refresh(siteId, [clusterId]);
  return get({ siteId, clusterId });
});

const editKeywordFields = {
  add: KeywordIds.optional().meta({
    description:
      "Keywords of the cluster's sector to move into it (each in a page group of its own)",
  }),
  remove: KeywordIds.optional().meta({
    description: "Members to take out (they become unclustered new keywords)",
  }),
};
const addOrRemove = (input: { add?: string[]; remove?: string[] }) =>
  input.add !== undefined || input.remove !== undefined;
const addOrRemoveError = { message: "give add or remove", path: ["add"] };

/** The request body of POST /v1/sites/{siteId}/clusters/{clusterId}/keywords. */
export const EditKeywordsBody = z
  .strictObject(editKeywordFields)
  .refine(addOrRemove, addOrRemoveError)
  .meta({ id: "ClusterKeywordsEdit" });
export const EditKeywordsInput = z
  .strictObject({ siteId: SiteId, clusterId: ClusterId, ...editKeywordFields })
  .refine(addOrRemove, addOrRemoveError);

/** Moves keywords into or out of a cluster by hand; the cluster is then kept by runs (edited). */
export const editKeywords = fn(
  EditKeywordsInput,
  async ({ siteId, clusterId, add, remove: removeIds }) => {
    await Authz.assert("planner.write", { siteId });
    const accountId = useAccount();
    const target = await load(siteId, clusterId);
    const touched = new Set<string>([clusterId]);
    // Checked before anything is written: a refused request changes nothing.
    const joining = add?.length ? await sameSector(siteId, add, target.sectorId, "add") : [];
    if (removeIds?.length) {
      const leaving = (await getMany(siteId, removeIds)).filter((k) => k.clusterId === clusterId);
      await detach(siteId, leaving);
    }
    if (joining.length) {
      const now = new Date().toISOString();
      await mapLimited(joining, 8, async (k) => {
        if (k.clusterId === clusterId) return;
        if (k.clusterId) touched.add(k.clusterId);
        const pageGroupId = createId("pageGroup");
        const summary = summaryOf([k]);
        await pageGroupEntity()
          .create({
            accountId,
            siteId,
            clusterId,
            pageGroupId,
            sectorId: target.sectorId,
            name: k.keyword,
            ...summaryChanges(summary).set,
            createdAt: now,
            updatedAt: now,
          } as Parameters<ReturnType<typeof pageGroupEntity>["create"]>[0])
          .go();
        await keywordEntity()
          .patch({ accountId, siteId, keywordId: k.keywordId })
          .set({ clusterKey: clusterId, clusterId, pageGroupId, status: "clustered" })
          .remove(["unclusteredReason"])
          .go();
      });
    }
    await clusterEntity().patch({ accountId, siteId, clusterId }).set({ editedByUser: true }).go();
    await refresh(siteId, [...touched]);
    return get({ siteId, clusterId });
  },
);

/** A site's clusters and page groups go with it (hook run by Site.remove). */
Site.onDelete(async ({ siteId }) => {
  const accountId = useAccount();
  const clusters = await clusterEntity()
    .query.byId({ accountId, siteId })
    .go({ pages: "all", attributes: ["clusterId"] });
  if (clusters.data.length > 0) await deleteClusters(siteId, clusters.data);
  await runLeaseMaybeClear(siteId);
});

async function runLeaseMaybeClear(siteId: string) {
  const leases = await runLeaseEntity()
    .query.bySector({ accountId: useAccount(), siteId })
    .go({ pages: "all" });
  if (leases.data.length > 0) await runLeaseEntity().delete(leases.data).go();
}

Sector.onRemoveCheck(async ({ accountId, siteId, sectorId }) => {
  const found = await clusterEntity().query.bySector({ accountId, siteId, sectorId }).go({ count: 1, attributes: ["clusterId"] });
  return found.data.length > 0 ? "clusters" : undefined;
});
