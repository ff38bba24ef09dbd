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

export function dashboardSource(webDir: string): "static" | "vite" | undefined {
  if (existsSync(join(webDir, "dist", "index.html"))) return "static";
  if (
    ["vite.config.ts", "vite.config.js", "vite.config.mjs"].some((file) =>
      existsSync(join(webDir, file)),
    )
  ) {
    return "vite";
  }
  return undefined;
}

export interface Plan {
  settings: Config.Settings;
  dataDir: string;
  webDir: string;
  webSource: "static" | "vite" | undefined;
}

export async function preflight(
  env: Record<string, string | undefined> = process.env,
): Promise<Plan> {
  const settings = Config.load(env);
  const dataDir = resolve(settings.IGNY8_DATA_DIR ?? join(repoRoot, ".igny8"));
  const webDir = join(repoRoot, "web");
  const webSource = dashboardSource(webDir);
  const claims: PortClaim[] = [
    { setting: "IGNY8_PORT", port: settings.IGNY8_PORT },
    { setting: "IGNY8_DYNAMO_PORT", port: settings.IGNY8_DYNAMO_PORT },
    { setting: "IGNY8_S3_PORT", port: settings.IGNY8_S3_PORT },
    ...(webSource ? [{ setting: "IGNY8_WEB_PORT", port: settings.IGNY8_WEB_PORT }] : []),
  ];
  await checkPorts(claims, host);
  return { settings, dataDir, webDir, webSource };
}
