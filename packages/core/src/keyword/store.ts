import { useAccount } from "../actor";
import { Limit } from "../limit";
import { Transaction } from "../transaction";
import { type KeywordItem, keywordEntity, keywordKeyEntity, NO_CLUSTER } from "./keyword.entity";

/**
 * Reads and multi-item writes of keywords that the keyword, cluster and idea modules share.
 * Every key leads with the current account (useAccount()); callers check access first.
 */

/** Runs `work` over `items` with at most `concurrency` in flight, keeping the order of results. */
export async function mapLimited<T, R>(
  items: T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  });
  await Promise.all(lanes);
  return results;
}

/** The keywords of `ids` that exist in the site (missing ids are left out), in the order given. */
export async function getMany(siteId: string, ids: string[]): Promise<KeywordItem[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const accountId = useAccount();
  const result = await keywordEntity()
    .get(unique.map((keywordId) => ({ accountId, siteId, keywordId })))
    .go({ concurrency: 4 });
  if (result.unprocessed.length > 0) throw new Error("DynamoDB left keywords unprocessed; retry");
  const byId = new Map(result.data.map((item) => [item.keywordId, item]));
  return unique.map((id) => byId.get(id)).filter((item): item is KeywordItem => item !== undefined);
}

/** Every keyword of one sector (the site's partition, filtered: sectors of a site share it). */
export async function forSector(siteId: string, sectorId: string): Promise<KeywordItem[]> {
  const result = await keywordEntity()
    .query.byId({ accountId: useAccount(), siteId })
    .where((attr, op) => op.eq(attr.sectorId, sectorId))
    .go({ pages: "all" });
  return result.data;
}

/** Every keyword of the site. */
export async function forSite(siteId: string): Promise<KeywordItem[]> {
  const result = await keywordEntity().query.byId({ accountId: useAccount(), siteId }).go({ pages: "all" });
  return result.data;
}

/** The members of a cluster, highest volume first. */
export async function forCluster(siteId: string, clusterId: string): Promise<KeywordItem[]> {
  const result = await keywordEntity()
    .query.byCluster({ accountId: useAccount(), siteId, clusterKey: clusterId })
    .go({ pages: "all", order: "desc" });
  return result.data;
}

/** 3 items per keyword would not fit 100: the keyword and its key (2 each) + one counter. */
const DELETES_PER_TRANSACTION = 49;

/**
 * Deletes keywords with their uniqueness items and gives their max_keywords slots back in the
 * same transactions. A keyword already gone is skipped (its slot was given back by whoever
 * deleted it). Returns the ids deleted.
 */
export async function removeMany(siteId: string, items: KeywordItem[]): Promise<string[]> {
  const accountId = useAccount();
  const deleted: string[] = [];
  let queue = [...items];
  while (queue.length > 0) {
    const chunk = queue.slice(0, DELETES_PER_TRANSACTION);
    const parts = chunk.flatMap((item) => [
      Transaction.part(
        keywordEntity()
          .delete({ accountId, siteId, keywordId: item.keywordId })
          .where((attr, op) => op.exists(attr.keywordId)),
        () => new Gone(item.keywordId),
      ),
      Transaction.part(
        keywordKeyEntity().delete({ accountId, siteId, sectorId: item.sectorId, normalizedKey: item.normalizedKey }),
      ),
    ]);
    try {
      await Transaction.write([...parts, Limit.release({ limit: "max_keywords", amount: chunk.length })]);
      deleted.push(...chunk.map((item) => item.keywordId));
      queue = queue.slice(chunk.length);
    } catch (error) {
      if (!(error instanceof Gone)) throw error;
      queue = queue.filter((item) => item.keywordId !== error.keywordId);
    }
  }
  return deleted;
}

class Gone extends Error {
  constructor(readonly keywordId: string) {
    super(`Keyword ${keywordId} is already deleted`);
  }
}

/** Takes keywords out of their clusters (status back to new); returns the clusters they left. */
export async function detach(siteId: string, items: KeywordItem[]): Promise<string[]> {
  const accountId = useAccount();
  const clusters = new Set<string>();
  await mapLimited(items, 8, async (item) => {
    if (item.clusterId) clusters.add(item.clusterId);
    if (item.clusterKey === NO_CLUSTER && item.status !== "clustered" && item.status !== "unclustered") return;
    await keywordEntity()
      .patch({ accountId, siteId, keywordId: item.keywordId })
      .set({ clusterKey: NO_CLUSTER, status: item.status === "ignored" ? "ignored" : "new" })
      .remove(["clusterId", "pageGroupId", "unclusteredReason"])
      .go()
      .catch((error) => {
        if (!String(error).includes("conditional request failed")) throw error;
      });
  });
  return [...clusters];
}
