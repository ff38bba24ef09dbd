import { describe, expect, it } from "vitest";
import { VisibleError } from "../../util/error";
import { clusterKeywords } from "./engine";
import { allPairsNeighbours, blockedNeighbours } from "./neighbours";
import { buildFeatures } from "./features";
import { graphFromNeighbours } from "./graph";
import { analyzerFor } from "./text";
import { combinatorialKeywords, handMade, handMadeKeywords, shuffled } from "./test-fixtures";
import type { ClusterProgress, ClusterResult, KeywordInput } from "./types";

const offline = { kind: "offline" } as const;

/** Keyword texts of each page group, per topic cluster. */
function shape(result: ClusterResult, keywords: KeywordInput[]) {
  const text = new Map(keywords.map((k) => [k.id, k.keyword]));
  return result.clusters.map((c) =>
    c.pageGroups.map((p) => p.keywordIds.map((id) => text.get(id)!).sort()),
  );
}

const sameSet = (a: string[], b: string[]) => expect([...a].sort()).toEqual([...b].sort());

describe("offline method", () => {
  it("groups near-identical intents into page groups and related pages into topic clusters", async () => {
    const keywords = handMadeKeywords();
    const result = await clusterKeywords({ keywords, method: offline });
    const pages = shape(result, keywords).flat();
    const pageOf = (t: string) => pages.find((p) => p.includes(t))!;
    sameSet(pageOf("ai marketing tools"), handMade.marketing);
    sameSet(pageOf("ai writing tools"), handMade.writing);
    sameSet(pageOf("running shoes"), handMade.shoes);
    sameSet(pageOf("trail running shoes"), handMade.trail);
    // "trail running shoes" is its own page but the same topic as "running shoes".
    const topics = shape(result, keywords).map((t) => t.flat());
    const topicOf = (t: string) => topics.find((p) => p.includes(t))!;
    sameSet(topicOf("running shoes"), [...handMade.shoes, ...handMade.trail]);
    expect(topicOf("ai marketing tools")).not.toContain("running shoes");
    expect(result.unclustered).toEqual([
      { keywordId: "kw_15", reason: "no_match" },
      { keywordId: "kw_16", reason: "empty" },
    ]);
    // Nothing is dropped: every keyword is clustered or reported.
    const placed = result.clusters.flatMap((c) => c.keywordIds);
    expect(placed.length + result.unclustered.length).toBe(keywords.length);
    expect(new Set(placed).size).toBe(placed.length);
  });

  it("summarizes each cluster: hub by volume, readable name, totals, volume-weighted intent", async () => {
    const keywords: KeywordInput[] = [
      { id: "a", keyword: "ai marketing tools", volume: 500, difficulty: 40, intent: "commercial" },
      {
        id: "b",
        keyword: "best ai marketing tools",
        volume: 900,
        difficulty: 60,
        intent: ["commercial", "informational"],
      },
      {
        id: "c",
        keyword: "ai tools for marketing",
        volume: 50,
        difficulty: null,
        intent: "informational",
      },
      { id: "d", keyword: "marketing ai tools", volume: 40, intent: "informational" },
      { id: "e", keyword: "free ai marketing tools", volume: null, difficulty: 20 },
    ];
    const result = await clusterKeywords({ keywords, method: offline });
    expect(result.clusters).toHaveLength(1);
    const [topic] = result.clusters;
    expect(topic!.hubKeywordId).toBe("b");
    expect(topic!.hubKeyword).toBe("best ai marketing tools");
    // Core words (ai, market, tool) are in every member; the shortest holder names it.
    expect(topic!.name).toBe("ai marketing tools");
    expect(topic!.totalVolume).toBe(1490);
    expect(topic!.meanDifficulty).toBeCloseTo(40, 10);
    // Commercial 1400 vs informational 990 by volume, although informational has more keywords.
    expect(topic!.dominantIntent).toBe("commercial");
    expect(topic!.keywordIds[0]).toBe("b");
    expect(topic!.pageGroups.flatMap((p) => p.keywordIds).sort()).toEqual([
      "a",
      "b",
      "c",
      "d",
      "e",
    ]);
  });

  it("leaves locked clusters untouched and keeps their keywords out of the run", async () => {
    const keywords = handMadeKeywords();
    const writingIds = keywords
      .filter((k) => handMade.writing.includes(k.keyword))
      .map((k) => k.id);
    const result = await clusterKeywords({
      keywords,
      method: offline,
      existingClusters: [
        { id: "cl_locked", locked: true, keywordIds: [...writingIds, "kw_not_in_input"] },
        // Unlocked clusters are re-clustered like any other keywords.
        { id: "cl_open", locked: false, keywordIds: ["kw_00", "kw_01"] },
      ],
    });
    expect(result.locked).toEqual([{ clusterId: "cl_locked", keywordIds: [...writingIds].sort() }]);
    const placed = result.clusters.flatMap((c) => c.keywordIds);
    for (const id of writingIds) expect(placed).not.toContain(id);
    expect(result.unclustered.map((u) => u.keywordId)).not.toContain(writingIds[0]);
    expect(placed).toContain("kw_00");
    expect(placed.length + result.unclustered.length + writingIds.length).toBe(keywords.length);
  });

  it("dissolves topic clusters below the minimum size and reports their keywords", async () => {
    const keywords = handMadeKeywords();
    const result = await clusterKeywords({ keywords, method: offline, minClusterSize: 5 });
    for (const c of result.clusters) expect(c.keywordIds.length).toBeGreaterThanOrEqual(5);
    const small = result.unclustered
      .filter((u) => u.reason === "below_min_size")
      .map((u) => u.keywordId);
    // The two four-keyword AI pages are their own topics here, so they fall below 5.
    expect(small).toHaveLength(8);
    expect(result.clusters.flatMap((c) => c.keywordIds)).toHaveLength(7);
  });

  it("gives the same result for the same keywords in any order", async () => {
    const keywords = [...handMadeKeywords(), ...combinatorialKeywords(600)];
    const a = await clusterKeywords({ keywords, method: offline });
    const b = await clusterKeywords({ keywords: shuffled(keywords), method: offline });
    expect({ ...b, stats: { ...b.stats, millis: 0 } }).toEqual({
      ...a,
      stats: { ...a.stats, millis: 0 },
    });
  });

  it("reports progress for every phase, ending each at done = total", async () => {
    const seen: ClusterProgress[] = [];
    await clusterKeywords({
      keywords: handMadeKeywords(),
      method: offline,
      onProgress: (p) => seen.push(p),
    });
    const phases = [...new Set(seen.map((p) => p.phase))];
    expect(phases).toEqual([
      "prepare",
      "index",
      "neighbours",
      "page_groups",
      "topics",
      "summarize",
    ]);
    for (const phase of phases) {
      const last = seen.filter((p) => p.phase === phase).at(-1)!;
      expect(last.done).toBe(last.total);
    }
    for (const p of seen) expect(p.done).toBeLessThanOrEqual(p.total);
  });

  it("granularity moves the thresholds: high gives at least as many page groups as low", async () => {
    const keywords = combinatorialKeywords(800);
    const low = await clusterKeywords({ keywords, method: offline, granularity: "low" });
    const high = await clusterKeywords({ keywords, method: offline, granularity: 1 });
    const pages = (r: ClusterResult) => r.clusters.reduce((s, c) => s + c.pageGroups.length, 0);
    expect(high.stats.tuning.pageGroupThreshold).toBeGreaterThan(
      low.stats.tuning.pageGroupThreshold,
    );
    expect(pages(high) + high.unclustered.length).toBeGreaterThan(
      pages(low) + low.unclustered.length,
    );
  });

  it("never compares all pairs: similarity evaluations on 5,000 keywords stay far below n(n-1)/2", async () => {
    const keywords = combinatorialKeywords(5000);
    const result = await clusterKeywords({ keywords, method: offline });
    const pairs = (5000 * 4999) / 2;
    expect(result.stats.similarityEvaluations).toBeGreaterThan(0);
    expect(result.stats.similarityEvaluations).toBeLessThan(pairs / 20);
    expect(result.stats.clustered + result.unclustered.length).toBe(5000);
  });

  it("the blocked search finds nearly every strong edge the all-pairs search finds", () => {
    const texts = combinatorialKeywords(1500).map((k) => k.keyword);
    const features = buildFeatures(texts, analyzerFor({ language: "en" }));
    const exact = graphFromNeighbours(
      features.size,
      allPairsNeighbours(features, { k: 20, floor: 0.3 }).lists,
    );
    const blocked = blockedNeighbours(features, { k: 20, floor: 0.3, maxPosting: 64 });
    expect(blocked.similarityEvaluations).toBeLessThan((1500 * 1499) / 2 / 5);
    const found = graphFromNeighbours(features.size, blocked.lists);
    let strong = 0;
    let hit = 0;
    for (let i = 0; i < exact.size; i++) {
      const mine = new Set(found.targets.subarray(found.offsets[i]!, found.offsets[i + 1]!));
      for (let e = exact.offsets[i]!; e < exact.offsets[i + 1]!; e++) {
        if (exact.weights[e]! < 0.6) continue;
        strong++;
        if (mine.has(exact.targets[e]!)) hit++;
      }
    }
    expect(strong).toBeGreaterThan(1000);
    expect(hit / strong).toBeGreaterThan(0.9);
  });

  it("answers bad input with VisibleErrors naming the field", async () => {
    const code = async (request: Parameters<typeof clusterKeywords>[0]) => {
      try {
        await clusterKeywords(request);
      } catch (error) {
        expect(error).toBeInstanceOf(VisibleError);
        return (error as VisibleError).code;
      }
      return "no error";
    };
    const k = [{ id: "a", keyword: "x" }];
    expect(await code({ keywords: [...k, ...k], method: offline })).toBe(
      "cluster.keywords.id.duplicate",
    );
    expect(await code({ keywords: k, method: offline, granularity: 2 })).toBe(
      "cluster.granularity.invalid",
    );
    expect(await code({ keywords: k, method: offline, minClusterSize: 0 })).toBe(
      "cluster.min_cluster_size.invalid",
    );
    expect(
      await code({
        keywords: [{ id: "a", keyword: "x", intent: "buying" as never }],
        method: offline,
      }),
    ).toBe("cluster.keywords.intent.invalid");
    expect(await code({ keywords: k, method: { kind: "embeddings" } as never })).toBe(
      "cluster.method.embed.invalid",
    );
    expect(await code({ keywords: k, method: { kind: "serp", minSharedUrls: 11 } })).toBe(
      "cluster.method.min_shared_urls.invalid",
    );
    expect(
      await code({
        keywords: k,
        method: offline,
        existingClusters: [
          { id: "c1", locked: true, keywordIds: ["a"] },
          { id: "c2", locked: true, keywordIds: ["a"] },
        ],
      }),
    ).toBe("cluster.existing_clusters.keyword_ids.conflict");
    expect(await code({ keywords: [], method: offline })).toBe("no error");
  });
});
