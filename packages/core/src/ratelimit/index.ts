export * as RateLimit from "./index";

import { createHash } from "node:crypto";
import { VisibleError } from "../util/error";
import { windowEntity } from "./window.entity";

/**
 * Fixed-window counters in DynamoDB, so every Lambda sees the same count. A window is
 * `seconds` long; its counter expires a window after it ends (TTL, and ignored in code once
 * past, since TTL deletion lags and the emulator never deletes).
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
  count: number;
  remaining: number;
  /** Seconds until the window resets. */
  retryAfter: number;
  resetAt: number;
}

function keyOf(rule: Rule, now: number) {
  const window = Math.floor(now / 1000 / rule.seconds);
  return {
    bucket: rule.bucket,
    subject: createHash("sha256").update(rule.subject).digest("hex").slice(0, 32),
    window,
  };
}

function outcome(rule: Rule, count: number, window: number, now: number): Outcome {
  const resetAt = (window + 1) * rule.seconds;
  return {
    allowed: count <= rule.max,
    count,
    remaining: Math.max(0, rule.max - count),
    retryAfter: Math.max(1, Math.ceil(resetAt - now / 1000)),
    resetAt,
  };
}

/** Counts one hit and says whether it is within the rule. */
export async function hit(rule: Rule, now: number = Date.now()): Promise<Outcome> {
  const key = keyOf(rule, now);
  const result = await windowEntity()
    .update(key)
    .add({ count: 1 })
    .set({ expiresAt: (key.window + 2) * rule.seconds })
    .go({ response: "all_new" });
  return outcome(rule, result.data.count ?? 1, key.window, now);
}

/** Takes one hit back from the current window (a successful log-in's attempt). */
export async function giveBack(rule: Rule, now: number = Date.now()): Promise<void> {
  const key = keyOf(rule, now);
  await windowEntity()
    .update(key)
    .add({ count: -1 })
    .set({ expiresAt: (key.window + 2) * rule.seconds })
    .go();
}

/** Reads the current window without counting (log-in checks before verifying a password). */
export async function peek(rule: Rule, now: number = Date.now()): Promise<Outcome> {
  const key = keyOf(rule, now);
  const result = await windowEntity().get(key).go();
  return outcome(rule, result.data?.count ?? 0, key.window, now);
}

/** Throws 429 `code` with Retry-After when `outcome` is over the rule. */
export function assertAllowed(result: Outcome, code: string, message: string) {
  if (!result.allowed || result.remaining < 0) {
    throw new VisibleError("rate_limit", code, message, { retryAfter: result.retryAfter });
  }
}
