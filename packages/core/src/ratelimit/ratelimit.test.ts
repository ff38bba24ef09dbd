import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { useTestTable } from "../testing";
import { RateLimit } from "./index";

useTestTable();

const rule = (max: number, seconds = 60): RateLimit.Rule => ({
  bucket: "test",
  subject: randomUUID(),
  max,
  seconds,
});

/** An instant `offset` seconds into fixed window number `window` of `seconds`. */
const at = (window: number, offset: number, seconds = 60) => (window * seconds + offset) * 1000;

async function burst(r: RateLimit.Rule, times: number[]) {
  const outcomes = await Promise.all(times.map((now) => RateLimit.hit(r, now)));
  return outcomes.filter((o) => o.allowed).length;
}

describe("RateLimit against DynamoDB", () => {
  it("lets exactly max through a parallel burst", async () => {
    const r = rule(20, 900);
    expect(
      await burst(
        r,
        Array.from({ length: 30 }, () => at(1000, 450, 900)),
      ),
    ).toBe(20);
  });

  it("lets no more than max through a burst that straddles a window boundary", async () => {
    for (const before of [0, 1, 6, 19, 20, 29]) {
      const r = rule(20, 900);
      const times = Array.from({ length: 30 }, (_, i) =>
        i < before ? at(1000, 899.999, 900) : at(1001, 0.001, 900),
      );
      // The old window's hits land first, as they would in time.
      const first = await burst(r, times.slice(0, before));
      const second = await burst(r, times.slice(before));
      expect(first + second, `${before} hits before the boundary`).toBe(20);
    }
  });

  it("forgets the previous window as it slides out", async () => {
    const r = rule(10);
    expect(
      await burst(
        r,
        Array.from({ length: 10 }, () => at(500, 59)),
      ),
    ).toBe(10);
    // 10 hits a second before the boundary weigh ~10 just after it, 5 half way, 0 a window later.
    // Half way: ceil(10 * 0.5) + the hit refused just now.
    expect((await RateLimit.hit(r, at(501, 1))).allowed).toBe(false);
    expect((await RateLimit.peek(r, at(501, 30))).count).toBe(6);
    expect((await RateLimit.hit(r, at(502, 0.5))).allowed).toBe(true);
  });

  it("says when the next hit is allowed, and that hit is allowed", async () => {
    const r = rule(5);
    const times = Array.from({ length: 6 }, () => at(700, 10));
    const outcomes = await Promise.all(times.map((now) => RateLimit.hit(r, now)));
    const blocked = outcomes.find((o) => !o.allowed);
    expect(blocked).toBeDefined();
    // 6 hits at 10 s: the next is allowed once their weight is at most 4, i.e. a third of the
    // next window in: 50 s + 20 s = 70 s.
    expect(blocked?.retryAfter).toBe(70);
    expect((await RateLimit.peek(r, at(700, 10) + 69_000)).count).toBe(5);
    const retry = await RateLimit.hit(r, at(700, 10) + 70_000);
    expect(retry.allowed).toBe(true);
  });

  it("gives a hit back, and ignores counters past their expiry", async () => {
    const r = rule(2);
    await RateLimit.hit(r, at(900, 1));
    await RateLimit.hit(r, at(900, 2));
    await RateLimit.giveBack(r, at(900, 2));
    expect((await RateLimit.peek(r, at(900, 3))).count).toBe(1);
    expect((await RateLimit.peek(r, at(903, 3))).count).toBe(0);
  });

  it("judges with the previous window's weight rounded up", () => {
    const r: RateLimit.Rule = { bucket: "b", subject: "s", max: 20, seconds: 900 };
    expect(RateLimit.judge(r, 6, 14, 0.0001)).toMatchObject({
      allowed: true,
      count: 20,
      remaining: 0,
    });
    expect(RateLimit.judge(r, 6, 15, 0.0001)).toMatchObject({ allowed: false, count: 21 });
    expect(RateLimit.judge(r, 0, 0, 0.5)).toMatchObject({ allowed: true, count: 0, remaining: 20 });
  });
});
