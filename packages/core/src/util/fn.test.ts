import { describe, expect, it } from "vitest";
import { z } from "zod";
import { VisibleError } from "./error";
import { fn } from "./fn";

const rename = fn(z.object({ name: z.string().min(1).max(10) }).strict(), (input) => input.name.toUpperCase());

describe("fn", () => {
  it("runs the implementation with parsed input and keeps the schema attached", () => {
    expect(rename({ name: "drain" })).toBe("DRAIN");
    expect(rename.schema.shape.name).toBeDefined();
  });

  it("rejects bad input with input.invalid naming the field, before the implementation runs", () => {
    let error: unknown;
    try {
      rename({ name: "" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(VisibleError);
    expect((error as VisibleError).code).toBe("input.invalid");
    expect((error as VisibleError).details.fields?.[0]?.path).toBe("name");
  });

  it("rejects unknown fields on strict schemas", () => {
    expect(() => rename({ name: "a", extra: 1 } as never)).toThrow(/unrecognized/i);
  });
});
