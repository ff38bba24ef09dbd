import { describe, expect, it } from "vitest";
import { scorePartition } from "./metrics";

describe("scorePartition", () => {
  it("matches hand-computed B-cubed, ARI and NMI on a five-item example", () => {
    // Predicted {0,1} {2,3,4}; reference {0,1,2} {3,4}.
    const s = scorePartition(["a", "a", "a", "b", "b"], [1, 1, 2, 2, 2]);
    // Precision per item: 1, 1, 1/3, 2/3, 2/3; recall per item: 2/3, 2/3, 1/3, 1, 1.
    expect(s.bcubedPrecision).toBeCloseTo(11 / 15, 10);
    expect(s.bcubedRecall).toBeCloseTo(11 / 15, 10);
    expect(s.bcubedF1).toBeCloseTo(11 / 15, 10);
    // Pair index 2, expected 4*4/10 = 1.6, max (4+4)/2 = 4: (2-1.6)/(4-1.6).
    expect(s.ari).toBeCloseTo(1 / 6, 10);
    expect(s.nmi).toBeCloseTo(0.4325380677663126, 10);
    expect(s.coverage).toBe(1);
    expect(s.predictedClusters).toBe(2);
    expect(s.referenceClusters).toBe(2);
  });

  it("gives 1 everywhere for identical partitions, whatever the label names", () => {
    const s = scorePartition(["x", "x", "y", "z", "z"], ["p", "p", "q", "r", "r"]);
    expect(s.bcubedF1).toBe(1);
    expect(s.ari).toBe(1);
    expect(s.nmi).toBeCloseTo(1, 12);
  });

  it("counts unclustered (null) items as singletons and out of coverage", () => {
    const s = scorePartition(["a", "a", "a", "b"], [1, 1, null, null]);
    // Precision 1 for all; recall 2/3, 2/3, 1/3, 1.
    expect(s.bcubedPrecision).toBe(1);
    expect(s.bcubedRecall).toBeCloseTo((2 / 3 + 2 / 3 + 1 / 3 + 1) / 4, 12);
    expect(s.coverage).toBe(0.5);
    expect(s.predictedClusters).toBe(3);
  });

  it("scores all-singletons against one reference group as ARI 0, precision 1, recall 1/n", () => {
    const s = scorePartition(["g", "g", "g", "g"], [null, null, null, null]);
    expect(s.ari).toBe(0);
    expect(s.bcubedPrecision).toBe(1);
    expect(s.bcubedRecall).toBe(0.25);
    expect(s.coverage).toBe(0);
  });

  it("refuses label lists of different lengths", () => {
    expect(() => scorePartition(["a"], [1, 2])).toThrow(/1 reference labels, 2 predicted/);
  });
});
