export * as Actor from "./index";

import { AsyncLocalStorage } from "node:async_hooks";
import { VisibleError } from "../util/error";

export type Role = "owner" | "admin" | "editor" | "viewer";

/** A signed-in person acting inside one account. `siteIds` null means every site of the account. */
export interface UserActor {
  type: "user";
  properties: {
    accountId: string;
    userId: string;
    role: Role;
    siteIds: string[] | null;
    superuser?: boolean;
    /** The refresh-token family this sign-in belongs to (log-out revokes it). */
    sessionId?: string;
  };
}

/** A machine client authenticated by an API key, scoped to an account and optionally to sites. */
export interface ApiKeyActor {
  type: "apikey";
  properties: { accountId: string; keyId: string; role: Role; siteIds: string[] | null };
}

/** Pipelines, schedules and event handlers; `accountId` is set when acting for one tenant. */
export interface SystemActor {
  type: "system";
  properties: { accountId?: string };
}

/** Nobody signed in: only public routes run as this. */
export interface PublicActor {
  type: "public";
  properties: Record<string, never>;
}

export type Actor = UserActor | ApiKeyActor | SystemActor | PublicActor;

const storage = new AsyncLocalStorage<Actor>();

/** Runs `cb` with `actor` as the current actor; every domain function below reads it. */
export function withActor<T>(actor: Actor, cb: () => T): T {
  return storage.run(actor, cb);
}

export function useActor(): Actor {
  return storage.getStore() ?? { type: "public", properties: {} };
}

/** The current tenant. Tenant-owned keys always lead with this, never with a request value. */
export function useAccount(): string {
  const actor = useActor();
  if (actor.type !== "public" && actor.properties.accountId) return actor.properties.accountId;
  throw new VisibleError("auth", "auth.required", "Sign in to an account first");
}

/** The account id when there is one, for logs and metrics. */
export function maybeAccount(): string | undefined {
  const actor = useActor();
  return actor.type === "public" ? undefined : actor.properties.accountId;
}
