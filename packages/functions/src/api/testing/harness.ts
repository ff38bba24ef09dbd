import { Testing } from "@igny8/core/testing";
import { app } from "../app";

/**
 * In-process HTTP for API tests: `app.request` with the conventions' headers, and the settings
 * tests need (a fixed auth secret, generous rate limits unless a test lowers them, dev routes).
 */
export function useApiTestEnvironment(overrides: Record<string, string> = {}) {
  const env = {
    IGNY8_AUTH_SECRET: "test-secret-for-igny8-api-tests-0123456789abcdef",
    IGNY8_RATE_LIMIT_IP: "100000",
    IGNY8_RATE_LIMIT_ACCOUNT: "100000",
    IGNY8_LOGIN_FAILURES_IP: "100000",
    IGNY8_DEV_ROUTES: "true",
    IGNY8_WEB_ORIGIN: "https://app.igny8.test",
    IGNY8_LOG_LEVEL: "silent",
    ...overrides,
  };
  Object.assign(process.env, env);
  const table = Testing.useTestTable();
  Object.assign(process.env, env);
  Testing.resetClients();
  return table;
}

export interface Call {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON answers
  json: any;
}

export interface CallOptions {
  token?: string;
  apiKey?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  ip?: string;
}

/** One request through the whole app (middleware, validation, domain, onError). */
export async function call(method: string, path: string, options: CallOptions = {}): Promise<Call> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.apiKey) headers["x-api-key"] = options.apiKey;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["content-type"] ??= "application/json";
  }
  const env = options.ip ? { event: { requestContext: { http: { sourceIp: options.ip } } } } : undefined;
  const response = await app.request(path, { method, headers, body }, env);
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

let counter = 0;

/** Signs up a fresh account through the API; returns its tokens and identity. */
export async function signUp(options: { email?: string; accountName?: string; password?: string; name?: string } = {}) {
  counter += 1;
  const email = options.email ?? `owner-${Date.now().toString(36)}-${counter}@example.com`;
  const password = options.password ?? "a long enough password";
  const result = await call("POST", "/v1/auth/sign-up", {
    body: { email, password, name: options.name ?? "Owner", accountName: options.accountName ?? `Account ${counter}` },
  });
  if (result.status !== 201) throw new Error(`sign-up failed: ${result.status} ${result.text}`);
  const data = result.json.data as { accessToken: string; refreshToken: string; accountId: string; userId: string };
  return { ...data, email, password };
}

/** Moves an account to another plan, as an operator would (system actor, no tenant). */
export async function setPlan(accountId: string, planId: string) {
  const { withActor } = await import("@igny8/core/actor");
  const { Account } = await import("@igny8/core/account");
  await withActor({ type: "system", properties: {} }, () => Account.adminUpdate({ accountId, planId }));
}

/** Creates the operator's system account and superuser (as the bootstrap would); logs in. */
export async function superuser() {
  const { withActor } = await import("@igny8/core/actor");
  const { Account } = await import("@igny8/core/account");
  counter += 1;
  const email = `operator-${Date.now().toString(36)}-${counter}@igny8.test`;
  const password = "operator password 123";
  await withActor({ type: "system", properties: {} }, () => Account.bootstrapSystem({ email, password, name: "Operator" }));
  const login = await call("POST", "/v1/auth/log-in", { body: { email, password } });
  if (login.status !== 200) throw new Error(`operator log-in failed: ${login.text}`);
  return { ...(login.json.data as { accessToken: string; refreshToken: string; accountId: string; userId: string }), email, password };
}

/** The newest outbox message to `to` (development outbox through GET /v1/dev/outbox). */
export async function lastMail(to: string, kind?: string) {
  const result = await call("GET", `/v1/dev/outbox?to=${encodeURIComponent(to)}`);
  const messages = (result.json.data as { kind: string; text: string; subject: string }[]).filter((m) => !kind || m.kind === kind);
  return messages[0];
}

/** The token in an e-mailed link (`?token=...`). */
export function tokenIn(text: string): string {
  const match = /token=([A-Za-z0-9_-]{43})/.exec(text);
  if (!match) throw new Error(`no token in: ${text}`);
  return match[1]!;
}
