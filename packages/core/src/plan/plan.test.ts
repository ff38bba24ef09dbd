import { describe, expect, it } from "vitest";
import { withActor } from "../actor";
import { useTestTable, withTestAccount } from "../testing";
import { Plan } from "./index";

useTestTable();

const operator = <T>(cb: () => Promise<T>) => withActor({ type: "system", properties: {} }, cb);

describe("Plan", () => {
  it("seeds free, starter, growth and scale with every limit, idempotently and without overwriting edits", async () => {
    await Plan.seed();
    const plans = await Plan.list();
    expect(plans.map((p) => p.planId)).toEqual(["free", "starter", "growth", "scale"]);
    for (const plan of plans) expect(Object.keys(plan.limits).sort()).toEqual([...Plan.limitNames].sort());
    await operator(() => Plan.update({ planId: "starter", limits: { max_sites: 7, max_keywords: null } }));
    await Plan.seed();
    Plan.clearCache();
    const starter = await Plan.get({ planId: "starter" });
    expect(starter.limits).toMatchObject({ max_sites: 7, max_keywords: null, max_users: 3 });
  });

  it("lets only operators create or change plans", async () => {
    await withTestAccount(async () => {
      await expect(Plan.update({ planId: "free", name: "Mine" })).rejects.toMatchObject({ code: "authz.superuser_required" });
      await expect(Plan.list({ includeHidden: true })).rejects.toMatchObject({ code: "authz.superuser_required" });
    });
    const { limits } = await Plan.get({ planId: "free" });
    await expect(operator(() => Plan.create({ planId: "free", name: "Again", limits }))).rejects.toMatchObject({
      code: "plan.exists",
    });
    await expect(operator(() => Plan.update({ planId: "nope-plan", name: "x" }))).rejects.toMatchObject({ code: "plan.not_found" });
  });
});
