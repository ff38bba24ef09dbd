export * as Authz from "./index";

import { type Actor, type Role, useAccount, useActor } from "../actor";
import { sectorEntity } from "../sector/sector.entity";
import { siteEntity } from "../site/site.entity";
import { VisibleError } from "../util/error";

export const roles = ["owner", "admin", "editor", "viewer"] as const satisfies readonly Role[];

const everyone: Role[] = ["owner", "admin", "editor", "viewer"];
const editors: Role[] = ["owner", "admin", "editor"];
const admins: Role[] = ["owner", "admin"];
const owners: Role[] = ["owner"];

/**
 * THE role × action matrix. Owners: billing and members; admins: sites, settings,
 * integrations, API keys, automation; editors: planner, writer, publisher; viewers: read.
 * Each role also holds what the roles below it hold. Later modules pick one of these actions
 * (or add a row here) and call `Authz.assert(action, { siteId })` inside their domain functions.
 */
export const matrix = {
  "account.read": everyone,
  "account.write": owners,
  "billing.read": owners,
  "billing.write": owners,
  "usage.read": everyone,
  "member.read": everyone,
  "member.write": owners,
  "site.read": everyone,
  "site.write": admins,
  "settings.read": everyone,
  "settings.write": admins,
  "integration.read": admins,
  "integration.write": admins,
  "apikey.read": admins,
  "apikey.write": admins,
  "automation.read": everyone,
  "automation.write": admins,
  "planner.read": everyone,
  "planner.write": editors,
  "writer.read": everyone,
  "writer.write": editors,
  "publisher.read": everyone,
  "publisher.write": editors,
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof matrix;
export const actions = Object.keys(matrix) as Action[];

/** Actions a machine client may never take, whatever its key's role (no self-replicating keys). */
const deniedToApiKeys = new Set<Action>(["apikey.write", "member.write", "billing.write", "account.write"]);

/** Whether `role` may take `action` (the matrix alone, no site check). */
export function roleCan(role: Role, action: Action): boolean {
  return (matrix[action] as readonly Role[]).includes(role);
}

/** Whether `actor` may take `action` anywhere in its account (site restrictions aside). */
export function can(actor: Actor, action: Action): boolean {
  switch (actor.type) {
    case "system":
      return actor.properties.accountId !== undefined;
    case "user":
      return roleCan(actor.properties.role, action);
    case "apikey":
      return !deniedToApiKeys.has(action) && roleCan(actor.properties.role, action);
    default:
      return false;
  }
}

/** The sites the actor is restricted to, or null for every site of its account. */
export function allowedSites(actor: Actor = useActor()): string[] | null {
  if (actor.type === "user" || actor.type === "apikey") return actor.properties.siteIds;
  return null;
}

/** True when the actor's site restriction lets it see `siteId` (existence not checked). */
export function siteAllowed(siteId: string, actor: Actor = useActor()): boolean {
  const sites = allowedSites(actor);
  return sites === null || sites.includes(siteId);
}

function requireSignedIn(actor: Actor) {
  if (actor.type === "public") {
    throw new VisibleError("auth", "auth.required", "Sign in or use an API key");
  }
}

/**
 * Throws unless the current actor may take `action`; with `siteId`, also runs
 * `assertSiteAccess`. Domain functions call this first thing.
 */
export async function assert(action: Action, scope: { siteId?: string; sectorId?: string } = {}) {
  const actor = useActor();
  requireSignedIn(actor);
  useAccount();
  assertRole(action, actor);
  if (scope.siteId !== undefined) await assertSiteAccess(scope.siteId, { sectorId: scope.sectorId });
}

/** The role part of `assert`, for account-wide actions that need no site lookup. */
export function assertRole(action: Action, actor: Actor = useActor()) {
  requireSignedIn(actor);
  if (!can(actor, action)) {
    throw new VisibleError("forbidden", "authz.forbidden", `Your role may not do ${action}`, {
      action,
    });
  }
}

/**
 * The one gate of every site-scoped read and write: the site must exist in the actor's
 * account and the actor must not be restricted away from it (membership sites, API key
 * sites). Both failures answer 404 so ids of other sites reveal nothing. With `sectorId`,
 * the sector must belong to that site.
 */
export async function assertSiteAccess(siteId: string, options: { sectorId?: string } = {}) {
  const actor = useActor();
  requireSignedIn(actor);
  const accountId = useAccount();
  if (!siteAllowed(siteId, actor)) throw siteNotFound(siteId);
  const site = await siteEntity().get({ accountId, siteId }).go({ attributes: ["siteId"] });
  if (!site.data) throw siteNotFound(siteId);
  if (options.sectorId !== undefined) {
    const sector = await sectorEntity()
      .get({ accountId, siteId, sectorId: options.sectorId })
      .go({ attributes: ["sectorId"] });
    if (!sector.data) {
      throw new VisibleError("not_found", "sector.not_found", "No such sector in this site", {
        sectorId: options.sectorId,
      });
    }
  }
}

function siteNotFound(siteId: string) {
  return new VisibleError("not_found", "site.not_found", "No such site in this account", { siteId });
}

/** Operators only: a signed-in superuser (never an API key, never a tenant role). */
export function assertSuperuser(actor: Actor = useActor()) {
  requireSignedIn(actor);
  if (actor.type === "system" && actor.properties.accountId === undefined) return;
  if (actor.type === "user" && actor.properties.superuser === true) return;
  throw new VisibleError("forbidden", "authz.superuser_required", "Only operators may do this");
}

/** A role may grant only roles at or below its own. */
export function roleRank(role: Role): number {
  return roles.length - roles.indexOf(role);
}
