export * as Auth from "./index";

import { AsyncLocalStorage } from "node:async_hooks";
import { z } from "zod";
import { type UserActor, useActor } from "../actor";
import { Account } from "../account";
import { accountEntity } from "../account/account.entity";
import { ApiKey } from "../apikey";
import { settings } from "../config";
import { Mail } from "../mail";
import { Membership } from "../membership";
import { membershipEntity } from "../membership/membership.entity";
import { Plan } from "../plan";
import { RateLimit } from "../ratelimit";
import { Transaction } from "../transaction";
import { User } from "../user";
import { userEntity } from "../user/user.entity";
import { VisibleError } from "../util/error";
import { fn } from "../util/fn";
import { createId } from "../util/id";
import { hashPassword, verifyPassword } from "./password";
import { authSecret } from "./secret";
import { resetEntity, sessionEntity } from "./session.entity";
import { ACCESS_TOKEN_SECONDS, hashSecret, randomSecret, signAccessToken, verifyAccessToken } from "./token";

export { authSecret, hashSecret, randomSecret };

/** Refresh tokens live 30 days from sign-in; each use rotates them. */
export const REFRESH_TOKEN_DAYS = 30;
const RESET_TOKEN_MINUTES = 60;
const LOGIN_WINDOW_SECONDS = 15 * 60;
const REFRESH_TOKEN = /^igny8_rt_(ses_[0-9a-hjkmnp-tv-z]{26})\.([A-Za-z0-9_-]{43})$/;
/** How many rotated-away hashes a family remembers for reuse detection. */
const REMEMBERED_HASHES = 50;

// --- the caller's network identity, set once at the edge --------------------------------

interface Client {
  ip: string;
  userAgent?: string;
}
const clientStorage = new AsyncLocalStorage<Client>();

export function withClient<T>(client: Client, cb: () => T): T {
  return clientStorage.run(client, cb);
}

export function useClient(): Client {
  return clientStorage.getStore() ?? { ip: "unknown" };
}

// --- schemas -------------------------------------------------------------------------------

export const RefreshToken = z.string().max(200).regex(REFRESH_TOKEN, "not a refresh token");

export const Tokens = z
  .object({
    accessToken: z.string(),
    refreshToken: z.string(),
    tokenType: z.literal("Bearer"),
    expiresIn: z.number().int().meta({ description: "Seconds the access token stays valid" }),
    accountId: z.string(),
    userId: z.string(),
  })
  .meta({ id: "Tokens" });
export type Tokens = z.infer<typeof Tokens>;

// --- sessions ------------------------------------------------------------------------------

async function startSession(userId: string, accountId: string): Promise<Tokens> {
  const sessionId = createId("session");
  const secret = randomSecret();
  const client = useClient();
  await sessionEntity()
    .create({
      sessionId,
      userId,
      accountId,
      tokenHash: hashSecret(secret),
      ip: client.ip,
      ...(client.userAgent ? { userAgent: client.userAgent.slice(0, 256) } : {}),
      expiresAt: Math.floor(Date.now() / 1000) + REFRESH_TOKEN_DAYS * 86_400,
    })
    .go();
  return issue({ userId, accountId, sessionId }, secret);
}

async function issue(claims: { userId: string; accountId: string; sessionId: string }, secret: string): Promise<Tokens> {
  return {
    accessToken: await signAccessToken(claims),
    refreshToken: `igny8_rt_${claims.sessionId}.${secret}`,
    tokenType: "Bearer",
    expiresIn: ACCESS_TOKEN_SECONDS,
    accountId: claims.accountId,
    userId: claims.userId,
  };
}

async function revokeSession(sessionId: string, reason: string) {
  try {
    await sessionEntity()
      .patch({ sessionId })
      .set({ revokedAt: new Date().toISOString(), revokedReason: reason })
      .where((attr, op) => op.notExists(attr.revokedAt))
      .go();
  } catch (error) {
    if (!String(error).includes("conditional request failed")) throw error;
  }
}

/** Revokes every session of a user except `keep` (after a password change or reset). */
async function revokeUserSessions(userId: string, reason: string, keep?: string) {
  const sessions = await sessionEntity().query.byUser({ userId }).go({ pages: "all", attributes: ["sessionId", "revokedAt"] });
  await Promise.all(
    sessions.data
      .filter((session) => session.sessionId !== keep && !session.revokedAt)
      .map((session) => revokeSession(session.sessionId, reason)),
  );
}

// --- sign-up -------------------------------------------------------------------------------

export const SignUpInput = z
  .strictObject({
    email: User.Email,
    password: User.Password,
    name: User.Name,
    accountName: Account.Name.meta({ description: "Your company or agency" }),
  })
  .meta({ id: "SignUp" });

/**
 * Creates an account on the default plan with its owner and signs them in. Always a plain
 * tenant: `system` and `superuser` are fixed to false here and the strict schema refuses them.
 */
export const signUp = fn(SignUpInput, async (input) => {
  await Plan.ensureSeeded();
  const planId = settings().IGNY8_DEFAULT_PLAN;
  if (!(await Plan.find(planId))) throw new VisibleError("unavailable", "plan.missing", "The default plan is missing");
  if (await User.findByEmail(input.email)) {
    throw new VisibleError("conflict", "auth.email_taken", "An account with this e-mail already exists");
  }
  const userId = createId("user");
  const accountId = createId("account");
  await Transaction.write(
    Account.creationParts({
      accountId,
      accountName: input.accountName,
      planId,
      system: false,
      user: { userId, email: input.email, name: input.name, passwordHash: await hashPassword(input.password), superuser: false },
    }),
  );
  return startSession(userId, accountId);
});

// --- log-in --------------------------------------------------------------------------------

export const LogInInput = z
  .strictObject({
    email: User.Email,
    password: z.string().min(1).max(256),
    accountId: Account.AccountId.optional().meta({ description: "Account to enter; default: the first one" }),
  })
  .meta({ id: "LogIn" });

function throttleRules(email: string) {
  const { IGNY8_LOGIN_FAILURES_EMAIL, IGNY8_LOGIN_FAILURES_IP } = settings();
  return [
    { bucket: "login-email", subject: email, max: IGNY8_LOGIN_FAILURES_EMAIL, seconds: LOGIN_WINDOW_SECONDS },
    { bucket: "login-ip", subject: useClient().ip, max: IGNY8_LOGIN_FAILURES_IP, seconds: LOGIN_WINDOW_SECONDS },
  ];
}

const invalidCredentials = () => new VisibleError("auth", "auth.invalid_credentials", "Wrong e-mail or password");

/**
 * Every attempt counts against the e-mail and the IP before the password is checked (so a
 * burst of parallel guesses is throttled too); a success gives its attempt back.
 */
export const logIn = fn(LogInInput, async ({ email, password, accountId }) => {
  const rules = throttleRules(email);
  const now = Date.now();
  const outcomes = await Promise.all(rules.map((rule) => RateLimit.hit(rule, now)));
  const blocked = outcomes.filter((outcome) => !outcome.allowed);
  if (blocked.length > 0) {
    throw new VisibleError("rate_limit", "auth.throttled", "Too many log-in attempts; try again later", {
      retryAfter: Math.max(...blocked.map((outcome) => outcome.retryAfter)),
    });
  }
  const user = await User.findByEmail(email);
  const valid = await verifyPassword(user?.passwordHash, password);
  if (!user || !valid) throw invalidCredentials();
  await Promise.all(rules.map((rule) => RateLimit.giveBack(rule, now)));
  if (user.status !== "active") throw new VisibleError("forbidden", "auth.user_disabled", "This user is disabled");
  const target = await chooseAccount(user.userId, accountId);
  return startSession(user.userId, target);
});

async function chooseAccount(userId: string, wanted?: string): Promise<string> {
  if (wanted) {
    const membership = await Membership.find(userId, wanted);
    if (!membership) throw new VisibleError("forbidden", "auth.not_a_member", "You are not a member of that account");
    return wanted;
  }
  const memberships = await membershipEntity().query.byUser({ userId }).go({ count: 1 });
  const first = memberships.data[0];
  if (!first) throw new VisibleError("forbidden", "auth.no_account", "You are not a member of any account");
  return first.accountId;
}

// --- refresh, switch, log-out ---------------------------------------------------------------

export const RefreshInput = z.strictObject({ refreshToken: RefreshToken }).meta({ id: "Refresh" });

/**
 * Rotates a refresh token. Presenting a token that was already rotated away means it was
 * copied: the whole family is revoked and both holders must sign in again.
 */
export const refresh = fn(RefreshInput, async ({ refreshToken }) => {
  const [, sessionId, secret] = REFRESH_TOKEN.exec(refreshToken)!;
  const invalid = new VisibleError("auth", "auth.refresh_invalid", "The refresh token is not valid");
  const session = (await sessionEntity().get({ sessionId: sessionId! }).go({ consistent: true })).data;
  if (!session || session.expiresAt * 1000 <= Date.now()) throw invalid;
  const presented = hashSecret(secret!);
  const reused = () => new VisibleError("auth", "auth.refresh_reused", "This refresh token was already used; sign in again");
  if (session.revokedAt) throw session.previousHashes.includes(presented) || session.tokenHash === presented ? reused() : invalid;
  if (session.tokenHash !== presented) {
    if (session.previousHashes.includes(presented)) {
      await revokeSession(session.sessionId, "refresh token reused");
      throw reused();
    }
    throw invalid;
  }
  const [membership, user] = await Promise.all([Membership.find(session.userId, session.accountId), User.find(session.userId)]);
  if (!membership || !user || user.status !== "active") {
    await revokeSession(session.sessionId, "access withdrawn");
    throw invalid;
  }
  const next = randomSecret();
  try {
    await sessionEntity()
      .patch({ sessionId: session.sessionId })
      .set({
        tokenHash: hashSecret(next),
        previousHashes: [...session.previousHashes, presented].slice(-REMEMBERED_HASHES),
        generation: session.generation + 1,
        refreshedAt: new Date().toISOString(),
      })
      .where((attr, op) => `${op.eq(attr.tokenHash, presented)} AND ${op.notExists(attr.revokedAt)}`)
      .go();
  } catch (error) {
    if (!String(error).includes("conditional request failed")) throw error;
    // Another request rotated the same token first: two holders, so revoke the family.
    await revokeSession(session.sessionId, "refresh token reused");
    throw reused();
  }
  return issue({ userId: session.userId, accountId: session.accountId, sessionId: session.sessionId }, next);
});

function signedInUser(): UserActor["properties"] {
  const actor = useActor();
  if (actor.type !== "user") throw new VisibleError("auth", "auth.user_required", "Sign in as a person");
  return actor.properties;
}

/** Ends the current sign-in: its refresh family is revoked and its access tokens stop working. */
export async function logOut(): Promise<void> {
  const { sessionId } = signedInUser();
  if (sessionId) await revokeSession(sessionId, "logged out");
}

export const SwitchInput = z.strictObject({ accountId: Account.AccountId }).meta({ id: "SwitchAccount" });

/** Moves the current sign-in to another account the user belongs to; returns a new access token. */
export const switchAccount = fn(SwitchInput, async ({ accountId }) => {
  const { userId, sessionId } = signedInUser();
  if (!sessionId) throw new VisibleError("auth", "auth.user_required", "Sign in as a person");
  if (!(await Membership.find(userId, accountId))) {
    throw new VisibleError("not_found", "account.not_found", "No such account among yours", { accountId });
  }
  await sessionEntity().patch({ sessionId }).set({ accountId }).go();
  return {
    accessToken: await signAccessToken({ userId, accountId, sessionId }),
    tokenType: "Bearer" as const,
    expiresIn: ACCESS_TOKEN_SECONDS,
    accountId,
    userId,
  };
});

export const Switched = Tokens.omit({ refreshToken: true }).meta({ id: "SwitchedAccount" });

// --- passwords -----------------------------------------------------------------------------

export const ChangePasswordInput = z
  .strictObject({ currentPassword: z.string().min(1).max(256), newPassword: User.Password })
  .meta({ id: "PasswordChange" });

/** Changes the password and signs out every other session of the user. */
export const changePassword = fn(ChangePasswordInput, async ({ currentPassword, newPassword }) => {
  const { userId, sessionId } = signedInUser();
  const user = await User.find(userId);
  if (!user || !(await verifyPassword(user.passwordHash, currentPassword))) {
    throw new VisibleError("auth", "auth.invalid_credentials", "The current password is wrong", {
      fields: [{ path: "currentPassword", message: "wrong password" }],
    });
  }
  await userEntity()
    .patch({ userId })
    .set({ passwordHash: await hashPassword(newPassword), passwordChangedAt: new Date().toISOString() })
    .go();
  await revokeUserSessions(userId, "password changed", sessionId);
});

export const ResetRequestInput = z.strictObject({ email: User.Email }).meta({ id: "PasswordResetRequest" });

/**
 * E-mails a reset link when the address has a user. Answers the same either way, and sends
 * at most 5 links per address an hour, so it tells nobody which addresses exist.
 */
export const requestPasswordReset = fn(ResetRequestInput, async ({ email }) => {
  const sent = await RateLimit.hit({ bucket: "reset-email", subject: email, max: 5, seconds: 3600 });
  if (!sent.allowed) return;
  const user = await User.findByEmail(email);
  if (user?.status !== "active") return;
  const token = randomSecret();
  await resetEntity()
    .create({
      tokenHash: hashSecret(token),
      userId: user.userId,
      expiresAt: Math.floor(Date.now() / 1000) + RESET_TOKEN_MINUTES * 60,
    })
    .go();
  const link = `${settings().IGNY8_WEB_ORIGIN}/reset-password?token=${token}`;
  await Mail.send({
    to: user.email,
    kind: "password_reset",
    subject: "Reset your IGNY8 password",
    text: `Someone asked to reset the password of ${user.email}.\n\nChoose a new password within ${RESET_TOKEN_MINUTES} minutes: ${link}\n\nIf it was not you, ignore this message.\n`,
  });
});

export const ResetInput = z
  .strictObject({ token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, "not a reset token"), newPassword: User.Password })
  .meta({ id: "PasswordReset" });

/** Sets a new password from an e-mailed token (once), and signs out every session. */
export const resetPassword = fn(ResetInput, async ({ token, newPassword }) => {
  const tokenHash = hashSecret(token);
  const invalid = new VisibleError("auth", "auth.reset_invalid", "This reset link is not valid or has expired");
  const reset = (await resetEntity().get({ tokenHash }).go({ consistent: true })).data;
  if (!reset || reset.usedAt || reset.expiresAt * 1000 <= Date.now()) throw invalid;
  const passwordHash = await hashPassword(newPassword);
  await Transaction.write([
    Transaction.part(
      resetEntity()
        .patch({ tokenHash })
        .set({ usedAt: new Date().toISOString() })
        .where((attr, op) => op.notExists(attr.usedAt)),
      () => invalid,
    ),
    Transaction.part(
      userEntity().patch({ userId: reset.userId }).set({ passwordHash, passwordChangedAt: new Date().toISOString() }),
      () => invalid,
    ),
  ]);
  await revokeUserSessions(reset.userId, "password reset");
});

// --- authenticating a request ---------------------------------------------------------------

/**
 * The actor for an Authorization header (Bearer access token or API key) or an x-api-key
 * header. Role and site restrictions are read from the membership on every request, so a
 * demotion or removal counts at once; a revoked session stops its access tokens at once.
 */
export async function authenticate(credentials: { bearer?: string; apiKey?: string }): Promise<UserActor | Awaited<ReturnType<typeof ApiKey.authenticate>>> {
  const apiKey = credentials.apiKey ?? (credentials.bearer?.startsWith(ApiKey.KEY_PREFIX) ? credentials.bearer : undefined);
  if (apiKey !== undefined) return ApiKey.authenticate(apiKey);
  if (!credentials.bearer) throw new VisibleError("auth", "auth.required", "Sign in or use an API key");
  const claims = await verifyAccessToken(credentials.bearer);
  const [session, membership, user, account] = await Promise.all([
    sessionEntity().get({ sessionId: claims.sessionId }).go({ attributes: ["userId", "accountId", "revokedAt"] }),
    membershipEntity().get({ accountId: claims.accountId, userId: claims.userId }).go(),
    userEntity().get({ userId: claims.userId }).go({ attributes: ["status", "superuser"] }),
    accountEntity().get({ accountId: claims.accountId }).go({ attributes: ["status"] }),
  ]);
  if (!session.data || session.data.revokedAt || session.data.userId !== claims.userId) {
    throw new VisibleError("auth", "auth.session_revoked", "This sign-in has ended; sign in again");
  }
  if (user.data?.status !== "active") throw new VisibleError("auth", "auth.invalid_token", "The access token is not valid");
  if (!membership.data) throw new VisibleError("auth", "auth.not_a_member", "You are no longer a member of this account");
  const superuser = user.data.superuser === true;
  if (account.data?.status !== "active" && !superuser) {
    throw new VisibleError("forbidden", "account.suspended", "This account is suspended");
  }
  return {
    type: "user",
    properties: {
      accountId: claims.accountId,
      userId: claims.userId,
      role: membership.data.role,
      siteIds: membership.data.siteIds ?? null,
      superuser,
      sessionId: claims.sessionId,
    },
  };
}
