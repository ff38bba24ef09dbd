import { createHash } from "node:crypto";
import type { RateLimitHeaders } from "./backoff";

/**
 * Client-side rate limiting of requests and tokens per provider key.
 *
 * Every caller of one endpoint + key in this process shares one limiter, so parallel pipeline
 * steps queue here instead of stampeding the provider into 429s. In Lambda each container has its
 * own process and therefore its own limiter: containers do not see each other's use. Sharing
 * across processes needs a store both can reach (a DynamoDB-backed bucket updated with conditional
 * writes); `RateLimiter` is the seam for it, and the adapter takes any implementation.
 */
export interface RateLimiter {
  /** Waits (FIFO) until one request and `tokens` fit in the budget, then reserves them. */
  acquire(cost: { tokens: number }, signal?: AbortSignal): Promise<Permit>;
  /** Grants nothing until `epochMs` (a 429's retry-after applies to every caller of the key). */
  pauseUntil(epochMs: number): void;
  /** Learns from a response's `x-ratelimit-*` headers (remaining 0 → wait for the refill). */
  observe(headers: RateLimitHeaders): void;
}

export interface Permit {
  readonly tokens: number;
  /** The call finished: replace the estimate with the tokens the provider counted. */
  settle(actualTokens: number): void;
  /** The provider did not count the call (429, connection failure): give the budget back. */
  refund(): void;
}

export interface Limits {
  requestsPerWindow?: number;
  tokensPerWindow?: number;
  /** The window the limits are counted over: 60 000 ms for per-minute limits. */
  windowMs: number;
  /**
   * Burst headroom, in milliseconds of refill, kept below the server's limit (default 1000). The
   * server sees our requests later than we grant them, and a process that stalls (GC, a busy
   * CPU) sends what it granted meanwhile in one burst; without headroom a client running at the
   * limit gets the occasional 429. It only shrinks the initial burst (by limit * headroomMs /
   * windowMs: 9 of 500 rpm), never the sustained rate.
   */
  headroomMs?: number;
}

const defaultHeadroomMs = 1_000;

/** A continuously refilling bucket, like OpenAI's own; unlimited until it has a limit. */
class Bucket {
  capacity = Number.POSITIVE_INFINITY;
  perMs = 0;
  level = Number.POSITIVE_INFINITY;
  /** The limit as the server states it (capacity is this minus the headroom). */
  limit: number | undefined;
  private updatedAt: number;

  constructor(now: number) {
    this.updatedAt = now;
  }

  get limited() {
    return this.limit !== undefined;
  }

  refill(now: number) {
    if (this.limited)
      this.level = Math.min(this.capacity, this.level + (now - this.updatedAt) * this.perMs);
    this.updatedAt = now;
  }

  /** A cost above the capacity is granted when the bucket is full, leaving it in debt. */
  fits(cost: number) {
    return !this.limited || this.level >= Math.min(cost, this.capacity);
  }

  msUntilFits(cost: number) {
    if (this.fits(cost)) return 0;
    return Math.ceil((Math.min(cost, this.capacity) - this.level) / this.perMs);
  }

  give(amount: number) {
    if (this.limited) this.level = Math.min(this.capacity, this.level + amount);
  }

  take(amount: number) {
    if (this.limited) this.level -= amount;
  }

  /** Sets `limit` per `limit / perMs` ms (undefined: unlimited); the level is kept, clamped. */
  set(limit: number | undefined, perMs: number, headroomMs: number, now: number) {
    this.refill(now);
    if (!limit || limit <= 0 || !(perMs > 0)) {
      this.limit = undefined;
      this.capacity = Number.POSITIVE_INFINITY;
      this.level = Number.POSITIVE_INFINITY;
      this.perMs = 0;
      return;
    }
    const capacity = Math.max(limit / 2, limit - Math.ceil(perMs * headroomMs));
    const wasLimited = this.limited;
    this.limit = limit;
    this.capacity = capacity;
    this.perMs = perMs;
    this.level = wasLimited ? Math.min(this.level, capacity) : capacity;
  }
}

interface Waiter {
  tokens: number;
  resolve: (permit: Permit) => void;
  reject: (reason: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

export interface LimiterStats {
  granted: number;
  /** Grants that had to wait for budget or a pause. */
  waited: number;
  pauses: number;
  queued: number;
  /** Current limits (configured or learned from headers), per `windowMs`. */
  requestsPerWindow?: number;
  tokensPerWindow?: number;
}

type Dimension = "requests" | "tokens";

/** In-process limiter: two buckets, one FIFO queue, one timer. */
export class TokenBucketLimiter implements RateLimiter {
  private readonly buckets: Record<Dimension, Bucket>;
  private readonly queue: Waiter[] = [];
  private pausedUntil = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt = 0;
  private limits: Limits;
  /** Limits set by configuration are kept; unset ones are learned from the server's headers. */
  private readonly configured: Record<Dimension, boolean> = { requests: false, tokens: false };
  private readonly counters = { granted: 0, waited: 0, pauses: 0 };

  constructor(
    limits: Limits,
    private readonly now: () => number = Date.now,
  ) {
    const start = now();
    this.limits = limits;
    this.buckets = { requests: new Bucket(start), tokens: new Bucket(start) };
    this.configure(limits);
  }

  configure(limits: Limits) {
    const now = this.now();
    this.limits = limits;
    const headroom = limits.headroomMs ?? defaultHeadroomMs;
    const apply = (which: Dimension, limit: number | undefined) => {
      const bucket = this.buckets[which];
      if (limit && limit > 0) {
        bucket.set(limit, limit / limits.windowMs, headroom, now);
        this.configured[which] = true;
      } else if (this.configured[which]) {
        // The configuration dropped its limit: forget it and learn the server's again.
        bucket.set(undefined, 0, headroom, now);
        this.configured[which] = false;
      }
    };
    apply("requests", limits.requestsPerWindow);
    apply("tokens", limits.tokensPerWindow);
    this.pump();
  }

  stats(): LimiterStats {
    return {
      ...this.counters,
      queued: this.queue.length,
      requestsPerWindow: this.buckets.requests.limit,
      tokensPerWindow: this.buckets.tokens.limit,
    };
  }

  acquire(cost: { tokens: number }, signal?: AbortSignal): Promise<Permit> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<Permit>((resolve, reject) => {
      const waiter: Waiter = {
        tokens: Math.max(0, Math.ceil(cost.tokens)),
        resolve,
        reject,
        signal,
      };
      if (signal) {
        waiter.onAbort = () => {
          const index = this.queue.indexOf(waiter);
          if (index >= 0) this.queue.splice(index, 1);
          reject(signal.reason);
          this.pump();
        };
        signal.addEventListener("abort", waiter.onAbort, { once: true });
      }
      if (this.queue.length > 0 || !this.canGrant(waiter.tokens)) this.counters.waited++;
      this.queue.push(waiter);
      this.pump();
    });
  }

  pauseUntil(epochMs: number) {
    if (epochMs <= this.pausedUntil) return;
    this.pausedUntil = epochMs;
    this.counters.pauses++;
    this.pump();
  }

  observe(headers: RateLimitHeaders) {
    const now = this.now();
    this.learn(
      "requests",
      headers.limitRequests,
      headers.remainingRequests,
      headers.resetRequestsMs,
      now,
    );
    this.learn("tokens", headers.limitTokens, headers.remainingTokens, headers.resetTokensMs, now);
    this.sync("requests", headers.remainingRequests, headers.resetRequestsMs, now);
    this.sync("tokens", headers.remainingTokens, headers.resetTokensMs, now);
    this.pump();
  }

  /**
   * Adopts the server's limit for a dimension the configuration left open. Its refill rate comes
   * from the headers themselves: OpenAI's reset is the time until the bucket is full again, so
   * (limit - remaining) / reset is the rate, whatever the window.
   */
  private learn(
    which: Dimension,
    limit?: number,
    remaining?: number,
    resetMs?: number,
    now = this.now(),
  ) {
    if (this.configured[which] || !limit || limit <= 0) return;
    const bucket = this.buckets[which];
    const measured =
      remaining !== undefined && resetMs !== undefined && resetMs > 0 && remaining < limit
        ? (limit - remaining) / resetMs
        : undefined;
    const perMs =
      measured ?? (bucket.limit === limit ? bucket.perMs : limit / this.limits.windowMs);
    bucket.set(limit, perMs, this.limits.headroomMs ?? defaultHeadroomMs, now);
  }

  /** The server has seen every process's use of the key: never believe we have more left. */
  private sync(
    which: Dimension,
    remaining: number | undefined,
    resetMs: number | undefined,
    now: number,
  ) {
    if (remaining === undefined) return;
    const bucket = this.buckets[which];
    if (bucket.limited) {
      bucket.refill(now);
      bucket.level = Math.min(bucket.level, remaining);
    } else if (remaining <= 0 && resetMs !== undefined) {
      // A server that states no limit still says when to come back.
      this.pauseUntil(now + resetMs);
    }
  }

  private canGrant(tokens: number) {
    const now = this.now();
    if (now < this.pausedUntil) return false;
    this.buckets.requests.refill(now);
    this.buckets.tokens.refill(now);
    return this.buckets.requests.fits(1) && this.buckets.tokens.fits(tokens);
  }

  private pump() {
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      const now = this.now();
      if (!this.canGrant(head.tokens)) {
        const wait = Math.max(
          this.pausedUntil - now,
          this.buckets.requests.msUntilFits(1),
          this.buckets.tokens.msUntilFits(head.tokens),
          1,
        );
        this.schedule(now + wait);
        return;
      }
      this.queue.shift();
      if (head.signal && head.onAbort) head.signal.removeEventListener("abort", head.onAbort);
      this.buckets.requests.take(1);
      this.buckets.tokens.take(head.tokens);
      this.counters.granted++;
      head.resolve(this.permit(head.tokens));
    }
  }

  private schedule(at: number) {
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.pump();
      },
      Math.max(1, at - this.now()),
    );
  }

  private permit(tokens: number): Permit {
    let open = true;
    const { requests, tokens: budget } = this.buckets;
    return {
      tokens,
      settle: (actualTokens: number) => {
        if (!open) return;
        open = false;
        budget.refill(this.now());
        if (actualTokens < tokens) budget.give(tokens - actualTokens);
        else budget.take(actualTokens - tokens);
        this.pump();
      },
      refund: () => {
        if (!open) return;
        open = false;
        const now = this.now();
        requests.refill(now);
        budget.refill(now);
        requests.give(1);
        budget.give(tokens);
        this.pump();
      },
    };
  }
}

const shared = new Map<string, TokenBucketLimiter>();

/** The endpoint + key a limiter is shared by; the key is hashed so it never sits in memory maps. */
export function limiterKey(baseUrl: string, apiKey: string): string {
  const digest = createHash("sha256").update(apiKey).digest("hex").slice(0, 16);
  return `${baseUrl.replace(/\/+$/, "")}#${digest}`;
}

/** The process-wide limiter for one endpoint and key (created on first use, limits updated). */
export function sharedLimiter(baseUrl: string, apiKey: string, limits: Limits): TokenBucketLimiter {
  const key = limiterKey(baseUrl, apiKey);
  let limiter = shared.get(key);
  if (!limiter) {
    limiter = new TokenBucketLimiter(limits);
    shared.set(key, limiter);
  } else {
    limiter.configure(limits);
  }
  return limiter;
}

/** Estimated tokens of a call before it is made: characters / 4 plus the completion budget. */
export function estimateTokens(texts: string[], completionBudget: number): number {
  const chars = texts.reduce((sum, text) => sum + text.length, 0);
  return Math.ceil(chars / 4) + completionBudget;
}
