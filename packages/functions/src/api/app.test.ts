import { describe, expect, it } from "vitest";
import { call, setPlan, signUp, useApiTestEnvironment } from "./testing/harness";

useApiTestEnvironment();

describe("API conventions", () => {
  it("keeps /health answering", async () => {
    const result = await call("GET", "/health");
    expect(result.status).toBe(200);
    expect(result.json.data.status).toBe("ok");
  });

  it("serves an OpenAPI 3.1 document with security schemes and scope metadata on every operation", async () => {
    const result = await call("GET", "/v1/openapi.json");
    expect(result.status).toBe(200);
    const doc = result.json;
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.components.securitySchemes)).toEqual(expect.arrayContaining(["bearerAuth", "apiKeyHeader"]));
    const operations = Object.values(doc.paths).flatMap((methods) => Object.values(methods as object));
    expect(operations.length).toBeGreaterThan(30);
    for (const op of operations) expect(["public", "self", "account", "site", "admin"]).toContain(op["x-igny8-scope"]);
    expect(doc.paths["/v1/sites"].post.requestBody.content["application/json"].schema).toBeDefined();
  });

  it("serves a self-contained HTML reference (no scripts)", async () => {
    const result = await call("GET", "/v1/docs");
    expect(result.status).toBe(200);
    expect(result.headers.get("content-type")).toContain("text/html");
    expect(result.text).toContain("/v1/sites/{siteId}/sectors");
    expect(result.text).not.toMatch(/<script/i);
  });

  it("echoes a well-formed x-request-id and replaces a malformed one", async () => {
    const given = await call("GET", "/v1/plans", { headers: { "x-request-id": "trace-12345678" } });
    expect(given.headers.get("x-request-id")).toBe("trace-12345678");
    const bad = await call("GET", "/v1/nope", { headers: { "x-request-id": "bad id with spaces" } });
    expect(bad.headers.get("x-request-id")).toMatch(/^req_/);
    expect(bad.status).toBe(404);
    expect(bad.json.error).toMatchObject({ code: "route.not_found", requestId: bad.headers.get("x-request-id"), fields: [] });
  });

  it("allows CORS for the dashboard origin only", async () => {
    const allowed = await call("OPTIONS", "/v1/sites", {
      headers: { origin: "https://app.igny8.test", "access-control-request-method": "POST" },
    });
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.igny8.test");
    const other = await call("OPTIONS", "/v1/sites", {
      headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
    });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("rejects bodies over 1 MB with 413 request.too_large before parsing", async () => {
    const owner = await signUp();
    const result = await call("POST", "/v1/sites", {
      token: owner.accessToken,
      rawBody: JSON.stringify({ name: "x".repeat(1024 * 1024 + 10), url: "https://a.example" }),
      headers: { "content-type": "application/json" },
    });
    expect(result.status).toBe(413);
    expect(result.json.error.code).toBe("request.too_large");
  });

  it("rejects unknown fields, wrong types and malformed JSON with 400 and field paths", async () => {
    const owner = await signUp();
    const unknown = await call("POST", "/v1/sites", {
      token: owner.accessToken,
      body: { name: "Site", url: "https://a.example", accountId: "acc_x" },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.code).toBe("input.invalid");
    expect(unknown.json.error.fields[0].path).toBe("body.(root)");
    const wrongType = await call("POST", "/v1/sites", { token: owner.accessToken, body: { name: 5, url: "https://a.example" } });
    expect(wrongType.json.error.fields[0].path).toBe("body.name");
    const malformed = await call("POST", "/v1/sites", {
      token: owner.accessToken,
      rawBody: "{not json",
      headers: { "content-type": "application/json" },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.json.error.code).toBe("request.malformed");
    const query = await call("GET", "/v1/sites?limit=1000&color=red", { token: owner.accessToken });
    expect(query.status).toBe(400);
    expect(query.json.error.fields.map((f: { path: string }) => f.path)).toEqual(expect.arrayContaining(["query.limit"]));
  });

  it("pages with signed cursors, bounded limits, filters and sorts", async () => {
    const owner = await signUp();
    await call("PATCH", "/v1/account", { token: owner.accessToken, body: { name: "Paging" } });
    // The default plan (free) allows one site.
    await setPlan(owner.accountId, "scale");
    for (const name of ["Delta", "alpha", "Charlie", "bravo", "Echo"]) {
      const created = await call("POST", "/v1/sites", { token: owner.accessToken, body: { name, url: `https://${name.toLowerCase()}.example` } });
      expect(created.status).toBe(201);
    }
    const first = await call("GET", "/v1/sites?limit=2&sort=name", { token: owner.accessToken });
    expect(first.json.data.map((s: { name: string }) => s.name)).toEqual(["alpha", "bravo"]);
    const second = await call("GET", `/v1/sites?limit=2&sort=name&cursor=${first.json.meta.cursor}`, { token: owner.accessToken });
    expect(second.json.data.map((s: { name: string }) => s.name)).toEqual(["Charlie", "Delta"]);
    const filtered = await call("GET", "/v1/sites?q=ECH", { token: owner.accessToken });
    expect(filtered.json.data.map((s: { name: string }) => s.name)).toEqual(["Echo"]);
    const newest = await call("GET", "/v1/sites?limit=1", { token: owner.accessToken });
    expect(newest.json.data[0].name).toBe("Echo");
    // A cursor from another list (different sort) is refused.
    const replay = await call("GET", `/v1/sites?limit=2&sort=-name&cursor=${first.json.meta.cursor}`, { token: owner.accessToken });
    expect(replay.status).toBe(400);
    expect(replay.json.error.code).toBe("pagination.cursor_invalid");
  });

  it("answers 429 with Retry-After when an IP goes over its per-minute budget", async () => {
    const { Config } = await import("@igny8/core/config");
    process.env.IGNY8_RATE_LIMIT_IP = "3";
    Config.reset();
    try {
      const ip = "198.51.100.77";
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await call("GET", "/v1/plans", { ip })).status);
      expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
      const limited = await call("GET", "/v1/plans", { ip });
      expect(limited.status).toBe(429);
      expect(limited.json.error.code).toBe("rate_limit.exceeded");
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
      expect((await call("GET", "/v1/plans", { ip: "198.51.100.78" })).status).toBe(200);
    } finally {
      process.env.IGNY8_RATE_LIMIT_IP = "100000";
      Config.reset();
    }
  });
});
