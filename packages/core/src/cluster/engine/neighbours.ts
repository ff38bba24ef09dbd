import { type KeywordFeatures, keywordSimilarity, sparseDot } from "./features";
import type { NeighbourLists } from "./graph";

export interface NeighbourOptions {
  /** Neighbours kept per keyword. */
  k: number;
  /** Similarities below this are not edges. */
  floor: number;
  /** Postings longer than this are read in a window of this many entries around the keyword. */
  maxPosting: number;
  /** Candidates per keyword that get a full similarity (the best by shared-word weight). */
  maxCandidates?: number;
  /** Postings stop being read once this many candidates were met (rarest postings first). */
  candidateBudget?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface NeighbourSearch {
  lists: NeighbourLists;
  similarityEvaluations: number;
}

/** Keeps the k best (highest similarity, then lowest index) of a stream of candidates. */
class TopK {
  readonly sims: number[] = [];
  readonly ids: number[] = [];
  constructor(private readonly k: number) {}
  reset() {
    this.sims.length = 0;
    this.ids.length = 0;
  }
  /** The similarity a candidate must beat to enter (-1 while there is room). */
  get bar(): number {
    return this.sims.length === this.k ? this.sims[this.k - 1]! : -1;
  }
  offer(sim: number, id: number) {
    const { sims, ids, k } = this;
    if (sims.length === k) {
      const worst = sims[k - 1]!;
      if (sim < worst || (sim === worst && id > ids[k - 1]!)) return;
      sims.pop();
      ids.pop();
    }
    let at = sims.length;
    while (at > 0 && (sims[at - 1]! < sim || (sims[at - 1] === sim && ids[at - 1]! > id))) at--;
    sims.splice(at, 0, sim);
    ids.splice(at, 0, id);
  }
}

class ListBuilder {
  private offsets: Int32Array;
  private targets: Int32Array;
  private weights: Float64Array;
  private rows = 0;
  constructor(size: number, k: number) {
    this.offsets = new Int32Array(size + 1);
    this.targets = new Int32Array(size * k);
    this.weights = new Float64Array(size * k);
  }
  add(top: TopK) {
    let at = this.offsets[this.rows]!;
    for (let i = 0; i < top.ids.length; i++) {
      this.targets[at] = top.ids[i]!;
      this.weights[at++] = top.sims[i]!;
    }
    this.offsets[++this.rows] = at;
  }
  build(): NeighbourLists {
    const used = this.offsets[this.rows]!;
    return {
      offsets: this.offsets,
      targets: this.targets.slice(0, used),
      weights: this.weights.slice(0, used),
    };
  }
}

/**
 * k nearest neighbours of every keyword without comparing all pairs. Candidates come from an
 * inverted index of stemmed tokens: short postings are read whole; a very frequent token is
 * read only in a window of keywords of similar length around the query (sorted-neighbourhood
 * blocking), and keywords made only of frequent tokens also meet through an index of their
 * frequent token pairs ("plumber|chicago"). Candidates are ranked by the weight of the words
 * they share and only the best `maxCandidates` get a full similarity.
 */
export function blockedNeighbours(
  features: KeywordFeatures,
  options: NeighbourOptions,
): NeighbourSearch {
  const n = features.size;
  const { offsets: tokOff, ids: tokIds, weights: tokW } = features.tokens;
  const cap = options.maxPosting;
  const maxCandidates = options.maxCandidates ?? Math.max(2 * options.k, 40);
  const df = features.tokenDf;
  const vocabulary = df.length;

  // Postings ordered by (token count, index): a window around a keyword holds keywords of similar length.
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => tokOff[a + 1]! - tokOff[a]! - (tokOff[b + 1]! - tokOff[b]!) || a - b,
  );
  const rank = new Int32Array(n);
  order.forEach((i, r) => {
    rank[i] = r;
  });
  const postOff = new Int32Array(vocabulary + 1);
  for (let t = 0; t < vocabulary; t++) postOff[t + 1] = postOff[t]! + df[t]!;
  const postFill = postOff.slice(0, vocabulary);
  const postDoc = new Int32Array(postOff[vocabulary]!);
  const postW = new Float32Array(postOff[vocabulary]!);
  for (const i of order) {
    for (let e = tokOff[i]!; e < tokOff[i + 1]!; e++) {
      const t = tokIds[e]!;
      postDoc[postFill[t]!] = i;
      postW[postFill[t]!++] = tokW[e]!;
    }
  }

  const frequent = (t: number) => df[t]! > cap;
  const pairKey = (a: number, b: number) => a * vocabulary + b;
  const pairPostings = new Map<number, number[]>();
  for (const i of order) {
    const mine: number[] = [];
    for (let e = tokOff[i]!; e < tokOff[i + 1]!; e++) if (frequent(tokIds[e]!)) mine.push(e);
    for (let x = 0; x < mine.length; x++) {
      for (let y = x + 1; y < mine.length; y++) {
        const key = pairKey(tokIds[mine[x]!]!, tokIds[mine[y]!]!);
        let list = pairPostings.get(key);
        if (!list) {
          list = [];
          pairPostings.set(key, list);
        }
        list.push(i);
      }
    }
  }

  const acc = new Float64Array(n);
  const touched: number[] = [];
  const top = new TopK(options.k);
  const out = new ListBuilder(n, options.k);
  let evaluations = 0;

  /** First position in docs[from..to) whose rank is >= r. */
  const lowerBound = (docs: ArrayLike<number>, from: number, to: number, r: number) => {
    let lo = from;
    let hi = to;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (rank[docs[mid]!]! < r) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  /** Start of the `width` entries of docs[from..to) centred on the query's rank. */
  const windowStart = (
    docs: ArrayLike<number>,
    from: number,
    to: number,
    q: number,
    width: number,
  ) => Math.max(from, Math.min(lowerBound(docs, from, to, rank[q]!) - (width >> 1), to - width));
  // A frequent word alone is weak evidence: its window is narrower than a frequent pair's.
  const singleWindow = Math.max(16, cap >> 2);

  const qFrequent: number[] = [];
  const selected: number[] = [];
  // Per query, the posting ranges to read: rarest first, until the candidate budget is spent.
  const srcDocs: ArrayLike<number>[] = [];
  const srcFrom: number[] = [];
  const srcTo: number[] = [];
  const srcEntry: number[] = [];
  const srcBonus: number[] = [];
  const srcOrder: number[] = [];
  const budget = options.candidateBudget ?? 10 * maxCandidates;
  for (let q = 0; q < n; q++) {
    touched.length = 0;
    qFrequent.length = 0;
    srcDocs.length = 0;
    srcFrom.length = 0;
    srcTo.length = 0;
    srcEntry.length = 0;
    srcBonus.length = 0;
    for (let e = tokOff[q]!; e < tokOff[q + 1]!; e++) {
      const t = tokIds[e]!;
      if (frequent(t)) qFrequent.push(e);
      let from = postOff[t]!;
      let to = postOff[t + 1]!;
      if (to - from > cap) {
        from = windowStart(postDoc, from, to, q, singleWindow);
        to = from + singleWindow;
      }
      srcDocs.push(postDoc);
      srcFrom.push(from);
      srcTo.push(to);
      srcEntry.push(e);
      srcBonus.push(0);
    }
    for (let x = 0; x < qFrequent.length; x++) {
      for (let y = x + 1; y < qFrequent.length; y++) {
        const ex = qFrequent[x]!;
        const ey = qFrequent[y]!;
        const docs = pairPostings.get(pairKey(tokIds[ex]!, tokIds[ey]!))!;
        let from = 0;
        let to = docs.length;
        if (to > cap) {
          from = windowStart(docs, 0, to, q, cap);
          to = from + cap;
        }
        srcDocs.push(docs);
        srcFrom.push(from);
        srcTo.push(to);
        srcEntry.push(-1);
        srcBonus.push(tokW[ex]! * tokW[ex]! + tokW[ey]! * tokW[ey]!);
      }
    }
    srcOrder.length = 0;
    for (let k = 0; k < srcDocs.length; k++) srcOrder.push(k);
    // A frequent token's window is the weakest evidence, whatever its length.
    const length = (k: number) =>
      (srcEntry[k]! >= 0 && frequent(tokIds[srcEntry[k]!]!) ? n : 0) + srcTo[k]! - srcFrom[k]!;
    srcOrder.sort((x, y) => length(x) - length(y) || x - y);
    for (const k of srcOrder) {
      if (touched.length >= budget) break;
      const docs = srcDocs[k]!;
      const e = srcEntry[k]!;
      if (e >= 0) {
        const wq = tokW[e]!;
        for (let p = srcFrom[k]!; p < srcTo[k]!; p++) {
          const j = docs[p]!;
          if (j === q) continue;
          if (acc[j] === 0) touched.push(j);
          acc[j]! += wq * postW[p]!;
        }
      } else {
        const bonus = srcBonus[k]!;
        for (let p = srcFrom[k]!; p < srcTo[k]!; p++) {
          const j = docs[p]!;
          if (j === q) continue;
          if (acc[j] === 0) touched.push(j);
          acc[j]! += bonus;
        }
      }
    }
    let candidates = touched;
    if (touched.length > maxCandidates) {
      selected.length = 0;
      for (const j of touched) selected.push(j);
      selectTop(selected, maxCandidates, acc);
      selected.length = maxCandidates;
      candidates = selected;
    }
    top.reset();
    const share = features.tokenShare;
    for (const j of candidates) {
      evaluations++;
      // The n-gram cosine is at most 1: skip computing it when even that cannot place j.
      const tokenPart = share * sparseDot(features.tokens, q, j);
      const bound = tokenPart + (1 - share);
      if (bound < options.floor || bound < top.bar) continue;
      const sim = tokenPart + (1 - share) * sparseDot(features.grams, q, j);
      if (sim >= options.floor) top.offer(sim, j);
    }
    for (const j of touched) acc[j] = 0;
    out.add(top);
    if (options.onProgress && ((q + 1) % 2000 === 0 || q + 1 === n)) options.onProgress(q + 1, n);
  }
  return { lists: out.build(), similarityEvaluations: evaluations };
}

/**
 * Reorders `items` so its first `count` entries are the ones with the highest score (ties: lower
 * index first). Quickselect, O(n) on average, deterministic pivots.
 */
function selectTop(items: number[], count: number, score: Float64Array) {
  const better = (x: number, y: number) =>
    score[x]! > score[y]! || (score[x] === score[y] && x < y);
  let lo = 0;
  let hi = items.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    // Median of three as pivot.
    const a = items[lo]!;
    const b = items[mid]!;
    const c = items[hi]!;
    const pivot = better(a, b)
      ? better(b, c)
        ? b
        : better(a, c)
          ? c
          : a
      : better(a, c)
        ? a
        : better(b, c)
          ? c
          : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (better(items[i]!, pivot)) i++;
      while (better(pivot, items[j]!)) j--;
      if (i <= j) {
        const tmp = items[i]!;
        items[i] = items[j]!;
        items[j] = tmp;
        i++;
        j--;
      }
    }
    if (count - 1 <= j) hi = j;
    else if (count - 1 >= i) lo = i;
    else break;
  }
}

/**
 * The reference the blocked search is measured against: every pair is compared (n(n-1)/2
 * similarities) and each keyword keeps its k best. Same similarity, same output shape.
 */
export function allPairsNeighbours(
  features: KeywordFeatures,
  options: Pick<NeighbourOptions, "k" | "floor">,
): NeighbourSearch {
  const n = features.size;
  const tops = Array.from({ length: n }, () => new TopK(options.k));
  let evaluations = 0;
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++) {
      evaluations++;
      const sim = keywordSimilarity(features, a, b);
      if (sim >= options.floor) {
        tops[a]!.offer(sim, b);
        tops[b]!.offer(sim, a);
      }
    }
  }
  const out = new ListBuilder(n, options.k);
  for (const top of tops) out.add(top);
  return { lists: out.build(), similarityEvaluations: evaluations };
}
