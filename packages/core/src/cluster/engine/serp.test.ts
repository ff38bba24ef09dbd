import { describe, expect, it } from "vitest";
import { clusterKeywords } from "./engine";
import { normalizeUrl } from "./serp";
import type { ClusterResult, KeywordInput, SerpMode } from "./types";

const urls = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => `https://${prefix}${i}.example.com/page`);

/**
 * H (the hub, highest volume) shares 3 URLs with A and 3 others with B; A and B share none.
 * C shares 3 URLs with A only; E shares nothing. N has no SERP.
 *   soft (with the hub):        {H, A, B} {C} {E}
 *   moderate (chained):         {H, A, B, C} {E}
 *   hard (with every member):   {H, A} {B} {C} {E}
 */
function crafted(): KeywordInput[] {
  const h = urls("h", 10);
  const a = [...h.slice(0, 3), ...urls("a", 7)];
  const b = [...h.slice(3, 6), ...urls("b", 7)];
  const c = [...a.slice(3, 6), ...urls("c", 7)];
  return [
    { id: "H", keyword: "asphalt paving", volume: 1000, serpUrls: h },
    { id: "A", keyword: "asphalt paving contractors", volume: 500, serpUrls: a },
    { id: "B", keyword: "driveway paving", volume: 400, serpUrls: b },
    { id: "C", keyword: "paving contractors near me", volume: 300, serpUrls: c },
    { id: "E", keyword: "sealcoating", volume: 200, serpUrls: urls("e", 10) },
    { id: "N", keyword: "crack filling", volume: 100, serpUrls: [] },
  ];
}

const pageGroups = (result: ClusterResult) =>
  result.clusters.flatMap((c) => c.pageGroups.map((p) => [...p.keywordIds].sort().join(""))).sort();

async function run(mode: SerpMode) {
  return clusterKeywords({
    keywords: crafted(),
    method: { kind: "serp", mode },
    minClusterSize: 1,
  });
}

describe("SERP overlap method", () => {
  it("normalizes URLs so scheme, www, trailing slash and fragment do not matter", () => {
    expect(normalizeUrl("https://www.Example.com/a/?q=1#top")).toBe("example.com/a?q=1");
    expect(normalizeUrl("http://example.com/")).toBe("example.com");
    expect(normalizeUrl("example.com/a/")).toBe("example.com/a");
  });

  it("soft joins keywords that overlap with the group's hub", async () => {
    expect(pageGroups(await run("soft"))).toEqual(["ABH", "C", "E"]);
  });

  it("moderate chains keywords that overlap with any member", async () => {
    expect(pageGroups(await run("moderate"))).toEqual(["ABCH", "E"]);
  });

  it("hard needs an overlap with every member", async () => {
    expect(pageGroups(await run("hard"))).toEqual(["AH", "B", "C", "E"]);
  });

  it("reports keywords without SERP data and without any overlap", async () => {
    const result = await clusterKeywords({ keywords: crafted(), method: { kind: "serp" } });
    expect(result.unclustered).toEqual([
      { keywordId: "E", reason: "no_match" },
      { keywordId: "N", reason: "no_serp" },
    ]);
    const hub = result.clusters.find((c) => c.keywordIds.includes("H"))!;
    expect(hub.hubKeywordId).toBe("H");
    expect(hub.totalVolume).toBe(
      hub.keywordIds.reduce((s, id) => s + crafted().find((k) => k.id === id)!.volume!, 0),
    );
  });

  it("applies the share threshold: at 4 shared URLs nothing in this set joins", async () => {
    const result = await clusterKeywords({
      keywords: crafted(),
      method: { kind: "serp", mode: "moderate", minSharedUrls: 4, topicMinSharedUrls: 4 },
    });
    expect(result.clusters).toEqual([]);
    expect(result.unclustered).toHaveLength(6);
  });

  it("counts URLs only within the top N results", async () => {
    // With only the first 3 URLs of each SERP, A's shared URLs with H are still in, C's with A are not.
    const result = await clusterKeywords({
      keywords: crafted(),
      method: { kind: "serp", mode: "moderate", topUrls: 3, minSharedUrls: 3 },
      minClusterSize: 1,
    });
    expect(pageGroups(result)).toEqual(["AH", "B", "C", "E"]);
  });
});
