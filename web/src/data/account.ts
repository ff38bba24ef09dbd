import { createQuery } from "@tanstack/solid-query";
import type { paths } from "./api.gen";
import { all, api, done, unwrap, unwrapPage } from "./client";
import { key, queryClient } from "./query";
import { clearSession, saveSession, session } from "./session";
import type { ApiKeyCreated, Role } from "./types";

/** Tenancy: who is signed in, the account, its members, invitations, API keys, plan and usage. */

export async function signUp(input: {
  email: string;
  password: string;
  name: string;
  accountName: string;
}) {
  const tokens = await unwrap(api.POST("/v1/auth/sign-up", { body: input }));
  queryClient.clear();
  saveSession(tokens);
}

export async function logIn(input: { email: string; password: string; accountId?: string }) {
  const tokens = await unwrap(api.POST("/v1/auth/log-in", { body: input }));
  queryClient.clear();
  saveSession(tokens);
}

export async function logOut() {
  // The session ends on the server when it can be reached; locally in any case.
  await done(api.POST("/v1/auth/log-out")).catch(() => undefined);
  clearSession();
  queryClient.clear();
}

export async function switchAccount(accountId: string) {
  const switched = await unwrap(api.POST("/v1/auth/switch-account", { body: { accountId } }));
  // Cleared before the new session: screens still showing re-key their queries to the new
  // account and fetch afresh (clearing after would orphan the queries they just started).
  queryClient.clear();
  saveSession(switched);
}

export async function acceptInvitation(input: { token: string; name?: string; password?: string }) {
  return unwrap(api.POST("/v1/invitations/accept", { body: input }));
}

export async function requestPasswordReset(email: string) {
  return unwrap(api.POST("/v1/auth/password-reset/request", { body: { email } }));
}

export async function resetPassword(token: string, newPassword: string) {
  return done(api.POST("/v1/auth/password-reset", { body: { token, newPassword } }));
}

export const useMe = () =>
  createQuery(() => ({
    queryKey: key("me"),
    queryFn: () => unwrap(api.GET("/v1/me")),
    enabled: Boolean(session()),
  }));

export const useAccount = () =>
  createQuery(() => ({ queryKey: key("account"), queryFn: () => unwrap(api.GET("/v1/account")) }));

export const useUsage = () =>
  createQuery(() => ({
    queryKey: key("usage"),
    queryFn: () => unwrap(api.GET("/v1/account/usage")),
  }));

export const usePlans = () =>
  createQuery(() => ({
    queryKey: ["plans"],
    queryFn: () => unwrap(api.GET("/v1/plans")),
    staleTime: 300_000,
  }));

export const renameAccount = (name: string) => unwrap(api.PATCH("/v1/account", { body: { name } }));

export const useMembers = () =>
  createQuery(() => ({
    queryKey: key("members"),
    queryFn: () =>
      all((cursor) =>
        unwrapPage(api.GET("/v1/members", { params: { query: { cursor, limit: 100 } } })),
      ),
  }));

type MemberPatch = NonNullable<
  paths["/v1/members/{userId}"]["patch"]["requestBody"]
>["content"]["application/json"];
export const updateMember = (userId: string, patch: MemberPatch) =>
  unwrap(api.PATCH("/v1/members/{userId}", { params: { path: { userId } }, body: patch }));
export const removeMember = (userId: string) =>
  done(api.DELETE("/v1/members/{userId}", { params: { path: { userId } } }));

export const useInvitations = () =>
  createQuery(() => ({
    queryKey: key("invitations"),
    queryFn: () =>
      all((cursor) =>
        unwrapPage(api.GET("/v1/invitations", { params: { query: { cursor, limit: 100 } } })),
      ),
  }));

export const invite = (input: { email: string; role: Role; siteIds?: string[] }) =>
  unwrap(api.POST("/v1/invitations", { body: input }));
export const revokeInvitation = (invitationId: string) =>
  unwrap(api.DELETE("/v1/invitations/{invitationId}", { params: { path: { invitationId } } }));

export const useApiKeys = () =>
  createQuery(() => ({
    queryKey: key("api-keys"),
    queryFn: () =>
      all((cursor) =>
        unwrapPage(api.GET("/v1/api-keys", { params: { query: { cursor, limit: 100 } } })),
      ),
  }));

export const createApiKey = (input: {
  name: string;
  role: "admin" | "editor" | "viewer";
  siteIds?: string[];
  expiresAt?: string;
}) => unwrap(api.POST("/v1/api-keys", { body: input })) as Promise<ApiKeyCreated>;
export const revokeApiKey = (keyId: string) =>
  unwrap(api.DELETE("/v1/api-keys/{keyId}", { params: { path: { keyId } } }));

/** The signed-in person's role in the current account. */
export function currentRole(
  me: { memberships: { current: boolean; role: Role }[] } | undefined,
): Role | undefined {
  return me?.memberships.find((m) => m.current)?.role;
}

export const canManage = (role: Role | undefined) => role === "owner" || role === "admin";
export const canWrite = (role: Role | undefined) => role !== undefined && role !== "viewer";
