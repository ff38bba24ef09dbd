import { afterEach, describe, expect, it } from "vitest";
import { useAccount } from "../actor";
import { Bus, type DomainEvent } from "../events";
import { Limit } from "../limit";
import { Sector } from "../sector";
import { Site } from "../site";
import { useTestTable, withTestAccount } from "../testing";
import { createId } from "../util/id";
import { fromItem } from "./fields";
import { Keyword } from "./index";
import { keywordEntity, keywordKeyEntity } from "./keyword.entity";

useTestTable();

const added: DomainEvent[] = [];
Bus.subscribe(Keyword.KeywordAdded, (event) => {
  added.push(event);
});
afterEach(() => Bus.idle());

async function siteWithSectors(names = ["Shoes", "Boots"]) {
  const site = await Site.create({ name: "Shop", url: "https://shop.example.com" });
  const sectors = [];
  for (const name of names) sectors.push(await Sector.create({ siteId: site.siteId, name }));
  return { siteId: site.siteId, sectorIds: sectors.map((s) => s.sectorId) };
}

async function stored(siteId: string) {
  const all = await keywordEntity().query.byId({ accountId: useAccount(), siteId }).go({ pages: "all" });
  return all.data;
}

describe("keywords", () => {
  it("normalizes and de-duplicates per sector, merging repeats, and counts max_keywords exactly", async () => {
    await withTestAccount(async () => {
      const { siteId, sectorIds } = await siteWithSectors();
      const [shoes, boots] = sectorIds as [string, string];
      const result = await Keyword.add({
        siteId,
        sectorId: shoes,
        keywords: [
          { keyword: "Running Shoes" },
          { keyword: "  running\u00a0 shoes ", volume: 5400 },
          { keyword: "RUNNING SHOES", difficulty: 40 },
          { keyword: "trail shoes", volume: 900, intent: "commercial" },
          { keyword: "\u200b" },
        ],
      });
      expect(result).toMatchObject({ created: 2, merged: 2, rejected: 1 });
      expect(result.results[4]).toMatchObject({ outcome: "rejected", reason: "keyword.empty" });
      // The same keyword in another sector is another keyword.
      await Keyword.add({ siteId, sectorId: boots, keywords: [{ keyword: "running shoes" }] });
      const items = await stored(siteId);
      expect(items).toHaveLength(3);
      const running = items.find((k) => k.sectorId === shoes && k.normalizedKey === "running shoes")!;
      // A repeat in the same request fills gaps (the first row wins).
      expect(running).toMatchObject({ keyword: "running shoes", volume: 5400, difficulty: 40, source: "manual", status: "new" });
      const key = await keywordKeyEntity().get({ accountId: useAccount(), siteId, sectorId: shoes, normalizedKey: "running shoes" }).go();
      expect(key.data?.keywordId).toBe(running.keywordId);
      expect(await Limit.current({ limit: "max_keywords" })).toBe(3);
      await Bus.idle();
      const mine = added.filter((e) => e.metadata.accountId === useAccount());
      expect(mine.map((e) => (e.properties as { count: number }).count).sort()).toEqual([1, 2]);
    });
  });

  it("a later write updates values, an identical one changes nothing", async () => {
    await withTestAccount(async () => {
      const { siteId, sectorIds } = await siteWithSectors(["One"]);
      const sectorId = sectorIds[0]!;
      await Keyword.add({ siteId, sectorId, keywords: [{ keyword: "cheap flights", volume: 100 }] });
      const [before] = await stored(siteId);
      const writer = Keyword.createWriter({ siteId, sectorId, source: "semrush_keyword_magic" });
      const fields = { ...fromItem(before!), volume: 200, serpFeatures: ["Featured snippet"] };
      const first = await writer.writeBatch([{ ref: 1, fields, kind: "row" }]);
      expect(first.results[0]).toMatchObject({ outcome: "merged", into: "existing", changed: true });
      const [updated] = await stored(siteId);
      expect(updated).toMatchObject({ volume: 200, volumeSort: "v000000000200", serpFeatures: ["Featured snippet"], source: "manual" });
      const again = await writer.writeBatch([{ ref: 1, fields, kind: "row" }]);
      expect(again.results[0]).toMatchObject({ outcome: "merged", changed: false });
      expect(again.updatedIds).toEqual([]);
      const [after] = await stored(siteId);
      expect(after!.updatedAt).toBe(updated!.updatedAt);
      // Numbers are stored as DynamoDB can hold them (at most 6 decimals), and compared as stored.
      const tiny = { ...fields, volume: 200, difficulty: 1e-300, cpc: 2.5e-200 };
      await writer.writeBatch([{ ref: 1, fields: tiny, kind: "row" }]);
      expect((await stored(siteId))[0]).toMatchObject({ difficulty: 0, cpc: 0 });
      const same = await writer.writeBatch([{ ref: 1, fields: tiny, kind: "row" }]);
      expect(same.results[0]).toMatchObject({ outcome: "merged", changed: false });
      // An empty incoming value never erases a known one.
      await writer.writeBatch([{ ref: 1, fields: { ...fields, volume: null }, kind: "row" }]);
      expect((await stored(siteId))[0]!.volume).toBe(200);
    });
  });

  it("two writers racing on the same keywords create each keyword once", async () => {
    await withTestAccount(async () => {
      const { siteId, sectorIds } = await siteWithSectors(["One"]);
      const sectorId = sectorIds[0]!;
      const words = Array.from({ length: 60 }, (_, i) => `keyword number ${i}`);
      const batch = (source: string) =>
        Keyword.createWriter({ siteId, sectorId, source }).writeBatch(
          words.map((keyword, ref) => ({
            ref,
            kind: "row" as const,
            fields: { ...fromItem({ keyword, normalizedKey: keyword } as never), volume: ref },
          })),
        );
      const [a, b] = await Promise.all([batch("a"), batch("b")]);
      const created = [...a.results, ...b.results].filter((r) => r.outcome === "created").length;
      expect(created).toBe(60);
      expect(await stored(siteId)).toHaveLength(60);
      expect(await Limit.current({ limit: "max_keywords" })).toBe(60);
    });
  });

  it("stops at max_keywords and rejects the rest with plan.limit_reached", async () => {
    await withTestAccount(
      async () => {
        const { siteId, sectorIds } = await siteWithSectors(["One"]);
        const sectorId = sectorIds[0]!;
        await Keyword.add({ siteId, sectorId, keywords: Array.from({ length: 480 }, (_, i) => ({ keyword: `seed ${i}` })) });
        const result = await Keyword.add({ siteId, sectorId, keywords: Array.from({ length: 30 }, (_, i) => ({ keyword: `more ${i}` })) });
        expect(result.created).toBe(20);
        expect(result.rejected).toBe(10);
        expect(result.results.filter((r) => r.reason === "plan.limit_reached")).toHaveLength(10);
        expect(await Limit.current({ limit: "max_keywords" })).toBe(500);
        expect(await stored(siteId)).toHaveLength(500);
      },
      { planId: "free" },
    );
  });

  it("lists with filters, sorts and cursors", async () => {
    await withTestAccount(async () => {
      const { siteId, sectorIds } = await siteWithSectors();
      const [shoes, boots] = sectorIds as [string, string];
      await Keyword.add({
        siteId,
        sectorId: shoes,
        keywords: [
          { keyword: "zebra shoes", volume: 10, difficulty: 80 },
          { keyword: "alpha shoes", volume: 3000, difficulty: 5, intent: "transactional" },
          { keyword: "mid shoes", volume: 500 },
          { keyword: "no volume shoes" },
        ],
        tags: ["q3"],
      });
      await Keyword.add({ siteId, sectorId: boots, keywords: [{ keyword: "boots", volume: 99_000 }] });
      const byVolume = await Keyword.list({ siteId, sort: "-volume" });
      expect(byVolume.items.map((k) => k.keyword)).toEqual(["boots", "alpha shoes", "mid shoes", "zebra shoes", "no volume shoes"]);
      const sector = await Keyword.list({ siteId, sectorId: shoes, sort: "difficulty", limit: 2 });
      expect(sector.items.map((k) => k.keyword)).toEqual(["mid shoes", "no volume shoes"]);
      const alphabetical = await Keyword.list({ siteId, sort: "keyword", limit: 2 });
      expect(alphabetical.items.map((k) => k.keyword)).toEqual(["alpha shoes", "boots"]);
      const next = await Keyword.list({ siteId, sort: "keyword", limit: 2, cursor: alphabetical.cursor! });
      expect(next.items.map((k) => k.keyword)).toEqual(["mid shoes", "no volume shoes"]);
      await expect(Keyword.list({ siteId, sort: "volume", cursor: alphabetical.cursor! })).rejects.toMatchObject({ code: "pagination.cursor_invalid" });
      expect((await Keyword.list({ siteId, intent: "transactional" })).items.map((k) => k.keyword)).toEqual(["alpha shoes"]);
      expect((await Keyword.list({ siteId, tag: "q3", q: "zeb" })).items.map((k) => k.keyword)).toEqual(["zebra shoes"]);
      expect((await Keyword.list({ siteId, clusterId: "none", sectorId: boots })).items.map((k) => k.keyword)).toEqual(["boots"]);
    });
  });

  it("bulk tags, ignores, moves (merging into the target's keyword) and deletes, giving slots back", async () => {
    await withTestAccount(async () => {
      const { siteId, sectorIds } = await siteWithSectors();
      const [shoes, boots] = sectorIds as [string, string];
      await Keyword.add({ siteId, sectorId: shoes, keywords: [{ keyword: "red shoes", volume: 50 }, { keyword: "blue shoes" }, { keyword: "green shoes" }] });
      await Keyword.add({ siteId, sectorId: boots, keywords: [{ keyword: "blue shoes", difficulty: 12 }] });
      const items = await stored(siteId);
      const id = (word: string, sectorId = shoes) => items.find((k) => k.keyword === word && k.sectorId === sectorId)!.keywordId;

      const ghost = createId("keyword");
      const tagged = await Keyword.bulk({ siteId, action: "tag", keywordIds: [id("red shoes"), id("blue shoes"), ghost], tags: ["sale", "red"] });
      expect(tagged).toMatchObject({ changed: 2, missing: [ghost] });
      const untagged = await Keyword.bulk({ siteId, action: "untag", keywordIds: [id("red shoes"), id("green shoes")], tags: ["red"] });
      expect(untagged).toMatchObject({ changed: 1, unchanged: 1 });
      expect((await Keyword.get({ siteId, keywordId: id("red shoes") })).tags).toEqual(["sale"]);

      await Keyword.bulk({ siteId, action: "ignore", keywordIds: [id("green shoes")] });
      expect((await Keyword.get({ siteId, keywordId: id("green shoes") })).status).toBe("ignored");

      const moved = await Keyword.bulk({ siteId, action: "move", keywordIds: [id("red shoes"), id("blue shoes")], sectorId: boots });
      expect(moved).toMatchObject({ changed: 1, merged: 1 });
      const after = await stored(siteId);
      expect(after.filter((k) => k.sectorId === boots).map((k) => k.keyword).sort()).toEqual(["blue shoes", "red shoes"]);
      const blue = after.find((k) => k.keyword === "blue shoes")!;
      expect(blue).toMatchObject({ sectorId: boots, difficulty: 12 });
      expect([...(blue.tags ?? [])].sort()).toEqual(["red", "sale"]);
      // The moved keyword is found by its new sector's key, not by the old one.
      const keys = await keywordKeyEntity().query.byKey({ accountId: useAccount(), siteId, sectorId: shoes }).go();
      expect(keys.data.map((k) => k.normalizedKey)).toEqual(["green shoes"]);
      expect(await Limit.current({ limit: "max_keywords" })).toBe(3);

      const deleted = await Keyword.bulk({ siteId, action: "delete", keywordIds: after.map((k) => k.keywordId) });
      expect(deleted.changed).toBe(3);
      expect(await stored(siteId)).toHaveLength(0);
      expect(await Limit.current({ limit: "max_keywords" })).toBe(0);
    });
  });

  it("exports CSV with formula cells neutralized, through a presigned URL", async () => {
    await withTestAccount(async () => {
      const { siteId, sectorIds } = await siteWithSectors(["One"]);
      await Keyword.add({
        siteId,
        sectorId: sectorIds[0]!,
        keywords: [
          { keyword: "=HYPERLINK(\"http://evil.example\",\"x\")", volume: 3 },
          { keyword: "+1 phone", volume: 2 },
          { keyword: "-2 degrees", volume: 1 },
          { keyword: "@sum(a1:a2)" },
          { keyword: "plain, with comma", volume: 9 },
        ],
        tags: ["=cmd|' /C calc'!A0"],
      });
      const result = await Keyword.exportCsv({ siteId });
      expect(result.rows).toBe(5);
      const response = await fetch(result.url);
      expect(response.status).toBe(200);
      const text = (await response.text()).replace(/^\ufeff/, "");
      const lines = text.trimEnd().split("\r\n");
      expect(lines[0]).toBe("Keyword,Sector,Volume,Difficulty,CPC,Intent,SERP Features,Trend,Status,Tags,Cluster,Source,URL,Position,Created");
      expect(lines[1]!.startsWith('"plain, with comma",One,9,')).toBe(true);
      expect(lines[2]!.startsWith(`"'=hyperlink(""http://evil.example"",""x"")",One,3,`)).toBe(true);
      expect(lines[3]!.startsWith("'+1 phone,One,2,")).toBe(true);
      expect(lines[4]!.startsWith("'-2 degrees,One,1,")).toBe(true);
      expect(lines[5]!.startsWith("'@sum(a1:a2),One,,")).toBe(true);
      expect(lines[1]).toContain(",'=cmd|' /C calc'!A0,");
      expect(Keyword.neutralizeCell("\tx")).toBe("'\tx");
      expect(Keyword.neutralizeCell("\rx")).toBe("'\rx");
      expect(Keyword.toCsvRow(["a\nb", 1, null])).toBe('"a\nb",1,\r\n');
    });
  });
});
