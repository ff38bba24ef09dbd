import { existsSync, readFileSync } from "node:fs";
import { Duration, type Stack } from "aws-cdk-lib";
import type { Table } from "aws-cdk-lib/aws-dynamodb";
import type { EventBus } from "aws-cdk-lib/aws-events";
import type { Key } from "aws-cdk-lib/aws-kms";
import { LogGroup } from "aws-cdk-lib/aws-logs";
import type { Bucket } from "aws-cdk-lib/aws-s3";
import { DefinitionBody, LogLevel, StateMachine } from "aws-cdk-lib/aws-stepfunctions";
import { type App, Function as Lambda, type StackContext, use } from "sst/constructs";
import {
  arnEnvName,
  type PipelineDefinition,
  pipelines as registry,
} from "../packages/core/src/pipelines/index";
import {
  functionDefaults,
  logRetentionFor,
  removalPolicyFor,
  repoPath,
  resourceName,
} from "./config";
import { Events } from "./Events";
import { runtimeEnvironment } from "./environment";
import { grantFiles, grantSecrets, Storage } from "./Storage";

/** A pipeline ready to deploy: its registry entry, its ASL text and where its handlers live. */
export interface PipelineSpec extends PipelineDefinition {
  definition: string;
  /** Folder (relative to the repository root) that `tasks[key].handler` is relative to. */
  handlerRoot: string;
}

export interface DeployedPipeline {
  name: string;
  /** `igny8-<stage>-<name>`, known before deployment (execution ARNs are built from it). */
  stateMachineName: string;
  stateMachine: StateMachine;
  functions: Record<string, Lambda>;
  /** Environment variable that carries the state machine ARN to the API (core's arnEnvName). */
  arnVariable: string;
}

/** The ASL files live beside the registry in packages/core; handlers in packages/functions. */
const definitionsFolder = "packages/core/src/pipelines";
const handlersFolder = "packages/functions/src";

/** The registry of packages/core, read from the repository (works inside SST's bundled config). */
export function registeredPipelines(
  list: readonly PipelineDefinition[] = registry,
): PipelineSpec[] {
  return list.map((pipeline) => {
    const file = repoPath(definitionsFolder, pipeline.file);
    if (!existsSync(file)) {
      throw new Error(
        `Pipeline "${pipeline.name}": ${definitionsFolder}/${pipeline.file} is missing`,
      );
    }
    return { ...pipeline, definition: readFileSync(file, "utf8"), handlerRoot: handlersFolder };
  });
}

// An app may be given an explicit list (the stack tests add a fixture pipeline); otherwise the registry.
const explicitPipelines = new WeakMap<App, PipelineSpec[]>();

export function withPipelines<T extends App>(app: T, list: PipelineSpec[]): T {
  explicitPipelines.set(app, list);
  return app;
}

function pascal(value: string): string {
  return value
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join("");
}

/** Every `${Key}` in the ASL must be a task and every task must be used: a typo fails the synth. */
export function checkSubstitutions(spec: PipelineSpec) {
  try {
    JSON.parse(spec.definition);
  } catch (error) {
    throw new Error(`Pipeline "${spec.name}": ${spec.file} is not valid JSON (${String(error)})`);
  }
  const used = new Set([...spec.definition.matchAll(/\$\{([^}]+)\}/g)].map((match) => match[1]!));
  const declared = new Set(Object.keys(spec.tasks));
  const missing = [...used].filter((key) => !declared.has(key));
  const unused = [...declared].filter((key) => !used.has(key));
  if (missing.length || unused.length) {
    throw new Error(
      `Pipeline "${spec.name}": substitutions in ${spec.file} and its tasks differ` +
        (missing.length ? `; no task for ${missing.map((k) => `\${${k}}`).join(", ")}` : "") +
        (unused.length ? `; tasks not used in the ASL: ${unused.join(", ")}` : ""),
    );
  }
}

export interface PipelineResources {
  table: Table;
  bucket: Bucket;
  bus: EventBus;
  secretsKey: Key;
  environment: Record<string, string>;
}

/**
 * One pipeline: a Lambda per Task substitution and the state machine whose definition is the ASL
 * text with each `${Key}` replaced by that function's ARN.
 */
export function buildPipeline(
  stack: Stack,
  app: App,
  spec: PipelineSpec,
  resources: PipelineResources,
): DeployedPipeline {
  checkSubstitutions(spec);
  const { stage } = app;
  const prefix = pascal(spec.name);
  const functions: Record<string, Lambda> = {};
  for (const [key, task] of Object.entries(spec.tasks)) {
    const id = `${prefix}${pascal(key)}`;
    const fn = new Lambda(stack, id, {
      ...functionDefaults(app),
      handler: `${spec.handlerRoot}/${task.handler}`,
      description: `IGNY8 pipeline ${spec.name}: ${key}`,
      memorySize: 1024,
      timeout: 300,
      environment: resources.environment,
      logGroup: new LogGroup(stack, `${id}Logs`, {
        retention: logRetentionFor(stage),
        removalPolicy: removalPolicyFor(stage),
      }),
    });
    resources.table.grantReadWriteData(fn);
    grantFiles(fn, resources.bucket);
    resources.bus.grantPutEventsTo(fn);
    grantSecrets(fn, resources.secretsKey);
    functions[key] = fn;
  }

  const name = resourceName(stage, spec.name);
  const stateMachine = new StateMachine(stack, `${prefix}StateMachine`, {
    stateMachineName: name,
    definitionBody: DefinitionBody.fromString(spec.definition),
    definitionSubstitutions: Object.fromEntries(
      Object.entries(functions).map(([key, fn]) => [key, fn.functionArn]),
    ),
    logs: {
      destination: new LogGroup(stack, `${prefix}StateMachineLogs`, {
        // The vendedlogs prefix keeps CloudWatch's resource policy small for many state machines.
        logGroupName: `/aws/vendedlogs/states/${name}`,
        retention: logRetentionFor(stage),
        removalPolicy: removalPolicyFor(stage),
      }),
      level: LogLevel.ALL,
      includeExecutionData: false,
    },
    tracingEnabled: true,
    timeout: Duration.hours(24),
  });
  for (const fn of Object.values(functions)) fn.grantInvoke(stateMachine);

  return {
    name: spec.name,
    stateMachineName: name,
    stateMachine,
    functions,
    arnVariable: arnEnvName(spec.name),
  };
}

/** One Step Functions state machine per registered pipeline (packages/core/src/pipelines). */
export function Pipelines({ stack, app }: StackContext) {
  const { table, bucket, secretsKey } = use(Storage);
  const { bus } = use(Events);
  const list = explicitPipelines.get(app) ?? registeredPipelines();
  const environment = runtimeEnvironment(stack, app.stage);
  const pipelines = list.map((spec) =>
    buildPipeline(stack, app, spec, { table, bucket, bus, secretsKey, environment }),
  );
  stack.addOutputs(
    Object.fromEntries(
      pipelines.map((p) => [`${pascal(p.name)}StateMachineArn`, p.stateMachine.stateMachineArn]),
    ),
  );
  return { pipelines };
}
