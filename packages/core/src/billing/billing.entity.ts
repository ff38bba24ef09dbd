import { Entity } from "electrodb";
import { lazyEntity } from "../db";

/**
 * An account's credits. `balance` is the sum of its ledger entries (every write that changes it
 * creates a ledger entry in the same transaction); `held` is the sum of its open holds;
 * `available` = balance - held, kept beside them so a condition can check it without arithmetic.
 */
export const balanceEntity = lazyEntity(
  (config) =>
    new Entity(
      {
        model: { entity: "creditBalance", version: "1", service: "igny8" },
        attributes: {
          accountId: { type: "string", required: true, readOnly: true },
          balance: { type: "number", required: true, default: 0 },
          held: { type: "number", required: true, default: 0 },
          available: { type: "number", required: true, default: 0 },
        },
        indexes: {
          byAccount: { pk: { field: "pk", composite: ["accountId"] }, sk: { field: "sk", composite: [] } },
        },
      },
      config,
    ),
);

export const ledgerKinds = ["grant_monthly", "grant_admin", "usage"] as const;
export type LedgerKind = (typeof ledgerKinds)[number];

/**
 * One change of the balance. Its key says why it exists (`grant#monthly#m2026-11`,
 * `usage#<task>#<step>#<version>`), and it is written create-only: the same grant or the same
 * step's charge cannot be written twice.
 */
export const ledgerEntity = lazyEntity(
  (config) =>
    new Entity(
      {
        model: { entity: "creditLedger", version: "1", service: "igny8" },
        attributes: {
          accountId: { type: "string", required: true, readOnly: true },
          entryKey: { type: "string", required: true, readOnly: true },
          entryId: { type: "string", required: true, readOnly: true },
          kind: { type: ledgerKinds, required: true, readOnly: true },
          /** Credits: positive adds to the balance, negative takes from it. */
          amount: { type: "number", required: true, readOnly: true },
          description: { type: "string", required: true },
          function: { type: "string" },
          subject: { type: "string" },
          step: { type: "string" },
          siteId: { type: "string" },
          runId: { type: "string" },
          model: { type: "string" },
          provider: { type: "string" },
          promptTokens: { type: "number" },
          completionTokens: { type: "number" },
          totalTokens: { type: "number" },
          images: { type: "number" },
          /** What the hold allowed; set when the measured cost was above it (charged the hold). */
          cappedFrom: { type: "number" },
          actorId: { type: "string" },
          createdAt: { type: "string", required: true, readOnly: true },
        },
        indexes: {
          byKey: { pk: { field: "pk", composite: ["accountId"] }, sk: { field: "sk", composite: ["entryKey"] } },
          byTime: {
            index: "gsi1",
            pk: { field: "gsi1pk", composite: ["accountId"] },
            sk: { field: "gsi1sk", composite: ["createdAt", "entryKey"] },
          },
        },
      },
      config,
    ),
);

/**
 * Credits set aside for one AI call before it is made. Only open holds exist: settling or
 * releasing deletes the hold in the same transaction that moves the credits, so a hold can be
 * settled or released once, never both.
 */
export const holdEntity = lazyEntity(
  (config) =>
    new Entity(
      {
        model: { entity: "creditHold", version: "1", service: "igny8" },
        attributes: {
          accountId: { type: "string", required: true, readOnly: true },
          holdKey: { type: "string", required: true, readOnly: true },
          holdId: { type: "string", required: true, readOnly: true },
          subjectKey: { type: "string", required: true, readOnly: true },
          amount: { type: "number", required: true, readOnly: true },
          function: { type: "string", required: true, readOnly: true },
          metered: { type: "boolean", required: true, readOnly: true },
          month: { type: "string", required: true, readOnly: true },
          siteId: { type: "string" },
          runId: { type: "string" },
          /** What the hold counts against its run's cap (the call's expected cost); absent: `amount`. */
          runAmount: { type: "number" },
          /** The run's cap when the hold was taken (a settle never charges beyond it). */
          runCap: { type: "number" },
          /** Plan limit counters taken with the hold, given back when it is released. */
          reservations: { type: "any", required: true, default: () => [] },
          createdAt: { type: "string", required: true, readOnly: true },
          /** After this a hold is assumed abandoned (its caller crashed) and may be released. */
          staleAt: { type: "string", required: true, readOnly: true },
        },
        indexes: {
          byKey: { pk: { field: "pk", composite: ["accountId"] }, sk: { field: "sk", composite: ["holdKey"] } },
        },
      },
      config,
    ),
);

/**
 * Credits committed (held + spent) per month (`scope` "m2026-11") and per content run
 * (`run_...`), checked against the account's caps when a hold is taken.
 */
export const budgetEntity = lazyEntity(
  (config) =>
    new Entity(
      {
        model: { entity: "creditBudget", version: "1", service: "igny8" },
        attributes: {
          accountId: { type: "string", required: true, readOnly: true },
          scope: { type: "string", required: true, readOnly: true },
          committed: { type: "number", required: true, default: 0 },
          spent: { type: "number", required: true, default: 0 },
        },
        indexes: {
          byScope: { pk: { field: "pk", composite: ["accountId"] }, sk: { field: "sk", composite: ["scope"] } },
        },
      },
      config,
    ),
);

/** The account's hard caps (null attributes are absent: no cap). */
export const settingsEntity = lazyEntity(
  (config) =>
    new Entity(
      {
        model: { entity: "creditSettings", version: "1", service: "igny8" },
        attributes: {
          accountId: { type: "string", required: true, readOnly: true },
          perRunCap: { type: "number" },
          perMonthCap: { type: "number" },
        },
        indexes: {
          byAccount: { pk: { field: "pk", composite: ["accountId"] }, sk: { field: "sk", composite: [] } },
        },
      },
      config,
    ),
);

/** The product's credit rates (global data, edited by operators). */
export const ratesEntity = lazyEntity(
  (config) =>
    new Entity(
      {
        model: { entity: "creditRates", version: "1", service: "igny8" },
        attributes: {
          rates: { type: "any", required: true },
          updatedAt: { type: "string", required: true },
        },
        indexes: {
          singleton: { pk: { field: "pk", composite: [] }, sk: { field: "sk", composite: [] } },
        },
      },
      config,
    ),
);
