import { type Analyzer, analyze, charGrams } from "./text";

/** Sparse unit vectors in CSR form: row i is ids[offsets[i]..offsets[i+1]) (sorted) with weights. */
export interface SparseRows {
  offsets: Int32Array;
  ids: Int32Array;
  weights: Float32Array;
}

/**
 * What the offline method knows of each keyword: IDF-weighted stemmed tokens and IDF-weighted
 * character trigrams, both L2-normalized so a dot product is a cosine.
 */
export interface KeywordFeatures {
  size: number;
  tokens: SparseRows;
  grams: SparseRows;
  /** Document frequency of each token id. */
  tokenDf: Int32Array;
  tokenNames: string[];
  /** Stemmed token list per keyword (for naming and the naive baseline). */
  stems: string[][];
  normalized: string[];
  /** Weight of the token part in the similarity; the rest goes to character n-grams. */
  tokenShare: number;
}

function sparseRows(
  lists: string[][],
  dictionary: Map<string, number>,
  names: string[],
): { rows: SparseRows; df: Int32Array } {
  const idLists: Int32Array[] = [];
  let total = 0;
  const scratch: number[] = [];
  for (const list of lists) {
    scratch.length = 0;
    for (const item of list) {
      let id = dictionary.get(item);
      if (id === undefined) {
        id = names.length;
        dictionary.set(item, id);
        names.push(item);
      }
      scratch.push(id);
    }
    scratch.sort((a, b) => a - b);
    let unique = 0;
    for (let k = 0; k < scratch.length; k++) {
      if (k === 0 || scratch[k] !== scratch[k - 1]) scratch[unique++] = scratch[k]!;
    }
    const sorted = new Int32Array(unique);
    for (let k = 0; k < unique; k++) sorted[k] = scratch[k]!;
    idLists.push(sorted);
    total += sorted.length;
  }
  const df = new Int32Array(names.length);
  for (const ids of idLists) for (const id of ids) df[id]!++;
  const n = lists.length;
  const idf = new Float64Array(names.length);
  for (let id = 0; id < names.length; id++) idf[id] = Math.log(1 + n / df[id]!);
  const offsets = new Int32Array(n + 1);
  const ids = new Int32Array(total);
  const weights = new Float32Array(total);
  let at = 0;
  idLists.forEach((row, i) => {
    offsets[i] = at;
    let norm = 0;
    for (const id of row) norm += idf[id]! * idf[id]!;
    norm = Math.sqrt(norm) || 1;
    for (const id of row) {
      ids[at] = id;
      weights[at] = idf[id]! / norm;
      at++;
    }
  });
  offsets[n] = at;
  return { rows: { offsets, ids, weights }, df };
}

export function buildFeatures(
  texts: string[],
  analyzer: Analyzer,
  options: { tokenShare?: number } = {},
): KeywordFeatures {
  const analyzed = texts.map((text) => analyze(text, analyzer));
  const tokenNames: string[] = [];
  const tokens = sparseRows(
    analyzed.map((a) => a.stems),
    new Map(),
    tokenNames,
  );
  const grams = sparseRows(
    analyzed.map((a) => charGrams(a.surface)),
    new Map(),
    [],
  );
  return {
    size: texts.length,
    tokens: tokens.rows,
    grams: grams.rows,
    tokenDf: tokens.df,
    tokenNames,
    stems: analyzed.map((a) => a.stems),
    normalized: analyzed.map((a) => a.normalized),
    tokenShare: options.tokenShare ?? 0.7,
  };
}

/** Dot product of two sorted sparse rows. */
export function sparseDot(rows: SparseRows, a: number, b: number): number {
  const { offsets, ids, weights } = rows;
  let i = offsets[a]!;
  const iEnd = offsets[a + 1]!;
  let j = offsets[b]!;
  const jEnd = offsets[b + 1]!;
  let dot = 0;
  while (i < iEnd && j < jEnd) {
    const x = ids[i]!;
    const y = ids[j]!;
    if (x === y) {
      dot += weights[i]! * weights[j]!;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return dot;
}

/** The offline similarity of two keywords, in 0..1. */
export function keywordSimilarity(features: KeywordFeatures, a: number, b: number): number {
  const share = features.tokenShare;
  return share * sparseDot(features.tokens, a, b) + (1 - share) * sparseDot(features.grams, a, b);
}

/** True when the keyword kept at least one word after normalization. */
export function hasTokens(features: KeywordFeatures, i: number): boolean {
  return features.tokens.offsets[i + 1]! > features.tokens.offsets[i]!;
}
