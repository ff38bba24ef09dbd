export * as RateLimit from "./index";

import { createHash } from "node:crypto";
import { VisibleError } from "../util/error";
import { windowEntity } from "./window.entity";

/**
 * Rate counters in DynamoDB, so every Lambda sees the same count. Each fixed window of
 * `seconds` has a counter, and a hit is judged on a sliding window: the current window's count
 * plus the previous window's, weighted by how much of it still lies within `seconds` of now.
 * Plain fixed windows let a burst straddling a boundary through twice over; this does not.
 * Counters expire a window after they stop being read (TTL, and ignored in code once past,
 * since TTL deletion lags and the emulator never deletes).
 */
export interface Rule {
  /** Names the counter family: "api-ip", "api-account", "login-email", "login-ip". */
  bucket: string;
  /** Who is counted; hashed before it becomes a key (no raw e-mails or IPs in keys). */
  subject: string;
  max: number;
  seconds: number;
}

export interface Outcome {
  allowed: boolean;
  /** Hits within the sliding window, this one included. */
  count: number;
  remaining: number;
  /** Seconds until one more hit would be allowed, if no other hit comes. */
  retryAfter: number;
}

function keyOf(rule: Rule, window: number) {
  return {
    bucket: rule.bucket,
    subject: createHash("sha256").update(rule.subject).digest("hex").slice(0, 32),
    window,
  };
}

const windowOf = (rule: Rule, now: number) => Math.floor(now / 1000 / rule.seconds);

async function countOf(rule: Rule, window: number, now: number): Promise<number> {
  const result = await windowEntity().get(keyOf(rule, window)).go();
  if (!result.data || result.data.expiresAt <= now / 1000) return 0;
  return result.data.count;
}

/**
 * The sliding-window judgement. `elapsed` is the share of the current window gone by; the
 * previous window's weight is rounded up, so the estimate never lets more through than `max`.
 */
export function judge(rule: Rule, previous: number, current: number, elapsed: number): Outcome {
  const count = Math.ceil(previous * (1 - elapsed)) + current;
  return {
    allowed: count <= rule.max,
    count,
    remaining: Math.max(0, rule.max - count),
    retryAfter: Math.max(1, Math.ceil(secondsUntilAllowed(rule, previous, current, elapsed))),
  };
}

function secondsUntilAllowed(
  rule: Rule,
  previous: number,
  current: number,
  elapsed: number,
): number {
  const budget = rule.max - 1 - current;
  if (budget >= 0) {
    // Within this window, once the previous window's weight has fallen to the budget.
    if (previous <= budget) return 0;
    const at = 1 - budget / previous;
    return Math.max(0, at - elapsed) * rule.seconds;
  }
  // In the next window, once this window's weight has fallen to max - 1.
  const at = rule.max > 1 ? 1 - (rule.max - 1) / current : 1;
  return (1 - elapsed + at) * rule.seconds;
}

function elapsedIn(rule: Rule, window: number, now: number) {
  return (now / 1000 - window * rule.seconds) / rule.seconds;
}

/** Counts one hit and says whether it is within the rule. */
export async function hit(rule: Rule, now: number = Date.now()): Promise<Outcome> {
  const window = windowOf(rule, now);
  const [result, previous] = await Promise.all([
    windowEntity()
      .update(keyOf(rule, window))
      .add({ count: 1 })
      .set({ expiresAt: (window + 2) * rule.seconds })
      .go({ response: "all_new" }),
    countOf(rule, window - 1, now),
  ]);
  return judge(rule, previous, result.data.count ?? 1, elapsedIn(rule, window, now));
}

/** Takes back a hit counted at `now` (a successful log-in's attempt). */
export async function giveBack(rule: Rule, now: number = Date.now()): Promise<void> {
  const window = windowOf(rule, now);
  await windowEntity()
    .update(keyOf(rule, window))
    .add({ count: -1 })
    .set({ expiresAt: (window + 2) * rule.seconds })
    .go();
}

/** Reads the sliding window without counting. */
export async function peek(rule: Rule, now: number = Date.now()): Promise<Outcome> {
  const window = windowOf(rule, now);
  const [current, previous] = await Promise.all([
    countOf(rule, window, now),
    countOf(rule, window - 1, now),
  ]);
  return judge(rule, previous, current, elapsedIn(rule, window, now));
}

/** Throws 429 `code` with Retry-After when `outcome` is over the rule. */
export function assertAllowed(result: Outcome, code: string, message: string) {
  if (!result.allowed) {
    throw new VisibleError("rate_limit", code, message, { retryAfter: result.retryAfter });
  }
}
