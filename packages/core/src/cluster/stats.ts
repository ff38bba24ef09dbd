import { useAccount } from "../actor";
import { type KeywordItem, volumeSort } from "../keyword/keyword.entity";
import { forCluster, mapLimited } from "../keyword/store";
import { clusterEntity, pageGroupEntity } from "./cluster.entity";

type Intent = NonNullable<KeywordItem["intent"]>;
const intentOrder: Intent[] = ["informational", "commercial", "transactional", "navigational"];

export interface Summary {
  hubKeywordId?: string;
  hubKeyword?: string;
  totalVolume: number;
  meanDifficulty?: number;
  dominantIntent?: Intent;
  keywordCount: number;
}

const volumeOf = (k: KeywordItem) => (typeof k.volume === "number" && k.volume > 0 ? k.volume : 0);

/** Highest volume, then shortest, then alphabetical: the keyword a hub page targets (as the engine picks it). */
export function compareHub(a: KeywordItem, b: KeywordItem): number {
  return (
    volumeOf(b) - volumeOf(a) ||
    a.keyword.length - b.keyword.length ||
    (a.keyword < b.keyword ? -1 : a.keyword > b.keyword ? 1 : 0) ||
    (a.keywordId < b.keywordId ? -1 : a.keywordId > b.keywordId ? 1 : 0)
  );
}

/** Hub, total volume, mean difficulty and volume-weighted dominant intent of some keywords. */
export function summaryOf(members: KeywordItem[]): Summary {
  if (members.length === 0) return { totalVolume: 0, keywordCount: 0 };
  const hub = [...members].sort(compareHub)[0] as KeywordItem;
  const difficulties = members
    .map((k) => k.difficulty)
    .filter((d): d is number => typeof d === "number");
  const allZero = members.every((k) => volumeOf(k) === 0);
  const weights = new Map<Intent, number>();
  for (const k of members) {
    const list = new Set<Intent>(
      (k.intents?.length ? k.intents : k.intent ? [k.intent] : []) as Intent[],
    );
    for (const intent of list)
      weights.set(intent, (weights.get(intent) ?? 0) + (allZero ? 1 : volumeOf(k)));
  }
  let dominant: Intent | undefined;
  for (const intent of intentOrder) {
    const w = weights.get(intent);
    if (w !== undefined && (dominant === undefined || w > (weights.get(dominant) ?? 0)))
      dominant = intent;
  }
  return {
    hubKeywordId: hub.keywordId,
    hubKeyword: hub.keyword,
    totalVolume: members.reduce((sum, k) => sum + volumeOf(k), 0),
    ...(difficulties.length
      ? { meanDifficulty: difficulties.reduce((a, b) => a + b, 0) / difficulties.length }
      : {}),
    ...(dominant ? { dominantIntent: dominant } : {}),
    keywordCount: members.length,
  };
}

/** The attributes that store a summary; absent values are removed. */
export function summaryChanges(summary: Summary) {
  const set: Record<string, unknown> = {
    totalVolume: summary.totalVolume,
    keywordCount: summary.keywordCount,
  };
  const remove: ("hubKeywordId" | "hubKeyword" | "meanDifficulty" | "dominantIntent")[] = [];
  for (const key of ["hubKeywordId", "hubKeyword", "meanDifficulty", "dominantIntent"] as const) {
    if (summary[key] === undefined) remove.push(key);
    else set[key] = summary[key];
  }
  return { set, remove };
}

/**
 * Recomputes the summaries of clusters (and their page groups) from their current members,
 * after keywords joined, left or changed. Names are kept: people may have chosen them. Page
 * groups left empty are deleted. Clusters that no longer exist are skipped.
 */
export async function refresh(siteId: string, clusterIds: string[]): Promise<void> {
  const accountId = useAccount();
  await mapLimited([...new Set(clusterIds)], 4, async (clusterId) => {
    const cluster = await clusterEntity().get({ accountId, siteId, clusterId }).go();
    if (!cluster.data) return;
    const members = await forCluster(siteId, clusterId);
    const groups = await pageGroupEntity()
      .query.byCluster({ accountId, siteId, clusterId })
      .go({ pages: "all" });
    const byGroup = new Map<string, KeywordItem[]>();
    for (const k of members) {
      if (!k.pageGroupId) continue;
      byGroup.set(k.pageGroupId, [...(byGroup.get(k.pageGroupId) ?? []), k]);
    }
    let pageGroupCount = 0;
    for (const group of groups.data) {
      const groupMembers = byGroup.get(group.pageGroupId) ?? [];
      const key = { accountId, siteId, clusterId, pageGroupId: group.pageGroupId };
      if (groupMembers.length === 0) {
        await pageGroupEntity().delete(key).go();
        continue;
      }
      pageGroupCount++;
      const { set, remove } = summaryChanges(summaryOf(groupMembers));
      const update = pageGroupEntity().patch(key).set(set);
      await (remove.length ? update.remove(remove) : update).go();
    }
    const summary = summaryOf(members);
    const { set, remove } = summaryChanges(summary);
    const update = clusterEntity()
      .patch({ accountId, siteId, clusterId })
      .set({ ...set, pageGroupCount, volumeSort: volumeSort(summary.totalVolume) });
    await (remove.length ? update.remove(remove) : update).go().catch((error) => {
      if (!String(error).includes("conditional request failed")) throw error;
    });
  });
}
