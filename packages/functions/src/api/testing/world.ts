import type { UserActor } from "@igny8/core/actor";
import { call, lastMail, setPlan, signUp, superuser, tokenIn } from "./harness";
import { fixtureResolver } from "./fixtures";

// Every fixture factory of every package (`*.fixture.ts`), so later modules join by adding one.
import.meta.glob("/packages/*/src/**/*.fixture.ts", { eager: true });

const PASSWORD = "world member password";

export interface Member {
  userId: string;
  email: string;
}

/**
 * Two tenants for the isolation sweep and the fuzz: A (the victim, with members of every
 * role, one restricted to a second site, and a record of every fixture kind) and B (the
 * outsider, with data of its own). Every name and e-mail of A carries `tag`.
 */
export async function buildWorld() {
  const tag = `vq${Math.random().toString(36).slice(2, 10)}`;
  const owner = await signUp({ accountName: `Alpha ${tag}`, email: `alpha-owner-${tag}@example.com`, name: `Alpha Owner ${tag}` });
  await setPlan(owner.accountId, "growth");
  const editor = await addMember(owner.accessToken, `alpha-editor-${tag}@example.com`, "editor");
  const viewer = await addMember(owner.accessToken, `alpha-viewer-${tag}@example.com`, "viewer");
  const ownerActor: UserActor["properties"] = { accountId: owner.accountId, userId: owner.userId, role: "owner", siteIds: null };
  const resolve = fixtureResolver(ownerActor, { tag, editorUserId: editor.userId });
  const siteId = await resolve("siteId");
  const otherSiteId = await resolve("otherSiteId");
  const restricted = await addMember(owner.accessToken, `alpha-restricted-${tag}@example.com`, "admin", [otherSiteId]);

  const outsiderTag = `ob${Math.random().toString(36).slice(2, 10)}`;
  const outsider = await signUp({ accountName: `Bravo ${outsiderTag}`, email: `bravo-owner-${outsiderTag}@example.com` });
  await setPlan(outsider.accountId, "growth");
  await call("POST", "/v1/sites", { token: outsider.accessToken, body: { name: `Bravo site ${outsiderTag}`, url: `https://bravo-${outsiderTag}.example` } });
  const operator = await superuser();

  /** Strings that must never reach anyone outside A: ids and the tag in every name and e-mail. */
  const secrets = new Set<string>([tag, owner.accountId, owner.userId, editor.userId, viewer.userId, restricted.userId, siteId, otherSiteId]);

  const victimOwnedIds = [owner.accountId, owner.userId, editor.userId, viewer.userId, restricted.userId];

  return {
    tag,
    victim: { accountId: owner.accountId, owner: { userId: owner.userId, email: owner.email }, editor, viewer, restricted, siteId, otherSiteId },
    outsider: { accountId: outsider.accountId, userId: outsider.userId, email: outsider.email },
    operator: { email: operator.email, password: operator.password },
    resolve,
    secrets,
    /** True when a stored item belongs to A (its keys or attributes carry one of A's ids). */
    ownedByVictim: (item: string) => victimOwnedIds.some((id) => item.includes(id)),
    passwords: { owner: owner.password, member: PASSWORD, outsider: outsider.password },
  };
}

export type World = Awaited<ReturnType<typeof buildWorld>>;

async function addMember(ownerToken: string, email: string, role: string, siteIds?: string[]): Promise<Member> {
  const invited = await call("POST", "/v1/invitations", { token: ownerToken, body: { email, role, ...(siteIds ? { siteIds } : {}) } });
  if (invited.status !== 201) throw new Error(`invite failed: ${invited.text}`);
  const mail = await lastMail(email, "invitation");
  const accepted = await call("POST", "/v1/invitations/accept", {
    body: { token: tokenIn(mail!.text), name: `Member ${email}`, password: PASSWORD },
  });
  if (accepted.status !== 200) throw new Error(`accept failed: ${accepted.text}`);
  return { userId: accepted.json.data.userId, email };
}

/** A fresh access token for one of the world's people (a new session each time). */
export async function tokenFor(email: string, password: string): Promise<string> {
  const login = await call("POST", "/v1/auth/log-in", { body: { email, password } });
  if (login.status !== 200) throw new Error(`log-in failed for ${email}: ${login.text}`);
  return login.json.data.accessToken;
}
