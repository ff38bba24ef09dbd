import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openApiDocument } from "./app";
import { fuzz, fuzzPathValue, valid } from "./testing/arbitrary";
import { hasFixture } from "./testing/fixtures";
import { call, useApiTestEnvironment } from "./testing/harness";
import { type ApiDocument, bodyFields, fillPath, label, type Operation, operations } from "./testing/operations";
import { changes, snapshot } from "./testing/table";
import { buildWorld, tokenFor, type World } from "./testing/world";

/**
 * Property-based fuzzing of every operation's path, query and body against its schema (valid
 * values, wrong types, unknown fields, missing fields, huge strings, Unicode, non-JSON bodies):
 * never a 5xx, and a refused request (4xx) leaves the table exactly as it was. Runs per
 * operation: IGNY8_FUZZ_RUNS (default 20). Seeds are fixed per operation, so a failure replays.
 */
useApiTestEnvironment();

const RUNS = Number(process.env.IGNY8_FUZZ_RUNS ?? 20);
const doc = openApiDocument() as unknown as ApiDocument;

// Destructive and operator operations last, so the others keep finding their fixtures.
const rank = (op: Operation) => (op.method === "DELETE" ? 2 : op.scope === "admin" ? 1 : 0);
const ops = operations(doc).sort((a, b) => rank(a) - rank(b));

let world: World;
const ids: Record<string, string> = {};
const tokens: Record<string, string> = {};
const counts: [string, number][] = [];

beforeAll(async () => {
  world = await buildWorld();
  for (const op of ops) {
    const names = [...op.pathParams.map((p) => p.name), ...bodyFields(op.body, doc).map((n) => (n.endsWith("Ids") ? n.slice(0, -1) : n))];
    for (const name of names) if (!ids[name] && hasFixture(name)) ids[name] = await world.resolve(name);
  }
}, 300_000);

afterAll(() => {
  const total = counts.reduce((sum, [, n]) => sum + n, 0);
  console.log(`fuzz: ${total} requests over ${counts.length} operations (${RUNS} runs each)\n${counts.map(([route, n]) => `  ${route.padEnd(52)} ${n}`).join("\n")}`);
});

type Body = { kind: "json"; value: unknown } | { kind: "raw"; text: string } | { kind: "none" };

function bodyArbitrary(op: Operation): fc.Arbitrary<Body> {
  const json = op.body ? fuzz(op.body, doc, ids) : fc.jsonValue({ maxDepth: 2 });
  return fc.oneof(
    { weight: 8, arbitrary: json.map((value): Body => ({ kind: "json", value })) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 200 }).map((text): Body => ({ kind: "raw", text })) },
    { weight: 1, arbitrary: fc.constant<Body>({ kind: "none" }) },
  );
}

function queryArbitrary(op: Operation): fc.Arbitrary<[string, string][]> {
  const known = op.queryParams.map((param) =>
    fc.option(
      fc.oneof(
        valid(param.schema, doc, ids, param.name).map(String),
        fc.string({ unit: "grapheme", maxLength: 40 }),
        fc.constantFrom("", "-1", "0", "101", "1e9", "NaN", "true", "[]", "%00"),
        fc.integer({ min: 1000, max: 5000 }).map((n) => "q".repeat(n)),
      ).map((value): [string, string] => [param.name, value]),
      { freq: 2 },
    ),
  );
  const unknown = fc.option(fc.tuple(fc.string({ minLength: 1, maxLength: 10 }), fc.string({ maxLength: 10 })), { freq: 5 });
  return fc.tuple(fc.tuple(...known), unknown).map(([pairs, extra]) => [
    ...pairs.filter((p): p is [string, string] => p !== null),
    ...(extra ? [extra] : []),
  ]);
}

function pathArbitrary(op: Operation): fc.Arbitrary<Record<string, string>> {
  const record: Record<string, fc.Arbitrary<string>> = {};
  for (const param of op.pathParams) record[param.name] = fuzzPathValue(param.schema, doc, ids[param.name]);
  return fc.record(record);
}

/** The caller for an operation: its scope's natural caller, with a fresh sign-in when needed. */
async function callerFor(op: Operation, fresh: boolean): Promise<string | undefined> {
  if (op.scope === "public") return undefined;
  const who = op.scope === "admin" ? "operator" : "owner";
  if (fresh || !tokens[who]) {
    tokens[who] =
      who === "operator"
        ? await tokenFor(world.operator.email, world.operator.password)
        : await tokenFor(world.victim.owner.email, world.passwords.owner);
  }
  return tokens[who];
}

const seedOf = (text: string) => [...text].reduce((hash, ch) => (hash * 31 + ch.charCodeAt(0)) | 0, 7);

describe("fuzz", () => {
  for (const op of ops) {
    it(`${label(op)}: no 5xx, no partial write`, async () => {
      let runs = 0;
      // Sign-outs and password changes end the session they run in: give each run its own.
      const ownSession = op.path.startsWith("/v1/auth/") && op.scope === "self";
      await fc.assert(
        fc.asyncProperty(pathArbitrary(op), queryArbitrary(op), bodyArbitrary(op), async (pathValues, query, body) => {
          const token = await callerFor(op, ownSession);
          const before = await snapshot();
          const search = new URLSearchParams(query);
          const path = `${fillPath(op.path, pathValues)}${search.size ? `?${search}` : ""}`;
          const sendsBody = op.method !== "GET";
          const result = await call(op.method, path, {
            token,
            ...(body.kind === "json" && sendsBody ? { body: body.value } : {}),
            ...(body.kind === "raw" && sendsBody ? { rawBody: body.text, headers: { "content-type": "application/json" } } : {}),
          });
          runs += 1;
          // 503 is a deliberate answer (a component is off, e.g. no pipeline runner in tests);
          // any other 5xx is a failure.
          const acceptable = result.status < 500 || (result.status === 503 && /^[a-z_]+\./.test(result.json?.error?.code ?? ""));
          expect(acceptable, `${op.method} ${path} answered ${result.status}: ${result.text.slice(0, 500)}`).toBe(true);
          expect(result.json?.error?.code ?? "ok", "every error has a dotted code").toMatch(/^(ok|[a-z_]+(\.[a-z_]+)+|internal)$/);
          if (result.status >= 400) {
            const changed = changes(before, await snapshot());
            expect(changed, `${op.method} ${path} answered ${result.status} but changed the table`).toEqual([]);
          }
          if (result.status === 401 && token) delete tokens[op.scope === "admin" ? "operator" : "owner"];
        }),
        { numRuns: RUNS, seed: seedOf(label(op)), endOnFailure: true },
      );
      counts.push([label(op), runs]);
    }, 600_000);
  }
});
