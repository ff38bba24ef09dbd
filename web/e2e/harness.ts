import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterEach, it, type TestContext } from "vitest";

/**
 * What the browser tests stand on: the dashboard built with Vite, the product started the way
 * `pnpm dev` starts it (the real entry point in a child process, on free ports and a temporary
 * data directory, serving web/dist with the API on the same origin), and Debian's Chromium
 * driven by playwright-core.
 */

export const webDir = fileURLToPath(new URL("..", import.meta.url));
export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const localDir = join(repoRoot, "packages", "local");
export const screenshotDir = join(webDir, "e2e", "screenshots");
export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** `vite build` of web/ into web/dist (what `pnpm dev` serves when it is there). */
export async function buildDashboard(): Promise<void> {
  const { build } = await import("vite");
  await build({ root: webDir, configFile: join(webDir, "vite.config.ts"), logLevel: "warn" });
}

export interface Product {
  webUrl: string;
  apiUrl: string;
  dataDir: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts packages/local/src/dev.ts as `pnpm dev` does, with the built dashboard, and waits for health.
 * `env` adds documented settings (for example IGNY8_DEFAULT_PLAN) on top of the defaults.
 */
export async function startProduct(
  options: { env?: Record<string, string> } = {},
): Promise<Product> {
  const dataDir = await mkdtemp(join(tmpdir(), "igny8-e2e-"));
  const [api, dynamo, s3, web] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  // Nothing of the test run's own settings (emulators, tables, AI keys) reaches the product.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith("IGNY8_")),
  );
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "src/dev.ts"], {
    cwd: localDir,
    env: {
      ...inherited,
      IGNY8_DATA_DIR: dataDir,
      IGNY8_PORT: String(api),
      IGNY8_DYNAMO_PORT: String(dynamo),
      IGNY8_S3_PORT: String(s3),
      IGNY8_WEB_PORT: String(web),
      IGNY8_WEB_MODE: "static",
      IGNY8_LOG_LEVEL: "warn",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => {
    output = (output + chunk).slice(-20_000);
  });
  child.stderr!.on("data", (chunk) => {
    output = (output + chunk).slice(-20_000);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const webUrl = `http://127.0.0.1:${web}`;
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`pnpm dev exited early:\n${output}`);
    const healthy = await fetch(`${webUrl}/health`)
      .then((r) => r.status === 200)
      .catch(() => false);
    if (healthy) break;
    if (Date.now() - started > 60_000) {
      child.kill("SIGTERM");
      throw new Error(`pnpm dev did not become healthy within 60 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return {
    webUrl,
    apiUrl: `http://127.0.0.1:${api}`,
    dataDir,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGINT");
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Console errors and failed page loads seen so far. */
  problems: string[];
  close(): Promise<void>;
}

/** Debian's Chromium with a fresh profile directory (each browser is a separate person). */
export async function openBrowser(
  options: { colorScheme?: "light" | "dark"; viewport?: { width: number; height: number } } = {},
): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), "igny8-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs,
    viewport: options.viewport ?? { width: 1360, height: 900 },
    colorScheme: options.colorScheme ?? "light",
    acceptDownloads: true,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(20_000);
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  return {
    context,
    page,
    problems,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** A full-page screenshot of the current screen into web/e2e/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * The steps of one story (a test file that is one journey): after a failed step the rest are
 * skipped, and the screen of `browser()` at the failure is kept as <screenshotName>.png.
 */
export function storySteps(screenshotName: string, browser: () => Browser | undefined) {
  let failed: string | undefined;
  afterEach(async (context) => {
    if (context.task.result?.state !== "fail" || failed) return;
    failed = context.task.name;
    const shown = browser();
    if (!shown) return;
    await screenshot(shown.page, screenshotName).catch(() => undefined);
    console.error(`failed at ${shown.page.url()}; browser problems: ${shown.problems.join("\n") || "none"}`);
  });
  return function step(name: string, body: () => Promise<void> | void) {
    it(name, async (context: TestContext) => {
      if (failed) context.skip(`an earlier step failed: ${failed}`);
      await body();
    });
  };
}
