import { describe, expect, it } from "vitest";
import { useAccount } from "../actor";
import { Site } from "../site";
import { siteEntity } from "../site/site.entity";
import { useTestTable, withTestAccount } from "../testing";
import { Transaction } from "../transaction";
import { isVisibleError, type VisibleError } from "../util/error";
import { Limit } from "./index";

useTestTable();

const site = (n: number) => ({ name: `Site ${n}`, url: `https://site-${n}.example.com` });

async function countSites() {
  const result = await siteEntity().query.byId({ accountId: useAccount() }).go({ pages: "all" });
  return result.data.length;
}

describe("Limit", () => {
  it("lets exactly one of two racing creates take the last max_sites slot and writes nothing for the other", async () => {
    await withTestAccount(
      async () => {
        const results = await Promise.allSettled([Site.create(site(1)), Site.create(site(2))]);
        const fulfilled = results.filter((r) => r.status === "fulfilled");
        const rejected = results.filter((r) => r.status === "rejected");
        expect(fulfilled).toHaveLength(1);
        expect(rejected).toHaveLength(1);
        const error = rejected[0]!.reason as VisibleError;
        expect(error.code).toBe("plan.limit_reached");
        expect(error.kind).toBe("limit");
        expect(error.details).toMatchObject({ limit: "max_sites", max: 1, current: 1 });
        expect(await countSites()).toBe(1);
        expect(await Limit.current({ limit: "max_sites" })).toBe(1);
      },
      { planId: "free" },
    );
  });

  it("never overshoots under ten parallel creates (starter: 3 sites)", async () => {
    await withTestAccount(
      async () => {
        const results = await Promise.allSettled(Array.from({ length: 10 }, (_, n) => Site.create(site(n))));
        expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
        for (const r of results.filter((r) => r.status === "rejected")) {
          expect(isVisibleError((r as PromiseRejectedResult).reason)).toBe(true);
          expect(((r as PromiseRejectedResult).reason as VisibleError).code).toBe("plan.limit_reached");
        }
        expect(await countSites()).toBe(3);
        expect(await Limit.current({ limit: "max_sites" })).toBe(3);
      },
      { planId: "starter" },
    );
  });

  it("gives the slot back when a site is deleted, once", async () => {
    await withTestAccount(
      async () => {
        const created = await Site.create(site(1));
        await expect(Site.create(site(2))).rejects.toMatchObject({ code: "plan.limit_reached" });
        await Site.remove({ siteId: created.siteId });
        await expect(Site.remove({ siteId: created.siteId })).rejects.toMatchObject({ code: "site.not_found" });
        expect(await Limit.current({ limit: "max_sites" })).toBe(0);
        await Site.create(site(3));
        expect(await countSites()).toBe(1);
      },
      { planId: "free" },
    );
  });

  it("counts windowed, site-scoped limits per site and per UTC day, and refunds a reservation", async () => {
    await withTestAccount(
      async () => {
        const a = await Site.create(site(1));
        const b = await Site.create(site(2));
        const day = new Date("2030-01-01T10:00:00Z");
        await Limit.consume({ limit: "daily_content_tasks", siteId: a.siteId, now: day, amount: 24 });
        await Limit.consume({ limit: "daily_content_tasks", siteId: a.siteId, now: day });
        await expect(Limit.consume({ limit: "daily_content_tasks", siteId: a.siteId, now: day })).rejects.toMatchObject({
          code: "plan.limit_reached",
          details: { limit: "daily_content_tasks", max: 25, current: 25, siteId: a.siteId },
        });
        // Another site and another day have their own counters.
        await Limit.consume({ limit: "daily_content_tasks", siteId: b.siteId, now: day });
        await Limit.consume({ limit: "daily_content_tasks", siteId: a.siteId, now: new Date("2030-01-02T00:00:01Z") });
        // A refund frees one slot of the original window.
        await Transaction.write([
          Limit.release({ limit: "daily_content_tasks", siteId: a.siteId, window: Limit.windowOf("daily_content_tasks", day) }),
        ]);
        await Limit.consume({ limit: "daily_content_tasks", siteId: a.siteId, now: day });
        expect(Limit.windowOf("monthly_word_count_limit", day)).toBe("m2030-01");
      },
      { planId: "starter" },
    );
  });

  it("refuses an amount larger than the whole limit, and takes amounts atomically", async () => {
    await withTestAccount(
      async () => {
        const a = await Site.create(site(1));
        await expect(
          Limit.consume({ limit: "monthly_word_count_limit", siteId: a.siteId, amount: 20_001 }),
        ).rejects.toMatchObject({ code: "plan.limit_reached", details: { max: 20_000, current: 0, amount: 20_001 } });
        await Limit.consume({ limit: "monthly_word_count_limit", siteId: a.siteId, amount: 15_000 });
        await expect(
          Limit.consume({ limit: "monthly_word_count_limit", siteId: a.siteId, amount: 6_000 }),
        ).rejects.toMatchObject({ code: "plan.limit_reached", details: { current: 15_000 } });
        expect(await Limit.current({ limit: "monthly_word_count_limit", siteId: a.siteId })).toBe(15_000);
      },
      { planId: "free" },
    );
  });

  it("does not count unlimited plans against anything but still counts use", async () => {
    await withTestAccount(async () => {
      await Promise.all(Array.from({ length: 5 }, (_, n) => Site.create(site(n))));
      const usage = await Limit.usage();
      const sites = usage.limits.find((entry) => entry.limit === "max_sites")!;
      expect(sites).toMatchObject({ max: null, used: 5 });
      expect(usage.limits.map((entry) => entry.limit)).toContain("storage_quota_gb");
    });
  });

  it("requires a site for site-scoped limits", async () => {
    await withTestAccount(async () => {
      await expect(Limit.reserve({ limit: "daily_ai_requests" })).rejects.toThrow(/per site/);
    });
  });
});
