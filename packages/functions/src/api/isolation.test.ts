import { Authz } from "@igny8/core/authz";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { valid } from "./testing/arbitrary";
import { hasFixture, isGlobalFixture } from "./testing/fixtures";
import { type Call, call, useApiTestEnvironment } from "./testing/harness";
import { type ApiDocument, bodyFields, fillPath, label, type Operation, operations } from "./testing/operations";
import { changes, snapshot } from "./testing/table";
import { buildWorld, tokenFor, type World } from "./testing/world";

/**
 * The isolation sweep: every operation of /v1/openapi.json, called as
 *   (a) cross-account   — account B's owner with account A's ids;
 *   (b) viewer-denied   — A's viewer on every operation the matrix denies a viewer;
 *   (c) restricted-site — A's admin restricted to another site, on site-scoped operations,
 *       and restricted-list — the same admin on account-wide reads, which must not show
 *       anything of the site they are kept out of;
 *   (d) anonymous       — nobody, on every operation that is not public;
 *   (e) non-superuser   — A's owner on operator routes;
 * and for public operations, nobody (no A data may come back).
 * Refusals must be 401/403/404, no response may carry A's ids, names or e-mails (body or
 * headers), and the table must not change (a full Scan before and after; see table.ts for the
 * explicit list of what is ignored). New routes join through their OpenAPI metadata and
 * fixture factories, with no edit here.
 */
useApiTestEnvironment();

type CaseName = "cross-account" | "viewer-denied" | "restricted-site" | "restricted-list" | "anonymous" | "non-superuser" | "public";

/**
 * Gaps found by the sweep in modules this file does not own, each with its reason. A listed
 * pair must still fail (so a fix forces its removal here); any other failure fails the sweep.
 */
const knownGaps: Record<string, string> = {};

let world: World;
let doc: ApiDocument;

beforeAll(async () => {
  world = await buildWorld();
  doc = (await call("GET", "/v1/openapi.json")).json;
}, 300_000);

const idFieldOf = (name: string) => (name.endsWith("Ids") ? name.slice(0, -1) : name);

describe("isolation sweep", () => {
  it("refuses every route to everyone outside its scope, leaks nothing and changes nothing", async () => {
    const ops = operations(doc);
    // Every id a route takes must have a fixture factory.
    const ids: Record<string, string> = {};
    for (const op of ops) {
      const names = [...op.pathParams.map((p) => p.name), ...bodyFields(op.body, doc).map(idFieldOf).filter((n) => n.endsWith("Id") && hasFixture(n))];
      for (const name of names) {
        if (ids[name]) continue;
        ids[name] = await world.resolve(name);
        if (!isGlobalFixture(name)) world.secrets.add(ids[name]!);
      }
    }

    const counts = new Map<string, Record<string, number>>();
    const failures: string[] = [];
    const secrets = [...world.secrets].map((s) => s.toLowerCase());

    // What a member restricted away from A's first site must never see of it.
    const siteSecrets = [ids.siteId, ids.sectorId, `victim site ${world.tag}`, `victim sector ${world.tag}`]
      .filter((v): v is string => Boolean(v))
      .map((v) => v.toLowerCase());

    const leaks = (result: Call, forbidden: string[] = secrets) => {
      const haystack = `${result.text}\n${[...result.headers.entries()].map(([k, v]) => `${k}: ${v}`).join("\n")}`.toLowerCase();
      return forbidden.filter((secret) => haystack.includes(secret));
    };

    const tenantIds = (op: Operation) =>
      [...op.pathParams.map((p) => p.name), ...bodyFields(op.body, doc).map(idFieldOf)].filter((n) => ids[n] !== undefined && !isGlobalFixture(n));

    const siteScoped = (op: Operation) =>
      op.pathParams.some((p) => p.name === "siteId") || bodyFields(op.body, doc).some((n) => n === "siteId" || n === "siteIds");

    async function run(
      op: Operation,
      caseName: CaseName,
      who: { token?: string },
      expectation: { statuses?: number[]; unchanged: "all" | "victim"; forbidden?: string[] },
    ) {
      let result: Call | undefined;
      let before = await snapshot();
      for (let attempt = 0; attempt < 25; attempt++) {
        const query = new URLSearchParams();
        for (const param of op.queryParams.filter((p) => p.required)) {
          query.set(param.name, String(fc.sample(valid(param.schema, doc, ids, param.name), { numRuns: 1, seed: attempt })[0]));
        }
        const body = op.body ? fc.sample(valid(op.body, doc, ids), { numRuns: 1, seed: 1000 + attempt })[0] : undefined;
        const path = `${fillPath(op.path, ids)}${query.size ? `?${query}` : ""}`;
        result = await call(op.method, path, { token: who.token, body });
        // A generated body the domain's refinements refuse: try another (the table is unchanged).
        if (result.status === 400 && !(expectation.statuses ?? []).includes(400)) {
          before = await snapshot();
          continue;
        }
        break;
      }
      const after = await snapshot();
      const id = `${label(op)} [${caseName}]`;
      if (result!.status >= 500) failures.push(`${id}: ${result!.status} ${result!.text}`);
      if (expectation.statuses && !expectation.statuses.includes(result!.status)) {
        failures.push(`${id}: expected ${expectation.statuses.join("/")}, got ${result!.status} ${result!.text.slice(0, 300)}`);
      }
      const leaked = leaks(result!, expectation.forbidden);
      if (leaked.length) failures.push(`${id}: response carries A's data: ${leaked.join(", ")}`);
      const changed = changes(before, after, expectation.unchanged === "all" ? undefined : world.ownedByVictim);
      if (changed.length) failures.push(`${id}: the table changed: ${changed.slice(0, 5).join("; ")}`);
      const row = counts.get(label(op)) ?? {};
      row[caseName] = (row[caseName] ?? 0) + 1;
      counts.set(label(op), row);
    }

    for (const op of ops) {
      if (op.scope === "public") {
        await run(op, "public", {}, { unchanged: "victim" });
        continue;
      }
      await run(op, "anonymous", {}, { statuses: [401], unchanged: "all" });
      if (op.scope === "admin") {
        await run(op, "non-superuser", { token: await tokenFor(world.victim.owner.email, world.passwords.owner) }, { statuses: [403], unchanged: "all" });
        continue;
      }
      const outsider = await tokenFor(world.outsider.email, world.passwords.outsider);
      const crossesTenants = tenantIds(op).length > 0;
      await run(op, "cross-account", { token: outsider }, crossesTenants ? { statuses: [403, 404], unchanged: "all" } : { unchanged: "victim" });
      if (op.action && !Authz.roleCan("viewer", op.action as Authz.Action)) {
        await run(op, "viewer-denied", { token: await tokenFor(world.victim.viewer.email, world.passwords.member) }, { statuses: [403], unchanged: "all" });
      }
      const restricted = () => tokenFor(world.victim.restricted.email, world.passwords.member);
      if (op.scope !== "self" && siteScoped(op)) {
        await run(op, "restricted-site", { token: await restricted() }, { statuses: [403, 404], unchanged: "all" });
      } else if (op.scope === "account" && op.method === "GET") {
        await run(op, "restricted-list", { token: await restricted() }, { unchanged: "all", forbidden: siteSecrets });
      }
    }

    const total = [...counts.values()].reduce((sum, row) => sum + Object.values(row).reduce((a, b) => a + b, 0), 0);
    const byCase: Record<string, number> = {};
    for (const row of counts.values()) for (const [name, n] of Object.entries(row)) byCase[name] = (byCase[name] ?? 0) + n;
    const lines = [...counts].map(([route, row]) => `  ${route.padEnd(52)} ${Object.keys(row).join(", ")}`);
    console.log(
      `isolation sweep: ${total} (route, case) pairs over ${counts.size} operations, ${failures.length} failures\n` +
        `  by case: ${Object.entries(byCase).map(([k, v]) => `${k} ${v}`).join(", ")}\n${lines.join("\n")}`,
    );
    const gapOf = (failure: string) => Object.keys(knownGaps).find((pair) => failure.startsWith(`${pair}:`));
    const known = failures.filter((failure) => gapOf(failure));
    if (known.length) console.log(`known gaps (listed in knownGaps, still failing):\n  ${known.join("\n  ")}`);
    expect(failures.filter((failure) => !gapOf(failure))).toEqual([]);
    for (const pair of Object.keys(knownGaps)) {
      expect(known.some((failure) => failure.startsWith(`${pair}:`)), `${pair} passes now: remove it from knownGaps`).toBe(true);
    }
    expect(counts.size).toBe(ops.length);
  }, 900_000);
});
