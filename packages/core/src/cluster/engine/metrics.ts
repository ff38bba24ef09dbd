/**
 * External clustering scores: compare a predicted partition with reference labels over the same
 * items. A predicted label of null means "unclustered": the item counts as a cluster of its own.
 */
export type Label = string | number;

export interface PartitionScores {
  items: number;
  bcubedPrecision: number;
  bcubedRecall: number;
  bcubedF1: number;
  ari: number;
  nmi: number;
  /** Share of items placed in a predicted cluster of two or more. */
  coverage: number;
  predictedClusters: number;
  referenceClusters: number;
}

function resolve(predicted: (Label | null)[]): string[] {
  return predicted.map((label, i) => (label === null ? `\u0000singleton:${i}` : `p:${label}`));
}

function sizes(labels: string[]): Map<string, number> {
  const map = new Map<string, number>();
  for (const label of labels) map.set(label, (map.get(label) ?? 0) + 1);
  return map;
}

const choose2 = (x: number) => (x * (x - 1)) / 2;

export function scorePartition(reference: Label[], predicted: (Label | null)[]): PartitionScores {
  if (reference.length !== predicted.length) {
    throw new Error(
      `scorePartition: ${reference.length} reference labels, ${predicted.length} predicted`,
    );
  }
  const n = reference.length;
  const truth = reference.map((label) => `r:${label}`);
  const guess = resolve(predicted);
  const truthSize = sizes(truth);
  const guessSize = sizes(guess);
  const joint = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const key = `${guess[i]}\u0001${truth[i]}`;
    joint.set(key, (joint.get(key) ?? 0) + 1);
  }
  let precision = 0;
  let recall = 0;
  let covered = 0;
  for (let i = 0; i < n; i++) {
    const both = joint.get(`${guess[i]}\u0001${truth[i]}`)!;
    precision += both / guessSize.get(guess[i]!)!;
    recall += both / truthSize.get(truth[i]!)!;
    if (guessSize.get(guess[i]!)! >= 2) covered++;
  }
  precision = n ? precision / n : 1;
  recall = n ? recall / n : 1;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;

  let index = 0;
  for (const c of joint.values()) index += choose2(c);
  let sumGuess = 0;
  for (const c of guessSize.values()) sumGuess += choose2(c);
  let sumTruth = 0;
  for (const c of truthSize.values()) sumTruth += choose2(c);
  const expected = n > 1 ? (sumGuess * sumTruth) / choose2(n) : 0;
  const max = (sumGuess + sumTruth) / 2;
  const ari = max === expected ? 1 : (index - expected) / (max - expected);

  const entropy = (counts: Iterable<number>) => {
    let h = 0;
    for (const c of counts) if (c > 0) h -= (c / n) * Math.log(c / n);
    return h;
  };
  const hGuess = entropy(guessSize.values());
  const hTruth = entropy(truthSize.values());
  let mutual = 0;
  for (const [key, c] of joint) {
    const [g, t] = key.split("\u0001") as [string, string];
    mutual += (c / n) * Math.log((c * n) / (guessSize.get(g)! * truthSize.get(t)!));
  }
  const nmi = hGuess + hTruth === 0 ? 1 : mutual / ((hGuess + hTruth) / 2);

  return {
    items: n,
    bcubedPrecision: precision,
    bcubedRecall: recall,
    bcubedF1: f1,
    ari,
    nmi: Math.max(0, Math.min(1, nmi)),
    coverage: n ? covered / n : 0,
    predictedClusters: guessSize.size,
    referenceClusters: truthSize.size,
  };
}
