export * as User from "./index";

import { z } from "zod";
import { useActor } from "../actor";
import { accountEntity } from "../account/account.entity";
import { membershipEntity } from "../membership/membership.entity";
import { VisibleError } from "../util/error";
import { fn } from "../util/fn";
import { idPattern } from "../util/id";
import { userEmailEntity, userEntity } from "./user.entity";

export const UserId = z.string().regex(idPattern("user"), "not a user id").meta({ example: "usr_01hz3v5k8q2w4e6r8t0y2u4i6o" });

/** E-mail addresses are compared after NFKC, trimming and lower-casing. */
export function normalizeEmail(email: string): string {
  return email.normalize("NFKC").trim().toLowerCase();
}

export const Email = z
  .string()
  .max(254)
  .transform(normalizeEmail)
  .pipe(z.email("a valid e-mail address"))
  .meta({ example: "ada@example.com" });

export const Password = z
  .string()
  .min(10, "at least 10 characters")
  .max(256, "at most 256 characters")
  .meta({ description: "10 to 256 characters" });

export const Name = z.string().trim().min(1).max(100);

export const Info = z
  .object({ userId: UserId, email: z.string(), name: z.string(), superuser: z.boolean(), createdAt: z.string() })
  .meta({ id: "User" });
export type Info = z.infer<typeof Info>;

export function serialize(user: { userId: string; email: string; name: string; superuser: boolean; createdAt: string }): Info {
  return { userId: user.userId, email: user.email, name: user.name, superuser: user.superuser, createdAt: user.createdAt };
}

/** The user with this (normalized) e-mail, or undefined. */
export async function findByEmail(email: string) {
  const lookup = await userEmailEntity().get({ email: normalizeEmail(email) }).go({ consistent: true });
  if (!lookup.data) return undefined;
  const user = await userEntity().get({ userId: lookup.data.userId }).go({ consistent: true });
  return user.data ?? undefined;
}

export async function find(userId: string) {
  const user = await userEntity().get({ userId }).go({ consistent: true });
  return user.data ?? undefined;
}

function signedInUser() {
  const actor = useActor();
  if (actor.type !== "user") {
    throw new VisibleError("auth", "auth.user_required", "Sign in as a person (API keys have no profile)");
  }
  return actor.properties;
}

export const Membership = z
  .object({
    accountId: z.string(),
    accountName: z.string(),
    role: z.enum(["owner", "admin", "editor", "viewer"]),
    siteIds: z.array(z.string()).nullable(),
    current: z.boolean(),
  })
  .meta({ id: "MyMembership" });

export const Me = z.object({ user: Info, memberships: z.array(Membership) }).meta({ id: "Me" });

/** The signed-in user and every account they can switch to. */
export async function me(): Promise<z.infer<typeof Me>> {
  const { userId, accountId } = signedInUser();
  const user = await find(userId);
  if (!user) throw new VisibleError("auth", "auth.user_missing", "This user no longer exists");
  const memberships = await membershipEntity().query.byUser({ userId }).go({ pages: "all" });
  const accounts = memberships.data.length
    ? await accountEntity()
        .get(memberships.data.map((m) => ({ accountId: m.accountId })))
        .go()
    : { data: [] };
  const names = new Map(accounts.data.map((account) => [account.accountId, account.name]));
  return {
    user: serialize(user),
    memberships: memberships.data.map((m) => ({
      accountId: m.accountId,
      accountName: names.get(m.accountId) ?? "",
      role: m.role,
      siteIds: m.siteIds ?? null,
      current: m.accountId === accountId,
    })),
  };
}

export const UpdateProfileInput = z.strictObject({ name: Name }).meta({ id: "ProfileUpdate" });

export const updateProfile = fn(UpdateProfileInput, async ({ name }) => {
  const { userId } = signedInUser();
  const result = await userEntity().patch({ userId }).set({ name }).go({ response: "all_new" });
  return serialize(result.data as Parameters<typeof serialize>[0]);
});
