import type { NeighbourLists } from "./graph";
import type { NeighbourSearch } from "./neighbours";
import { charGrams, normalizeKeyword, tokenize } from "./text";
import type { EmbedFn } from "./types";

/** 32-bit FNV-1a. */
export function hashString(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** A small seeded PRNG (mulberry32): the same seed gives the same hyperplanes everywhere. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A local embedding that needs no model: words and character trigrams hashed into `dimensions`
 * signed buckets (the hashing trick), L2-normalized. Similar spellings get similar vectors;
 * synonyms do not (that is what a real embedding endpoint adds).
 */
export function hashedNgramEmbedder(dimensions = 256): EmbedFn {
  return async (texts) =>
    texts.map((text) => {
      const vector = new Array<number>(dimensions).fill(0);
      const words = tokenize(normalizeKeyword(text));
      const add = (feature: string, weight: number) => {
        const h = hashString(feature);
        vector[h % dimensions]! += h & 0x80000000 ? -weight : weight;
      };
      for (const word of words) add(`w:${word}`, 1);
      for (const gram of charGrams(words.join(" "))) add(`g:${gram}`, 0.5);
      const norm = Math.sqrt(vector.reduce((s, x) => s + x * x, 0)) || 1;
      return vector.map((x) => x / norm);
    });
}

/** Vectors flattened into one Float32Array (row-major), each row L2-normalized. */
export interface VectorSet {
  size: number;
  dimensions: number;
  data: Float32Array;
}

export function toVectorSet(vectors: number[][]): VectorSet {
  const size = vectors.length;
  const dimensions = vectors[0]?.length ?? 0;
  const data = new Float32Array(size * dimensions);
  vectors.forEach((vector, i) => {
    let norm = 0;
    for (const x of vector) norm += x * x;
    norm = Math.sqrt(norm) || 1;
    for (let d = 0; d < dimensions; d++) data[i * dimensions + d] = vector[d]! / norm;
  });
  return { size, dimensions, data };
}

export function cosine(set: VectorSet, a: number, b: number): number {
  const { data, dimensions } = set;
  let dot = 0;
  const ao = a * dimensions;
  const bo = b * dimensions;
  for (let d = 0; d < dimensions; d++) dot += data[ao + d]! * data[bo + d]!;
  return dot;
}

export interface LshOptions {
  k: number;
  floor: number;
  /** Independent random-projection tables. */
  tables?: number;
  /** Keywords compared on each side of a keyword in each table's signature order. */
  window?: number;
  seed?: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Approximate k nearest neighbours by cosine with random-projection LSH: each table gives every
 * vector a 32-bit signature (signs of 32 random hyperplanes); vectors whose signatures sort close
 * together share long prefixes, i.e. sit on the same side of most hyperplanes. Each keyword is
 * compared with `window` keywords either side of it in each table's order, never with all.
 */
export function lshNeighbours(set: VectorSet, options: LshOptions): NeighbourSearch {
  const { size: n, dimensions, data } = set;
  const tables = options.tables ?? 8;
  const window = options.window ?? 16;
  const random = mulberry32(options.seed ?? 0x1a2b3c4d);
  const gaussian = () => {
    const u = random() || Number.MIN_VALUE;
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
  const candidates: Set<number>[] = Array.from({ length: n }, () => new Set());
  const planes = new Float32Array(32 * dimensions);
  const signatures = new Uint32Array(n);
  const order: number[] = [];
  for (let table = 0; table < tables; table++) {
    for (let p = 0; p < planes.length; p++) planes[p] = gaussian();
    for (let i = 0; i < n; i++) {
      let signature = 0;
      const io = i * dimensions;
      for (let bit = 0; bit < 32; bit++) {
        const po = bit * dimensions;
        let dot = 0;
        for (let d = 0; d < dimensions; d++) dot += planes[po + d]! * data[io + d]!;
        if (dot >= 0) signature |= 1 << (31 - bit);
      }
      signatures[i] = signature >>> 0;
    }
    order.length = 0;
    for (let i = 0; i < n; i++) order.push(i);
    order.sort((a, b) => signatures[a]! - signatures[b]! || a - b);
    for (let r = 0; r < n; r++) {
      const i = order[r]!;
      for (let s = Math.max(0, r - window); s <= Math.min(n - 1, r + window); s++) {
        if (s !== r) candidates[i]!.add(order[s]!);
      }
    }
    options.onProgress?.(Math.round(((table + 1) / (tables + 1)) * n), n);
  }
  const offsets: number[] = [0];
  const targets: number[] = [];
  const weights: number[] = [];
  let evaluations = 0;
  for (let i = 0; i < n; i++) {
    const scored: [number, number][] = [];
    for (const j of candidates[i]!) {
      evaluations++;
      const sim = cosine(set, i, j);
      if (sim >= options.floor) scored.push([sim, j]);
    }
    scored.sort((x, y) => y[0] - x[0] || x[1] - y[1]);
    for (const [sim, j] of scored.slice(0, options.k)) {
      targets.push(j);
      weights.push(sim);
    }
    offsets.push(targets.length);
    candidates[i]!.clear();
  }
  options.onProgress?.(n, n);
  const lists: NeighbourLists = {
    offsets: Int32Array.from(offsets),
    targets: Int32Array.from(targets),
    weights: Float64Array.from(weights),
  };
  return { lists, similarityEvaluations: evaluations };
}
