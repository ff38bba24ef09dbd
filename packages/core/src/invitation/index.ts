export * as Invitation from "./index";

import { z } from "zod";
import { useAccount, useActor, withActor } from "../actor";
import { Account } from "../account";
import { Authz } from "../authz";
import { hashPassword } from "../auth/password";
import { hashSecret, randomSecret } from "../auth/token";
import { settings } from "../config";
import { Limit } from "../limit";
import { Mail } from "../mail";
import { Membership } from "../membership";
import { Page } from "../pagination";
import { Site } from "../site";
import { Transaction } from "../transaction";
import { User } from "../user";
import { userEmailEntity, userEntity } from "../user/user.entity";
import { VisibleError } from "../util/error";
import { fn } from "../util/fn";
import { createId, idPattern } from "../util/id";
import { invitationEntity } from "./invitation.entity";

export const InvitationId = z.string().regex(idPattern("invitation"), "not an invitation id").meta({ example: "inv_01hz3v5k8q2w4e6r8t0y2u4i6o" });
export const Token = z.string().regex(/^[A-Za-z0-9_-]{43}$/, "not an invitation token");

/** How long an invitation link works. */
export const VALID_DAYS = 7;

export const Info = z
  .object({
    invitationId: InvitationId,
    email: z.string(),
    role: Membership.Role,
    siteIds: z.array(z.string()).nullable(),
    status: z.enum(["pending", "accepted", "revoked", "expired"]),
    invitedBy: z.string(),
    createdAt: z.string(),
    expiresOn: z.string(),
    acceptedAt: z.string().nullable(),
  })
  .meta({ id: "Invitation" });
export type Info = z.infer<typeof Info>;

type Stored = {
  invitationId: string;
  accountId: string;
  email: string;
  role: "owner" | "admin" | "editor" | "viewer";
  siteIds?: string[];
  status: "pending" | "accepted" | "revoked";
  invitedBy: string;
  createdAt: string;
  expiresOn: string;
  acceptedAt?: string;
};

function expired(invitation: { expiresOn: string }, now = Date.now()) {
  return Date.parse(invitation.expiresOn) <= now;
}

function serialize(invitation: Stored): Info {
  return {
    invitationId: invitation.invitationId,
    email: invitation.email,
    role: invitation.role,
    siteIds: invitation.siteIds ?? null,
    status: invitation.status === "pending" && expired(invitation) ? "expired" : invitation.status,
    invitedBy: invitation.invitedBy,
    createdAt: invitation.createdAt,
    expiresOn: invitation.expiresOn,
    acceptedAt: invitation.acceptedAt ?? null,
  };
}

const notFound = (invitationId: string) =>
  new VisibleError("not_found", "invitation.not_found", "No such invitation", { invitationId });

export const CreateInput = z
  .strictObject({
    email: User.Email,
    role: Membership.Role.default("editor"),
    siteIds: Site.SiteIds.optional().meta({ description: "Restrict the new member to these sites" }),
  })
  .meta({ id: "InvitationCreate" });

/** Owners invite people by e-mail; the link carries a token valid for VALID_DAYS days. */
export const create = fn(CreateInput, async (input) => {
  Authz.assertRole("member.write");
  const actor = useActor();
  if (actor.type !== "user") throw new VisibleError("forbidden", "authz.forbidden", "Only people invite people");
  if (input.role === "owner" && input.siteIds) {
    throw new VisibleError("input", "member.owner_unrestricted", "Owners cannot be restricted to sites", {
      fields: [{ path: "siteIds", message: "owners see every site" }],
    });
  }
  if (input.siteIds) await Site.assertAll(input.siteIds);
  const existing = await User.findByEmail(input.email);
  if (existing && (await Membership.find(existing.userId))) {
    throw new VisibleError("conflict", "member.exists", "This person is already a member of the account");
  }
  await Limit.check({ limit: "max_users" });
  const token = randomSecret();
  const now = new Date();
  const invitation = {
    accountId: useAccount(),
    invitationId: createId("invitation"),
    email: input.email,
    role: input.role,
    ...(input.siteIds ? { siteIds: [...new Set(input.siteIds)] } : {}),
    tokenHash: hashSecret(token),
    status: "pending" as const,
    invitedBy: actor.properties.userId,
    createdAt: now.toISOString(),
    expiresOn: new Date(now.getTime() + VALID_DAYS * 86_400_000).toISOString(),
  };
  await invitationEntity().create(invitation).go();
  const account = await Account.find(invitation.accountId);
  const link = `${settings().IGNY8_WEB_ORIGIN}/invitations/accept?token=${token}`;
  await Mail.send({
    to: input.email,
    kind: "invitation",
    subject: `You are invited to ${account?.name ?? "an IGNY8 account"}`,
    text: `You have been invited to join ${account?.name ?? "an IGNY8 account"} as ${input.role}.\n\nAccept within ${VALID_DAYS} days: ${link}\n`,
  });
  return serialize(invitation);
});

export const ListInput = z
  .strictObject({ ...Page.Query, status: z.enum(["pending", "accepted", "revoked", "all"]).default("pending") })
  .meta({ id: "InvitationListQuery" });

export const list = fn(ListInput, async ({ cursor, limit, status }): Promise<Page.Result<Info>> => {
  Authz.assertRole("member.read");
  const accountId = useAccount();
  const scope = JSON.stringify(["invitations", accountId, status]);
  const query = invitationEntity().query.byAccount({ accountId });
  const filtered = status === "all" ? query : query.where((attr, op) => op.eq(attr.status, status));
  const result = await filtered.go({ cursor: Page.decode(cursor, scope) ?? null, count: limit, order: "desc" });
  return { items: result.data.map(serialize), cursor: Page.encode(result.cursor, scope) };
});

export const revoke = fn(z.strictObject({ invitationId: InvitationId }), async ({ invitationId }) => {
  Authz.assertRole("member.write");
  try {
    const result = await invitationEntity()
      .patch({ accountId: useAccount(), invitationId })
      .set({ status: "revoked" })
      .where((attr, op) => op.eq(attr.status, "pending"))
      .go({ response: "all_new" });
    return serialize(result.data as Stored);
  } catch (error) {
    if (String(error).includes("conditional request failed")) {
      const current = await invitationEntity().get({ accountId: useAccount(), invitationId }).go();
      if (!current.data) throw notFound(invitationId);
      throw new VisibleError("conflict", "invitation.not_pending", "Only pending invitations can be revoked");
    }
    throw error;
  }
});

export const AcceptInput = z
  .strictObject({
    token: Token,
    name: User.Name.optional().meta({ description: "Required when the e-mail has no IGNY8 user yet" }),
    password: User.Password.optional().meta({ description: "Required when the e-mail has no IGNY8 user yet" }),
  })
  .meta({ id: "InvitationAccept" });

export const Accepted = z
  .object({ accountId: z.string(), userId: z.string(), newUser: z.boolean() })
  .meta({ id: "InvitationAccepted" });

/**
 * Accepts by the e-mailed token (possession proves the address). An existing user gains a
 * membership; someone new gives a name and password and becomes a user. The max_users slot
 * is taken in the same transaction as the membership; the invitation turns accepted in it too.
 */
export const accept = fn(AcceptInput, async ({ token, name, password }) => {
  const tokenHash = hashSecret(token);
  const found = await invitationEntity().query.byToken({ tokenHash }).go({ attributes: ["accountId", "invitationId"] });
  const match = found.data[0];
  const invalid = new VisibleError("not_found", "invitation.invalid", "This invitation link is not valid");
  if (!match) throw invalid;
  const current = await invitationEntity().get(match).go({ consistent: true });
  const invitation = current.data;
  if (invitation?.status !== "pending") throw invalid;
  if (expired(invitation)) throw new VisibleError("auth", "invitation.expired", "This invitation has expired");

  return withActor({ type: "system", properties: { accountId: invitation.accountId } }, async () => {
    const existing = await User.findByEmail(invitation.email);
    const userId = existing?.userId ?? createId("user");
    const parts: Transaction.Part[] = [];
    if (!existing) {
      if (!name || !password) {
        throw new VisibleError("input", "invitation.profile_required", "Give a name and a password to create your user", {
          fields: [
            ...(name ? [] : [{ path: "name", message: "required for a new user" }]),
            ...(password ? [] : [{ path: "password", message: "required for a new user" }]),
          ],
        });
      }
      const now = new Date().toISOString();
      parts.push(
        Transaction.part(
          userEmailEntity().create({ email: invitation.email, userId }),
          () => new VisibleError("conflict", "auth.email_taken", "A user with this e-mail was just created; accept again"),
        ),
        Transaction.part(
          userEntity()
            .create({ userId, email: invitation.email, name, passwordHash: await hashPassword(password), createdAt: now, updatedAt: now }),
        ),
      );
    }
    parts.push(
      ...(await Membership.joinParts({ userId, role: invitation.role, siteIds: invitation.siteIds ?? null })),
      Transaction.part(
        invitationEntity()
          .patch({ accountId: invitation.accountId, invitationId: invitation.invitationId })
          .set({ status: "accepted", acceptedAt: new Date().toISOString(), acceptedBy: userId })
          .where((attr, op) => op.eq(attr.status, "pending")),
        () => invalid,
      ),
    );
    await Transaction.write(parts);
    return { accountId: invitation.accountId, userId, newUser: !existing };
  });
});
