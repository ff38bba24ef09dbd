import { useAccount } from "../actor";
import { type KeywordItem, keywordEntity, NO_CLUSTER, volumeSort } from "../keyword/keyword.entity";
import { mapLimited } from "../keyword/store";
import { Limit } from "../limit";
import { Transaction } from "../transaction";
import { isVisibleError } from "../util/error";
import { createId } from "../util/id";
import { type ClusterItem, clusterEntity, pageGroupEntity } from "./cluster.entity";
import type { ClusterEngine } from "./engine";
import { publish } from "../events";
import { ClusterCreated } from "./events";

/**
 * Stores a clustering engine result for one sector:
 * - clusters people locked or edited were passed to the engine as locked and stay untouched;
 * - other existing clusters are matched to the new ones by shared members (Jaccard >= 0.5) and
 *   keep their ids (ideas point at them); the unmatched ones are deleted, giving their
 *   max_clusters slots back, before new clusters take slots (biggest audience first);
 * - page groups are matched the same way inside each cluster;
 * - each keyword gets its cluster and page group, or "unclustered" with the reason; only the
 *   keywords whose assignment changes are written, so an unchanged result writes nothing.
 */

export interface ApplyInput {
  siteId: string;
  sectorId: string;
  runId: string;
  method: string;
  result: ClusterEngine.ClusterResult;
  /** Every keyword of the sector as loaded before the run (including ignored ones). */
  keywords: KeywordItem[];
  /** The sector's clusters before the run. */
  existing: ClusterItem[];
}

export interface ApplyReport {
  clusters: { created: number; updated: number; deleted: number; kept: number };
  pageGroups: number;
  clustered: number;
  unclustered: { count: number; byReason: Record<string, number>; sample: string[] };
  /** Topic clusters the plan's max_clusters left out (their keywords are unclustered). */
  limitReached: { max: number; clustersLeftOut: number } | null;
  keywordsUpdated: number;
}

const MIN_JACCARD = 0.5;

/** For each new group, the id of the previous group it continues (greedy by overlap), or undefined. */
export function matchByOverlap(
  next: string[][],
  previous: { id: string; members: string[] }[],
): (string | undefined)[] {
  const owner = new Map<string, number>();
  previous.forEach((group, j) => {
    for (const id of group.members) owner.set(id, j);
  });
  const candidates: { i: number; j: number; score: number }[] = [];
  next.forEach((members, i) => {
    const shared = new Map<number, number>();
    for (const id of members) {
      const j = owner.get(id);
      if (j !== undefined) shared.set(j, (shared.get(j) ?? 0) + 1);
    }
    for (const [j, count] of shared) {
      const union = members.length + (previous[j] as { members: string[] }).members.length - count;
      const score = count / union;
      if (score >= MIN_JACCARD) candidates.push({ i, j, score });
    }
  });
  candidates.sort((a, b) => b.score - a.score || a.i - b.i || a.j - b.j);
  const result: (string | undefined)[] = new Array(next.length).fill(undefined);
  const used = new Set<number>();
  for (const { i, j } of candidates) {
    if (result[i] !== undefined || used.has(j)) continue;
    result[i] = (previous[j] as { id: string }).id;
    used.add(j);
  }
  return result;
}

function summaryAttributes(summary: ClusterEngine.ClusterSummary) {
  return {
    name: summary.name,
    hubKeywordId: summary.hubKeywordId,
    hubKeyword: summary.hubKeyword,
    totalVolume: summary.totalVolume,
    keywordCount: summary.keywordIds.length,
    ...(summary.meanDifficulty === null
      ? {}
      : { meanDifficulty: Math.round(summary.meanDifficulty * 100) / 100 }),
    ...(summary.dominantIntent === null ? {} : { dominantIntent: summary.dominantIntent }),
  };
}

const absentSummary = (summary: ClusterEngine.ClusterSummary) => [
  ...(summary.meanDifficulty === null ? ["meanDifficulty" as const] : []),
  ...(summary.dominantIntent === null ? ["dominantIntent" as const] : []),
];

/** Deletes clusters with their page groups, giving their max_clusters slots back. */
export async function deleteClusters(
  siteId: string,
  clusters: { clusterId: string }[],
): Promise<number> {
  const accountId = useAccount();
  let deleted = 0;
  for (let start = 0; start < clusters.length; start += 99) {
    const chunk = clusters.slice(start, start + 99);
    const existing = await clusterEntity()
      .get(chunk.map(({ clusterId }) => ({ accountId, siteId, clusterId })))
      .go();
    if (existing.data.length === 0) continue;
    await Transaction.write([
      ...existing.data.map((c) =>
        Transaction.part(
          clusterEntity()
            .delete({ accountId, siteId, clusterId: c.clusterId })
            .where((attr, op) => op.exists(attr.clusterId)),
        ),
      ),
      Limit.release({ limit: "max_clusters", amount: existing.data.length }),
    ]);
    deleted += existing.data.length;
  }
  await mapLimited(clusters, 4, async ({ clusterId }) => {
    const groups = await pageGroupEntity()
      .query.byCluster({ accountId, siteId, clusterId })
      .go({ pages: "all" });
    if (groups.data.length > 0) {
      await pageGroupEntity()
        .delete(
          groups.data.map((g) => ({ accountId, siteId, clusterId, pageGroupId: g.pageGroupId })),
        )
        .go();
    }
  });
  return deleted;
}

type Assignment = { clusterId: string; pageGroupId: string } | { reason: string };

export async function applyResult(input: ApplyInput): Promise<ApplyReport> {
  const accountId = useAccount();
  const { siteId, sectorId, runId, result, keywords, existing } = input;
  const kept = existing.filter((c) => c.locked || c.editedByUser);
  const keptIds = new Set(kept.map((c) => c.clusterId));
  const replaceable = existing.filter((c) => !keptIds.has(c.clusterId));
  const membersOf = new Map<string, string[]>();
  const groupMembersOf = new Map<string, string[]>();
  const push = (map: Map<string, string[]>, key: string, id: string) => {
    const list = map.get(key);
    if (list) list.push(id);
    else map.set(key, [id]);
  };
  for (const k of keywords) {
    if (k.clusterId) push(membersOf, k.clusterId, k.keywordId);
    if (k.pageGroupId) push(groupMembersOf, k.pageGroupId, k.keywordId);
  }

  const matched = matchByOverlap(
    result.clusters.map((c) => c.keywordIds),
    replaceable.map((c) => ({ id: c.clusterId, members: membersOf.get(c.clusterId) ?? [] })),
  );
  const reused = new Set(matched.filter((id): id is string => id !== undefined));
  const stale = replaceable.filter((c) => !reused.has(c.clusterId));
  const deleted = await deleteClusters(siteId, stale);

  // New clusters take max_clusters slots in the transactions that create them.
  const now = new Date().toISOString();
  const fresh = result.clusters
    .map((topic, index) => ({ topic, index }))
    .filter(({ index }) => matched[index] === undefined)
    .map(({ topic, index }) => ({ topic, index, clusterId: createId("cluster") }));
  const created: typeof fresh = [];
  let leftOut: typeof fresh = [];
  let limitMax = 0;
  let queue = [...fresh];
  let races = 0;
  while (queue.length > 0) {
    const chunk = queue.slice(0, 99);
    try {
      const slot = await Limit.reserve({ limit: "max_clusters", amount: chunk.length });
      await Transaction.write([
        slot,
        ...chunk.map(({ topic, clusterId }) =>
          Transaction.part(
            clusterEntity().create({
              accountId,
              siteId,
              sectorId,
              clusterId,
              ...summaryAttributes(topic),
              pageGroupCount: topic.pageGroups.length,
              locked: false,
              editedByUser: false,
              method: input.method,
              runId,
              volumeSort: volumeSort(topic.totalVolume),
              createdAt: now,
              updatedAt: now,
            }),
          ),
        ),
      ]);
      created.push(...chunk);
      queue = queue.slice(chunk.length);
    } catch (error) {
      if (!(isVisibleError(error) && error.code === "plan.limit_reached")) throw error;
      limitMax = Number(error.details.max);
      const left = limitMax - Number(error.details.current);
      if (left <= 0) {
        leftOut = queue;
        break;
      }
      if (left < chunk.length) {
        leftOut.push(...chunk.slice(left));
        queue = [...chunk.slice(0, left), ...queue.slice(chunk.length)];
      } else if (++races > 5) throw error;
    }
  }
  const clusterIdOf = new Map<number, string>();
  result.clusters.forEach((_, index) => {
    if (matched[index] !== undefined) clusterIdOf.set(index, matched[index] as string);
  });
  for (const c of created) clusterIdOf.set(c.index, c.clusterId);

  // Reused clusters take the new summary (they were neither locked nor edited).
  await mapLimited(
    result.clusters
      .map((topic, index) => ({ topic, clusterId: matched[index] }))
      .filter((x) => x.clusterId !== undefined),
    8,
    async ({ topic, clusterId }) => {
      const update = clusterEntity()
        .patch({ accountId, siteId, clusterId: clusterId as string })
        .set({
          ...summaryAttributes(topic),
          pageGroupCount: topic.pageGroups.length,
          method: input.method,
          runId,
          volumeSort: volumeSort(topic.totalVolume),
        });
      const remove = absentSummary(topic);
      await (remove.length ? update.remove(remove) : update).go();
    },
  );

  // Page groups: matched by members inside each stored cluster.
  const assignment = new Map<string, Assignment>();
  let pageGroups = 0;
  await mapLimited([...clusterIdOf.entries()], 4, async ([index, clusterId]) => {
    const topic = result.clusters[index] as ClusterEngine.TopicCluster;
    const previous = reused.has(clusterId)
      ? (
          await pageGroupEntity()
            .query.byCluster({ accountId, siteId, clusterId })
            .go({ pages: "all" })
        ).data
      : [];
    const previousMembers = previous.map((g) => ({
      id: g.pageGroupId,
      members: groupMembersOf.get(g.pageGroupId) ?? [],
    }));
    const groupMatch = matchByOverlap(
      topic.pageGroups.map((g) => g.keywordIds),
      previousMembers,
    );
    const keep = new Set(groupMatch.filter((id): id is string => id !== undefined));
    const gone = previous.filter((g) => !keep.has(g.pageGroupId));
    if (gone.length > 0) {
      await pageGroupEntity()
        .delete(gone.map((g) => ({ accountId, siteId, clusterId, pageGroupId: g.pageGroupId })))
        .go();
    }
    const items = topic.pageGroups.map((group, g) => {
      const pageGroupId = groupMatch[g] ?? createId("pageGroup");
      for (const keywordId of group.keywordIds)
        assignment.set(keywordId, { clusterId, pageGroupId });
      return {
        accountId,
        siteId,
        clusterId,
        pageGroupId,
        sectorId,
        ...summaryAttributes(group),
        createdAt: previous.find((p) => p.pageGroupId === pageGroupId)?.createdAt ?? now,
        updatedAt: now,
      };
    });
    pageGroups += items.length;
    if (items.length > 0) await pageGroupEntity().put(items).go();
  });

  for (const { topic } of leftOut) {
    for (const keywordId of topic.keywordIds)
      assignment.set(keywordId, { reason: "plan.limit_reached" });
  }
  for (const { keywordId, reason } of result.unclustered) assignment.set(keywordId, { reason });

  // Only keywords whose assignment changes are written.
  const byReason: Record<string, number> = {};
  const unclusteredIds: string[] = [];
  const changes: {
    item: KeywordItem;
    set: Record<string, unknown>;
    remove: ("clusterId" | "pageGroupId" | "unclusteredReason")[];
  }[] = [];
  for (const item of keywords) {
    const target = assignment.get(item.keywordId);
    if (!target) {
      // Ignored keywords (not clustered) leave clusters that no longer hold them.
      if (item.clusterId && !keptIds.has(item.clusterId)) {
        changes.push({
          item,
          set: { clusterKey: NO_CLUSTER },
          remove: ["clusterId", "pageGroupId", "unclusteredReason"],
        });
      }
      continue;
    }
    if ("reason" in target) {
      byReason[target.reason] = (byReason[target.reason] ?? 0) + 1;
      unclusteredIds.push(item.keywordId);
      if (
        item.status === "unclustered" &&
        item.unclusteredReason === target.reason &&
        item.clusterKey === NO_CLUSTER
      )
        continue;
      changes.push({
        item,
        set: { clusterKey: NO_CLUSTER, status: "unclustered", unclusteredReason: target.reason },
        remove: ["clusterId", "pageGroupId"],
      });
      continue;
    }
    if (
      item.clusterId === target.clusterId &&
      item.pageGroupId === target.pageGroupId &&
      item.status === "clustered"
    )
      continue;
    changes.push({
      item,
      set: {
        clusterKey: target.clusterId,
        clusterId: target.clusterId,
        pageGroupId: target.pageGroupId,
        status: "clustered",
      },
      remove: ["unclusteredReason"],
    });
  }
  await mapLimited(changes, 16, async ({ item, set, remove }) => {
    await keywordEntity()
      .patch({ accountId, siteId, keywordId: item.keywordId })
      .set(set)
      .remove(remove)
      .go()
      .catch((error) => {
        // Deleted during the run: nothing to assign.
        if (!String(error).includes("conditional request failed")) throw error;
      });
  });

  if (created.length > 0) {
    await publish(
      ...created.map(({ topic, clusterId }) =>
        ClusterCreated.create({
          siteId,
          sectorId,
          clusterId,
          name: topic.name,
          keywordCount: topic.keywordIds.length,
          totalVolume: topic.totalVolume,
          runId,
        }),
      ),
    );
  }

  const clustered = [...assignment.values()].filter((a) => !("reason" in a)).length;
  return {
    clusters: { created: created.length, updated: reused.size, deleted, kept: kept.length },
    pageGroups,
    clustered,
    unclustered: { count: unclusteredIds.length, byReason, sample: unclusteredIds.slice(0, 50) },
    limitReached: leftOut.length > 0 ? { max: limitMax, clustersLeftOut: leftOut.length } : null,
    keywordsUpdated: changes.length,
  };
}
