// Helpers for the offline stack tests: build the real app (the same registerStacks as
// sst.config.ts) for a stage and hand back one CloudFormation template per stack.
process.env.SST_TELEMETRY_DISABLED = "1";
process.env.AWS_EC2_METADATA_DISABLED = "true";
// The stacks copy AI settings from the deploying shell; the templates under test must not
// depend on the shell that runs them.
for (const name of Object.keys(process.env)) {
  if (name.startsWith("IGNY8_AI_")) delete process.env[name];
}
// SST runs `npm install` in each function's bundle folder (there is nothing to install for us):
// keep it off the network.
process.env.npm_config_offline = "true";
process.env.npm_config_audit = "false";
process.env.npm_config_fund = "false";
process.env.npm_config_update_notifier = "false";

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Match, Template } from "aws-cdk-lib/assertions";
import { App, getStack } from "sst/constructs";
import { initProject, useProject } from "sst/project.js";
import { Api } from "./Api";
import { Automation } from "./Automation";
import { OFFLINE_CONTEXT } from "./config";
import { Events } from "./Events";
import { registerStacks } from "./index";
import { type PipelineSpec, Pipelines, registeredPipelines, withPipelines } from "./Pipelines";
import { Sites } from "./Sites";
import { Storage } from "./Storage";
import { Web } from "./Web";

export const TEST_ACCOUNT = "123456789012";
export const TEST_REGION = "us-east-1";

const stackFunctions = { Storage, Events, Sites, Pipelines, Automation, Api, Web };
export type StackName = keyof typeof stackFunctions;
export type Templates = Record<StackName, Template>;

let project: Promise<void> | undefined;

/** initProject once per test file, with SST's build output in a private folder. */
function ensureProject(): Promise<void> {
  project ??= (async () => {
    await initProject({ stage: "test" });
    // Each SST App wipes `<out>/types` when constructed; test files run in parallel processes,
    // so each keeps its own output folder instead of sharing the repository's .sst/.
    const paths = useProject().paths;
    paths.out = mkdtempSync(path.join(tmpdir(), "igny8-stacks-"));
    paths.artifacts = path.join(paths.out, "artifacts");
  })();
  return project;
}

export interface BuildOptions {
  stage?: string;
  /** Deploy these pipelines after the registered ones (e.g. the test-only fixture). */
  extraPipelines?: PipelineSpec[];
  /**
   * Run `app.finish()` (default): bundle the functions, package the dashboard, apply the app's
   * removal policy and tags. Tests of properties set at construction can skip it to save time.
   */
  finish?: boolean;
}

/**
 * Build (and normally finish) one app, then synthesize every stack. Apps are built one after
 * another: SST keeps one current app.
 */
export async function buildTemplates(options: BuildOptions = {}): Promise<Templates> {
  await ensureProject();
  const app = new App(
    {
      mode: "deploy",
      name: "igny8",
      stage: options.stage ?? "test",
      account: TEST_ACCOUNT,
      region: TEST_REGION,
    },
    { context: { [OFFLINE_CONTEXT]: true } },
  );
  if (options.extraPipelines) {
    withPipelines(app, [...registeredPipelines(), ...options.extraPipelines]);
  }
  registerStacks(app);
  const stacks = Object.fromEntries(
    Object.entries(stackFunctions).map(([name, fn]) => [name, getStack(fn)]),
  );
  if (options.finish ?? true) await app.finish();
  return Object.fromEntries(
    Object.entries(stacks).map(([name, stack]) => [name, Template.fromStack(stack)]),
  ) as Templates;
}

export type Resource = { Type: string; Properties?: Record<string, unknown> } & Record<
  string,
  unknown
>;

export function resources(template: Template, type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

export function only<T>(record: Record<string, T>): [string, T] {
  const entries = Object.entries(record);
  if (entries.length !== 1) throw new Error(`expected exactly one, found ${entries.length}`);
  return entries[0]!;
}

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
  Sid?: string;
}

export function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

export function resourcesOf(statement: Statement): unknown[] {
  const resource = statement.Resource;
  return Array.isArray(resource) ? resource : resource === undefined ? [] : [resource];
}

/** Every statement of the inline policies attached to a role (by the role's logical id). */
export function roleStatements(template: Template, roleLogicalId: string): Statement[] {
  const policies = resources(template, "AWS::IAM::Policy");
  const statements: Statement[] = [];
  for (const policy of Object.values(policies)) {
    const props = policy.Properties as {
      Roles?: { Ref?: string }[];
      PolicyDocument: { Statement: Statement[] };
    };
    if (props.Roles?.some((role) => role.Ref === roleLogicalId)) {
      statements.push(...props.PolicyDocument.Statement);
    }
  }
  return statements;
}

/** The logical id of a Lambda function's execution role. */
export function roleOf(fn: Resource): string {
  const role = (fn.Properties as { Role: { "Fn::GetAtt": [string, string] } }).Role;
  return role["Fn::GetAtt"][0];
}

/** Serializes a CloudFormation value so tests can look for references inside it. */
export function json(value: unknown): string {
  return JSON.stringify(value);
}

export { Match };
