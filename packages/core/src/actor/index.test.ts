import { describe, expect, it } from "vitest";
import { VisibleError } from "../util/error";
import { useAccount, useActor, withActor } from "./index";

describe("actor context", () => {
  it("is public outside any actor, and useAccount refuses", () => {
    expect(useActor().type).toBe("public");
    expect(() => useAccount()).toThrow(VisibleError);
  });

  it("carries the account through async work and keeps concurrent actors apart", async () => {
    const seen = await Promise.all(
      ["acc_a", "acc_b"].map((accountId) =>
        withActor({ type: "system", properties: { accountId } }, async () => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          return useAccount();
        }),
      ),
    );
    expect(seen).toEqual(["acc_a", "acc_b"]);
  });

  it("a system actor without an account cannot read tenant data", () => {
    withActor({ type: "system", properties: {} }, () => {
      expect(() => useAccount()).toThrow(/Sign in/);
    });
  });
});
