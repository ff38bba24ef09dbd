export * as Credits from "./index";
export * as CreditRates from "./rates";

import { z } from "zod";
import { useAccount, useActor, withActor } from "../actor";
import type { AiFunction, Usage } from "../ai/types";
import { Authz } from "../authz";
import { Limit, type LimitName } from "../limit";
import { Page } from "../pagination";
import type { Plan } from "../plan";
import { Transaction } from "../transaction";
import { VisibleError } from "../util/error";
import { fn } from "../util/fn";
import { createId, idPattern } from "../util/id";
import {
  balanceEntity,
  budgetEntity,
  holdEntity,
  type LedgerKind,
  ledgerEntity,
  ledgerKinds,
  settingsEntity,
} from "./billing.entity";
import * as Rates from "./rates";

/**
 * Credits: an account's balance, its ledger, and the hold → settle / release cycle every AI call
 * goes through.
 *
 *   const hold = await Credits.hold({ subject: taskId, step: "content", version: "g3", function: "content", amount });
 *   try { reply = await provider.chat(...) } catch (e) { await Credits.release(hold); throw e; }
 *   await Transaction.write([...resultParts, ...Credits.settleParts(hold, { credits, usage })]);
 *
 * - `hold` sets credits aside BEFORE the provider is called, in one transaction: `available >=
 *   amount` on the balance, the month's and the run's caps, and the plan-limit counters the call
 *   uses (daily_ai_requests...). If it cannot be paid, nothing was called: `credits.insufficient`.
 * - `settleParts` charges what the call measured (never more than the hold) in the caller's
 *   transaction with its result: the hold is deleted (condition: it is still open), the balance
 *   goes down (condition: balance >= amount) and a ledger entry keyed `usage#<subject>#<step>#<version>`
 *   is created (condition: it does not exist). A step retried after it was paid cannot pay again,
 *   and a result is never stored unpaid or paid without its result.
 * - `release` gives a failed call's hold back, with its limit counters: failed calls cost nothing.
 * - Invariants: balance = sum of ledger entries; held = sum of open holds; available = balance - held.
 *
 * Caps and what a hold counts against them. The balance and the month's cap are ceilings shared by
 * everything the account does at once, so a hold counts its whole `amount` (the worst case: the
 * call at its full completion budget and a repair call) against both: neither can be overdrawn by
 * calls in flight. A content run's cap is different: people set it from the run's estimate (the
 * expected cost), so a hold counts only the call's `expected` cost against it, and a step is refused
 * only when the run's charges so far plus the expected cost of the calls in flight would pass the
 * cap. Holding the worst case there refused runs whose real cost fitted their cap (a run capped at
 * its estimate failed its last tasks with credits.run_budget_reached while holds three times the
 * real cost were open). The run's cap stays hard all the same: a settle never charges a run more than
 * the room left under its cap (`settle` reads it; a call that ran over its expected cost at the end
 * of a capped run is charged what fits and the ledger entry says `cappedFrom`).
 */

export { type LedgerKind, ledgerKinds, Rates };

/** Caps beyond any real use: a budget field set to this means "no cap". */
const MONTH_FORMAT = (now: Date) => `m${now.toISOString().slice(0, 7)}`;
const STALE_MS = 30 * 60_000;

function actorId(): string {
  const actor = useActor();
  if (actor.type === "user") return actor.properties.userId;
  if (actor.type === "apikey") return actor.properties.keyId;
  return actor.type;
}

// --- errors ---------------------------------------------------------------------------------

export function insufficient(required: number, available: number) {
  return new VisibleError(
    "payment",
    "credits.insufficient",
    `This needs ${required} credits; ${Math.max(0, available)} are available`,
    { required, available: Math.max(0, available) },
  );
}

function monthlyBudgetReached(cap: number, committed: number, amount: number) {
  return new VisibleError(
    "payment",
    "credits.monthly_budget_reached",
    `The monthly budget of ${cap} credits would be exceeded (${committed} used or held this month)`,
    { cap, committed, amount },
  );
}

function runBudgetReached(cap: number, committed: number, amount: number) {
  return new VisibleError(
    "payment",
    "credits.run_budget_reached",
    `This run's budget of ${cap} credits would be exceeded (${committed} used or held)`,
    { cap, committed, amount },
  );
}

// --- balance ------------------------------------------------------------------------------

async function readBalance(accountId: string) {
  const { data } = await balanceEntity().get({ accountId }).go({ consistent: true });
  return { balance: data?.balance ?? 0, held: data?.held ?? 0, available: data?.available ?? 0 };
}

async function readBudget(accountId: string, scope: string) {
  const { data } = await budgetEntity().get({ accountId, scope }).go({ consistent: true });
  return { committed: data?.committed ?? 0, spent: data?.spent ?? 0 };
}

export const Budgets = z
  .strictObject({
    perRun: z.number().int().min(1).max(1_000_000_000).nullable().meta({ description: "Most credits one content run may use; null: no cap" }),
    perMonth: z.number().int().min(1).max(1_000_000_000).nullable().meta({ description: "Most credits a calendar month (UTC) may use; null: no cap" }),
  })
  .meta({ id: "CreditBudgets" });
export type Budgets = z.infer<typeof Budgets>;

/** The account's caps (no access check: pipeline steps read it too). */
export async function readBudgets(): Promise<Budgets> {
  const { data } = await settingsEntity().get({ accountId: useAccount() }).go({ consistent: true });
  return { perRun: data?.perRunCap ?? null, perMonth: data?.perMonthCap ?? null };
}

export const BalanceView = z
  .object({
    balance: z.number().int().meta({ description: "Sum of the ledger" }),
    held: z.number().int().meta({ description: "Set aside for AI calls in flight" }),
    available: z.number().int().meta({ description: "balance - held: what new work may use" }),
    metered: z.boolean().meta({ description: "false when the plan grants unlimited credits" }),
    monthlyCredits: z.number().int().nullable().meta({ description: "Granted on the first use of each UTC month" }),
    month: z.object({ month: z.string(), spent: z.number().int(), committed: z.number().int() }),
    budgets: Budgets,
  })
  .meta({ id: "CreditBalance" });
export type BalanceView = z.infer<typeof BalanceView>;

/** The balance, this month's use and the caps; grants the month's credits on first sight. */
export async function balance(now: Date = new Date()): Promise<BalanceView> {
  Authz.assertRole("usage.read");
  const accountId = useAccount();
  const plan = await Limit.currentPlan();
  if (isMetered(plan)) await ensureMonthlyGrant(plan, now);
  const month = MONTH_FORMAT(now);
  const [money, used, budgets] = await Promise.all([readBalance(accountId), readBudget(accountId, month), readBudgets()]);
  return {
    ...money,
    metered: isMetered(plan),
    monthlyCredits: plan.limits.monthly_credits,
    month: { month: month.slice(1), spent: used.spent, committed: used.committed },
    budgets,
  };
}

export const setBudgets = fn(Budgets, async ({ perRun, perMonth }) => {
  Authz.assertRole("billing.write");
  const accountId = useAccount();
  let operation = settingsEntity().update({ accountId }).set({
    ...(perRun === null ? {} : { perRunCap: perRun }),
    ...(perMonth === null ? {} : { perMonthCap: perMonth }),
  });
  const removed = [...(perRun === null ? ["perRunCap"] : []), ...(perMonth === null ? ["perMonthCap"] : [])];
  if (removed.length > 0) operation = operation.remove(removed as never);
  await operation.go();
  return readBudgets();
});

function isMetered(plan: Plan.Info) {
  return plan.limits.monthly_credits !== null;
}

// --- grants ---------------------------------------------------------------------------------

const granted = new Set<string>();

/**
 * Grants the plan's monthly_credits once per account and UTC month (the ledger entry
 * `grant#monthly#m2026-11` is create-only, so racing callers grant once). Runs on the first balance
 * read or hold of the month.
 */
export async function ensureMonthlyGrant(plan: Plan.Info, now: Date = new Date()): Promise<boolean> {
  const accountId = useAccount();
  const month = MONTH_FORMAT(now);
  const memo = `${accountId}#${month}`;
  if (granted.has(memo)) return false;
  const amount = plan.limits.monthly_credits;
  if (!amount) {
    granted.add(memo);
    return false;
  }
  const parts = [
    ...ledgerParts({
      entryKey: `grant#monthly#${month}`,
      kind: "grant_monthly",
      amount,
      description: `Monthly credits of the ${plan.name} plan for ${month.slice(1)}`,
      createdAt: now.toISOString(),
    }),
  ];
  try {
    await Transaction.write(parts);
    granted.add(memo);
    return true;
  } catch (error) {
    if (error instanceof VisibleError && error.code === "credits.entry_exists") {
      granted.add(memo);
      return false;
    }
    throw error;
  }
}

/** Tests move clocks and plans: forget which months were granted in this process. */
export function forgetGrants() {
  granted.clear();
}

interface LedgerInput {
  entryKey: string;
  kind: LedgerKind;
  amount: number;
  description: string;
  createdAt?: string;
  details?: {
    function?: string;
    subject?: string;
    step?: string;
    siteId?: string;
    runId?: string;
    model?: string;
    provider?: string;
    usage?: Usage;
    images?: number;
    cappedFrom?: number;
  };
}

/** A ledger entry and the balance change it describes (a grant: no condition). */
function ledgerParts(input: LedgerInput, balanceCondition?: number): Transaction.Part[] {
  const accountId = useAccount();
  let balanceUpdate = balanceEntity().update({ accountId }).add({ balance: input.amount, available: input.amount });
  if (balanceCondition !== undefined) {
    balanceUpdate = balanceUpdate.where((attr, op) => op.gte(attr.available, balanceCondition));
  }
  return [ledgerCreate(input), Transaction.part(balanceUpdate, async () => insufficient(balanceCondition ?? 0, (await readBalance(accountId)).available))];
}

function ledgerCreate(input: LedgerInput): Transaction.Part {
  const d = input.details ?? {};
  return Transaction.part(
    ledgerEntity().create({
      accountId: useAccount(),
      entryKey: input.entryKey,
      entryId: createId("ledger"),
      kind: input.kind,
      amount: input.amount,
      description: input.description,
      function: d.function,
      subject: d.subject,
      step: d.step,
      siteId: d.siteId,
      runId: d.runId,
      model: d.model,
      provider: d.provider,
      promptTokens: d.usage?.promptTokens,
      completionTokens: d.usage?.completionTokens,
      totalTokens: d.usage?.totalTokens,
      images: d.images,
      cappedFrom: d.cappedFrom,
      actorId: actorId(),
      createdAt: input.createdAt ?? new Date().toISOString(),
    }),
    () => new VisibleError("conflict", "credits.entry_exists", "This ledger entry was already written", { entryKey: input.entryKey }),
  );
}

export const AdminGrantInput = z
  .strictObject({
    accountId: z.string().regex(idPattern("account"), "not an account id"),
    amount: z
      .number()
      .int()
      .min(-1_000_000_000)
      .max(1_000_000_000)
      .refine((value) => value !== 0, "not zero")
      .meta({ description: "Credits to add; negative takes credits away (never below what is available)" }),
    reason: z.string().trim().min(1).max(500),
    idempotencyKey: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{8,100}$/, "8-100 letters, digits, '_', '.', ':' or '-'")
      .optional()
      .meta({ description: "The same key grants once" }),
  })
  .meta({ id: "CreditGrant" });

/** Operators add (or take back) credits. Idempotent per idempotencyKey. */
export const adminGrant = fn(AdminGrantInput, async ({ accountId, amount, reason, idempotencyKey }) => {
  Authz.assertSuperuser();
  const key = `grant#admin#${(idempotencyKey ?? createId("ledger")).toLowerCase()}`;
  const userId = actorId();
  return withActor({ type: "system", properties: { accountId } }, async () => {
    const plan = await Limit.currentPlan();
    if (isMetered(plan)) await ensureMonthlyGrant(plan);
    try {
      await Transaction.write(
        ledgerParts(
          { entryKey: key, kind: "grant_admin", amount, description: `${reason} (by ${userId})` },
          amount < 0 ? -amount : undefined,
        ),
      );
    } catch (error) {
      if (!(error instanceof VisibleError && error.code === "credits.entry_exists")) throw error;
    }
    const { data } = await ledgerEntity().get({ accountId, entryKey: key }).go({ consistent: true });
    return { entry: serializeEntry(data!), ...(await readBalance(accountId)) };
  });
});

// --- holds ----------------------------------------------------------------------------------

export interface Reservation {
  limit: LimitName;
  /** "-" for account-wide limits. */
  siteId: string;
  window: string;
  amount: number;
}

export interface Hold {
  holdKey: string;
  holdId: string;
  /** `<subject>#<step>#<version>`: the charge's identity. */
  subjectKey: string;
  amount: number;
  function: AiFunction;
  metered: boolean;
  month: string;
  siteId?: string;
  runId?: string;
  /** Counted against the run's cap while the hold is open (the expected cost). */
  runAmount: number;
  /** The run's cap (null: none): settling never takes the run's charges past it. */
  runCap: number | null;
  reservations: Reservation[];
}

export interface HoldInput {
  /** What the work is for (a task id). */
  subject: string;
  /** The step of the subject ("content", "image_prompts", "image:2"). */
  step: string;
  /** The subject's generation or version the step belongs to ("g3"). */
  version: string;
  /** One attempt of the step; a second hold with the same attempt returns the first. Default: fresh. */
  attempt?: string;
  function: AiFunction;
  /** Credits to set aside: the most the call may cost. */
  amount: number;
  /** What the call is expected to cost (at most `amount`): what a run's cap counts. Default: `amount`. */
  expected?: number;
  siteId?: string;
  /** The content run, for its budget; `runCap` is that run's cap (null: none). */
  runId?: string;
  runCap?: number | null;
  /** Plan limits the call uses (site-scoped ones need siteId), given back on release. */
  limits?: { limit: LimitName; amount?: number }[];
  now?: Date;
}

const keyPart = /^[a-z0-9_.:-]{1,120}$/;

export function subjectKeyOf(input: { subject: string; step: string; version: string }): string {
  for (const [name, value] of Object.entries({ subject: input.subject, step: input.step, version: input.version })) {
    if (!keyPart.test(value)) throw new Error(`Credits: ${name} "${value}" must be 1-120 of a-z 0-9 _ . : -`);
  }
  return `${input.subject}#${input.step}#${input.version}`;
}

/**
 * Sets credits (and plan-limit counters) aside for one AI call, before the call. Throws
 * `credits.insufficient`, `credits.monthly_budget_reached`, `credits.run_budget_reached` or
 * `plan.limit_reached`, having written nothing. A hold the caller abandoned (crash) becomes stale
 * after 30 minutes; a hold that fails for lack of credits first gives stale holds back and tries once more.
 */
export async function hold(input: HoldInput): Promise<Hold> {
  const attempt = (input.attempt ?? createId("hold")).toLowerCase();
  try {
    return await holdOnce(input, attempt);
  } catch (error) {
    const retriable =
      error instanceof VisibleError &&
      ["credits.insufficient", "credits.monthly_budget_reached", "credits.run_budget_reached"].includes(error.code);
    if (retriable && (await releaseStale(input.now)) > 0) return holdOnce(input, attempt);
    throw error;
  }
}

async function holdOnce(input: HoldInput, attempt: string): Promise<Hold> {
  const now = input.now ?? new Date();
  const accountId = useAccount();
  const plan = await Limit.currentPlan();
  const metered = isMetered(plan);
  if (metered) await ensureMonthlyGrant(plan, now);
  const amount = Math.max(0, Math.ceil(input.amount));
  const subjectKey = subjectKeyOf(input);
  const holdKey = `${subjectKey}#${attempt}`;
  const month = MONTH_FORMAT(now);
  const budgets = await readBudgets();
  if (budgets.perMonth !== null && amount > budgets.perMonth) {
    throw monthlyBudgetReached(budgets.perMonth, (await readBudget(accountId, month)).committed, amount);
  }
  const runCap = input.runId ? (input.runCap ?? null) : null;
  const runAmount = Math.min(amount, Math.max(0, Math.ceil(input.expected ?? amount)));
  if (input.runId && runCap !== null && runAmount > runCap) {
    throw runBudgetReached(runCap, (await readBudget(accountId, input.runId)).committed, runAmount);
  }

  const reservations = await Promise.all(
    (input.limits ?? []).map((entry) => Limit.reserve({ limit: entry.limit, siteId: input.siteId, amount: entry.amount ?? 1, now })),
  );
  const record: Hold = {
    holdKey,
    holdId: createId("hold"),
    subjectKey,
    amount,
    function: input.function,
    metered,
    month,
    ...(input.siteId ? { siteId: input.siteId } : {}),
    ...(input.runId ? { runId: input.runId } : {}),
    runAmount: input.runId ? runAmount : 0,
    runCap,
    reservations: reservations.map((r) => ({ limit: r.limit, siteId: r.siteId, window: r.window, amount: r.amount })),
  };

  let balanceUpdate = balanceEntity().update({ accountId }).add({ held: amount, available: -amount });
  if (metered) balanceUpdate = balanceUpdate.where((attr, op) => op.gte(attr.available, amount));
  const parts: Transaction.Part[] = [
    Transaction.part(balanceUpdate, async () => insufficient(amount, (await readBalance(accountId)).available)),
    Transaction.part(
      holdEntity().create({
        accountId,
        holdKey,
        holdId: record.holdId,
        subjectKey,
        amount,
        function: input.function,
        metered,
        month,
        siteId: input.siteId,
        runId: input.runId,
        ...(input.runId ? { runAmount, ...(runCap !== null ? { runCap } : {}) } : {}),
        reservations: record.reservations,
        createdAt: now.toISOString(),
        staleAt: new Date(now.getTime() + STALE_MS).toISOString(),
      }),
      () => new VisibleError("conflict", "credits.hold_exists", "This attempt already holds credits", { holdKey }),
    ),
    budgetPart(month, amount, 0, budgets.perMonth, monthlyBudgetReached),
    ...(input.runId ? [budgetPart(input.runId, runAmount, 0, runCap, runBudgetReached)] : []),
    ...reservations,
  ];
  try {
    await Transaction.write(parts);
    return record;
  } catch (error) {
    if (error instanceof VisibleError && error.code === "credits.hold_exists") {
      const existing = await holdEntity().get({ accountId, holdKey }).go({ consistent: true });
      if (existing.data) return fromStored(existing.data);
    }
    throw error;
  }
}

/** ADD to a budget counter; with a cap, only while committed stays within it. */
function budgetPart(
  scope: string,
  committed: number,
  spent: number,
  cap: number | null,
  onFail: (cap: number, committed: number, amount: number) => VisibleError,
): Transaction.Part {
  const accountId = useAccount();
  let update = budgetEntity().update({ accountId, scope }).add({ committed, spent });
  if (cap !== null && committed > 0) {
    update = update.where((attr, op) => `${op.notExists(attr.committed)} OR ${op.lte(attr.committed, cap - committed)}`);
  }
  return Transaction.part(update, async () => onFail(cap ?? 0, (await readBudget(accountId, scope)).committed, committed));
}

function fromStored(data: {
  holdKey: string;
  holdId: string;
  subjectKey: string;
  amount: number;
  function: string;
  metered: boolean;
  month: string;
  siteId?: string;
  runId?: string;
  runAmount?: number;
  runCap?: number;
  reservations: unknown;
}): Hold {
  return {
    holdKey: data.holdKey,
    holdId: data.holdId,
    subjectKey: data.subjectKey,
    amount: data.amount,
    function: data.function as AiFunction,
    metered: data.metered,
    month: data.month,
    ...(data.siteId ? { siteId: data.siteId } : {}),
    ...(data.runId ? { runId: data.runId } : {}),
    // Holds from before runs counted the expected cost counted their whole amount.
    runAmount: data.runId ? (data.runAmount ?? data.amount) : 0,
    runCap: data.runId ? (data.runCap ?? null) : null,
    reservations: (data.reservations as Reservation[]) ?? [],
  };
}

export interface Charge {
  /** Credits the call measured (at the function's rate); charged up to the hold's amount. */
  credits: number;
  usage?: Usage;
  images?: number;
  model?: string;
  provider?: string;
  description: string;
}

/** The credits a measured call costs at the current rates. */
export async function costOf(fn: AiFunction, work: { usage?: Usage; images?: number }): Promise<number> {
  const rates = await Rates.current();
  return Rates.cost(rates[fn], { tokens: Rates.usageTokens(work.usage), images: work.images });
}

export class HoldClosedError extends VisibleError {
  constructor(holdKey: string) {
    super("conflict", "credits.hold_closed", "This hold was already settled or released", { holdKey });
  }
}

/**
 * The writes that charge a hold: put them in the transaction that stores the call's result.
 * Charges min(measured, held, `runRoom`); the rest of the hold goes back to `available`. A hold of a
 * capped run needs `runRoom` (what the run's cap leaves for this call: `runRoomFor`) — or use
 * `settle`, which reads it and retries when a concurrent settle of the run took it meanwhile.
 */
export function settleParts(held: Hold, charge: Charge, options: { runRoom?: number } = {}): Transaction.Part[] {
  const accountId = useAccount();
  const measured = Math.max(0, Math.ceil(charge.credits));
  const charged = Math.max(0, Math.min(measured, held.amount, options.runRoom ?? Number.POSITIVE_INFINITY));
  const [subject, step] = held.subjectKey.split("#");
  let balanceUpdate = balanceEntity()
    .update({ accountId })
    .add({ balance: -charged, held: -held.amount, available: held.amount - charged });
  if (held.metered) balanceUpdate = balanceUpdate.where((attr, op) => op.gte(attr.balance, charged));
  return [
    Transaction.part(
      holdEntity()
        .delete({ accountId, holdKey: held.holdKey })
        .where((attr, op) => op.exists(attr.holdKey)),
      () => new HoldClosedError(held.holdKey),
    ),
    Transaction.part(balanceUpdate, async () => insufficient(charged, (await readBalance(accountId)).available)),
    ledgerCreate({
      entryKey: `usage#${held.subjectKey}`,
      kind: "usage",
      amount: -charged,
      description: charge.description,
      details: {
        function: held.function,
        subject,
        step,
        siteId: held.siteId,
        runId: held.runId,
        model: charge.model,
        provider: charge.provider,
        usage: charge.usage,
        images: charge.images,
        ...(measured > charged ? { cappedFrom: measured } : {}),
      },
    }),
    budgetPart(held.month, charged - held.amount, charged, null, monthlyBudgetReached),
    // The run counted `runAmount` for this call; a charge above it must still fit under the cap.
    ...(held.runId
      ? [budgetPart(held.runId, charged - held.runAmount, charged, charged > held.runAmount ? held.runCap : null, runBudgetReached)]
      : []),
  ];
}

/** What a run's cap leaves for this hold's charge: the cap minus what the run committed besides it. */
export async function runRoomFor(held: Hold): Promise<number | undefined> {
  if (!held.runId || held.runCap === null) return undefined;
  const { committed } = await readBudget(useAccount(), held.runId);
  return Math.max(held.runAmount, held.runCap - (committed - held.runAmount));
}

/**
 * Charges a hold in one transaction with the call's result (`resultParts`), within its run's cap:
 * the room under the cap is read first and the run's counter is written on condition it still
 * fits; when a concurrent settle of the same run took the room meanwhile, it reads again and
 * retries (the cancelled transaction wrote nothing). Returns the credits charged.
 */
export async function settle(held: Hold, charge: Charge, resultParts: Transaction.Part[] = []): Promise<number> {
  const measured = Math.max(0, Math.ceil(charge.credits));
  for (let attempt = 0; ; attempt++) {
    const runRoom = await runRoomFor(held);
    try {
      await Transaction.write([...resultParts, ...settleParts(held, charge, { runRoom })]);
      return Math.min(measured, held.amount, runRoom ?? Number.POSITIVE_INFINITY);
    } catch (error) {
      const raced = error instanceof VisibleError && error.code === "credits.run_budget_reached" && runRoom !== undefined;
      if (!raced || attempt >= 5) throw error;
    }
  }
}

/**
 * Gives a hold back (the call failed or its result could not be stored): credits, month and run
 * budgets, and the plan-limit counters it took. False when it was already settled or released.
 */
export async function release(held: Hold): Promise<boolean> {
  const accountId = useAccount();
  const parts: Transaction.Part[] = [
    Transaction.part(
      holdEntity()
        .delete({ accountId, holdKey: held.holdKey })
        .where((attr, op) => op.exists(attr.holdKey)),
      () => new HoldClosedError(held.holdKey),
    ),
    Transaction.part(balanceEntity().update({ accountId }).add({ held: -held.amount, available: held.amount })),
    budgetPart(held.month, -held.amount, 0, null, monthlyBudgetReached),
    ...(held.runId ? [budgetPart(held.runId, -held.runAmount, 0, null, runBudgetReached)] : []),
    ...held.reservations.map((r) =>
      Limit.release({ limit: r.limit, siteId: r.siteId === "-" ? undefined : r.siteId, amount: r.amount, window: r.window }),
    ),
  ];
  try {
    await Transaction.write(parts);
    return true;
  } catch (error) {
    if (error instanceof HoldClosedError) return false;
    throw error;
  }
}

/** Open holds of the account whose key starts with `prefix` (e.g. `<task>#` for one task). */
export async function openHolds(prefix = ""): Promise<Hold[]> {
  const accountId = useAccount();
  const query = holdEntity().query.byKey({ accountId });
  const result = prefix ? await query.begins({ holdKey: prefix }).go({ pages: "all" }) : await query.go({ pages: "all" });
  return result.data.map(fromStored);
}

/** Releases the open holds of one subject (a task whose run ended), e.g. after a crash. */
export async function releaseOpen(prefix: string): Promise<number> {
  if (!prefix) throw new Error("releaseOpen needs a prefix");
  let released = 0;
  for (const open of await openHolds(prefix)) if (await release(open)) released++;
  return released;
}

/** Releases holds older than 30 minutes (their callers died). */
export async function releaseStale(now: Date = new Date()): Promise<number> {
  const accountId = useAccount();
  const result = await holdEntity().query.byKey({ accountId }).go({ pages: "all" });
  let released = 0;
  for (const row of result.data) {
    if (row.staleAt > now.toISOString()) continue;
    if (await release(fromStored(row))) released++;
  }
  return released;
}

/**
 * Holds, calls, then settles with the result's parts in one transaction; releases when the call
 * or the write fails. `call` returns the measured charge and the result's writes.
 */
export async function metered<T>(
  input: HoldInput,
  call: (held: Hold) => Promise<{ value: T; charge: Charge; parts?: Transaction.Part[] }>,
): Promise<{ value: T; charged: number; hold: Hold }> {
  const held = await hold(input);
  let outcome: { value: T; charge: Charge; parts?: Transaction.Part[] };
  let charged: number;
  try {
    outcome = await call(held);
    charged = await settle(held, outcome.charge, outcome.parts ?? []);
  } catch (error) {
    await release(held);
    throw error;
  }
  return { value: outcome.value, charged, hold: held };
}

// --- ledger ---------------------------------------------------------------------------------

export const Entry = z
  .object({
    entryId: z.string(),
    entryKey: z.string().meta({ description: "Why it exists; unique per account (grant#monthly#m2026-11, usage#<task>#<step>#<version>)" }),
    kind: z.enum(ledgerKinds),
    amount: z.number().int(),
    description: z.string(),
    function: z.string().nullable(),
    subject: z.string().nullable(),
    step: z.string().nullable(),
    siteId: z.string().nullable(),
    runId: z.string().nullable(),
    model: z.string().nullable(),
    provider: z.string().nullable(),
    tokens: z.object({ prompt: z.number().int(), completion: z.number().int(), total: z.number().int() }).nullable(),
    images: z.number().int().nullable(),
    cappedFrom: z.number().int().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: "CreditLedgerEntry" });
export type Entry = z.infer<typeof Entry>;

type StoredEntry = {
  entryId: string;
  entryKey: string;
  kind: LedgerKind;
  amount: number;
  description: string;
  function?: string;
  subject?: string;
  step?: string;
  siteId?: string;
  runId?: string;
  model?: string;
  provider?: string;
  promptTokens?: number;
  completionTokens?: number;
  totalTokens?: number;
  images?: number;
  cappedFrom?: number;
  createdAt: string;
};

function serializeEntry(row: StoredEntry): Entry {
  return {
    entryId: row.entryId,
    entryKey: row.entryKey,
    kind: row.kind,
    amount: row.amount,
    description: row.description,
    function: row.function ?? null,
    subject: row.subject ?? null,
    step: row.step ?? null,
    siteId: row.siteId ?? null,
    runId: row.runId ?? null,
    model: row.model ?? null,
    provider: row.provider ?? null,
    tokens:
      row.totalTokens === undefined
        ? null
        : { prompt: row.promptTokens ?? 0, completion: row.completionTokens ?? 0, total: row.totalTokens },
    images: row.images ?? null,
    cappedFrom: row.cappedFrom ?? null,
    createdAt: row.createdAt,
  };
}

export const LedgerQuery = z
  .strictObject({
    ...Page.Query,
    kind: z.enum(ledgerKinds).optional(),
    subject: z.string().regex(/^[a-z0-9_]{1,60}$/).optional().meta({ description: "Only entries of one task" }),
  })
  .meta({ id: "CreditLedgerQuery" });

/** The ledger, newest first. */
export const ledger = fn(LedgerQuery, async ({ cursor, limit, kind, subject }): Promise<Page.Result<Entry>> => {
  Authz.assertRole("billing.read");
  const accountId = useAccount();
  const scope = JSON.stringify(["ledger", accountId, kind, subject]);
  const result = await ledgerEntity()
    .query.byTime({ accountId })
    .where((attr, op) => {
      const clauses: string[] = [];
      if (kind) clauses.push(op.eq(attr.kind, kind));
      if (subject) clauses.push(op.eq(attr.subject, subject));
      return clauses.join(" AND ");
    })
    .go({ cursor: Page.decode(cursor, scope) ?? null, count: limit, order: "desc" });
  return { items: (result.data as StoredEntry[]).map(serializeEntry), cursor: Page.encode(result.cursor, scope) };
});

/** The usage entries of one subject whose key starts with `<subject>#` and ends with `#<version>`. */
export async function chargedFor(subject: string, version: string): Promise<number> {
  const accountId = useAccount();
  const result = await ledgerEntity()
    .query.byKey({ accountId })
    .begins({ entryKey: `usage#${subject}#` })
    .go({ pages: "all", attributes: ["entryKey", "amount"] });
  return result.data.filter((row) => row.entryKey.endsWith(`#${version}`)).reduce((sum, row) => sum - row.amount, 0);
}

/**
 * True when the charge `<subject>#<step>#<version>` is in the ledger: work redone by a retry whose
 * earlier attempt already paid for it can tell before it holds anything (settling it again would
 * fail on the ledger entry's condition with `credits.entry_exists`).
 */
export async function isCharged(input: { subject: string; step: string; version: string }): Promise<boolean> {
  const { data } = await ledgerEntity()
    .get({ accountId: useAccount(), entryKey: `usage#${subjectKeyOf(input)}` })
    .go({ consistent: true, attributes: ["entryKey"] });
  return Boolean(data);
}

/**
 * The invariants, read back: the ledger's sum against the balance, and open holds against `held`.
 * For tests, benchmarks and operators checking an account.
 */
export async function audit(): Promise<{
  balance: number;
  ledgerSum: number;
  entries: number;
  held: number;
  openHolds: number;
  available: number;
  consistent: boolean;
}> {
  const accountId = useAccount();
  const [money, entries, holds] = await Promise.all([
    readBalance(accountId),
    ledgerEntity().query.byKey({ accountId }).go({ pages: "all", attributes: ["amount"] }),
    holdEntity().query.byKey({ accountId }).go({ pages: "all", attributes: ["amount"] }),
  ]);
  const ledgerSum = entries.data.reduce((sum, row) => sum + row.amount, 0);
  const openHolds = holds.data.reduce((sum, row) => sum + row.amount, 0);
  return {
    ...money,
    ledgerSum,
    entries: entries.data.length,
    openHolds,
    consistent: ledgerSum === money.balance && openHolds === money.held && money.available === money.balance - money.held,
  };
}

// --- rates ----------------------------------------------------------------------------------

export async function rates(): Promise<Rates.Rates> {
  Authz.assertRole("usage.read");
  return Rates.current();
}

export const setRates = fn(Rates.Rates, async (next) => {
  Authz.assertSuperuser();
  return Rates.replace(next);
});
