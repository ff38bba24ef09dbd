import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as Config from "@igny8/core/config";
import { checkPorts, type PortClaim } from "./ports";

/**
 * What `pnpm dev` checks before it starts anything (and before the heavier modules load): the
 * settings parse, and every port it needs is free. Each failure is one VisibleError naming the
 * setting.
 */

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");
export const host = "127.0.0.1";

export type DashboardSource = "static" | "vite" | undefined;

/** How the dashboard is served: IGNY8_WEB_MODE, or (auto) web/dist if built, else Vite dev. */
export function dashboardSource(
  webDir: string,
  mode: Config.Settings["IGNY8_WEB_MODE"] = "auto",
): DashboardSource {
  const built = existsSync(join(webDir, "dist", "index.html"));
  const configs = ["vite.config.ts", "vite.config.js", "vite.config.mjs"];
  const vite = configs.some((file) => existsSync(join(webDir, file)));
  if (mode === "off") return undefined;
  if (mode === "static") return built ? "static" : undefined;
  if (mode === "vite") return vite ? "vite" : undefined;
  return built ? "static" : vite ? "vite" : undefined;
}

export interface Plan {
  settings: Config.Settings;
  dataDir: string;
  webDir: string;
  webSource: DashboardSource;
}

export async function preflight(
  env: Record<string, string | undefined> = process.env,
): Promise<Plan> {
  const settings = Config.load(env);
  const dataDir = resolve(settings.IGNY8_DATA_DIR ?? join(repoRoot, ".igny8"));
  const webDir = join(repoRoot, "web");
  const webSource = dashboardSource(webDir, settings.IGNY8_WEB_MODE);
  const claims: PortClaim[] = [
    { setting: "IGNY8_PORT", port: settings.IGNY8_PORT },
    { setting: "IGNY8_DYNAMO_PORT", port: settings.IGNY8_DYNAMO_PORT },
    { setting: "IGNY8_S3_PORT", port: settings.IGNY8_S3_PORT },
    ...(webSource ? [{ setting: "IGNY8_WEB_PORT", port: settings.IGNY8_WEB_PORT }] : []),
  ];
  await checkPorts(claims, host);
  return { settings, dataDir, webDir, webSource };
}
