import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dashboardSource, repoRoot } from "./preflight";
import { startDashboard } from "./web";

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const apiFetch = async (request: Request) =>
  Response.json({ api: new URL(request.url).pathname, method: request.method });

let webDir: string;

beforeAll(async () => {
  webDir = await mkdtemp(join(tmpdir(), "igny8-web-"));
});

afterAll(async () => {
  await rm(webDir, { recursive: true, force: true });
});

describe("dashboard", () => {
  it("chooses the build, else Vite, else off, unless IGNY8_WEB_MODE says otherwise", async () => {
    expect(dashboardSource(webDir)).toBeUndefined();
    await writeFile(join(webDir, "vite.config.ts"), "export default {};\n");
    expect(dashboardSource(webDir)).toBe("vite");
    expect(dashboardSource(webDir, "static")).toBeUndefined();
    await mkdir(join(webDir, "dist", "assets"), { recursive: true });
    await writeFile(join(webDir, "dist", "index.html"), "<!doctype html><title>IGNY8</title>");
    await writeFile(join(webDir, "dist", "assets", "app.js"), "console.log(1)");
    expect(dashboardSource(webDir)).toBe("static");
    expect(dashboardSource(webDir, "vite")).toBe("vite");
    expect(dashboardSource(webDir, "off")).toBeUndefined();
  });

  it("serves the build with the SPA fallback and hands API paths to the API in-process", async () => {
    const port = await freePort();
    const dashboard = await startDashboard({
      webDir,
      source: "static",
      host: "127.0.0.1",
      port,
      apiUrl: "",
      apiFetch,
    });
    try {
      expect(dashboard.mode).toBe("static");
      const base = `http://127.0.0.1:${port}`;
      expect(await (await fetch(`${base}/`)).text()).toContain("<title>IGNY8</title>");
      const asset = await fetch(`${base}/assets/app.js`);
      expect(asset.headers.get("content-type")).toContain("javascript");
      expect(await (await fetch(`${base}/sites/sit_1/keywords`)).text()).toContain(
        "<title>IGNY8</title>",
      );
      expect(await (await fetch(`${base}/v1/sites`, { method: "POST" })).json()).toEqual({
        api: "/v1/sites",
        method: "POST",
      });
      expect(await (await fetch(`${base}/health`)).json()).toEqual({
        api: "/health",
        method: "GET",
      });
      expect((await fetch(`${base}/../../etc/passwd`)).status).not.toBe(500);

      await expect(
        startDashboard({ webDir, source: "static", host: "127.0.0.1", port, apiUrl: "", apiFetch }),
      ).rejects.toMatchObject({
        code: "local.port_in_use",
        message: expect.stringContaining("IGNY8_WEB_PORT"),
      });
    } finally {
      await dashboard.stop();
    }
  });

  it("says why it is off", async () => {
    const off = await startDashboard({
      webDir,
      source: undefined,
      host: "127.0.0.1",
      port: 1,
      apiUrl: "",
      apiFetch,
    });
    expect(off).toMatchObject({ mode: "off" });
  });

  const realWeb = join(repoRoot, "web");
  it.skipIf(!existsSync(join(realWeb, "node_modules", "vite", "bin", "vite.js")))(
    "starts Vite's dev server on web/ and stops it",
    async () => {
      const port = await freePort();
      const dashboard = await startDashboard({
        webDir: realWeb,
        source: "vite",
        host: "127.0.0.1",
        port,
        apiUrl: "http://127.0.0.1:1",
        apiFetch,
      });
      try {
        expect(dashboard.mode).toBe("vite");
        expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toContain("/@vite/client");
      } finally {
        await dashboard.stop();
      }
      const blocker: Server = createServer();
      await new Promise<void>((resolve) => blocker.listen(port, "127.0.0.1", resolve));
      blocker.close();
    },
    60_000,
  );
});
