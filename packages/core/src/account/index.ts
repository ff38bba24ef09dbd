export * as Account from "./index";

import { z } from "zod";
import { useAccount, withActor } from "../actor";
import { Authz } from "../authz";
import { Limit } from "../limit";
import { membershipEntity } from "../membership/membership.entity";
import { Page } from "../pagination";
import { Plan } from "../plan";
import { Transaction } from "../transaction";
import { User } from "../user";
import { userEmailEntity, userEntity } from "../user/user.entity";
import { hashPassword } from "../auth/password";
import { VisibleError } from "../util/error";
import { fn } from "../util/fn";
import { createId, idPattern } from "../util/id";
import { accountEntity } from "./account.entity";

export const AccountId = z.string().regex(idPattern("account"), "not an account id").meta({ example: "acc_01hz3v5k8q2w4e6r8t0y2u4i6o" });
export const Name = z.string().trim().min(1).max(100);

export const Info = z
  .object({
    accountId: AccountId,
    name: z.string(),
    planId: z.string(),
    status: z.enum(["active", "suspended"]),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Account" });
export type Info = z.infer<typeof Info>;

export const AdminInfo = Info.extend({ system: z.boolean(), ownerId: z.string() }).meta({ id: "AdminAccount" });

type Stored = {
  accountId: string;
  name: string;
  planId: string;
  status: "active" | "suspended";
  system: boolean;
  ownerId: string;
  createdAt: string;
  updatedAt: string;
};

function serialize(account: Stored): Info {
  return {
    accountId: account.accountId,
    name: account.name,
    planId: account.planId,
    status: account.status,
    createdAt: account.createdAt,
    updatedAt: account.updatedAt,
  };
}

function serializeAdmin(account: Stored): z.infer<typeof AdminInfo> {
  return { ...serialize(account), system: account.system, ownerId: account.ownerId };
}

export async function find(accountId: string): Promise<Stored | undefined> {
  const result = await accountEntity().get({ accountId }).go({ consistent: true });
  return result.data ?? undefined;
}

/** The current account. */
export async function current(): Promise<Info> {
  Authz.assertRole("account.read");
  const account = await find(useAccount());
  if (!account) throw new VisibleError("not_found", "account.not_found", "No such account");
  return serialize(account);
}

export const UpdateInput = z.strictObject({ name: Name }).meta({ id: "AccountUpdate" });

export const update = fn(UpdateInput, async ({ name }) => {
  Authz.assertRole("account.write");
  const result = await accountEntity().patch({ accountId: useAccount() }).set({ name }).go({ response: "all_new" });
  return serialize(result.data as Stored);
});

/** Plan limits beside current use (every limit as a meter). */
export async function usage() {
  Authz.assertRole("usage.read");
  return Limit.usage();
}

/**
 * The parts of a new account with its owner: e-mail lookup (unique), user, account,
 * owner membership and the max_users counter at 1. Used by sign-up and the bootstrap.
 */
export function creationParts(input: {
  accountId: string;
  accountName: string;
  planId: string;
  system: boolean;
  user: { userId: string; email: string; name: string; passwordHash: string; superuser: boolean };
}): Transaction.Part[] {
  const now = new Date().toISOString();
  const { user } = input;
  return [
    Transaction.part(
      userEmailEntity().create({ email: user.email, userId: user.userId }),
      () => new VisibleError("conflict", "auth.email_taken", "An account with this e-mail already exists"),
    ),
    Transaction.part(userEntity().create({ ...user, createdAt: now, updatedAt: now })),
    Transaction.part(
      accountEntity()
        .create({
          accountId: input.accountId,
          name: input.accountName,
          planId: input.planId,
          system: input.system,
          ownerId: user.userId,
          createdAt: now,
          updatedAt: now,
        }),
    ),
    Transaction.part(
      membershipEntity()
        .create({ accountId: input.accountId, userId: user.userId, role: "owner", createdAt: now, updatedAt: now }),
    ),
    withActor({ type: "system", properties: { accountId: input.accountId } }, () =>
      Limit.initial({ limit: "max_users", count: 1 }),
    ),
  ];
}

export const BootstrapInput = z.strictObject({ email: User.Email, password: User.Password, name: User.Name });

/**
 * Creates the operator's system account and its superuser. Run by operators (a script or
 * the local cloud), never reachable from sign-up or any route. Idempotent per e-mail.
 */
export const bootstrapSystem = fn(BootstrapInput, async ({ email, password, name }) => {
  Authz.assertSuperuser();
  await Plan.ensureSeeded();
  const existing = await User.findByEmail(email);
  if (existing) return { userId: existing.userId, created: false };
  const userId = createId("user");
  const accountId = createId("account");
  await Transaction.write(
    creationParts({
      accountId,
      accountName: "System",
      planId: "scale",
      system: true,
      user: { userId, email, name, passwordHash: await hashPassword(password), superuser: true },
    }),
  );
  return { userId, accountId, created: true };
});

// --- operators (superusers) ---

export const AdminListInput = z
  .strictObject({ ...Page.Query, planId: Plan.PlanId.optional(), status: z.enum(["active", "suspended"]).optional() })
  .meta({ id: "AdminAccountListQuery" });

export const adminList = fn(AdminListInput, async ({ cursor, limit, planId, status }) => {
  Authz.assertSuperuser();
  const scope = JSON.stringify(["admin-accounts", planId, status]);
  const result = await accountEntity()
    .query.all({})
    .where((attr, op) => {
      const clauses: string[] = [];
      if (planId) clauses.push(op.eq(attr.planId, planId));
      if (status) clauses.push(op.eq(attr.status, status));
      return clauses.join(" AND ");
    })
    .go({ cursor: Page.decode(cursor, scope) ?? null, count: limit });
  return { items: result.data.map(serializeAdmin), cursor: Page.encode(result.cursor, scope) };
});

export const adminGet = fn(z.strictObject({ accountId: AccountId }), async ({ accountId }) => {
  Authz.assertSuperuser();
  const account = await find(accountId);
  if (!account) throw new VisibleError("not_found", "account.not_found", "No such account", { accountId });
  return serializeAdmin(account);
});

export const AdminUpdateInput = z
  .strictObject({
    accountId: AccountId,
    name: Name.optional(),
    planId: Plan.PlanId.optional(),
    status: z.enum(["active", "suspended"]).optional(),
  })
  .meta({ id: "AdminAccountUpdate" });

/** Operators move an account to another plan, rename, suspend or reactivate it. */
export const adminUpdate = fn(AdminUpdateInput, async ({ accountId, ...patch }) => {
  Authz.assertSuperuser();
  const account = await find(accountId);
  if (!account) throw new VisibleError("not_found", "account.not_found", "No such account", { accountId });
  if (patch.planId && !(await Plan.find(patch.planId))) {
    throw new VisibleError("input", "plan.not_found", `No plan ${patch.planId}`, {
      fields: [{ path: "planId", message: "unknown plan" }],
    });
  }
  if (account.system && patch.status === "suspended") {
    throw new VisibleError("conflict", "account.system_protected", "The system account cannot be suspended");
  }
  const changes = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
  if (Object.keys(changes).length === 0) return serializeAdmin(account);
  const result = await accountEntity().patch({ accountId }).set(changes).go({ response: "all_new" });
  return serializeAdmin(result.data as Stored);
});
