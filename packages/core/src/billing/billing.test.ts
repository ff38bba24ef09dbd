import { describe, expect, it } from "vitest";
import { withActor } from "../actor";
import { Limit } from "../limit";
import { Site } from "../site";
import { Testing } from "../testing";
import { VisibleError } from "../util/error";
import { createId } from "../util/id";
import { Credits } from "./index";

Testing.useTestTable();

const step = (subject: string, name = "content", version = "g1") => ({
  subject,
  step: name,
  version,
  function: "content" as const,
});

async function rejectsWith(promise: Promise<unknown>, code: string) {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(VisibleError);
  expect((error as VisibleError).code).toBe(code);
  return error as VisibleError;
}

describe("Credits", () => {
  it("grants the plan's monthly credits once per month, also when asked concurrently", async () => {
    const planId = await Testing.planWith({ monthly_credits: 1000 });
    await Testing.withTestAccount(
      async () => {
        const plan = await Limit.currentPlan();
        Credits.forgetGrants();
        const results = await Promise.all(
          Array.from({ length: 6 }, async () => {
            Credits.forgetGrants();
            return Credits.ensureMonthlyGrant(plan);
          }),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        const next = new Date(Date.UTC(2099, 0, 15));
        expect(await Credits.ensureMonthlyGrant(plan, next)).toBe(true);
        const balance = await Credits.balance();
        expect(balance).toMatchObject({ balance: 2000, held: 0, available: 2000, metered: true, monthlyCredits: 1000 });
        const ledger = await Credits.ledger({});
        expect(ledger.items.map((entry) => entry.entryKey).sort()).toEqual([
          `grant#monthly#m${new Date().toISOString().slice(0, 7)}`,
          "grant#monthly#m2099-01",
        ]);
        expect((await Credits.audit()).consistent).toBe(true);
      },
      { planId },
    );
  });

  it("holds before the call, charges what was measured (never above the hold) and gives the rest back", async () => {
    const planId = await Testing.planWith({ monthly_credits: 100 });
    await Testing.withTestAccount(
      async () => {
        const subject = createId("task");
        const held = await Credits.hold({ ...step(subject), amount: 30 });
        expect(await Credits.balance()).toMatchObject({ balance: 100, held: 30, available: 70 });
        await Credits.settle(held, { credits: 12, usage: { promptTokens: 4000, completionTokens: 2000, totalTokens: 6000 }, description: "content" });
        expect(await Credits.balance()).toMatchObject({ balance: 88, held: 0, available: 88, month: { spent: 12, committed: 12 } });

        const capped = await Credits.hold({ ...step(subject, "image_prompts"), amount: 5 });
        await Credits.settle(capped, { credits: 9, description: "over its estimate" });
        const entries = (await Credits.ledger({ kind: "usage" })).items;
        expect(entries.find((e) => e.step === "image_prompts")).toMatchObject({ amount: -5, cappedFrom: 9 });
        expect(entries.find((e) => e.step === "content")).toMatchObject({
          amount: -12,
          subject,
          tokens: { prompt: 4000, completion: 2000, total: 6000 },
        });
        expect(await Credits.chargedFor(subject, "g1")).toBe(17);
        expect(await Credits.audit()).toMatchObject({ balance: 83, ledgerSum: 83, held: 0, openHolds: 0, consistent: true });
      },
      { planId },
    );
  });

  it("refuses a hold that cannot be paid with credits.insufficient and writes nothing", async () => {
    const siteLimited = await Testing.planWith({ monthly_credits: 10, daily_ai_requests: 5 });
    await Testing.withTestAccount(
      async () => {
        const { siteId } = await Site.create({ name: "S", url: "https://s.example" });
        const error = await rejectsWith(
          Credits.hold({ ...step(createId("task")), amount: 11, siteId, limits: [{ limit: "daily_ai_requests" }] }),
          "credits.insufficient",
        );
        expect(error.kind).toBe("payment");
        expect(error.details).toMatchObject({ required: 11, available: 10 });
        expect(await Limit.current({ limit: "daily_ai_requests", siteId })).toBe(0);
        expect(await Credits.openHolds()).toEqual([]);
        expect(await Credits.audit()).toMatchObject({ balance: 10, consistent: true });
      },
      { planId: siteLimited },
    );
  });

  it("releases a failed call's hold with its limit counters; a hold settles or releases once", async () => {
    const planId = await Testing.planWith({ monthly_credits: 50, daily_ai_requests: 2 });
    await Testing.withTestAccount(
      async () => {
        const { siteId } = await Site.create({ name: "S", url: "https://s.example" });
        const subject = createId("task");
        const first = await Credits.hold({ ...step(subject), amount: 20, siteId, limits: [{ limit: "daily_ai_requests" }] });
        expect(await Limit.current({ limit: "daily_ai_requests", siteId })).toBe(1);
        expect(await Credits.release(first)).toBe(true);
        expect(await Credits.release(first)).toBe(false);
        expect(await Limit.current({ limit: "daily_ai_requests", siteId })).toBe(0);
        await rejectsWith(Credits.settle(first, { credits: 5, description: "late" }), "credits.hold_closed");

        const second = await Credits.hold({ ...step(subject), amount: 20, siteId, limits: [{ limit: "daily_ai_requests" }] });
        await Credits.settle(second, { credits: 5, description: "ok" });
        expect(await Credits.release(second)).toBe(false);
        // The step was paid: another attempt of the same (subject, step, version) cannot pay again.
        const third = await Credits.hold({ ...step(subject), amount: 20, siteId, limits: [{ limit: "daily_ai_requests" }] });
        await rejectsWith(Credits.settle(third, { credits: 5, description: "again" }), "credits.entry_exists");
        expect(await Credits.release(third)).toBe(true);
        expect(await Credits.audit()).toMatchObject({ balance: 45, held: 0, consistent: true });
        expect(await Limit.current({ limit: "daily_ai_requests", siteId })).toBe(1);
        // The same attempt key twice is one hold.
        const a = await Credits.hold({ ...step(subject, "content", "g2"), attempt: "a1", amount: 3 });
        const b = await Credits.hold({ ...step(subject, "content", "g2"), attempt: "a1", amount: 3 });
        expect(b.holdKey).toBe(a.holdKey);
        expect((await Credits.balance()).held).toBe(3);
      },
      { planId },
    );
  });

  it("enforces the monthly and the per-run budget caps at hold time", async () => {
    const planId = await Testing.planWith({ monthly_credits: 1000 });
    await Testing.withTestAccount(
      async () => {
        await Credits.setBudgets({ perRun: null, perMonth: 50 });
        const subject = createId("task");
        const held = await Credits.hold({ ...step(subject), amount: 40 });
        await rejectsWith(Credits.hold({ ...step(subject, "image_prompts"), amount: 11 }), "credits.monthly_budget_reached");
        await Credits.settle(held, { credits: 30, description: "x" });
        // 30 spent, 20 left this month
        await Credits.release(await Credits.hold({ ...step(subject, "image_prompts"), amount: 20 }));
        await rejectsWith(Credits.hold({ ...step(subject, "image_prompts"), amount: 60 }), "credits.monthly_budget_reached");

        await Credits.setBudgets({ perRun: 25, perMonth: null });
        const runId = createId("contentRun");
        const r1 = await Credits.hold({ ...step(subject, "a"), amount: 15, runId, runCap: 25 });
        await rejectsWith(Credits.hold({ ...step(subject, "b"), amount: 15, runId, runCap: 25 }), "credits.run_budget_reached");
        await Credits.settle(r1, { credits: 5, description: "x" });
        await Credits.settle(await Credits.hold({ ...step(subject, "b"), amount: 15, runId, runCap: 25 }), { credits: 15, description: "x" });
        await rejectsWith(Credits.hold({ ...step(subject, "c"), amount: 6, runId, runCap: 25 }), "credits.run_budget_reached");
        expect(await Credits.readBudgets()).toEqual({ perRun: 25, perMonth: null });
        expect((await Credits.audit()).consistent).toBe(true);
      },
      { planId },
    );
  });

  it("counts a call's expected cost against its run's cap, the worst case against the balance, and never charges a run past its cap", async () => {
    const planId = await Testing.planWith({ monthly_credits: 1000 });
    await Testing.withTestAccount(
      async () => {
        const subject = createId("task");
        const runId = createId("contentRun");
        const run = (name: string, amount: number, expected: number) => ({ ...step(subject, name), amount, expected, runId, runCap: 30 });
        // Three calls expected at 10 each fit a cap of 30 although each holds 25 from the balance.
        const a = await Credits.hold(run("a", 25, 10));
        const b = await Credits.hold(run("b", 25, 10));
        const c = await Credits.hold(run("c", 25, 10));
        expect((await Credits.balance()).held).toBe(75);
        await rejectsWith(Credits.hold(run("d", 25, 1)), "credits.run_budget_reached");
        // a cost less than expected, b more (room: 30 - 10 (c) - 8 (a) = 12, so all 12 fit).
        expect(await Credits.settle(a, { credits: 8, description: "a" })).toBe(8);
        expect(await Credits.settle(b, { credits: 12, description: "b" })).toBe(12);
        // c measured 14 but only 10 are left under the cap: charged 10, the entry says what it measured.
        expect(await Credits.settle(c, { credits: 14, description: "c" })).toBe(10);
        const entries = (await Credits.ledger({ kind: "usage", subject })).items;
        expect(entries.map((e) => -e.amount).reduce((x, y) => x + y, 0)).toBe(30);
        expect(entries.find((e) => e.step === "c")).toMatchObject({ amount: -10, cappedFrom: 14 });
        await rejectsWith(Credits.hold(run("e", 25, 1)), "credits.run_budget_reached");
        // A released hold gives back what it counted against the run.
        const other = createId("contentRun");
        const f = await Credits.hold({ ...step(subject, "f"), amount: 25, expected: 20, runId: other, runCap: 20 });
        await Credits.release(f);
        await Credits.settle(await Credits.hold({ ...step(subject, "g"), amount: 25, expected: 20, runId: other, runCap: 20 }), { credits: 20, description: "g" });
        expect(await Credits.audit()).toMatchObject({ consistent: true, held: 0 });
      },
      { planId },
    );
  });

  it("settles concurrent calls of a capped run within the cap", async () => {
    const planId = await Testing.planWith({ monthly_credits: 1000 });
    await Testing.withTestAccount(
      async () => {
        const subject = createId("task");
        const runId = createId("contentRun");
        const holds = await Promise.all(
          Array.from({ length: 6 }, (_, i) => Credits.hold({ ...step(subject, `s${i}`), amount: 20, expected: 5, runId, runCap: 30 })),
        );
        // Each measured 7 (over its expected 5): together they would pass the cap of 30.
        const charged = await Promise.all(holds.map((held, i) => Credits.settle(held, { credits: 7, description: `s${i}` })));
        expect(charged.reduce((x, y) => x + y, 0)).toBe(30);
        const entries = (await Credits.ledger({ kind: "usage", subject })).items;
        expect(entries.map((e) => -e.amount).reduce((x, y) => x + y, 0)).toBe(30);
        expect(await Credits.audit()).toMatchObject({ consistent: true, held: 0 });
      },
      { planId },
    );
  });

  it("gives stale holds back when a new hold needs their credits", async () => {
    const planId = await Testing.planWith({ monthly_credits: 30 });
    await Testing.withTestAccount(
      async () => {
        const past = new Date(Date.now() - 60 * 60_000);
        await Credits.hold({ ...step(createId("task")), amount: 25, now: past });
        const held = await Credits.hold({ ...step(createId("task")), amount: 20 });
        expect(held.amount).toBe(20);
        expect(await Credits.audit()).toMatchObject({ held: 20, openHolds: 20, consistent: true });
      },
      { planId },
    );
  });

  it("keeps ledger sum = balance and open holds = held under concurrent holds, settles, releases and grants", async () => {
    const planId = await Testing.planWith({ monthly_credits: 500 });
    await Testing.withTestAccount(
      async (accountId) => {
        let seed = 7;
        const random = () => {
          seed = (seed * 1103515245 + 12345) % 2 ** 31;
          return seed / 2 ** 31;
        };
        const plan = { charged: 0, refused: 0 };
        const work = Array.from({ length: 40 }, async (_, i) => {
          const subject = createId("task");
          const amount = 1 + Math.floor(random() * 40);
          const outcome = random();
          const measured = Math.floor(random() * amount * 1.5);
          try {
            const held = await Credits.hold({ ...step(subject), amount });
            if (outcome < 0.3) await Credits.release(held);
            else {
              // Two attempts racing to settle the same step: only one pays.
              const results = await Promise.allSettled([
                Credits.settle(held, { credits: measured, description: "a" }),
                Credits.settle(held, { credits: measured, description: "b" }),
              ]);
              expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
              plan.charged += Math.min(measured, amount);
            }
          } catch (error) {
            if ((error as VisibleError).code !== "credits.insufficient") throw error;
            plan.refused++;
          }
          if (i % 10 === 0) {
            await withActor({ type: "system", properties: {} }, () =>
              Credits.adminGrant({ accountId, amount: 25, reason: "top-up", idempotencyKey: `top-up-${i}-${accountId}` }),
            );
          }
        });
        await Promise.all(work);
        const audit = await Credits.audit();
        expect(audit).toMatchObject({ held: 0, openHolds: 0, consistent: true });
        expect(audit.balance).toBe(500 + 4 * 25 - plan.charged);
        // A repeated admin grant with the same key grants once.
        await withActor({ type: "system", properties: {} }, () =>
          Credits.adminGrant({ accountId, amount: 25, reason: "top-up", idempotencyKey: `top-up-0-${accountId}` }),
        );
        expect((await Credits.audit()).balance).toBe(audit.balance);
      },
      { planId },
    );
  });

  it("meters accounts on unlimited plans without refusing, and the ledger still adds up", async () => {
    await Testing.withTestAccount(async () => {
      const held = await Credits.hold({ ...step(createId("task")), amount: 1_000_000 });
      await Credits.settle(held, { credits: 42, description: "x" });
      expect(await Credits.balance()).toMatchObject({ balance: -42, metered: false });
      expect((await Credits.audit()).consistent).toBe(true);
    });
  });
});
