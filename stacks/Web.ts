import { existsSync } from "node:fs";
import path from "node:path";
import { type StackContext, StaticSite, use } from "sst/constructs";
import { Api } from "./Api";
import { isOffline, repoPath } from "./config";
import { Sites } from "./Sites";

export const dashboardBuildCommand = "pnpm --filter @igny8/web build";

/**
 * Where the dashboard's files come from. `sst deploy` always builds web/ first. An offline synth
 * (tests, `pnpm synth`) never builds: it packages web/dist when it exists and otherwise a page
 * saying the dashboard was not built, so the templates can be produced on a fresh clone.
 */
export function dashboardSource(offline: boolean, root: string) {
  if (!offline) return { buildCommand: dashboardBuildCommand, buildOutput: "dist" };
  if (existsSync(path.join(root, "web", "dist", "index.html"))) return { buildOutput: "dist" };
  return { buildOutput: "../stacks/fixtures/dashboard-offline" };
}

/**
 * The SolidJS dashboard (web/): built with VITE_API_URL pointing at the API, uploaded to the
 * dashboard bucket and served by the dashboard distribution (both in the Sites stack).
 */
export function Web({ stack, app }: StackContext) {
  const { api } = use(Api);
  const { dashboardBucket, dashboardDistribution, dashboardUrl } = use(Sites);

  new StaticSite(stack, "Dashboard", {
    path: "web",
    ...dashboardSource(isOffline(app), repoPath()),
    environment: { VITE_API_URL: api.url },
    // SST writes Vite env typings for the site; keep them out of web/ (it declares its own).
    vite: { types: "../.sst/web-env.d.ts" },
    cdk: { bucket: dashboardBucket, distribution: dashboardDistribution },
  });

  stack.addOutputs({ DashboardUrl: dashboardUrl });
}
