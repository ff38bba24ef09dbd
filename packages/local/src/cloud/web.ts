import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import type { Server } from "node:http";
import { join } from "node:path";
import { createAdaptorServer } from "@hono/node-server";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono } from "hono";
import { busyPortError } from "./ports";
import type { DashboardSource } from "./preflight";

/**
 * The dashboard: the built SPA in web/dist served statically (API paths forwarded in-process to
 * the API app, so the dashboard and the API share an origin), else Vite's dev server when web/
 * has a Vite config, else off with the reason.
 */
export type Dashboard =
  | { mode: "static" | "vite"; url: string; stop(): Promise<void>; exited?: Promise<unknown> }
  | { mode: "off"; reason: string; stop(): Promise<void> };

export interface DashboardOptions {
  webDir: string;
  /** From the preflight: what to serve (undefined: off). */
  source: DashboardSource;
  host: string;
  port: number;
  apiUrl: string;
  /** The API app's fetch (requests to /v1/* and /health are handed to it). */
  apiFetch: (request: Request, env?: object) => Response | Promise<Response>;
}

export function listen(server: Server, port: number, host: string, setting: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off("listening", onListening);
      reject(error.code === "EADDRINUSE" ? busyPortError({ setting, port }, host) : error);
    };
    const onListening = () => {
      server.off("error", onError);
      resolve();
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, host);
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

async function serveBuilt(options: DashboardOptions): Promise<Dashboard> {
  const dist = join(options.webDir, "dist");
  const web = new Hono();
  web.all("/v1/*", (c) => options.apiFetch(c.req.raw, c.env as object));
  web.get("/health", (c) => options.apiFetch(c.req.raw, c.env as object));
  web.use("/*", serveStatic({ root: dist }));
  // A client-side route (e.g. /sites/123): the SPA's index.html answers it.
  web.get("*", serveStatic({ path: join(dist, "index.html") }));
  const server = createAdaptorServer({ fetch: web.fetch }) as Server;
  await listen(server, options.port, options.host, "IGNY8_WEB_PORT");
  return {
    mode: "static",
    url: `http://${options.host}:${options.port}`,
    stop: () => closeServer(server),
  };
}

async function startVite(options: DashboardOptions): Promise<Dashboard> {
  const vite = join(options.webDir, "node_modules", "vite", "bin", "vite.js");
  if (!existsSync(vite)) {
    return {
      mode: "off",
      reason: "web/ has a Vite config but its dependencies are not installed (pnpm install)",
      stop: async () => {},
    };
  }
  const url = `http://${options.host}:${options.port}`;
  const child: ChildProcess = spawn(
    process.execPath,
    [vite, "--port", String(options.port), "--strictPort", "--host", options.host],
    {
      cwd: options.webDir,
      env: { ...process.env, IGNY8_WEB_PORT: String(options.port), VITE_API_URL: options.apiUrl },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr = (stderr + chunk).slice(-2000);
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) {
      if (/in use|EADDRINUSE/i.test(stderr))
        throw busyPortError({ setting: "IGNY8_WEB_PORT", port: options.port }, options.host);
      throw new Error(
        `Vite exited with code ${child.exitCode}: ${stderr.trim().split("\n").pop()}`,
      );
    }
    try {
      await fetch(url);
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill("SIGTERM");
        throw new Error("Vite did not answer within 20 s");
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return {
    mode: "vite",
    url,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
    },
  };
}

export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  if (options.source === "static") return serveBuilt(options);
  if (options.source === "vite") return startVite(options);
  const mode = process.env.IGNY8_WEB_MODE ?? "auto";
  const wanted = mode === "static" ? "a build (web/dist)" : "a Vite config";
  const reason =
    mode === "off"
      ? "IGNY8_WEB_MODE=off"
      : mode === "auto"
        ? "web/ has neither a build (web/dist) nor a Vite config yet"
        : `IGNY8_WEB_MODE=${mode} but web/ has no ${wanted}`;
  return { mode: "off", reason, stop: async () => {} };
}
