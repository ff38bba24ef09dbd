import { describe, expect, it } from "vitest";
import {
  backoffDelay,
  formatDuration,
  parseDuration,
  rateLimitHeaders,
  retryAfterMs,
  sleep,
} from "./backoff";
import { estimateTokens, limiterKey, sharedLimiter, TokenBucketLimiter } from "./limiter";

describe("headers", () => {
  it("parses OpenAI reset durations", () => {
    expect(parseDuration("6m0s")).toBe(360_000);
    expect(parseDuration("1s")).toBe(1_000);
    expect(parseDuration("20ms")).toBe(20);
    expect(parseDuration("1h2m3.5s")).toBe(3_723_500);
    expect(parseDuration("0.5s")).toBe(500);
    expect(parseDuration("2")).toBe(2_000);
    expect(parseDuration("soon")).toBeUndefined();
    expect(parseDuration("5s junk")).toBeUndefined();
    for (const ms of [0, 20, 999, 1_000, 1_500, 59_999, 360_000, 3_723_500]) {
      expect(parseDuration(formatDuration(ms))).toBeCloseTo(ms, 0);
    }
  });

  it("prefers retry-after-ms, then retry-after in seconds or as a date", () => {
    expect(retryAfterMs(new Headers({ "retry-after-ms": "250", "retry-after": "9" }))).toBe(250);
    expect(retryAfterMs(new Headers({ "retry-after": "3" }))).toBe(3_000);
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(retryAfterMs(new Headers({ "retry-after": "Thu, 01 Jan 2026 00:00:05 GMT" }), now)).toBe(
      5_000,
    );
    expect(retryAfterMs(new Headers({}))).toBeUndefined();
  });

  it("reads the x-ratelimit family", () => {
    const headers = rateLimitHeaders({
      "x-ratelimit-limit-requests": "500",
      "x-ratelimit-remaining-requests": "0",
      "x-ratelimit-reset-requests": "120ms",
      "x-ratelimit-limit-tokens": "200000",
      "x-ratelimit-remaining-tokens": "199000",
      "x-ratelimit-reset-tokens": "6m0s",
    });
    expect(headers).toEqual({
      limitRequests: 500,
      remainingRequests: 0,
      resetRequestsMs: 120,
      limitTokens: 200_000,
      remainingTokens: 199_000,
      resetTokensMs: 360_000,
    });
  });

  it("backs off with full jitter under a growing, capped ceiling", () => {
    expect(backoffDelay(0, 100, 1_000, () => 0.999)).toBe(99);
    expect(backoffDelay(3, 100, 1_000, () => 0.999)).toBe(799);
    expect(backoffDelay(10, 100, 1_000, () => 0.999)).toBe(999);
    expect(backoffDelay(10, 100, 1_000, () => 0)).toBe(0);
    const samples = Array.from({ length: 200 }, () => backoffDelay(4, 100, 10_000));
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...samples)).toBeLessThan(1_600);
    expect(new Set(samples).size).toBeGreaterThan(50);
  });

  it("sleep rejects with the abort reason", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("stop")), 10);
    await expect(sleep(10_000, controller.signal)).rejects.toThrow("stop");
  });
});

describe("TokenBucketLimiter", () => {
  const headroomMs = 0;

  it("grants a burst up to the limit, then one per refill interval, in FIFO order", async () => {
    const limiter = new TokenBucketLimiter({ requestsPerWindow: 5, windowMs: 500, headroomMs });
    const order: number[] = [];
    const started = Date.now();
    const times: number[] = [];
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        limiter.acquire({ tokens: 0 }).then((permit) => {
          order.push(i);
          times.push(Date.now() - started);
          permit.settle(0);
        }),
      ),
    );
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(times[4]).toBeLessThan(80);
    // Five more at 100 ms each.
    expect(times[9]).toBeGreaterThanOrEqual(480);
    expect(limiter.stats()).toMatchObject({ granted: 10, queued: 0 });
  });

  it("keeps a burst headroom below the limit but the full sustained rate", async () => {
    const limiter = new TokenBucketLimiter({
      requestsPerWindow: 10,
      windowMs: 1_000,
      headroomMs: 300,
    });
    const started = Date.now();
    const times: number[] = [];
    await Promise.all(
      Array.from({ length: 10 }, () =>
        limiter.acquire({ tokens: 0 }).then(() => times.push(Date.now() - started)),
      ),
    );
    // 7 at once (10 minus 300 ms of refill), then 3 more at 100 ms each.
    expect(times.filter((t) => t < 60)).toHaveLength(7);
    expect(times.at(-1)).toBeGreaterThanOrEqual(280);
  });

  it("budgets tokens, gives back the difference when usage comes in lower, and lets a big call through when full", async () => {
    const limiter = new TokenBucketLimiter({ tokensPerWindow: 1_000, windowMs: 1_000, headroomMs });
    const first = await limiter.acquire({ tokens: 800 });
    const secondAt = Date.now();
    const second = limiter.acquire({ tokens: 400 });
    // Real usage of the first was 100: 700 come back and the second fits at once.
    first.settle(100);
    (await second).settle(400);
    expect(Date.now() - secondAt).toBeLessThan(80);
    // Usage above the estimate is charged too: the bucket goes into debt.
    const big = await limiter.acquire({ tokens: 10 });
    big.settle(2_000);
    const waitStart = Date.now();
    await limiter.acquire({ tokens: 1_500 });
    expect(Date.now() - waitStart).toBeGreaterThanOrEqual(1_400);
  });

  it("refund returns the request and the tokens", async () => {
    const limiter = new TokenBucketLimiter({ requestsPerWindow: 1, windowMs: 10_000, headroomMs });
    const permit = await limiter.acquire({ tokens: 0 });
    permit.refund();
    const started = Date.now();
    await limiter.acquire({ tokens: 0 });
    expect(Date.now() - started).toBeLessThan(50);
  });

  it("pauses everyone until a given time", async () => {
    const limiter = new TokenBucketLimiter({ windowMs: 1_000 });
    limiter.pauseUntil(Date.now() + 200);
    const started = Date.now();
    await Promise.all([limiter.acquire({ tokens: 1 }), limiter.acquire({ tokens: 1 })]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(limiter.stats().pauses).toBe(1);
  });

  it("learns an unconfigured limit and its rate from the server's headers", async () => {
    const limiter = new TokenBucketLimiter({ windowMs: 60_000, headroomMs });
    // 10 per window, none left, full again in 1 s: the server refills 10 per second.
    limiter.observe(
      rateLimitHeaders({
        "x-ratelimit-limit-requests": "10",
        "x-ratelimit-remaining-requests": "0",
        "x-ratelimit-reset-requests": "1s",
      }),
    );
    expect(limiter.stats().requestsPerWindow).toBe(10);
    const started = Date.now();
    await limiter.acquire({ tokens: 0 });
    // Remaining 0 synced: the first grant waits one refill interval (100 ms).
    expect(Date.now() - started).toBeGreaterThanOrEqual(80);
    expect(Date.now() - started).toBeLessThan(600);
  });

  it("syncs down to the server's remaining count (other processes use the key too)", async () => {
    const limiter = new TokenBucketLimiter({ requestsPerWindow: 100, windowMs: 1_000, headroomMs });
    limiter.observe({ remainingRequests: 0 });
    const started = Date.now();
    await limiter.acquire({ tokens: 0 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(8);
  });

  it("drops a waiter whose signal aborts and serves the next", async () => {
    const limiter = new TokenBucketLimiter({ requestsPerWindow: 1, windowMs: 300, headroomMs });
    await limiter.acquire({ tokens: 0 });
    const controller = new AbortController();
    const aborted = limiter.acquire({ tokens: 0 }, controller.signal);
    const next = limiter.acquire({ tokens: 0 });
    controller.abort(new Error("gone"));
    await expect(aborted).rejects.toThrow("gone");
    await next;
    expect(limiter.stats()).toMatchObject({ granted: 2, queued: 0 });
  });

  it("is shared per endpoint and key, with the key hashed", () => {
    const a = sharedLimiter("http://x/v1", "sk-one", { requestsPerWindow: 5, windowMs: 1_000 });
    const b = sharedLimiter("http://x/v1/", "sk-one", { requestsPerWindow: 5, windowMs: 1_000 });
    const c = sharedLimiter("http://x/v1", "sk-two", { requestsPerWindow: 5, windowMs: 1_000 });
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    expect(limiterKey("http://x/v1", "sk-one")).not.toContain("sk-one");
  });

  it("estimates tokens as characters / 4 plus the completion budget", () => {
    expect(estimateTokens(["abcd", "efghi"], 100)).toBe(103);
  });
});
