import { describe, expect, it } from "vitest";
import { aggregate, averageLinkage, graphFromNeighbours, louvain } from "./graph";

/** Undirected edges [a, b, w] as neighbour lists (one direction is enough). */
function graphOf(size: number, edges: [number, number, number][]) {
  const rows: [number, number][][] = Array.from({ length: size }, () => []);
  for (const [a, b, w] of edges) rows[a]!.push([b, w]);
  const offsets = new Int32Array(size + 1);
  const targets: number[] = [];
  const weights: number[] = [];
  rows.forEach((row, i) => {
    for (const [b, w] of row) {
      targets.push(b);
      weights.push(w);
    }
    offsets[i + 1] = targets.length;
  });
  return graphFromNeighbours(size, {
    offsets,
    targets: Int32Array.from(targets),
    weights: Float64Array.from(weights),
  });
}

const groups = (labels: Int32Array) => {
  const map = new Map<number, number[]>();
  labels.forEach((l, i) => {
    map.set(l, [...(map.get(l) ?? []), i]);
  });
  return [...map.values()].sort((a, b) => a[0]! - b[0]!);
};

describe("graph building", () => {
  it("stores each pair once per direction and keeps the larger of two weights", () => {
    const g = graphOf(3, [
      [0, 1, 0.5],
      [1, 0, 0.7],
      [1, 2, 0.2],
    ]);
    expect(Array.from(g.targets.subarray(g.offsets[1]!, g.offsets[2]!))).toEqual([0, 2]);
    expect(Array.from(g.weights.subarray(g.offsets[0]!, g.offsets[1]!))).toEqual([0.7]);
    expect(g.targets.length).toBe(4);
  });

  it("aggregates groups with inner weight as self loops and summed links", () => {
    const g = graphOf(4, [
      [0, 1, 1],
      [2, 3, 1],
      [1, 2, 0.5],
      [0, 3, 0.25],
    ]);
    const agg = aggregate(g, Int32Array.from([0, 0, 1, 1]), 2);
    expect(Array.from(agg.selfLoops)).toEqual([1, 1]);
    expect(Array.from(agg.weights)).toEqual([0.75, 0.75]);
  });
});

describe("averageLinkage", () => {
  it("merges by mean similarity, counting missing edges as 0", () => {
    // 0-1-2 is a chain: mean({0,1},{2}) = (0.9 + 0) / 2 = 0.45 < 0.5, so 2 stays out.
    const g = graphOf(4, [
      [0, 1, 0.95],
      [1, 2, 0.9],
      [2, 3, 0.2],
    ]);
    expect(groups(averageLinkage(g, 0.5))).toEqual([[0, 1], [2], [3]]);
    // With a 0-2 link the triangle's mean is (0.9 + 0.6) / 2 = 0.75: all three join.
    const triangle = graphOf(4, [
      [0, 1, 0.95],
      [1, 2, 0.9],
      [0, 2, 0.6],
      [2, 3, 0.2],
    ]);
    expect(groups(averageLinkage(triangle, 0.5))).toEqual([[0, 1, 2], [3]]);
  });

  it("takes the best pair first: a strong pair is not broken by an earlier weak one", () => {
    const g = graphOf(3, [
      [0, 1, 0.6],
      [1, 2, 0.9],
    ]);
    // {1,2} merges first; then mean({0},{1,2}) = 0.3 < 0.5.
    expect(groups(averageLinkage(g, 0.5))).toEqual([[0], [1, 2]]);
  });
});

describe("louvain", () => {
  it("finds two cliques joined by one weak bridge, and splits a disconnected community", () => {
    const edges: [number, number, number][] = [];
    for (const [a, b] of [
      [0, 1],
      [0, 2],
      [1, 2],
      [3, 4],
      [3, 5],
      [4, 5],
    ]) {
      edges.push([a!, b!, 1]);
    }
    edges.push([2, 3, 0.1]);
    expect(groups(louvain(graphOf(7, edges), 1))).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    // Very low resolution puts everything connected together; node 6 has no edge and stays alone.
    expect(groups(louvain(graphOf(7, edges), 0.01))).toEqual([[0, 1, 2, 3, 4, 5], [6]]);
  });
});
