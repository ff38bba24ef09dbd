import { describe, expect, it } from "vitest";
import { call, lastMail, signUp, superuser, tokenIn, useApiTestEnvironment } from "./testing/harness";

useApiTestEnvironment({ IGNY8_LOGIN_FAILURES_EMAIL: "5", IGNY8_LOGIN_FAILURES_IP: "20" });

describe("sign-up", () => {
  it("creates an account on the default plan with its owner, signed in", async () => {
    const owner = await signUp({ accountName: "Plumbing Co" });
    const me = await call("GET", "/v1/me", { token: owner.accessToken });
    expect(me.status).toBe(200);
    expect(me.json.data.user).toMatchObject({ email: owner.email, superuser: false });
    expect(me.json.data.memberships).toEqual([
      expect.objectContaining({ accountId: owner.accountId, accountName: "Plumbing Co", role: "owner", current: true, siteIds: null }),
    ]);
    const account = await call("GET", "/v1/account", { token: owner.accessToken });
    expect(account.json.data).toMatchObject({ accountId: owner.accountId, planId: "free", status: "active" });
    const usage = await call("GET", "/v1/account/usage", { token: owner.accessToken });
    expect(usage.json.data.limits.find((l: { limit: string }) => l.limit === "max_users")).toMatchObject({ max: 1, used: 1 });
  });

  it("can never create a system account or a superuser", async () => {
    const base = { email: "sneaky@example.com", password: "long password 123", name: "S", accountName: "S" };
    for (const extra of [{ superuser: true }, { system: true }, { role: "admin" }, { planId: "scale" }, { accountId: "acc_01hzzzzzzzzzzzzzzzzzzzzzzz" }]) {
      const result = await call("POST", "/v1/auth/sign-up", { body: { ...base, ...extra } });
      expect(result.status).toBe(400);
      expect(result.json.error.code).toBe("input.invalid");
    }
    const ok = await call("POST", "/v1/auth/sign-up", { body: base });
    expect(ok.status).toBe(201);
    const me = await call("GET", "/v1/me", { token: ok.json.data.accessToken });
    expect(me.json.data.user.superuser).toBe(false);
    const admin = await call("GET", "/v1/admin/accounts", { token: ok.json.data.accessToken });
    expect(admin.status).toBe(403);
    expect(admin.json.error.code).toBe("authz.superuser_required");
    const { withActor } = await import("@igny8/core/actor");
    const { Account } = await import("@igny8/core/account");
    const stored = await withActor({ type: "system", properties: {} }, () => Account.adminGet({ accountId: ok.json.data.accountId }));
    expect(stored.system).toBe(false);
  });

  it("refuses a taken e-mail (any case) with 409", async () => {
    const owner = await signUp();
    const again = await call("POST", "/v1/auth/sign-up", {
      body: { email: owner.email.toUpperCase(), password: "another password", name: "X", accountName: "X" },
    });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe("auth.email_taken");
  });
});

describe("log-in", () => {
  it("signs in with the right password, refuses a wrong one without saying which part was wrong", async () => {
    const owner = await signUp();
    const good = await call("POST", "/v1/auth/log-in", { body: { email: owner.email, password: owner.password }, ip: "203.0.113.1" });
    expect(good.status).toBe(200);
    expect(good.json.data).toMatchObject({ tokenType: "Bearer", expiresIn: 900, accountId: owner.accountId });
    const wrong = await call("POST", "/v1/auth/log-in", { body: { email: owner.email, password: "wrong password" }, ip: "203.0.113.1" });
    const unknown = await call("POST", "/v1/auth/log-in", { body: { email: "nobody@example.com", password: "wrong password" }, ip: "203.0.113.1" });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.json.error.code).toBe("auth.invalid_credentials");
    expect(unknown.json.error.message).toBe(wrong.json.error.message);
  });

  it("throttles per e-mail: the 6th attempt in 15 minutes answers 429 auth.throttled with Retry-After, even with the right password", async () => {
    const owner = await signUp();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await call("POST", "/v1/auth/log-in", { body: { email: owner.email, password: `wrong ${i}` }, ip: `203.0.113.${10 + i}` })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    const blocked = await call("POST", "/v1/auth/log-in", { body: { email: owner.email, password: owner.password }, ip: "203.0.113.99" });
    expect(blocked.status).toBe(429);
    expect(blocked.json.error.code).toBe("auth.throttled");
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    // A sliding window: the six attempts (the refused one counts) weigh 6 now and fall below the
    // limit a third into the next window, so the wait is at most 15 + 5 minutes.
    expect(Number(blocked.headers.get("retry-after"))).toBeLessThanOrEqual(1200);
    // Another e-mail from another address is not affected.
    const other = await signUp();
    expect((await call("POST", "/v1/auth/log-in", { body: { email: other.email, password: other.password }, ip: "203.0.113.98" })).status).toBe(200);
  });

  it("throttles per IP across e-mails, including a parallel burst", async () => {
    const ip = "198.51.100.200";
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => call("POST", "/v1/auth/log-in", { body: { email: `guess${i}@example.com`, password: "guess guess" }, ip })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
  });

  it("does not count successful log-ins against the e-mail", async () => {
    const owner = await signUp();
    for (let i = 0; i < 8; i++) {
      const result = await call("POST", "/v1/auth/log-in", { body: { email: owner.email, password: owner.password }, ip: `192.0.2.${i}` });
      expect(result.status).toBe(200);
    }
  });
});

describe("refresh tokens", () => {
  it("rotate on every use; a reused token revokes the whole family", async () => {
    const owner = await signUp();
    const first = await call("POST", "/v1/auth/refresh", { body: { refreshToken: owner.refreshToken } });
    expect(first.status).toBe(200);
    const rotated = first.json.data.refreshToken as string;
    expect(rotated).not.toBe(owner.refreshToken);
    const second = await call("POST", "/v1/auth/refresh", { body: { refreshToken: rotated } });
    expect(second.status).toBe(200);
    const current = second.json.data.refreshToken as string;
    // An attacker replays the first (already used) token.
    const replay = await call("POST", "/v1/auth/refresh", { body: { refreshToken: owner.refreshToken } });
    expect(replay.status).toBe(401);
    expect(replay.json.error.code).toBe("auth.refresh_reused");
    // The family is revoked: the legitimate current token and the access token die too.
    const legit = await call("POST", "/v1/auth/refresh", { body: { refreshToken: current } });
    expect(legit.status).toBe(401);
    const access = await call("GET", "/v1/me", { token: second.json.data.accessToken });
    expect(access.status).toBe(401);
    expect(access.json.error.code).toBe("auth.session_revoked");
    // Other sign-ins of the same user are untouched.
    const other = await call("POST", "/v1/auth/log-in", { body: { email: owner.email, password: owner.password } });
    expect((await call("GET", "/v1/me", { token: other.json.data.accessToken })).status).toBe(200);
  });

  it("lets only one of two parallel refreshes with the same token win, and revokes the family", async () => {
    const owner = await signUp();
    const results = await Promise.all([
      call("POST", "/v1/auth/refresh", { body: { refreshToken: owner.refreshToken } }),
      call("POST", "/v1/auth/refresh", { body: { refreshToken: owner.refreshToken } }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
    const winner = results.find((r) => r.status === 200)!;
    expect((await call("POST", "/v1/auth/refresh", { body: { refreshToken: winner.json.data.refreshToken } })).status).toBe(401);
  });

  it("refuses forged and malformed tokens", async () => {
    const owner = await signUp();
    const forged = owner.refreshToken.replace(/\.[A-Za-z0-9_-]{43}$/, `.${"A".repeat(43)}`);
    expect((await call("POST", "/v1/auth/refresh", { body: { refreshToken: forged } })).json.error.code).toBe("auth.refresh_invalid");
    expect((await call("POST", "/v1/auth/refresh", { body: { refreshToken: "nope" } })).status).toBe(400);
    const tampered = `${owner.accessToken.slice(0, -4)}AAAA`;
    expect((await call("GET", "/v1/me", { token: tampered })).json.error.code).toBe("auth.invalid_token");
  });

  it("log-out revokes the family and stops its access token at once", async () => {
    const owner = await signUp();
    expect((await call("POST", "/v1/auth/log-out", { token: owner.accessToken })).status).toBe(204);
    expect((await call("GET", "/v1/me", { token: owner.accessToken })).status).toBe(401);
    expect((await call("POST", "/v1/auth/refresh", { body: { refreshToken: owner.refreshToken } })).status).toBe(401);
  });
});

describe("passwords", () => {
  it("changing the password needs the current one and signs out other sessions", async () => {
    const owner = await signUp();
    const otherSession = await call("POST", "/v1/auth/log-in", { body: { email: owner.email, password: owner.password } });
    const wrong = await call("POST", "/v1/auth/password", { token: owner.accessToken, body: { currentPassword: "nope nope", newPassword: "brand new password" } });
    expect(wrong.status).toBe(401);
    const changed = await call("POST", "/v1/auth/password", {
      token: owner.accessToken,
      body: { currentPassword: owner.password, newPassword: "brand new password" },
    });
    expect(changed.status).toBe(204);
    expect((await call("GET", "/v1/me", { token: owner.accessToken })).status).toBe(200);
    expect((await call("GET", "/v1/me", { token: otherSession.json.data.accessToken })).status).toBe(401);
    expect((await call("POST", "/v1/auth/log-in", { body: { email: owner.email, password: owner.password } })).status).toBe(401);
    expect((await call("POST", "/v1/auth/log-in", { body: { email: owner.email, password: "brand new password" } })).status).toBe(200);
  });

  it("resets by an e-mailed token read from the outbox; the token works once", async () => {
    const owner = await signUp();
    const requested = await call("POST", "/v1/auth/password-reset/request", { body: { email: owner.email } });
    expect(requested.status).toBe(202);
    const unknown = await call("POST", "/v1/auth/password-reset/request", { body: { email: "nobody-at-all@example.com" } });
    expect(unknown.status).toBe(202);
    expect(unknown.json).toEqual(requested.json);
    const mail = await lastMail(owner.email, "password_reset");
    expect(mail?.text).toContain("https://app.igny8.test/reset-password?token=");
    const token = tokenIn(mail!.text);
    const reset = await call("POST", "/v1/auth/password-reset", { body: { token, newPassword: "reset password 456" } });
    expect(reset.status).toBe(204);
    expect((await call("POST", "/v1/auth/password-reset", { body: { token, newPassword: "again password 789" } })).json.error.code).toBe("auth.reset_invalid");
    expect((await call("GET", "/v1/me", { token: owner.accessToken })).status).toBe(401);
    expect((await call("POST", "/v1/auth/log-in", { body: { email: owner.email, password: "reset password 456" } })).status).toBe(200);
  });

  it("keeps the outbox route off unless IGNY8_DEV_ROUTES is set", async () => {
    const { Config } = await import("@igny8/core/config");
    process.env.IGNY8_DEV_ROUTES = "false";
    Config.reset();
    try {
      expect((await call("GET", "/v1/dev/outbox")).status).toBe(404);
    } finally {
      process.env.IGNY8_DEV_ROUTES = "true";
      Config.reset();
    }
  });
});

describe("operators", () => {
  it("superusers edit plans and move accounts between plans; tenants cannot", async () => {
    const operator = await superuser();
    const owner = await signUp();
    const plans = await call("GET", "/v1/admin/plans", { token: operator.accessToken });
    expect(plans.status).toBe(200);
    expect(plans.json.data.map((p: { planId: string }) => p.planId)).toEqual(expect.arrayContaining(["free", "starter", "growth", "scale"]));

    const edited = await call("PATCH", "/v1/admin/plans/free", { token: operator.accessToken, body: { limits: { max_sites: 2 } } });
    expect(edited.status).toBe(200);
    expect(edited.json.data.limits).toMatchObject({ max_sites: 2, max_users: 1 });
    for (const n of [1, 2]) {
      expect((await call("POST", "/v1/sites", { token: owner.accessToken, body: { name: `S${n}`, url: `https://s${n}.example` } })).status).toBe(201);
    }
    const third = await call("POST", "/v1/sites", { token: owner.accessToken, body: { name: "S3", url: "https://s3.example" } });
    expect(third.status).toBe(403);
    expect(third.json.error).toMatchObject({ code: "plan.limit_reached", details: { limit: "max_sites", max: 2, current: 2 } });

    const created = await call("POST", "/v1/admin/plans", {
      token: operator.accessToken,
      body: {
        planId: "agency-xl",
        name: "Agency XL",
        public: false,
        limits: Object.fromEntries(Object.keys(edited.json.data.limits).map((name) => [name, null])),
      },
    });
    expect(created.status).toBe(201);
    const moved = await call("PATCH", `/v1/admin/accounts/${owner.accountId}`, { token: operator.accessToken, body: { planId: "agency-xl" } });
    expect(moved.json.data.planId).toBe("agency-xl");
    expect((await call("POST", "/v1/sites", { token: owner.accessToken, body: { name: "S3", url: "https://s3.example" } })).status).toBe(201);
    // Hidden plans are not in the public catalogue.
    const publicPlans = await call("GET", "/v1/plans");
    expect(publicPlans.json.data.map((p: { planId: string }) => p.planId)).not.toContain("agency-xl");

    const listed = await call("GET", "/v1/admin/accounts?limit=100&planId=agency-xl", { token: operator.accessToken });
    expect(listed.json.data.map((a: { accountId: string }) => a.accountId)).toContain(owner.accountId);

    // Suspension stops the tenant's requests at once.
    await call("PATCH", `/v1/admin/accounts/${owner.accountId}`, { token: operator.accessToken, body: { status: "suspended" } });
    const suspended = await call("GET", "/v1/sites", { token: owner.accessToken });
    expect(suspended.status).toBe(403);
    expect(suspended.json.error.code).toBe("account.suspended");

    for (const [method, path] of [["GET", "/v1/admin/plans"], ["PATCH", "/v1/admin/plans/free"], ["GET", `/v1/admin/accounts/${owner.accountId}`]] as const) {
      const other = await signUp();
      const refused = await call(method, path, { token: other.accessToken, body: method === "PATCH" ? { name: "Mine" } : undefined });
      expect(refused.status).toBe(403);
    }
    // Restore the free plan for other tests in this file.
    await call("PATCH", "/v1/admin/plans/free", { token: operator.accessToken, body: { limits: { max_sites: 1 } } });
  });
});
