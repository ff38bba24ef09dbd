import createClient from "openapi-fetch";
import type { paths } from "./api.gen";
import { ApiError } from "./errors";
import { clearSession, type Session, saveSession, session, storedSession } from "./session";

/**
 * The typed API client. Paths, parameters and bodies are checked against the OpenAPI document
 * (api.gen.ts). The base URL is VITE_API_URL when the dashboard runs on its own origin (Vite dev
 * under `pnpm dev`, or a CDN in AWS); empty when the API answers on the dashboard's own origin
 * (the built dashboard under `pnpm dev` forwards /v1 to the API in-process).
 */
export const apiBase = ((import.meta.env.VITE_API_URL as string | undefined) ?? "").replace(/\/$/, "");

/** Refresh a little before expiry so a request never leaves with a token about to lapse. */
const EARLY_MS = 30_000;
let refreshing: Promise<Session | undefined> | undefined;

async function rotate(stale: Session): Promise<Session | undefined> {
  // Another tab may have rotated the token already: use its result instead of reusing ours
  // (a refresh token presented twice ends the whole sign-in).
  const latest = storedSession();
  if (!latest) return undefined;
  if (latest.refreshToken !== stale.refreshToken && latest.expiresAt - EARLY_MS > Date.now()) return latest;
  const response = await fetch(`${apiBase}/v1/auth/refresh`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ refreshToken: latest.refreshToken }),
  }).catch(() => undefined);
  if (!response) return latest; // offline: keep the session, the request will fail on its own
  if (!response.ok) {
    if (response.status === 401) clearSession();
    return undefined;
  }
  const body = (await response.json()) as { data: Parameters<typeof saveSession>[0] };
  return saveSession(body.data);
}

/** One refresh at a time, across tabs when the browser has Web Locks. */
export function refreshSession(stale: Session): Promise<Session | undefined> {
  if (!refreshing) {
    const run: Promise<Session | undefined> = navigator.locks
      ? navigator.locks.request("igny8.refresh", () => rotate(stale)).then((result) => result)
      : rotate(stale);
    refreshing = run.finally(() => {
      refreshing = undefined;
    });
  }
  return refreshing;
}

async function freshSession(): Promise<Session | undefined> {
  const current = session();
  if (!current) return undefined;
  if (current.expiresAt - EARLY_MS > Date.now()) return current;
  return refreshSession(current);
}

async function authedFetch(request: Request): Promise<Response> {
  const retry = request.clone();
  const current = await freshSession();
  if (current && !request.headers.has("authorization")) {
    request.headers.set("authorization", `Bearer ${current.accessToken}`);
  }
  let response: Response;
  try {
    response = await fetch(request);
  } catch {
    throw new ApiError("network.unreachable", "The API could not be reached", 0);
  }
  if (response.status === 401 && current) {
    const code = await response
      .clone()
      .json()
      .then((body: { error?: { code?: string } }) => body.error?.code)
      .catch(() => undefined);
    if (code === "auth.token_expired" || code === "auth.invalid_token") {
      const renewed = await refreshSession(current);
      if (renewed) {
        retry.headers.set("authorization", `Bearer ${renewed.accessToken}`);
        return fetch(retry);
      }
    } else if (code === "auth.session_revoked" || code === "auth.user_missing") {
      clearSession();
    }
  }
  return response;
}

export const api = createClient<paths>({ baseUrl: apiBase, fetch: authedFetch });

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

type DataOf<T> = T extends { data: infer D } ? D : never;

/** Awaits a call and answers the envelope's `data`, or throws an ApiError. */
export async function unwrap<T>(call: Promise<Answer<T>>): Promise<DataOf<T>> {
  const { data, error, response } = await call;
  if (!response.ok || error !== undefined) throw ApiError.from(response.status, error);
  return (data as { data: DataOf<T> }).data;
}

/** Awaits a list call and answers its items and the next cursor. */
export async function unwrapPage<T>(
  call: Promise<Answer<T>>,
): Promise<{ items: DataOf<T>; cursor: string | null }> {
  const { data, error, response } = await call;
  if (!response.ok || error !== undefined) throw ApiError.from(response.status, error);
  const body = data as { data: DataOf<T>; meta: { cursor: string | null } };
  return { items: body.data, cursor: body.meta.cursor };
}

/** Awaits a call that answers no body (204). */
export async function done(call: Promise<{ error?: unknown; response: Response }>): Promise<void> {
  const { error, response } = await call;
  if (!response.ok || error !== undefined) throw ApiError.from(response.status, error);
}

/** Reads every page of a list (for small lists: sectors, members, connections). */
export async function all<I>(
  load: (cursor: string | undefined) => Promise<{ items: I[]; cursor: string | null }>,
  max = 2000,
): Promise<I[]> {
  const items: I[] = [];
  let cursor: string | undefined;
  do {
    const page = await load(cursor);
    items.push(...page.items);
    cursor = page.cursor ?? undefined;
  } while (cursor && items.length < max);
  return items;
}
