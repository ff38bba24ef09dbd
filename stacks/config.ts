import path from "node:path";
import { RemovalPolicy } from "aws-cdk-lib";
import { RetentionDays } from "aws-cdk-lib/aws-logs";
import type { App, FunctionProps } from "sst/constructs";
import { useProject } from "sst/project.js";
import { nodeBundling } from "./bundling";

/** Stages whose data must survive a `sst remove` and a mistaken delete. */
const productionStages = new Set(["production", "prod"]);

export function isProduction(stage: string): boolean {
  return productionStages.has(stage);
}

/** Production keeps its data; every other stage is torn down completely. */
export function removalPolicyFor(stage: string): RemovalPolicy {
  return isProduction(stage) ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
}

/** How long logs are kept, in SST's spelling (`"one_week"`) for SST constructs' props. */
export function logRetentionName(stage: string) {
  return isProduction(stage) ? ("three_months" as const) : ("one_week" as const);
}

export function logRetentionFor(stage: string): RetentionDays {
  return isProduction(stage) ? RetentionDays.THREE_MONTHS : RetentionDays.ONE_WEEK;
}

/** The name every stage-scoped AWS resource carries: `igny8-<stage>`. */
export function resourceName(stage: string, suffix?: string): string {
  return suffix ? `igny8-${stage}-${suffix}` : `igny8-${stage}`;
}

/**
 * CDK context flag set by the offline synth (`pnpm synth`) and the stack tests. It only changes
 * where the dashboard's files come from (see Web.ts): a real `sst deploy` never sets it.
 */
export const OFFLINE_CONTEXT = "igny8:offline";

export function isOffline(app: App): boolean {
  const value: unknown = app.node.tryGetContext(OFFLINE_CONTEXT);
  return value === true || value === "true";
}

/** CDK context flag of the offline tests: `"entry"` compiles handlers without their packages. */
export const BUNDLE_CONTEXT = "igny8:bundle";

/**
 * A path inside the repository. `sst deploy` bundles sst.config.ts and its stacks into one file at
 * the root, so `import.meta.url` cannot locate files there; the project root can.
 */
export function repoPath(...segments: string[]): string {
  return path.join(useProject().paths.root, ...segments);
}

/** Every Lambda of the product runs on the same runtime and architecture, traced. */
export const lambdaRuntime = {
  runtime: "nodejs22.x",
  architecture: "arm_64",
  tracing: "active",
} as const satisfies FunctionProps;

/** Runtime and bundling of every Lambda of the app. */
export function functionDefaults(app: App): FunctionProps {
  const entryOnly = app.node.tryGetContext(BUNDLE_CONTEXT) === "entry";
  return { ...lambdaRuntime, ...nodeBundling({ offline: isOffline(app), entryOnly }) };
}
