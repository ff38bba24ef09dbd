export * as Membership from "./index";

import { z } from "zod";
import { type Role as ActorRole, useAccount, useActor } from "../actor";
import { Authz } from "../authz";
import { Limit } from "../limit";
import { Page } from "../pagination";
import { Site } from "../site";
import { Transaction } from "../transaction";
import { UserId } from "../user";
import { userEntity } from "../user/user.entity";
import { VisibleError } from "../util/error";
import { fn } from "../util/fn";
import { membershipEntity } from "./membership.entity";

export const Role = z.enum(["owner", "admin", "editor", "viewer"]).meta({ id: "Role" });

export const Info = z
  .object({
    userId: UserId,
    email: z.string(),
    name: z.string(),
    role: Role,
    siteIds: z.array(z.string()).nullable().meta({ description: "null: every site of the account" }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Member" });
export type Info = z.infer<typeof Info>;

type Stored = { userId: string; role: ActorRole; siteIds?: string[]; createdAt: string; updatedAt: string };

async function withPeople(memberships: Stored[]): Promise<Info[]> {
  if (memberships.length === 0) return [];
  const users = await userEntity()
    .get(memberships.map((m) => ({ userId: m.userId })))
    .go();
  const byId = new Map(users.data.map((user) => [user.userId, user]));
  return memberships.map((m) => ({
    userId: m.userId,
    email: byId.get(m.userId)?.email ?? "",
    name: byId.get(m.userId)?.name ?? "",
    role: m.role,
    siteIds: m.siteIds ?? null,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
  }));
}

const notFound = (userId: string) =>
  new VisibleError("not_found", "member.not_found", "No such member in this account", { userId });

/** The membership of the current account for `userId`, read consistently. */
export async function find(userId: string, accountId: string = useAccount()) {
  const result = await membershipEntity().get({ accountId, userId }).go({ consistent: true });
  return result.data ?? undefined;
}

export const ListInput = z
  .strictObject({ ...Page.Query, role: Role.optional() })
  .meta({ id: "MemberListQuery" });

export const list = fn(ListInput, async ({ cursor, limit, role }): Promise<Page.Result<Info>> => {
  Authz.assertRole("member.read");
  const accountId = useAccount();
  const scope = JSON.stringify(["members", accountId, role]);
  const query = membershipEntity().query.byAccount({ accountId });
  const filtered = role ? query.where((attr, op) => op.eq(attr.role, role)) : query;
  const result = await filtered.go({ cursor: Page.decode(cursor, scope) ?? null, count: limit });
  return { items: await withPeople(result.data), cursor: Page.encode(result.cursor, scope) };
});

export const get = fn(z.strictObject({ userId: UserId }), async ({ userId }) => {
  Authz.assertRole("member.read");
  const membership = await find(userId);
  if (!membership) throw notFound(userId);
  const [info] = await withPeople([membership]);
  return info!;
});

async function assertAnotherOwner(userId: string) {
  const owners = await membershipEntity()
    .query.byAccount({ accountId: useAccount() })
    .where((attr, op) => op.eq(attr.role, "owner"))
    .go({ pages: "all", attributes: ["userId"] });
  if (!owners.data.some((owner) => owner.userId !== userId)) {
    throw new VisibleError("conflict", "member.last_owner", "An account keeps at least one owner");
  }
}

export const UpdateInput = z
  .strictObject({
    userId: UserId,
    role: Role.optional(),
    siteIds: Site.SiteIds.nullable().optional().meta({ description: "Sites the member is restricted to; null lifts the restriction" }),
  })
  .meta({ id: "MemberUpdate" });

/** Owners change a member's role or site restriction. */
export const update = fn(UpdateInput, async ({ userId, role, siteIds }) => {
  Authz.assertRole("member.write");
  const current = await find(userId);
  if (!current) throw notFound(userId);
  const nextRole = role ?? current.role;
  const nextSites = siteIds === undefined ? (current.siteIds ?? null) : siteIds;
  if (nextRole === "owner" && nextSites !== null) {
    throw new VisibleError("input", "member.owner_unrestricted", "Owners cannot be restricted to sites", {
      fields: [{ path: "siteIds", message: "owners see every site" }],
    });
  }
  if (nextSites) await Site.assertAll(nextSites);
  if (current.role === "owner" && nextRole !== "owner") await assertAnotherOwner(userId);
  const patch = membershipEntity().patch({ accountId: useAccount(), userId }).set({ role: nextRole });
  const result = await (nextSites === null ? patch.remove(["siteIds"]) : patch.set({ siteIds: [...new Set(nextSites)] })).go({
    response: "all_new",
  });
  const [info] = await withPeople([result.data as Stored]);
  return info!;
});

/** Owners remove a member; the max_users slot is given back in the same transaction. */
export const remove = fn(z.strictObject({ userId: UserId }), async ({ userId }) => {
  Authz.assertRole("member.write");
  const current = await find(userId);
  if (!current) throw notFound(userId);
  if (current.role === "owner") await assertAnotherOwner(userId);
  await Transaction.write([
    Transaction.part(
      membershipEntity()
        .delete({ accountId: useAccount(), userId })
        .where((attr, op) => op.exists(attr.userId)),
      () => notFound(userId),
    ),
    Limit.release({ limit: "max_users" }),
  ]);
});

/** The transaction parts that make `userId` a member (limit slot + membership). */
export async function joinParts(input: { userId: string; role: ActorRole; siteIds: string[] | null }): Promise<Transaction.Part[]> {
  const accountId = useAccount();
  const now = new Date().toISOString();
  return [
    await Limit.reserve({ limit: "max_users" }),
    Transaction.part(
      membershipEntity()
        .create({
          accountId,
          userId: input.userId,
          role: input.role,
          ...(input.siteIds ? { siteIds: input.siteIds } : {}),
          createdAt: now,
          updatedAt: now,
        }),
      () => new VisibleError("conflict", "member.exists", "This person is already a member of the account"),
    ),
  ];
}

/** The role of the current actor, for "grant at most your own role" checks. */
export function actorRole(): ActorRole | undefined {
  const actor = useActor();
  return actor.type === "user" || actor.type === "apikey" ? actor.properties.role : undefined;
}
