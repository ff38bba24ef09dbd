import { afterEach, describe, expect, it } from "vitest";
import { Bus, type DomainEvent } from "../events";
import { Keyword } from "../keyword";
import { Limit } from "../limit";
import { Sector } from "../sector";
import { Site } from "../site";
import { useTestTable, withTestAccount } from "../testing";
import { Cluster } from "./index";

useTestTable();

const created: DomainEvent[] = [];
Bus.subscribe(Cluster.ClusterCreated, (event) => {
  created.push(event);
});
afterEach(() => Bus.idle());

async function setUp() {
  const site = await Site.create({ name: "Garden", url: "https://garden.example.com" });
  const [herbs, tools] = [
    await Sector.create({ siteId: site.siteId, name: "Herbs" }),
    await Sector.create({ siteId: site.siteId, name: "Tools" }),
  ];
  const add = async (
    sectorId: string,
    keywords: {
      keyword: string;
      volume?: number;
      difficulty?: number;
      intent?: "informational" | "commercial";
    }[],
  ) =>
    (await Keyword.add({ siteId: site.siteId, sectorId, keywords })).results.map(
      (r) => r.keywordId!,
    );
  const basil = await add(herbs.sectorId, [
    { keyword: "grow basil indoors", volume: 900, difficulty: 20, intent: "informational" },
    { keyword: "basil plant care", volume: 1500, difficulty: 30, intent: "informational" },
  ]);
  const mint = await add(herbs.sectorId, [
    { keyword: "mint plant", volume: 400, difficulty: 10, intent: "commercial" },
  ]);
  const spade = await add(tools.sectorId, [{ keyword: "garden spade", volume: 100 }]);
  return { siteId: site.siteId, herbs: herbs.sectorId, tools: tools.sectorId, basil, mint, spade };
}

describe("matchByOverlap", () => {
  it("continues previous groups that share at least half of their union, greedily by overlap", () => {
    const previous = [
      { id: "old-a", members: ["1", "2", "3", "4"] },
      { id: "old-b", members: ["5", "6"] },
      { id: "old-c", members: ["7", "8", "9"] },
    ];
    expect(
      Cluster.matchByOverlap([["1", "2", "3"], ["5", "6", "10"], ["7"], ["1", "2"]], previous),
    ).toEqual(["old-a", "old-b", undefined, undefined]);
  });
});

describe("clusters by hand", () => {
  it("creates, edits, merges and deletes clusters, keeping summaries and max_clusters exact", async () => {
    await withTestAccount(async (accountId) => {
      const { siteId, herbs, tools, basil, mint, spade } = await setUp();
      const cluster = await Cluster.create({
        siteId,
        sectorId: herbs,
        name: "Basil",
        keywordIds: basil,
      });
      expect(cluster).toMatchObject({
        name: "Basil",
        editedByUser: true,
        method: "manual",
        keywordCount: 2,
        pageGroupCount: 2,
        totalVolume: 2400,
        meanDifficulty: 25,
        dominantIntent: "informational",
        hubKeyword: "basil plant care",
      });
      expect(cluster.keywords.map((k) => k.keyword)).toEqual([
        "basil plant care",
        "grow basil indoors",
      ]);
      expect(
        cluster.keywords.every(
          (k) => k.status === "clustered" && k.clusterId === cluster.clusterId,
        ),
      ).toBe(true);
      await Bus.idle();
      expect(created.filter((e) => e.metadata.accountId === accountId)).toHaveLength(1);

      const other = await Cluster.create({
        siteId,
        sectorId: herbs,
        name: "Mint",
        keywordIds: mint,
      });
      await expect(
        Cluster.editKeywords({ siteId, clusterId: other.clusterId, add: spade }),
      ).rejects.toMatchObject({ code: "cluster.sector_mismatch" });
      const toolCluster = await Cluster.create({ siteId, sectorId: tools, name: "Spades" });
      await expect(
        Cluster.merge({ siteId, clusterId: other.clusterId, clusterIds: [toolCluster.clusterId] }),
      ).rejects.toMatchObject({
        code: "cluster.sector_mismatch",
      });
      expect(await Limit.current({ limit: "max_clusters" })).toBe(3);

      const merged = await Cluster.merge({
        siteId,
        clusterId: cluster.clusterId,
        clusterIds: [other.clusterId],
      });
      expect(merged).toMatchObject({
        keywordCount: 3,
        pageGroupCount: 3,
        totalVolume: 2800,
        hubKeyword: "basil plant care",
      });
      await expect(Cluster.get({ siteId, clusterId: other.clusterId })).rejects.toMatchObject({
        code: "cluster.not_found",
      });
      expect(await Limit.current({ limit: "max_clusters" })).toBe(2);

      const smaller = await Cluster.editKeywords({
        siteId,
        clusterId: cluster.clusterId,
        remove: [basil[1]!],
      });
      expect(smaller).toMatchObject({
        keywordCount: 2,
        pageGroupCount: 2,
        totalVolume: 1300,
        hubKeyword: "grow basil indoors",
      });
      expect(await Keyword.get({ siteId, keywordId: basil[1]! })).toMatchObject({
        status: "new",
        clusterId: null,
        pageGroupId: null,
      });

      const locked = await Cluster.lock({ siteId, clusterId: cluster.clusterId });
      expect(locked.locked).toBe(true);
      expect(
        (await Cluster.list({ siteId, locked: "true" })).items.map((c) => c.clusterId),
      ).toEqual([cluster.clusterId]);
      expect((await Cluster.list({ siteId, sort: "name" })).items.map((c) => c.name)).toEqual([
        "Basil",
        "Spades",
      ]);

      await Cluster.remove({ siteId, clusterId: cluster.clusterId });
      expect(await Limit.current({ limit: "max_clusters" })).toBe(1);
      const freed = await Keyword.list({ siteId, sectorId: herbs });
      expect(freed.items.every((k) => k.clusterId === null && k.status === "new")).toBe(true);
    });
  });

  it("refuses a cluster over max_clusters with plan.limit_reached and writes nothing", async () => {
    await withTestAccount(
      async () => {
        const { siteId, herbs } = await setUp();
        await Limit.recount({ limit: "max_clusters" }, 50);
        await expect(
          Cluster.create({ siteId, sectorId: herbs, name: "One too many" }),
        ).rejects.toMatchObject({ code: "plan.limit_reached" });
        expect((await Cluster.list({ siteId })).items).toHaveLength(0);
      },
      { planId: "free" },
    );
  });

  it("keeps keyword edits in cluster summaries, and deletes keywords out of their clusters", async () => {
    await withTestAccount(async () => {
      const { siteId, herbs, basil } = await setUp();
      const cluster = await Cluster.create({
        siteId,
        sectorId: herbs,
        name: "Basil",
        keywordIds: basil,
      });
      await Keyword.update({ siteId, keywordId: basil[0]!, volume: 5000 });
      expect(await Cluster.get({ siteId, clusterId: cluster.clusterId })).toMatchObject({
        totalVolume: 6500,
        hubKeyword: "grow basil indoors",
      });
      await Keyword.bulk({ siteId, action: "delete", keywordIds: [basil[0]!] });
      expect(await Cluster.get({ siteId, clusterId: cluster.clusterId })).toMatchObject({
        keywordCount: 1,
        pageGroupCount: 1,
        totalVolume: 1500,
      });
    });
  });
});
