import { describe, expect, it } from "vitest";
import { VisibleError } from "../../util/error";
import { clusterKeywords } from "./engine";
import { cosine, hashedNgramEmbedder, lshNeighbours, toVectorSet } from "./embeddings";
import { combinatorialKeywords, handMade, handMadeKeywords, shuffled } from "./test-fixtures";
import type { EmbedFn } from "./types";

describe("hashedNgramEmbedder", () => {
  it("is deterministic, unit length, and closer for similar spellings", async () => {
    const embed = hashedNgramEmbedder(128);
    const [a, b, c] = await embed(["ai marketing tools", "ai marketing tool", "chocolate cake"]);
    const [again] = await embed(["ai marketing tools"]);
    expect(again).toEqual(a);
    const set = toVectorSet([a!, b!, c!]);
    expect(cosine(set, 0, 0)).toBeCloseTo(1, 5);
    expect(cosine(set, 0, 1)).toBeGreaterThan(0.8);
    expect(cosine(set, 0, 2)).toBeLessThan(0.3);
  });
});

describe("lshNeighbours", () => {
  it("finds most exact nearest neighbours while comparing a small share of the pairs", async () => {
    const texts = combinatorialKeywords(3000).map((k) => k.keyword);
    const set = toVectorSet(await hashedNgramEmbedder(128)(texts));
    const search = lshNeighbours(set, { k: 5, floor: 0.5 });
    expect(search.similarityEvaluations).toBeLessThan((3000 * 2999) / 10);
    // Exact best neighbour of the first 200 keywords, by brute force.
    let hit = 0;
    let total = 0;
    for (let i = 0; i < 200; i++) {
      let best = -1;
      let bestSim = 0.5;
      for (let j = 0; j < set.size; j++) {
        if (j === i) continue;
        const sim = cosine(set, i, j);
        if (sim > bestSim) {
          best = j;
          bestSim = sim;
        }
      }
      if (best === -1) continue;
      total++;
      const found = search.lists.targets.subarray(
        search.lists.offsets[i]!,
        search.lists.offsets[i + 1]!,
      );
      if (Array.from(found).some((j) => cosine(set, i, j) >= bestSim - 1e-9)) hit++;
    }
    expect(total).toBeGreaterThan(150);
    expect(hit / total).toBeGreaterThan(0.8);
  });
});

describe("embeddings method", () => {
  it("clusters by cosine of the embeddings, calling embed in batches", async () => {
    const batches: number[] = [];
    const local = hashedNgramEmbedder(256);
    const embed: EmbedFn = async (texts) => {
      batches.push(texts.length);
      return local(texts);
    };
    const keywords = handMadeKeywords();
    const result = await clusterKeywords({
      keywords,
      method: { kind: "embeddings", embed, batchSize: 5 },
    });
    // "???" is empty after normalization and is never sent.
    expect(batches).toEqual([5, 5, 5, 1]);
    const text = new Map(keywords.map((k) => [k.id, k.keyword]));
    const pages = result.clusters.flatMap((c) =>
      c.pageGroups.map((p) => p.keywordIds.map((id) => text.get(id)!).sort()),
    );
    expect(pages).toContainEqual([...handMade.marketing].sort());
    expect(pages).toContainEqual([...handMade.writing].sort());
    const topics = result.clusters.map((c) => c.keywordIds.map((id) => text.get(id)!));
    const shoes = topics.find((t) => t.includes("running shoes"))!;
    for (const k of [...handMade.shoes, ...handMade.trail]) expect(shoes).toContain(k);
    expect(result.unclustered).toContainEqual({ keywordId: "kw_16", reason: "empty" });
    expect(result.unclustered).toContainEqual({ keywordId: "kw_15", reason: "no_match" });
  });

  it("is deterministic for the same input in another order", async () => {
    const keywords = [...handMadeKeywords(), ...combinatorialKeywords(300)];
    const method = { kind: "embeddings", embed: hashedNgramEmbedder(64) } as const;
    const a = await clusterKeywords({ keywords, method });
    const b = await clusterKeywords({ keywords: shuffled(keywords), method });
    expect(b.clusters).toEqual(a.clusters);
    expect(b.unclustered).toEqual(a.unclustered);
  });

  it("rejects an embedding service that answers the wrong number or shape of vectors", async () => {
    const keywords = handMadeKeywords();
    const tooFew: EmbedFn = async (texts) => texts.slice(1).map(() => [1, 0]);
    const ragged: EmbedFn = async (texts) => texts.map((_, i) => (i === 0 ? [1, 0, 0] : [1, 0]));
    for (const embed of [tooFew, ragged]) {
      const error = await clusterKeywords({
        keywords,
        method: { kind: "embeddings", embed },
      }).catch((e) => e);
      expect(error).toBeInstanceOf(VisibleError);
      expect(error.code).toBe("cluster.embed.invalid_vectors");
    }
  });
});
