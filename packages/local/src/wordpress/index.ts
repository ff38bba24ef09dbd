export * as WordPressHarness from "./index";

import { execFile, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, unlink, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export { png } from "./fixtures";

/**
 * A real WordPress (Debian's package) on 127.0.0.1 for publishing tests: a private MariaDB and
 * `php -S`, brought up by wp-up.sh beside this file. Packages come from install-packages.sh (root).
 */

const here = dirname(fileURLToPath(import.meta.url));
const upScript = join(here, "wp-up.sh");
const installScript = join(here, "install-packages.sh");

export interface WordPressUser {
  id: number;
  username: string;
  /** An Application Password: what the product stores for a connection. */
  appPassword: string;
}

export type SeoPlugin = "yoast" | "rank-math" | "none";

export interface WordPressInstance {
  /** Site URL, e.g. http://127.0.0.1:41234 (REST at `${url}/wp-json/`). */
  url: string;
  wpVersion: string;
  users: { admin: WordPressUser; editor: WordPressUser; author: WordPressUser };
  /** The admin's login password (not an Application Password): for tests that prove it is refused. */
  adminLoginPassword: string;
  stateDir: string;
  /** Switches Application Passwords off or on at run time, like a security plugin would. */
  setApplicationPasswords(enabled: boolean): Promise<void>;
  /** Which SEO plugin's meta keys the site exposes to REST from the next request on. */
  setSeoPlugin(plugin: SeoPlugin): Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Default: a free port chosen by the OS. */
  port?: number;
  /** WP_ENVIRONMENT_TYPE. Anything but "local" disables Application Passwords over plain http. */
  environmentType?: "local" | "development" | "staging" | "production";
  seoPlugin?: SeoPlugin;
}

const requiredFiles = [
  "/usr/bin/php",
  "/usr/sbin/mariadbd",
  "/usr/share/wordpress/wp-load.php",
  // the default theme: without it a visitor's page renders empty
  "/usr/share/wordpress/wp-content/themes/twentytwentythree/style.css",
];

/** Whether this machine can run the harness now, and if not, what to do. */
export function availability(): { ok: true } | { ok: false; reason: string } {
  const missing = requiredFiles.filter((path) => !existsSync(path));
  if (missing.length === 0) return { ok: true };
  if (process.getuid?.() === 0) return { ok: true }; // startWordPress installs them
  return {
    ok: false,
    reason: `WordPress test packages are missing (${missing.join(", ")}); run as root: bash ${installScript}`,
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function run(
  file: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs: number,
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      "bash",
      [file, ...args],
      { env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`${file} ${args[0] ?? ""} failed: ${error.message}\n${stderr}`));
        } else resolve({ stdout, stderr });
      },
    );
  });
}

/** Installs missing Debian packages when running as root (no-op when all are present). */
export async function ensurePackages(): Promise<void> {
  if (requiredFiles.every((path) => existsSync(path))) return;
  await run(installScript, [], {}, 15 * 60_000);
}

const running = new Set<string>();
// A test worker that exits without calling stop() must not leave MariaDB and PHP behind; the
// script's watchdog covers SIGKILL, this covers a normal exit.
process.once("exit", () => {
  for (const stateDir of running) spawnSync("bash", [upScript, "stop", stateDir]);
});

export async function startWordPress(options: StartOptions = {}): Promise<WordPressInstance> {
  await ensurePackages();
  const stateDir = await mkdtemp(join(tmpdir(), "igny8-wp-"));
  let summaryLine = "";
  let lastError: unknown;
  // A port picked by the OS may be taken by someone else before php binds it: try a few.
  for (let attempt = 0; attempt < 3 && !summaryLine; attempt++) {
    const port = options.port ?? (await freePort());
    try {
      const { stdout } = await run(
        upScript,
        ["start", stateDir, String(port)],
        {
          WP_ENV_TYPE: options.environmentType ?? "local",
          WP_SEO_PLUGIN: options.seoPlugin ?? "yoast",
          WP_OWNER_PID: String(process.pid),
        },
        120_000,
      );
      summaryLine = stdout.trim().split("\n").pop() ?? "";
      running.add(stateDir);
    } catch (error) {
      lastError = error;
      if (options.port !== undefined) break;
    }
  }
  if (!summaryLine) {
    await rm(stateDir, { recursive: true, force: true });
    throw lastError;
  }
  const summary = JSON.parse(summaryLine) as {
    url: string;
    wpVersion: string;
    users: Record<"admin" | "editor" | "author", WordPressUser & { password: string | null }>;
  };
  const user = (name: "admin" | "editor" | "author"): WordPressUser => {
    const { id, username, appPassword } = summary.users[name];
    return { id, username, appPassword };
  };
  const flag = (name: string) => join(stateDir, name);
  return {
    url: summary.url,
    wpVersion: summary.wpVersion,
    users: { admin: user("admin"), editor: user("editor"), author: user("author") },
    adminLoginPassword: summary.users.admin.password ?? "",
    stateDir,
    async setApplicationPasswords(enabled) {
      if (enabled) await unlink(flag("application-passwords-disabled")).catch(() => undefined);
      else await writeFile(flag("application-passwords-disabled"), "1\n");
    },
    async setSeoPlugin(plugin) {
      await writeFile(flag("seo-plugin"), `${plugin}\n`);
    },
    async stop() {
      if (!running.delete(stateDir)) return;
      await run(upScript, ["stop", stateDir], {}, 30_000);
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}
