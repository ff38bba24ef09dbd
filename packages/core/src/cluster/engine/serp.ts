import { compact, type Graph, type NeighbourLists } from "./graph";
import type { SerpMode } from "./types";

/** Scheme, "www.", fragment and trailing slash do not make a different result. */
export function normalizeUrl(url: string): string {
  let text = url.trim();
  try {
    const parsed = new URL(text);
    const host = parsed.hostname.toLowerCase().replace(/^www\./, "");
    const path = parsed.pathname.replace(/\/+$/, "");
    text = `${host}${path}${parsed.search}`;
  } catch {
    text = text
      .toLowerCase()
      .replace(/^[a-z]+:\/\//, "")
      .replace(/^www\./, "")
      .replace(/#.*$/, "")
      .replace(/\/+$/, "");
  }
  return text;
}

export interface SerpOverlap {
  /** Shared-URL counts as a graph: edge weight = shared URLs (>= 1). */
  lists: NeighbourLists;
  similarityEvaluations: number;
}

/**
 * Counts shared URLs between keywords through an inverted index URL -> keywords, so only pairs
 * that share at least one URL are ever looked at. A URL that ranks for more than `maxPosting`
 * keywords (a portal's home page) says nothing about intent and is skipped.
 */
export function serpOverlap(
  serps: (string[] | null)[],
  options: {
    topUrls: number;
    maxPosting: number;
    onProgress?: (done: number, total: number) => void;
  },
): SerpOverlap {
  const n = serps.length;
  const urlIds = new Map<string, number>();
  const rows: Int32Array[] = serps.map((urls) => {
    const ids = new Set<number>();
    for (const url of (urls ?? []).slice(0, options.topUrls)) {
      const key = normalizeUrl(url);
      if (!key) continue;
      let id = urlIds.get(key);
      if (id === undefined) {
        id = urlIds.size;
        urlIds.set(key, id);
      }
      ids.add(id);
    }
    return Int32Array.from(ids).sort();
  });
  const postings: number[][] = Array.from({ length: urlIds.size }, () => []);
  rows.forEach((ids, i) => {
    for (const id of ids) postings[id]!.push(i);
  });
  const shared = new Int32Array(n);
  const touched: number[] = [];
  const offsets: number[] = [0];
  const targets: number[] = [];
  const weights: number[] = [];
  let evaluations = 0;
  for (let q = 0; q < n; q++) {
    touched.length = 0;
    for (const id of rows[q]!) {
      const posting = postings[id]!;
      if (posting.length > options.maxPosting) continue;
      for (const j of posting) {
        if (j === q) continue;
        evaluations++;
        if (shared[j] === 0) touched.push(j);
        shared[j]!++;
      }
    }
    touched.sort((a, b) => a - b);
    for (const j of touched) {
      targets.push(j);
      weights.push(shared[j]!);
      shared[j] = 0;
    }
    offsets.push(targets.length);
    if (options.onProgress && ((q + 1) % 2000 === 0 || q + 1 === n)) options.onProgress(q + 1, n);
  }
  return {
    lists: {
      offsets: Int32Array.from(offsets),
      targets: Int32Array.from(targets),
      weights: Float64Array.from(weights),
    },
    similarityEvaluations: evaluations,
  };
}

/**
 * SERP page groups in one of the peer tools' modes (see SerpMode). `priority` orders keywords
 * (highest volume first): in soft and hard mode the first unassigned keyword becomes a hub.
 * `overlap` is the shared-URL graph; an edge joins two keywords when its weight >= minShared.
 */
export function serpGroups(
  overlap: Graph,
  priority: number[],
  mode: SerpMode,
  minShared: number,
): Int32Array {
  const n = overlap.size;
  const labels = new Int32Array(n).fill(-1);
  const linked = (i: number) => {
    const set = new Set<number>();
    for (let e = overlap.offsets[i]!; e < overlap.offsets[i + 1]!; e++) {
      if (overlap.weights[e]! >= minShared) set.add(overlap.targets[e]!);
    }
    return set;
  };
  const position = new Int32Array(n);
  priority.forEach((i, p) => {
    position[i] = p;
  });
  let next = 0;
  if (mode === "moderate") {
    for (const start of priority) {
      if (labels[start] !== -1) continue;
      labels[start] = next;
      const stack = [start];
      while (stack.length > 0) {
        const i = stack.pop()!;
        for (const j of linked(i)) {
          if (labels[j] === -1) {
            labels[j] = next;
            stack.push(j);
          }
        }
      }
      next++;
    }
    return labels;
  }
  for (const hub of priority) {
    if (labels[hub] !== -1) continue;
    labels[hub] = next;
    const hubLinks = linked(hub);
    // Candidates in priority order: the hub's strongest partners by volume first.
    const candidates = [...hubLinks]
      .filter((j) => labels[j] === -1)
      .sort((a, b) => position[a]! - position[b]!);
    const members = [hub];
    const memberLinks = [hubLinks];
    for (const j of candidates) {
      if (mode === "hard") {
        if (!memberLinks.every((links) => links.has(j))) continue;
        memberLinks.push(linked(j));
      }
      labels[j] = next;
      members.push(j);
    }
    next++;
  }
  compact(labels);
  return labels;
}
