import { afterEach, describe, expect, it, vi } from "vitest";
import { call, lastMail, setPlan, signUp, tokenIn, useApiTestEnvironment } from "./testing/harness";

useApiTestEnvironment();
afterEach(() => {
  vi.useRealTimers();
});

async function invite(ownerToken: string, body: Record<string, unknown>) {
  const result = await call("POST", "/v1/invitations", { token: ownerToken, body });
  if (result.status !== 201) throw new Error(`invite failed: ${result.status} ${result.text}`);
  const mail = await lastMail(body.email as string, "invitation");
  return { invitation: result.json.data, token: tokenIn(mail!.text) };
}

async function join(ownerToken: string, email: string, role: string, siteIds?: string[]) {
  const { token } = await invite(ownerToken, { email, role, ...(siteIds ? { siteIds } : {}) });
  const accepted = await call("POST", "/v1/invitations/accept", { body: { token, name: `${role} person`, password: "member password 1" } });
  if (accepted.status !== 200) throw new Error(`accept failed: ${accepted.text}`);
  const login = await call("POST", "/v1/auth/log-in", { body: { email, password: "member password 1" } });
  return { ...(login.json.data as { accessToken: string; userId: string }), email };
}

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

describe("invitations", () => {
  it("invites by e-mail; a new person accepts with a name and password and joins with the invited role", async () => {
    const owner = await signUp();
    await setPlan(owner.accountId, "starter");
    const email = `new-${unique()}@example.com`;
    const { invitation, token } = await invite(owner.accessToken, { email, role: "editor" });
    expect(invitation).toMatchObject({ email, role: "editor", status: "pending" });
    const missing = await call("POST", "/v1/invitations/accept", { body: { token } });
    expect(missing.status).toBe(400);
    expect(missing.json.error.code).toBe("invitation.profile_required");
    const accepted = await call("POST", "/v1/invitations/accept", { body: { token, name: "Ed", password: "editor password" } });
    expect(accepted.status).toBe(200);
    expect(accepted.json.data).toMatchObject({ accountId: owner.accountId, newUser: true });
    expect((await call("POST", "/v1/invitations/accept", { body: { token, name: "Ed", password: "editor password" } })).json.error.code).toBe(
      "invitation.invalid",
    );
    const members = await call("GET", "/v1/members", { token: owner.accessToken });
    expect(members.json.data.map((m: { email: string; role: string }) => [m.email, m.role])).toEqual(
      expect.arrayContaining([[email, "editor"], [owner.email, "owner"]]),
    );
    const list = await call("GET", "/v1/invitations?status=accepted", { token: owner.accessToken });
    expect(list.json.data[0]).toMatchObject({ email, status: "accepted" });
  });

  it("lets an existing user join a second account and switch between them", async () => {
    const first = await signUp();
    const second = await signUp();
    await setPlan(second.accountId, "starter");
    const { token } = await invite(second.accessToken, { email: first.email, role: "viewer" });
    const accepted = await call("POST", "/v1/invitations/accept", { body: { token } });
    expect(accepted.json.data).toMatchObject({ accountId: second.accountId, userId: first.userId, newUser: false });
    const me = await call("GET", "/v1/me", { token: first.accessToken });
    expect(me.json.data.memberships).toHaveLength(2);
    const switched = await call("POST", "/v1/auth/switch-account", { token: first.accessToken, body: { accountId: second.accountId } });
    expect(switched.status).toBe(200);
    const account = await call("GET", "/v1/account", { token: switched.json.data.accessToken });
    expect(account.json.data.accountId).toBe(second.accountId);
    // A viewer there: reading works, writing does not.
    expect((await call("POST", "/v1/sites", { token: switched.json.data.accessToken, body: { name: "x", url: "https://x.example" } })).status).toBe(403);
    // The refreshed session stays in the switched account.
    const refreshed = await call("POST", "/v1/auth/refresh", { body: { refreshToken: first.refreshToken } });
    expect(refreshed.json.data.accountId).toBe(second.accountId);
    // Not a member: 404.
    const stranger = await signUp();
    expect((await call("POST", "/v1/auth/switch-account", { token: stranger.accessToken, body: { accountId: second.accountId } })).status).toBe(404);
  });

  it("refuses expired and revoked invitations", async () => {
    const owner = await signUp();
    await setPlan(owner.accountId, "starter");
    const revoked = await invite(owner.accessToken, { email: `r-${unique()}@example.com`, role: "viewer" });
    expect((await call("DELETE", `/v1/invitations/${revoked.invitation.invitationId}`, { token: owner.accessToken })).json.data.status).toBe("revoked");
    expect((await call("POST", "/v1/invitations/accept", { body: { token: revoked.token, name: "R", password: "revoked password" } })).status).toBe(404);

    const expiring = await invite(owner.accessToken, { email: `e-${unique()}@example.com`, role: "viewer" });
    // Eight days later (only Date is faked; timers and I/O run normally).
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 8 * 86_400_000);
    const late = await call("POST", "/v1/invitations/accept", { body: { token: expiring.token, name: "E", password: "expired password" } });
    expect(late.status).toBe(401);
    expect(late.json.error.code).toBe("invitation.expired");
    vi.useRealTimers();
  });

  it("enforces max_users when two invitations race for the last seat: one joins, nothing is written for the other", async () => {
    const owner = await signUp();
    await setPlan(owner.accountId, "starter"); // 3 users: the owner + 2
    await join(owner.accessToken, `m1-${unique()}@example.com`, "editor");
    const a = await invite(owner.accessToken, { email: `a-${unique()}@example.com`, role: "viewer" });
    const b = await invite(owner.accessToken, { email: `b-${unique()}@example.com`, role: "viewer" });
    const results = await Promise.all(
      [a, b].map((x) => call("POST", "/v1/invitations/accept", { body: { token: x.token, name: "Racer", password: "racer password" } })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 403]);
    const loser = results.find((r) => r.status === 403)!;
    expect(loser.json.error).toMatchObject({ code: "plan.limit_reached", details: { limit: "max_users", max: 3, current: 3 } });
    const members = await call("GET", "/v1/members", { token: owner.accessToken });
    expect(members.json.data).toHaveLength(3);
    // The loser's user was not created either (the whole transaction was refused).
    const loserEmail = results[0]!.status === 403 ? a.invitation.email : b.invitation.email;
    expect((await call("POST", "/v1/auth/log-in", { body: { email: loserEmail, password: "racer password" } })).status).toBe(401);
    const pending = await call("GET", "/v1/invitations", { token: owner.accessToken });
    expect(pending.json.data.map((i: { email: string }) => i.email)).toContain(loserEmail);
    // Inviting more is refused early, and removing a member frees the seat.
    const more = await call("POST", "/v1/invitations", { token: owner.accessToken, body: { email: `c-${unique()}@example.com` } });
    expect(more.json.error.code).toBe("plan.limit_reached");
    const editor = members.json.data.find((m: { role: string }) => m.role === "editor");
    expect((await call("DELETE", `/v1/members/${editor.userId}`, { token: owner.accessToken })).status).toBe(204);
    const retry = await call("POST", "/v1/invitations/accept", { body: { token: results[0]!.status === 403 ? a.token : b.token, name: "R", password: "racer password" } });
    expect(retry.status).toBe(200);
  });
});

describe("plan limits over HTTP", () => {
  it("two parallel POST /v1/sites for the last max_sites slot: one 201, one 403 plan.limit_reached, one site stored", async () => {
    const owner = await signUp(); // free: one site
    const results = await Promise.all(
      [1, 2].map((n) => call("POST", "/v1/sites", { token: owner.accessToken, body: { name: `Race ${n}`, url: `https://race${n}.example` } })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 403]);
    expect(results.find((r) => r.status === 403)!.json.error).toMatchObject({
      code: "plan.limit_reached",
      details: { limit: "max_sites", max: 1, current: 1 },
    });
    const sites = await call("GET", "/v1/sites", { token: owner.accessToken });
    expect(sites.json.data).toHaveLength(1);
    const usage = await call("GET", "/v1/account/usage", { token: owner.accessToken });
    expect(usage.json.data.limits.find((l: { limit: string }) => l.limit === "max_sites")).toMatchObject({ max: 1, used: 1 });
  });
});

describe("members and roles", () => {
  it("owners change roles and restrictions; an account keeps one owner; only owners manage members", async () => {
    const owner = await signUp();
    await setPlan(owner.accountId, "growth");
    const admin = await join(owner.accessToken, `adm-${unique()}@example.com`, "admin");
    const site = await call("POST", "/v1/sites", { token: admin.accessToken, body: { name: "Admin made", url: "https://admin.example" } });
    expect(site.status).toBe(201);
    expect((await call("POST", "/v1/invitations", { token: admin.accessToken, body: { email: "x@example.com" } })).json.error.code).toBe("authz.forbidden");
    const demote = await call("PATCH", `/v1/members/${owner.userId}`, { token: owner.accessToken, body: { role: "admin" } });
    expect(demote.status).toBe(409);
    expect(demote.json.error.code).toBe("member.last_owner");
    const restrict = await call("PATCH", `/v1/members/${admin.userId}`, {
      token: owner.accessToken,
      body: { role: "editor", siteIds: [site.json.data.siteId] },
    });
    expect(restrict.json.data).toMatchObject({ role: "editor", siteIds: [site.json.data.siteId] });
    // Takes effect on the next request, without a new token.
    expect((await call("POST", "/v1/sites", { token: admin.accessToken, body: { name: "No", url: "https://no.example" } })).status).toBe(403);
    const bogus = await call("PATCH", `/v1/members/${admin.userId}`, { token: owner.accessToken, body: { siteIds: ["sit_01hzzzzzzzzzzzzzzzzzzzzzzz"] } });
    expect(bogus.status).toBe(404);
    const removed = await call("DELETE", `/v1/members/${admin.userId}`, { token: owner.accessToken });
    expect(removed.status).toBe(204);
    expect((await call("GET", "/v1/sites", { token: admin.accessToken })).status).toBe(401);
  });
});

describe("site restrictions and API keys", () => {
  it("confines a restricted member to their sites on every site-scoped read and write", async () => {
    const owner = await signUp();
    await setPlan(owner.accountId, "growth");
    const a = (await call("POST", "/v1/sites", { token: owner.accessToken, body: { name: "A", url: "https://a.example" } })).json.data;
    const b = (await call("POST", "/v1/sites", { token: owner.accessToken, body: { name: "B", url: "https://b.example" } })).json.data;
    const sectorB = (await call("POST", `/v1/sites/${b.siteId}/sectors`, { token: owner.accessToken, body: { presetId: "plumbing" } })).json.data;
    expect(sectorB).toMatchObject({ name: "Plumbing", presetId: "plumbing" });
    const member = await join(owner.accessToken, `res-${unique()}@example.com`, "admin", [a.siteId]);
    const list = await call("GET", "/v1/sites", { token: member.accessToken });
    expect(list.json.data.map((s: { siteId: string }) => s.siteId)).toEqual([a.siteId]);
    expect((await call("GET", `/v1/sites/${a.siteId}`, { token: member.accessToken })).status).toBe(200);
    for (const [method, path, body] of [
      ["GET", `/v1/sites/${b.siteId}`, undefined],
      ["PATCH", `/v1/sites/${b.siteId}`, { name: "Mine now" }],
      ["DELETE", `/v1/sites/${b.siteId}`, undefined],
      ["GET", `/v1/sites/${b.siteId}/sectors`, undefined],
      ["GET", `/v1/sites/${b.siteId}/sectors/${sectorB.sectorId}`, undefined],
      ["POST", `/v1/sites/${b.siteId}/sectors`, { name: "x" }],
      ["DELETE", `/v1/sites/${b.siteId}/sectors/${sectorB.sectorId}`, undefined],
      ["POST", "/v1/api-keys", { name: "sneaky", siteIds: [b.siteId] }],
    ] as const) {
      const result = await call(method, path, { token: member.accessToken, body });
      expect([403, 404], `${method} ${path}`).toContain(result.status);
      expect(result.text).not.toContain("Plumbing");
    }
    // Restricted members cannot add sites (they could not see them).
    expect((await call("POST", "/v1/sites", { token: member.accessToken, body: { name: "C", url: "https://c.example" } })).json.error.code).toBe("site.create_restricted");
    const usage = await call("GET", "/v1/account/usage", { token: member.accessToken });
    expect(JSON.stringify(usage.json)).not.toContain(b.siteId);
  });

  it("an API key scoped to one site cannot touch other sites; a revoked key answers 401", async () => {
    const owner = await signUp();
    await setPlan(owner.accountId, "growth");
    const a = (await call("POST", "/v1/sites", { token: owner.accessToken, body: { name: "A", url: "https://a.example" } })).json.data;
    const b = (await call("POST", "/v1/sites", { token: owner.accessToken, body: { name: "B", url: "https://b.example" } })).json.data;
    const created = await call("POST", "/v1/api-keys", { token: owner.accessToken, body: { name: "CI", role: "editor", siteIds: [a.siteId] } });
    expect(created.status).toBe(201);
    const secret = created.json.data.secret as string;
    expect(secret).toMatch(/^igny8_sk_/);
    expect(created.json.data.key.prefix).toBe(secret.slice(0, 13));
    // Shown once: the listing never carries it.
    const listed = await call("GET", "/v1/api-keys", { token: owner.accessToken });
    expect(listed.text).not.toContain(secret);
    expect(listed.json.data[0]).toMatchObject({ name: "CI", role: "editor", siteIds: [a.siteId], lastUsedAt: null });

    // Both header forms work.
    const sites = await call("GET", "/v1/sites", { token: secret });
    expect(sites.json.data.map((s: { siteId: string }) => s.siteId)).toEqual([a.siteId]);
    expect((await call("GET", `/v1/sites/${a.siteId}`, { apiKey: secret })).status).toBe(200);
    expect((await call("GET", `/v1/sites/${b.siteId}`, { apiKey: secret })).status).toBe(404);
    expect((await call("PATCH", `/v1/sites/${b.siteId}`, { apiKey: secret, body: { name: "x" } })).status).toBe(403);
    expect((await call("GET", `/v1/sites/${b.siteId}/sectors`, { apiKey: secret })).status).toBe(404);
    // Keys manage no keys, members or billing, and are not people.
    expect((await call("POST", "/v1/api-keys", { apiKey: secret, body: { name: "child" } })).status).toBe(403);
    expect((await call("GET", "/v1/me", { apiKey: secret })).status).toBe(403);
    // An admin key can change its own site, not another.
    const adminKey = (await call("POST", "/v1/api-keys", { token: owner.accessToken, body: { name: "ops", role: "admin", siteIds: [a.siteId] } })).json.data.secret;
    expect((await call("PATCH", `/v1/sites/${a.siteId}`, { apiKey: adminKey, body: { name: "Renamed" } })).status).toBe(200);
    expect((await call("DELETE", `/v1/sites/${b.siteId}`, { apiKey: adminKey })).status).toBe(404);
    // Use is recorded (lazily).
    const used = await call("GET", `/v1/api-keys/${created.json.data.key.keyId}`, { token: owner.accessToken });
    expect(used.json.data.lastUsedAt).not.toBeNull();
    // Revoked: 401 on the next request.
    expect((await call("DELETE", `/v1/api-keys/${created.json.data.key.keyId}`, { token: owner.accessToken })).json.data.revokedAt).not.toBeNull();
    const after = await call("GET", "/v1/sites", { apiKey: secret });
    expect(after.status).toBe(401);
    expect(after.json.error.code).toBe("auth.invalid_api_key");
    expect((await call("GET", "/v1/sites", { apiKey: `igny8_sk_${"x".repeat(43)}` })).status).toBe(401);
  });

  it("a key cannot outrank its creator", async () => {
    const owner = await signUp();
    await setPlan(owner.accountId, "growth");
    const admin = await join(owner.accessToken, `ka-${unique()}@example.com`, "admin");
    expect((await call("POST", "/v1/api-keys", { token: admin.accessToken, body: { name: "k", role: "admin" } })).status).toBe(201);
    const viewer = await join(owner.accessToken, `kv-${unique()}@example.com`, "viewer");
    expect((await call("POST", "/v1/api-keys", { token: viewer.accessToken, body: { name: "k", role: "viewer" } })).status).toBe(403);
  });
});
