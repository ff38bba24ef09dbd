import { OpenAPIHono } from "@hono/zod-openapi";
import { withActor } from "@igny8/core/actor";
import { Authz } from "@igny8/core/authz";
import { CreditRates, Credits } from "@igny8/core/billing";
import { z } from "zod";
import { body, defineRoute, envelope, json, listEnvelope, ok, page } from "../openapi";

/**
 * Credits: the balance (with this month's use and the caps), the ledger, the rates, the caps an
 * owner sets, and the operators' grants and rates.
 */
export const credits = new OpenAPIHono();
const tags = ["Credits"];

credits.openapi(
  defineRoute(
    {
      scope: "account",
      action: "usage.read",
      summary: "The credit balance",
      description: "balance = the ledger's sum; held = set aside for AI calls in flight; available = balance - held. The month's grant is added on first sight.",
    },
    { method: "get", path: "/credits", tags, responses: { 200: json(envelope(Credits.BalanceView)) } },
  ),
  async (c) => ok(c, await Credits.balance()),
);

credits.openapi(
  defineRoute(
    { scope: "account", action: "billing.read", summary: "The credit ledger, newest first" },
    {
      method: "get",
      path: "/credits/ledger",
      tags,
      request: { query: Credits.LedgerQuery },
      responses: { 200: json(listEnvelope(Credits.Entry)) },
    },
  ),
  async (c) => {
    const query = c.req.valid("query");
    return page(c, await Credits.ledger(query), query.limit);
  },
);

credits.openapi(
  defineRoute(
    { scope: "account", action: "usage.read", summary: "Credit rates per AI function" },
    { method: "get", path: "/credits/rates", tags, responses: { 200: json(envelope(CreditRates.Rates)) } },
  ),
  async (c) => ok(c, await Credits.rates()),
);

credits.openapi(
  defineRoute(
    {
      scope: "account",
      action: "billing.write",
      summary: "Set the hard caps per run and per month",
      description: "Enforced when credits are held for each AI call: a call over a cap stops before the provider is called.",
    },
    { method: "put", path: "/credits/budgets", tags, request: { body: body(Credits.Budgets) }, responses: { 200: json(envelope(Credits.Budgets)) } },
  ),
  async (c) => ok(c, await Credits.setBudgets(c.req.valid("json"))),
);

const AccountPath = z.strictObject({ accountId: Credits.AdminGrantInput.shape.accountId });

credits.openapi(
  defineRoute(
    { scope: "admin", summary: "Grant (or take back) credits", description: "Idempotent per idempotencyKey." },
    {
      method: "post",
      path: "/admin/accounts/{accountId}/credits",
      tags,
      request: { params: AccountPath, body: body(Credits.AdminGrantInput.omit({ accountId: true }).meta({ id: "CreditGrantBody" })) },
      responses: {
        201: json(
          envelope(z.object({ entry: Credits.Entry, balance: z.number().int(), held: z.number().int(), available: z.number().int() })),
          "The ledger entry and the balance after it",
        ),
      },
    },
  ),
  async (c) => ok(c, await Credits.adminGrant({ ...c.req.valid("json"), ...c.req.valid("param") }), 201),
);

const Audit = z
  .object({
    balance: z.number().int(),
    ledgerSum: z.number().int(),
    entries: z.number().int(),
    held: z.number().int(),
    openHolds: z.number().int(),
    available: z.number().int(),
    consistent: z.boolean(),
  })
  .meta({ id: "CreditAudit" });

credits.openapi(
  defineRoute(
    { scope: "admin", summary: "Check an account's credit invariants", description: "balance = sum of the ledger, held = sum of open holds." },
    { method: "get", path: "/admin/accounts/{accountId}/credits/audit", tags, request: { params: AccountPath }, responses: { 200: json(envelope(Audit)) } },
  ),
  async (c) => {
    Authz.assertSuperuser();
    const { accountId } = c.req.valid("param");
    return ok(c, await withActor({ type: "system", properties: { accountId } }, () => Credits.audit()));
  },
);

credits.openapi(
  defineRoute(
    { scope: "admin", summary: "Set the credit rates", description: "Applies to holds taken from now on (cached up to 30 s per process)." },
    { method: "put", path: "/admin/credit-rates", tags, request: { body: body(CreditRates.Rates) }, responses: { 200: json(envelope(CreditRates.Rates)) } },
  ),
  async (c) => ok(c, await Credits.setRates(c.req.valid("json"))),
);
