import { Bus, type DomainEvent } from "@igny8/core/events";
import { Cluster } from "@igny8/core/cluster";
import { Keyword } from "@igny8/core/keyword";
import { Limit } from "@igny8/core/limit";
import { Execution, Pipelines } from "@igny8/core/pipelines";
import { Sector } from "@igny8/core/sector";
import { Site } from "@igny8/core/site";
import { useTestTable, withTestAccount } from "@igny8/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { createLocalRunner } from "../../../../local/src/runner/index";

useTestTable();

const created: DomainEvent[] = [];
Bus.subscribe(Cluster.ClusterCreated, (event) => {
  created.push(event);
});

afterEach(async () => {
  await Bus.idle();
  Pipelines.useRunner(undefined);
});

const topics = {
  running: ["running shoes", "best running shoes", "running shoes for women", "trail running shoes", "running shoes sale"],
  coffee: ["coffee grinder", "best coffee grinder", "burr coffee grinder", "manual coffee grinder", "coffee grinder reviews"],
  yoga: ["yoga mat", "best yoga mat", "thick yoga mat", "yoga mat for beginners", "non slip yoga mat"],
};

async function setUp() {
  const site = await Site.create({ name: "Gear", url: "https://gear.example.com" });
  const sector = await Sector.create({ siteId: site.siteId, name: "Gear" });
  const keywords = Object.values(topics)
    .flat()
    .map((keyword, i) => ({ keyword, volume: 1000 - i * 10, difficulty: 20 + i, intent: i % 2 ? ("commercial" as const) : ("informational" as const) }));
  await Keyword.add({ siteId: site.siteId, sectorId: sector.sectorId, keywords: [...keywords, { keyword: "quantum chromodynamics lecture notes", volume: 5 }] });
  return { siteId: site.siteId, sectorId: sector.sectorId };
}

async function run(siteId: string, options: Partial<Cluster.Run.Options> & { sectorId?: string } = {}) {
  const runner = createLocalRunner({ retryIntervalMs: 0 });
  Pipelines.useRunner(runner);
  const started = await Cluster.startRun({ siteId, ...options });
  await runner.idle();
  const execution = await Execution.get(started.executionId);
  return { ...started, execution: execution!, result: execution!.result as Cluster.Run.RunResult };
}

async function clustersOf(siteId: string) {
  const page = await Cluster.list({ siteId, limit: 100 });
  return Promise.all(page.items.map((c) => Cluster.get({ siteId, clusterId: c.clusterId })));
}

const topicOf = (detail: Cluster.Detail) =>
  Object.entries(topics).find(([, words]) => detail.keywords.every((k) => words.includes(k.keyword)))?.[0];

describe("cluster-keywords through the local runner", () => {
  it("clusters a sector into topic clusters with page groups, reports the unclustered, keeps locked and edited clusters", async () => {
    await withTestAccount(async (accountId) => {
      const { siteId, sectorId } = await setUp();
      const first = await run(siteId);
      expect(first.execution).toMatchObject({ status: "succeeded", pipeline: "cluster-keywords", progress: { total: 9, done: 9, failed: 0 } });
      expect(first.result).toMatchObject({ sectors: 1, failedSectors: [], keywords: 16, clustered: 15, clusters: { created: 3, deleted: 0, kept: 0 } });
      expect(first.result.unclustered).toMatchObject({ count: 1, byReason: { no_match: 1 } });

      const clusters = await clustersOf(siteId);
      expect(clusters.map(topicOf).sort()).toEqual(["coffee", "running", "yoga"]);
      for (const cluster of clusters) {
        expect(cluster.keywords).toHaveLength(5);
        expect(cluster.keywordCount).toBe(5);
        expect(cluster.pageGroups.flatMap((g) => g.keywordIds).sort()).toEqual(cluster.keywords.map((k) => k.keywordId).sort());
        // The hub is the highest-volume member; the totals add up.
        const top = [...cluster.keywords].sort((a, b) => b.volume! - a.volume!)[0]!;
        expect(cluster.hubKeywordId).toBe(top.keywordId);
        expect(cluster.totalVolume).toBe(cluster.keywords.reduce((sum, k) => sum + k.volume!, 0));
        expect(cluster.meanDifficulty).toBeCloseTo(cluster.keywords.reduce((sum, k) => sum + k.difficulty!, 0) / 5, 5);
        expect(["informational", "commercial"]).toContain(cluster.dominantIntent);
        for (const k of cluster.keywords) expect(k).toMatchObject({ status: "clustered", clusterId: cluster.clusterId });
      }
      const outlier = (await Keyword.list({ siteId, clusterId: "none" })).items;
      expect(outlier.map((k) => [k.keyword, k.status, k.unclusteredReason])).toEqual([["quantum chromodynamics lecture notes", "unclustered", "no_match"]]);
      await Bus.idle();
      expect(created.filter((e) => e.metadata.accountId === accountId)).toHaveLength(3);
      expect(await Limit.current({ limit: "max_clusters" })).toBe(3);

      // A person locks one cluster, renames another and takes a keyword out of the third.
      const coffee = clusters.find((c) => topicOf(c) === "coffee")!;
      const yoga = clusters.find((c) => topicOf(c) === "yoga")!;
      await Cluster.lock({ siteId, clusterId: coffee.clusterId });
      await Cluster.update({ siteId, clusterId: yoga.clusterId, name: "Yoga mats (our pick)" });
      await Keyword.add({
        siteId,
        sectorId,
        keywords: [{ keyword: "coffee grinder settings", volume: 900 }, { keyword: "running shoes for men", volume: 950 }],
      });

      const second = await run(siteId, { sectorId });
      expect(second.execution.status).toBe("succeeded");
      expect(second.result.clusters.kept).toBe(2);
      const after = await clustersOf(siteId);
      const coffeeAfter = after.find((c) => c.clusterId === coffee.clusterId)!;
      expect(coffeeAfter.keywords.map((k) => k.keywordId).sort()).toEqual(coffee.keywords.map((k) => k.keywordId).sort());
      expect(coffeeAfter).toMatchObject({ locked: true, name: coffee.name, totalVolume: coffee.totalVolume });
      const yogaAfter = after.find((c) => c.clusterId === yoga.clusterId)!;
      expect(yogaAfter).toMatchObject({ name: "Yoga mats (our pick)", editedByUser: true, keywordCount: 5 });
      expect(yogaAfter.keywords.map((k) => k.keywordId).sort()).toEqual(yoga.keywords.map((k) => k.keywordId).sort());
      // Every other keyword is in a cluster of this run or reported with the reason: none is dropped.
      const everything = (await Keyword.list({ siteId, limit: 100 })).items;
      expect(everything).toHaveLength(18);
      const clusterIds = new Set(after.map((c) => c.clusterId));
      for (const k of everything) {
        if (k.status === "clustered") expect(clusterIds.has(k.clusterId!)).toBe(true);
        else expect(k).toMatchObject({ status: "unclustered", clusterId: null, unclusteredReason: expect.any(String) });
      }
      expect(second.result.clustered + second.result.unclustered.count).toBe(8);
      // The new coffee keyword cannot join the locked cluster.
      expect(everything.find((k) => k.keyword === "coffee grinder settings")!.clusterId).not.toBe(coffee.clusterId);
      expect(await Limit.current({ limit: "max_clusters" })).toBe(after.length);
      expect(second.result.clusters.deleted).toBe(3 - 2 - second.result.clusters.updated);

      // The same input again: the same clusters keep their ids and nothing is rewritten.
      const third = await run(siteId, { sectorId });
      expect(third.result.clusters).toMatchObject({ created: 0, deleted: 0, kept: 2 });
      expect((await clustersOf(siteId)).map((c) => c.clusterId).sort()).toEqual(after.map((c) => c.clusterId).sort());
      const sectorResult = third.execution.progress.items.find((i) => i.item === `${sectorId}:store`);
      expect(sectorResult?.status).toBe("succeeded");
    });
  });

  it("stops at max_clusters: the clusters left out are reported and their keywords unclustered", async () => {
    await withTestAccount(
      async () => {
        const { siteId } = await setUp();
        // The free plan allows 50 clusters; 49 are in use elsewhere.
        await Limit.recount({ limit: "max_clusters" }, 49);
        const { result } = await run(siteId);
        expect(result.clusters.created).toBe(1);
        expect(result.limitReached).toEqual({ max: 50, clustersLeftOut: 2 });
        expect(result.unclustered.byReason["plan.limit_reached"]).toBe(10);
        expect(await Limit.current({ limit: "max_clusters" })).toBe(50);
        expect((await Keyword.list({ siteId, status: "unclustered", limit: 100 })).items).toHaveLength(11);
      },
      { planId: "free" },
    );
  });

  it("clusters with embeddings from the AI port (offline adapter) and by shared SERP URLs", async () => {
    await withTestAccount(async () => {
      const { siteId, sectorId } = await setUp();
      const embeddings = await run(siteId, { method: "embeddings", granularity: "low" });
      expect(embeddings.execution.status).toBe("succeeded");
      expect(embeddings.result.clustered).toBeGreaterThanOrEqual(10);
      const sector = (embeddings.execution.progress.items.find((i) => i.item === `${sectorId}:store`)!.detail as { clusters: unknown });
      expect(sector.clusters).toBeDefined();

      // SERP: two groups of keywords sharing top-10 URLs, one keyword without a SERP.
      const serpSite = await Site.create({ name: "Serp", url: "https://serp.example.com" });
      const serpSector = await Sector.create({ siteId: serpSite.siteId, name: "Serp" });
      const writer = Keyword.createWriter({ siteId: serpSite.siteId, sectorId: serpSector.sectorId, source: "test" });
      const urls = (group: string) => Array.from({ length: 10 }, (_, i) => `https://${group}.example/page-${i}`);
      const rows = ["alpha one", "alpha two", "alpha three", "beta one", "beta two", "lonely"].map((keyword, i) => ({
        ref: i,
        kind: "row" as const,
        fields: {
          ...Keyword.fromRecord({ keyword, normalizedKey: keyword, serpUrls: [], serpFeatures: [], intents: [], trend: null } as never),
          volume: 100 - i,
          serpUrls: keyword === "lonely" ? [] : urls(keyword.split(" ")[0]!),
        },
      }));
      await writer.writeBatch(rows);
      const serp = await run(serpSite.siteId, { method: "serp" });
      expect(serp.result).toMatchObject({ clustered: 5, clusters: { created: 2 }, unclustered: { byReason: { no_serp: 1 } } });
    });
  });
});
