export * as Limit from "./index";

import { useAccount } from "../actor";
import { accountEntity } from "../account/account.entity";
import { Authz } from "../authz";
import { Plan } from "../plan";
import { type LimitName, limitDefinitions, limitNames } from "../plan/limits";
import { Transaction } from "../transaction";
import { VisibleError } from "../util/error";
import { counterEntity } from "./counter.entity";

export { type LimitName, limitDefinitions, limitNames };

/**
 * Plan limits, enforced atomically.
 *
 * A limit is a counter per (account, limit, window) or per (account, site, limit, window).
 * `reserve()` returns a transaction part that adds to the counter only while it stays within
 * the plan's max; the caller writes it in the SAME transaction as the record it counts:
 *
 *   const slot = await Limit.reserve({ limit: "max_keywords", amount: rows.length });
 *   await Transaction.write([slot, ...rows.map((r) => Transaction.part(keyword.create(r)))]);
 *
 * Over the limit, nothing is written and the caller gets VisibleError kind "limit", code
 * `plan.limit_reached`, details { limit, max, current, amount, siteId?, window }. Two requests
 * racing for the last slot cannot both pass: the counter's condition is checked under the
 * item's lock. Deleting a counted record writes `release()` in the delete's transaction.
 * Windowed limits (daily_*, monthly_*) count events in the current UTC day or month and are
 * not released on delete; `release({ window })` refunds an event that failed.
 * `consume()` is reserve + write for limits with no record of their own (daily_ai_requests).
 */

export interface Scope {
  limit: LimitName;
  /** Required for site-scoped limits (daily_content_tasks, storage_quota_gb, ...). */
  siteId?: string;
}

export type Reservation = Transaction.Part & {
  limit: LimitName;
  siteId: string;
  window: string;
  amount: number;
};

const ACCOUNT_WIDE = "-";
const DAY_MS = 86_400_000;

/** The counter window `now` falls in: "all", "d2026-11-05" or "m2026-11" (UTC). */
export function windowOf(limit: LimitName, now: Date = new Date()): string {
  const iso = now.toISOString();
  switch (limitDefinitions[limit].window) {
    case "day":
      return `d${iso.slice(0, 10)}`;
    case "month":
      return `m${iso.slice(0, 7)}`;
    default:
      return "all";
  }
}

/** Epoch seconds when a window's counter may be deleted (a day after the window ends). */
function expiryOf(window: string): number | undefined {
  if (window.startsWith("d")) return Math.floor(Date.parse(window.slice(1)) / 1000) + (2 * DAY_MS) / 1000;
  if (window.startsWith("m")) {
    const [year, month] = window.slice(1).split("-").map(Number) as [number, number];
    return Math.floor(Date.UTC(year, month, 1) / 1000) + DAY_MS / 1000;
  }
  return undefined;
}

function siteKey({ limit, siteId }: Scope): string {
  if (limitDefinitions[limit].scope === "site") {
    if (!siteId) throw new Error(`Limit ${limit} is counted per site: pass siteId`);
    return siteId;
  }
  return ACCOUNT_WIDE;
}

/** The plan of the current account. */
export async function currentPlan(): Promise<Plan.Info> {
  const accountId = useAccount();
  const account = await accountEntity().get({ accountId }).go({ attributes: ["planId"] });
  if (!account.data) throw new VisibleError("not_found", "account.not_found", "No such account");
  const plan = await Plan.find(account.data.planId);
  if (!plan) throw new VisibleError("unavailable", "plan.missing", "The account's plan is missing");
  return plan;
}

/** What the counter holds now (0 when it was never written). */
export async function current(scope: Scope, now: Date = new Date()): Promise<number> {
  const result = await counterEntity()
    .get({
      accountId: useAccount(),
      limit: scope.limit,
      siteId: siteKey(scope),
      window: windowOf(scope.limit, now),
    })
    .go({ consistent: true });
  return result.data?.count ?? 0;
}

/** The plan's max for a limit, in counter units (storage is counted in bytes). */
export function maxInUnits(plan: Plan.Info, limit: LimitName): number | null {
  const max = plan.limits[limit];
  if (max === null) return null;
  return limitDefinitions[limit].unit === "bytes" ? max * 1024 ** 3 : max;
}

function limitError(scope: Scope, details: { max: number; current: number; amount: number; window: string }) {
  return new VisibleError(
    "limit",
    "plan.limit_reached",
    `Your plan allows ${details.max} for ${scope.limit}${scope.siteId ? " on this site" : ""}; ${details.current} used`,
    { limit: scope.limit, ...details, ...(scope.siteId ? { siteId: scope.siteId } : {}) },
  );
}

/**
 * A transaction part taking `amount` (default 1) of a limit. Throws `plan.limit_reached`
 * at once when the amount alone exceeds the max.
 */
export async function reserve(
  input: Scope & { amount?: number; now?: Date },
): Promise<Reservation> {
  const amount = input.amount ?? 1;
  if (!Number.isInteger(amount) || amount < 1) throw new Error("Limit amounts are positive integers");
  const accountId = useAccount();
  const siteId = siteKey(input);
  const window = windowOf(input.limit, input.now);
  const max = maxInUnits(await currentPlan(), input.limit);
  if (max !== null && amount > max) {
    throw limitError(input, { max, current: await current(input, input.now), amount, window });
  }
  const expiresAt = expiryOf(window);
  let update = counterEntity()
    .update({ accountId, limit: input.limit, siteId, window })
    .add({ count: amount });
  if (expiresAt !== undefined) update = update.set({ expiresAt });
  const operation =
    max === null
      ? update
      : update.where(({ count }, { notExists, lte }) => `${notExists(count)} OR ${lte(count, max - amount)}`);
  return {
    ...Transaction.part(operation, async () =>
      limitError(input, { max: max ?? 0, current: await current(input, input.now), amount, window }),
    ),
    limit: input.limit,
    siteId,
    window,
    amount,
  };
}

/**
 * A transaction part giving back `amount` of a limit: write it with the delete of a counted
 * record (whose own condition, e.g. that it exists, prevents a double release). `window`
 * defaults to "all"; pass a reservation's window to refund a windowed limit.
 */
export function release(input: Scope & { amount?: number; window?: string }): Transaction.Part {
  const amount = input.amount ?? 1;
  const item = counterEntity()
    .update({
      accountId: useAccount(),
      limit: input.limit,
      siteId: siteKey(input),
      window: input.window ?? windowOf(input.limit),
    })
    .add({ count: -amount });
  return Transaction.part(item);
}

/** Reserve and write at once, for limits that count events with no record (AI requests). */
export async function consume(input: Scope & { amount?: number; now?: Date }): Promise<Reservation> {
  const reservation = await reserve(input);
  await Transaction.write([reservation]);
  return reservation;
}

/**
 * Read-only check for early feedback (e.g. before sending an invitation). Not a guarantee:
 * only `reserve()` written with the record is.
 */
export async function check(input: Scope & { amount?: number }): Promise<void> {
  const amount = input.amount ?? 1;
  const max = maxInUnits(await currentPlan(), input.limit);
  if (max === null) return;
  const used = await current(input);
  if (used + amount > max) {
    throw limitError(input, { max, current: used, amount, window: windowOf(input.limit) });
  }
}

/** Sets a counter to a known count (repairs drift after a bulk delete or a restore). */
export async function recount(scope: Scope, count: number): Promise<void> {
  const window = windowOf(scope.limit);
  const expiresAt = expiryOf(window);
  await counterEntity()
    .update({ accountId: useAccount(), limit: scope.limit, siteId: siteKey(scope), window })
    .set({ count, ...(expiresAt !== undefined ? { expiresAt } : {}) })
    .go();
}

export interface Usage {
  limit: LimitName;
  scope: "account" | "site";
  window: "none" | "day" | "month";
  unit: string;
  max: number | null;
  /** Account-wide use, or the sum over sites for site-scoped limits. */
  used: number;
  /** Use per site, for site-scoped limits. */
  sites: { siteId: string; used: number }[];
}

/** Every limit of the current account's plan beside what is used in the current windows. */
export async function usage(now: Date = new Date()): Promise<{ planId: string; limits: Usage[] }> {
  const accountId = useAccount();
  const plan = await currentPlan();
  const counters = await counterEntity().query.byAccount({ accountId }).go({ pages: "all" });
  const limits = limitNames
    .filter((limit) => limit !== "monthly_credits")
    .map((limit): Usage => {
      const definition = limitDefinitions[limit];
      const window = windowOf(limit, now);
      const mine = counters.data.filter((c) => c.limit === limit && c.window === window);
      const sites = mine
        .filter((c) => c.siteId !== ACCOUNT_WIDE && Authz.siteAllowed(c.siteId))
        .map((c) => ({ siteId: c.siteId, used: c.count }));
      return {
        limit,
        scope: definition.scope,
        window: definition.window,
        unit: definition.unit,
        max: maxInUnits(plan, limit),
        used: mine.reduce((sum, c) => sum + c.count, 0),
        sites,
      };
    });
  return { planId: plan.planId, limits };
}

/** A part creating a counter at `count`, for a new account's first records (its owner). */
export function initial(input: Scope & { count: number }): Transaction.Part {
  return Transaction.part(
    counterEntity()
      .create({
        accountId: useAccount(),
        limit: input.limit,
        siteId: siteKey(input),
        window: windowOf(input.limit),
        count: input.count,
      }),
  );
}
