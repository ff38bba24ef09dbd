import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { withActor } from "@igny8/core/actor";
import { Storage } from "@igny8/core/storage";
import { Testing } from "@igny8/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * `pnpm dev` as a user runs it: the real entry point in a child process, on free ports and a
 * temporary data directory, asked over HTTP.
 */

const packageDir = fileURLToPath(new URL("..", import.meta.url));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Running {
  child: ChildProcess;
  output: () => string;
  errors: () => string;
  exit: Promise<number | null>;
}

function startDev(env: Record<string, string>): Running {
  const child = spawn(process.execPath, ["--import", "tsx", "src/dev.ts"], {
    cwd: packageDir,
    env: { ...process.env, IGNY8_LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.on("data", (chunk) => {
    out += chunk;
  });
  child.stderr!.on("data", (chunk) => {
    err += chunk;
  });
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => out, errors: () => err, exit };
}

// `pnpm dev` answers in well under 30 s on an idle machine; the bound is loose because test files
// run in parallel on few cores.
async function waitForHealth(url: string, running: Running, timeoutMs = 90_000) {
  const started = Date.now();
  for (;;) {
    if (running.child.exitCode !== null)
      throw new Error(`dev exited early: ${running.errors()}${running.output()}`);
    try {
      const response = await fetch(url);
      const body = (await response.json()) as {
        data: { status: string; components: Record<string, { status: string }> };
      };
      if (response.status === 200) return { body: body.data, ms: Date.now() - started };
    } catch {
      // not listening yet
    }
    if (Date.now() - started > timeoutMs)
      throw new Error(`no healthy answer within ${timeoutMs} ms:\n${running.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function stop(running: Running) {
  running.child.kill("SIGINT");
  return running.exit;
}

async function api(
  base: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body ? { "content-type": "application/json" } : {}),
    },
    body: options.body ? JSON.stringify(options.body) : undefined,
  });
  // biome-ignore lint/suspicious/noExplicitAny: the test reads arbitrary JSON answers
  return { status: response.status, json: (await response.json()) as any };
}

describe("pnpm dev", () => {
  let dataDir: string;
  let env: Record<string, string>;
  let base: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "igny8-dev-"));
    const [apiPort, dynamoPort, s3Port, webPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    env = {
      IGNY8_DATA_DIR: dataDir,
      IGNY8_PORT: String(apiPort),
      IGNY8_DYNAMO_PORT: String(dynamoPort),
      IGNY8_S3_PORT: String(s3Port),
      IGNY8_WEB_PORT: String(webPort),
      // The local cloud chooses its own table and bucket; the test run's values must not leak in.
      IGNY8_TABLE: "igny8",
      IGNY8_BUCKET: "igny8",
    };
    base = `http://127.0.0.1:${apiPort}`;
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it("starts every component, runs the first pipeline through the API, and keeps all data across a restart", async () => {
    const first = startDev(env);
    let secondRun: Running | undefined;
    try {
      const health = await waitForHealth(`${base}/health`, first);
      console.info(`pnpm dev answered /health after ${health.ms} ms (fresh data directory)`);
      for (const name of ["api", "dynamo", "s3", "pipelines", "scheduler", "events"]) {
        expect(health.body.components[name]?.status, name).toBe("up");
      }
      // The dashboard is optional (web/ may not be built): up, or off with a reason.
      expect(["up", "off"]).toContain(health.body.components.web?.status);
      expect(health.body.components.dynamo!.status).toBe("up");
      expect(health.body.components.s3!.status).toBe("up");
      expect(first.output()).toContain(`API        ${base}`);

      // Data through the API: an account, a site.
      const email = `dev-${Date.now()}@example.com`;
      const password = "a long enough password";
      const signUp = await api(base, "POST", "/v1/auth/sign-up", {
        body: { email, password, name: "Dev", accountName: "Dev account" },
      });
      expect(signUp.status).toBe(201);
      const { accessToken, accountId } = signUp.json.data as {
        accessToken: string;
        accountId: string;
      };
      const site = await api(base, "POST", "/v1/sites", {
        token: accessToken,
        body: { name: "Blog", url: "https://blog.example" },
      });
      expect(site.status).toBe(201);
      const siteId = site.json.data.siteId as string;

      // Files written directly to the local S3.
      process.env.IGNY8_S3_ENDPOINT = `http://127.0.0.1:${env.IGNY8_S3_PORT}`;
      process.env.IGNY8_BUCKET = "igny8";
      Testing.resetClients();
      const key = await withActor({ type: "system", properties: { accountId } }, async () => {
        const key = Storage.siteKey(siteId, "images", "logo.png");
        await Storage.put(key, Buffer.alloc(2048, 3));
        await Storage.put(Storage.siteKey(siteId, "content", "post.html"), "<p>kept</p>");
        return key;
      });

      // The first pipeline, started and followed through the API.
      const started = await api(base, "POST", `/v1/sites/${siteId}/storage-usage`, {
        token: accessToken,
      });
      expect(started.status).toBe(202);
      const executionId = started.json.data.executionId as string;
      let execution:
        | { status: string; progress: { total: number; done: number; failed: number } }
        | undefined;
      for (let i = 0; i < 120; i++) {
        execution = (
          await api(base, "GET", `/v1/executions/${executionId}`, { token: accessToken })
        ).json.data;
        if (execution?.status !== "running") break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(execution).toMatchObject({
        status: "succeeded",
        progress: { total: 2, done: 2, failed: 0 },
      });

      // Ctrl-C: everything stops and the process exits 0.
      expect(await stop(first)).toBe(0);
      expect(first.output()).toContain("Stopped.");
      await expect(fetch(`${base}/health`)).rejects.toThrow();
      await expect(fetch(`http://127.0.0.1:${env.IGNY8_S3_PORT}/`)).rejects.toThrow();

      // Restart on the same data directory: everything is still there.
      secondRun = startDev(env);
      const again = await waitForHealth(`${base}/health`, secondRun);
      expect(again.body.components.dynamo?.status).toBe("up");
      const logIn = await api(base, "POST", "/v1/auth/log-in", { body: { email, password } });
      expect(logIn.status).toBe(200);
      const token = logIn.json.data.accessToken as string;
      expect((await api(base, "GET", `/v1/sites/${siteId}`, { token })).json.data).toMatchObject({
        name: "Blog",
      });
      expect(
        (await api(base, "GET", `/v1/executions/${executionId}`, { token })).json.data,
      ).toMatchObject({
        status: "succeeded",
        progress: { done: 2 },
      });
      expect(
        (await api(base, "GET", `/v1/sites/${siteId}/storage-usage`, { token })).json.data,
      ).toMatchObject({
        usedBytes: 2048 + "<p>kept</p>".length,
        executionId,
      });
      const object = await withActor({ type: "system", properties: { accountId } }, () =>
        Storage.get(key),
      );
      expect(object?.body.length).toBe(2048);
    } finally {
      if (first.child.exitCode === null) await stop(first);
      if (secondRun && secondRun.child.exitCode === null) expect(await stop(secondRun)).toBe(0);
      Testing.useEmulators();
    }
  }, 240_000);

  it("names the setting when a port is busy, in one line, and exits 1", async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) =>
      blocker.listen(Number(env.IGNY8_S3_PORT), "127.0.0.1", resolve),
    );
    try {
      const running = startDev(env);
      expect(await running.exit).toBe(1);
      expect(running.errors().trim()).toBe(
        `Port ${env.IGNY8_S3_PORT} on 127.0.0.1 (IGNY8_S3_PORT) is already in use; stop what uses it or set IGNY8_S3_PORT to a free port`,
      );
    } finally {
      blocker.close();
    }
  }, 60_000);

  it("stops on a malformed setting with one message naming it", async () => {
    const running = startDev({ ...env, IGNY8_PORT: "abc" });
    expect(await running.exit).toBe(1);
    expect(running.errors().trim()).toBe(
      "Setting IGNY8_PORT is invalid: expected a port number from 1 to 65535",
    );
    const other = startDev({ ...env, IGNY8_DYNAMO_PORT: env.IGNY8_PORT! });
    expect(await other.exit).toBe(1);
    expect(other.errors().trim()).toBe(
      `Setting IGNY8_DYNAMO_PORT is invalid: port ${env.IGNY8_PORT} is also IGNY8_PORT`,
    );
  }, 60_000);
});
