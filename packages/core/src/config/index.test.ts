import { describe, expect, it } from "vitest";
import { load } from "./index";

describe("config", () => {
  it("fills defaults for an empty environment", () => {
    expect(load({}).IGNY8_PIPELINES).toBe("local");
  });

  it("names the malformed setting in one message", () => {
    expect(() => load({ IGNY8_DYNAMO_ENDPOINT: "not a url" })).toThrow(
      /Setting IGNY8_DYNAMO_ENDPOINT is invalid/,
    );
  });
});
