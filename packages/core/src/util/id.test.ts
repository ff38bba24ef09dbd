import { describe, expect, it } from "vitest";
import { createId, isId } from "./id";

describe("createId", () => {
  it("prefixes a lower-case ULID with the kind's prefix", () => {
    const id = createId("keyword");
    expect(id).toMatch(/^kw_[0-9a-z]{26}$/);
    expect(isId("keyword", id)).toBe(true);
    expect(isId("cluster", id)).toBe(false);
  });

  it("sorts by creation order, also within one millisecond", () => {
    const ids = Array.from({ length: 1000 }, () => createId("task"));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
