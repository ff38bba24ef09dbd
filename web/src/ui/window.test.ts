import { describe, expect, it } from "vitest";
import { windowRange } from "./window";

describe("windowRange", () => {
  it("renders only the rows in view plus the overscan, whatever the row count", () => {
    const range = windowRange({ scrollTop: 0, viewportHeight: 560, rowHeight: 36, count: 100_000, overscan: 8 });
    expect(range).toEqual({ start: 0, end: 8 + 17, offset: 0, totalHeight: 3_600_000 });
    const deep = windowRange({ scrollTop: 36 * 50_000 + 10, viewportHeight: 560, rowHeight: 36, count: 100_000, overscan: 8 });
    expect(deep.start).toBe(50_000 - 8);
    expect(deep.end - deep.start).toBeLessThanOrEqual(17 + 16);
    expect(deep.offset).toBe(deep.start * 36);
  });

  it("clamps a scroll position past the end (rows removed while scrolled down)", () => {
    const range = windowRange({ scrollTop: 1_000_000, viewportHeight: 360, rowHeight: 36, count: 100, overscan: 2 });
    expect(range.end).toBe(100);
    expect(range.start).toBe(100 - 10 - 2);
  });

  it("handles an empty list and a list shorter than the viewport", () => {
    expect(windowRange({ scrollTop: 0, viewportHeight: 500, rowHeight: 36, count: 0 })).toEqual({ start: 0, end: 0, offset: 0, totalHeight: 0 });
    expect(windowRange({ scrollTop: 40, viewportHeight: 500, rowHeight: 36, count: 3 })).toMatchObject({ start: 0, end: 3 });
  });
});
