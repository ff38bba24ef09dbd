/** An undirected weighted graph in CSR form; every edge is stored in both directions. */
export interface Graph {
  size: number;
  offsets: Int32Array;
  targets: Int32Array;
  weights: Float64Array;
  /** Self-loop weight per node (aggregated graphs keep the weight inside a merged node here). */
  selfLoops: Float64Array;
}

/**
 * Builds CSR rows from directed entries (src[e] -> dst[e], weight w[e]), sorted by target;
 * entries to the same target are combined by sum or max.
 */
function rowsFrom(
  size: number,
  src: Int32Array,
  dst: Int32Array,
  w: Float64Array,
  combine: "sum" | "max",
): { offsets: Int32Array; targets: Int32Array; weights: Float64Array } {
  const count = src.length;
  const start = new Int32Array(size + 1);
  for (let e = 0; e < count; e++) start[src[e]! + 1]!++;
  for (let i = 0; i < size; i++) start[i + 1]! += start[i]!;
  const fill = start.slice(0, size);
  // Each row's entries packed as target * slot + position, so a numeric typed-array sort orders
  // a row by target and still says where each entry's weight is.
  const slot = 2 ** 21;
  const packed = new Float64Array(count);
  const position = new Int32Array(count);
  for (let e = 0; e < count; e++) {
    const at = fill[src[e]!]!++;
    position[at] = e;
    packed[at] = dst[e]! * slot + (at - start[src[e]!]!);
  }
  const offsets = new Int32Array(size + 1);
  const targets = new Int32Array(count);
  const weights = new Float64Array(count);
  let at = 0;
  for (let i = 0; i < size; i++) {
    offsets[i] = at;
    const from = start[i]!;
    const row = packed.subarray(from, start[i + 1]!).sort();
    let last = -1;
    for (let r = 0; r < row.length; r++) {
      const j = Math.floor(row[r]! / slot);
      const weight = w[position[from + (row[r]! % slot)]!]!;
      if (j === last) {
        weights[at - 1] =
          combine === "sum" ? weights[at - 1]! + weight : Math.max(weights[at - 1]!, weight);
        continue;
      }
      targets[at] = j;
      weights[at++] = weight;
      last = j;
    }
  }
  offsets[size] = at;
  return { offsets, targets: targets.slice(0, at), weights: weights.slice(0, at) };
}

/**
 * Builds a graph from directed neighbour lists (row i lists i's neighbours). Each pair becomes
 * one undirected edge; when both directions were found the larger weight wins.
 */
export function graphFromNeighbours(size: number, lists: NeighbourLists): Graph {
  const count = lists.targets.length;
  const src = new Int32Array(2 * count);
  const dst = new Int32Array(2 * count);
  const w = new Float64Array(2 * count);
  for (let i = 0; i < size; i++) {
    for (let e = lists.offsets[i]!; e < lists.offsets[i + 1]!; e++) {
      src[2 * e] = i;
      dst[2 * e] = lists.targets[e]!;
      src[2 * e + 1] = lists.targets[e]!;
      dst[2 * e + 1] = i;
      w[2 * e] = w[2 * e + 1] = lists.weights[e]!;
    }
  }
  return { size, ...rowsFrom(size, src, dst, w, "max"), selfLoops: new Float64Array(size) };
}

/** Directed top-k neighbour lists, CSR. */
export interface NeighbourLists {
  offsets: Int32Array;
  targets: Int32Array;
  weights: Float64Array;
}

export function edgeCount(graph: Graph): number {
  return graph.targets.length / 2;
}

/** Keeps only edges with weight >= floor. */
export function filterGraph(graph: Graph, floor: number): Graph {
  let kept = 0;
  for (let e = 0; e < graph.weights.length; e++) if (graph.weights[e]! >= floor) kept++;
  const offsets = new Int32Array(graph.size + 1);
  const targets = new Int32Array(kept);
  const weights = new Float64Array(kept);
  let at = 0;
  for (let i = 0; i < graph.size; i++) {
    offsets[i] = at;
    for (let e = graph.offsets[i]!; e < graph.offsets[i + 1]!; e++) {
      if (graph.weights[e]! >= floor) {
        targets[at] = graph.targets[e]!;
        weights[at++] = graph.weights[e]!;
      }
    }
  }
  offsets[graph.size] = at;
  return { size: graph.size, offsets, targets, weights, selfLoops: graph.selfLoops.slice() };
}

/**
 * Collapses nodes into groups: group g's self loop holds the weight inside it, and the edge
 * between two groups is the sum of the edges between their members.
 */
export function aggregate(graph: Graph, groupOf: Int32Array, groups: number): Graph {
  const selfLoops = new Float64Array(groups);
  for (let i = 0; i < graph.size; i++) selfLoops[groupOf[i]!]! += graph.selfLoops[i]!;
  let between = 0;
  for (let i = 0; i < graph.size; i++) {
    for (let e = graph.offsets[i]!; e < graph.offsets[i + 1]!; e++) {
      if (groupOf[i] !== groupOf[graph.targets[e]!]) between++;
    }
  }
  const src = new Int32Array(between);
  const dst = new Int32Array(between);
  const w = new Float64Array(between);
  let at = 0;
  for (let i = 0; i < graph.size; i++) {
    const gi = groupOf[i]!;
    for (let e = graph.offsets[i]!; e < graph.offsets[i + 1]!; e++) {
      const gj = groupOf[graph.targets[e]!]!;
      // Each undirected edge is seen from both ends; inside a group that counts it once in total.
      if (gi === gj) selfLoops[gi]! += graph.weights[e]! / 2;
      else {
        src[at] = gi;
        dst[at] = gj;
        w[at++] = graph.weights[e]!;
      }
    }
  }
  return { size: groups, ...rowsFrom(groups, src, dst, w, "sum"), selfLoops };
}

/** Renumbers labels 0..k-1 in order of first appearance; returns the count. */
export function compact(labels: Int32Array): number {
  const map = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) {
    let id = map.get(labels[i]!);
    if (id === undefined) {
      id = map.size;
      map.set(labels[i]!, id);
    }
    labels[i] = id;
  }
  return map.size;
}

/**
 * Louvain modularity optimisation (Blondel et al. 2008) with a resolution parameter, visiting
 * nodes in index order so the result is deterministic. Communities that come out disconnected
 * are split into their connected components (the defect Leiden fixes).
 */
export function louvain(graph: Graph, resolution: number, maxLevels = 10): Int32Array {
  const membership = new Int32Array(graph.size);
  for (let i = 0; i < graph.size; i++) membership[i] = i;
  let current = graph;
  for (let level = 0; level < maxLevels; level++) {
    const { labels, moved } = localMoving(current, resolution);
    if (!moved) break;
    const count = compact(labels);
    for (let i = 0; i < membership.length; i++) membership[i] = labels[membership[i]!]!;
    if (count === current.size) break;
    current = aggregate(current, labels, count);
  }
  compact(membership);
  return splitDisconnected(graph, membership);
}

function localMoving(graph: Graph, resolution: number): { labels: Int32Array; moved: boolean } {
  const n = graph.size;
  const { offsets, targets, weights, selfLoops } = graph;
  const strength = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    let s = 2 * selfLoops[i]!;
    for (let e = offsets[i]!; e < offsets[i + 1]!; e++) s += weights[e]!;
    strength[i] = s;
    total += s;
  }
  const labels = new Int32Array(n);
  const communityStrength = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i;
    communityStrength[i] = strength[i]!;
  }
  if (total === 0) return { labels, moved: false };
  const linkTo = new Float64Array(n);
  const seen: number[] = [];
  let moved = false;
  for (let pass = 0; pass < 50; pass++) {
    let moves = 0;
    for (let i = 0; i < n; i++) {
      const own = labels[i]!;
      const ki = strength[i]!;
      seen.length = 0;
      for (let e = offsets[i]!; e < offsets[i + 1]!; e++) {
        const c = labels[targets[e]!]!;
        if (linkTo[c] === 0) seen.push(c);
        linkTo[c]! += weights[e]!;
      }
      communityStrength[own]! -= ki;
      let best = own;
      let bestGain = linkTo[own]! - (resolution * communityStrength[own]! * ki) / total;
      for (const c of seen) {
        const gain = linkTo[c]! - (resolution * communityStrength[c]! * ki) / total;
        if (gain > bestGain + 1e-12 || (Math.abs(gain - bestGain) <= 1e-12 && c < best)) {
          best = c;
          bestGain = gain;
        }
      }
      communityStrength[best]! += ki;
      for (const c of seen) linkTo[c] = 0;
      linkTo[own] = 0;
      if (best !== own) {
        labels[i] = best;
        moves++;
        moved = true;
      }
    }
    if (moves === 0) break;
  }
  return { labels, moved };
}

/** Splits every community into the connected components it has in `graph`. */
export function splitDisconnected(graph: Graph, labels: Int32Array): Int32Array {
  const result = new Int32Array(graph.size).fill(-1);
  let next = 0;
  const stack: number[] = [];
  for (let start = 0; start < graph.size; start++) {
    if (result[start] !== -1) continue;
    const label = labels[start]!;
    result[start] = next;
    stack.push(start);
    while (stack.length > 0) {
      const i = stack.pop()!;
      for (let e = graph.offsets[i]!; e < graph.offsets[i + 1]!; e++) {
        const j = graph.targets[e]!;
        if (result[j] === -1 && labels[j] === label) {
          result[j] = next;
          stack.push(j);
        }
      }
    }
    next++;
  }
  return result;
}

/** Connected components (single linkage over every edge of the graph). */
export function components(graph: Graph): Int32Array {
  return splitDisconnected(graph, new Int32Array(graph.size));
}

/**
 * Average-linkage agglomerative clustering over a sparse graph: repeatedly merges the two
 * clusters with the highest mean similarity over all their member pairs (a missing edge counts
 * as 0) while that mean is >= threshold. Ties go to the lowest cluster ids.
 *
 * Each cluster keeps only its best partner in the heap. Average linkage is reducible (the mean
 * to a merged cluster never exceeds the better of the two means), so after a merge only the
 * clusters whose best partner was one of the two merged need a new look. Link sums are read
 * from the members' edges when needed: no per-cluster maps.
 */
export function averageLinkage(graph: Graph, threshold: number): Int32Array {
  const n = graph.size;
  const { offsets, targets, weights } = graph;
  const size = new Int32Array(n).fill(1);
  const root = new Int32Array(n);
  const next = new Int32Array(n).fill(-1);
  const tail = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    root[i] = i;
    tail[i] = i;
  }
  const bestOf = new Int32Array(n).fill(-1);
  const version = new Int32Array(n);
  const alive = new Uint8Array(n).fill(1);
  const heap = new PairHeap();
  const sums = new Float64Array(n);
  const touched: number[] = [];
  /** Sums c's links per neighbouring cluster into `sums`/`touched` (caller resets). */
  const gather = (c: number) => {
    touched.length = 0;
    for (let m = c; m !== -1; m = next[m]!) {
      for (let e = offsets[m]!; e < offsets[m + 1]!; e++) {
        const d = root[targets[e]!]!;
        if (d === c) continue;
        if (sums[d] === 0) touched.push(d);
        sums[d]! += weights[e]!;
      }
    }
  };
  /** Finds c's best partner (highest mean, then lowest id) and queues it when >= threshold. */
  const refresh = (c: number, keepTouched = false) => {
    version[c]!++;
    gather(c);
    let best = -1;
    let bestMean = threshold;
    for (const d of touched) {
      const mean = sums[d]! / (size[c]! * size[d]!);
      if (mean > bestMean || (mean === bestMean && (best === -1 || d < best))) {
        best = d;
        bestMean = mean;
      }
    }
    bestOf[c] = best;
    if (best !== -1) heap.push(bestMean, Math.min(c, best), Math.max(c, best), c, version[c]!);
    for (const d of touched) sums[d] = 0;
    return keepTouched ? touched.slice() : undefined;
  };
  for (let i = 0; i < n; i++) if (offsets[i + 1]! > offsets[i]!) refresh(i);
  while (heap.size > 0) {
    heap.pop();
    const owner = heap.topOwner;
    // Stale: the owner was merged away or has looked again since.
    if (!alive[owner] || version[owner] !== heap.topVersion) continue;
    const x = heap.topA;
    const y = heap.topB;
    if (!alive[x] || !alive[y]) {
      refresh(owner);
      continue;
    }
    // The larger cluster absorbs the smaller: each keyword is relabelled O(log n) times.
    const [a, b] = size[x]! >= size[y]! ? [x, y] : [y, x];
    alive[b] = 0;
    version[b]!++;
    for (let m = b; m !== -1; m = next[m]!) root[m] = a;
    next[tail[a]!] = b;
    tail[a] = tail[b]!;
    size[a]! += size[b]!;
    const neighbours = refresh(a, true)!;
    for (const c of neighbours) if (bestOf[c] === a || bestOf[c] === b) refresh(c);
  }
  const labels = root.slice();
  compact(labels);
  return labels;
}

/**
 * Max-heap of candidate merges on score, then lowest (a, b), so the merge order does not depend
 * on insertion order. Each entry also records which cluster queued it and that cluster's version.
 * Parallel typed arrays: many entries without an object each.
 */
class PairHeap {
  private score = new Float64Array(1024);
  private a = new Int32Array(1024);
  private b = new Int32Array(1024);
  private owner = new Int32Array(1024);
  private version = new Int32Array(1024);
  size = 0;
  topA = 0;
  topB = 0;
  topOwner = 0;
  topVersion = 0;
  private before(x: number, y: number): boolean {
    const { score, a, b } = this;
    if (score[x] !== score[y]) return score[x]! > score[y]!;
    if (a[x] !== a[y]) return a[x]! < a[y]!;
    return b[x]! < b[y]!;
  }
  private swap(x: number, y: number) {
    const { score, a, b, owner, version } = this;
    const s = score[x]!;
    score[x] = score[y]!;
    score[y] = s;
    let t = a[x]!;
    a[x] = a[y]!;
    a[y] = t;
    t = b[x]!;
    b[x] = b[y]!;
    b[y] = t;
    t = owner[x]!;
    owner[x] = owner[y]!;
    owner[y] = t;
    t = version[x]!;
    version[x] = version[y]!;
    version[y] = t;
  }
  private grow() {
    const capacity = this.score.length * 2;
    const extend = <T extends Float64Array | Int32Array>(old: T, next: T) => {
      next.set(old);
      return next;
    };
    this.score = extend(this.score, new Float64Array(capacity));
    this.a = extend(this.a, new Int32Array(capacity));
    this.b = extend(this.b, new Int32Array(capacity));
    this.owner = extend(this.owner, new Int32Array(capacity));
    this.version = extend(this.version, new Int32Array(capacity));
  }
  push(score: number, a: number, b: number, owner: number, version: number) {
    if (this.size === this.score.length) this.grow();
    let i = this.size++;
    this.score[i] = score;
    this.a[i] = a;
    this.b[i] = b;
    this.owner[i] = owner;
    this.version[i] = version;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (!this.before(i, up)) break;
      this.swap(i, up);
      i = up;
    }
  }
  /** Removes the best entry into topA, topB, topOwner, topVersion. */
  pop() {
    this.topA = this.a[0]!;
    this.topB = this.b[0]!;
    this.topOwner = this.owner[0]!;
    this.topVersion = this.version[0]!;
    const last = --this.size;
    if (last === 0) return;
    this.swap(0, last);
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < last && this.before(l, best)) best = l;
      if (r < last && this.before(r, best)) best = r;
      if (best === i) break;
      this.swap(i, best);
      i = best;
    }
  }
}
