// Pipelines and Automation (the scheduler role exists to start these state machines).
import { existsSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  arnEnvName,
  readDefinition,
  pipelines as registry,
} from "../packages/core/src/pipelines/index";
import { fixturePipeline } from "./fixtures/index";
import { checkSubstitutions, type PipelineSpec, registeredPipelines } from "./Pipelines";
import {
  actionsOf,
  buildTemplates,
  json,
  type Resource,
  resources,
  resourcesOf,
  roleOf,
  roleStatements,
  type Templates,
} from "./testing";

let templates: Templates;
let deployed: PipelineSpec[];

beforeAll(async () => {
  const fixture = fixturePipeline();
  // Built but not finished (no bundling): handlers are checked bundled in index.test.ts.
  templates = await buildTemplates({ stage: "test", extraPipelines: [fixture], finish: false });
  deployed = [...registeredPipelines(), fixture];
});

/** The source file of an SST handler (`dir/module.export`). */
function handlerFile(spec: PipelineSpec, handler: string) {
  const module = handler.slice(0, handler.lastIndexOf("."));
  return path.join(import.meta.dirname, "..", spec.handlerRoot, `${module}.ts`);
}

function pascal(value: string) {
  return value
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join("");
}

type StateMachineProps = {
  StateMachineName: string;
  DefinitionString: string;
  DefinitionSubstitutions: Record<string, { "Fn::GetAtt": [string, "Arn"] }>;
  LoggingConfiguration: {
    Level: string;
    IncludeExecutionData: boolean;
    Destinations: { CloudWatchLogsLogGroup: { LogGroupArn: { "Fn::GetAtt": [string, "Arn"] } } }[];
  };
  TracingConfiguration: { Enabled: boolean };
  RoleArn: { "Fn::GetAtt": [string, "Arn"] };
};

function stateMachineOf(spec: PipelineSpec): StateMachineProps {
  const machines = Object.values(
    resources(templates.Pipelines, "AWS::StepFunctions::StateMachine"),
  ).filter(
    (machine) =>
      (machine.Properties as StateMachineProps).StateMachineName === `igny8-test-${spec.name}`,
  );
  expect(machines, `state machine for ${spec.name}`).toHaveLength(1);
  return machines[0]!.Properties as StateMachineProps;
}

function lambdas(): Record<string, Resource> {
  return resources(templates.Pipelines, "AWS::Lambda::Function");
}

describe("Pipelines: one state machine per registered pipeline", () => {
  it("deploys exactly the registry (plus the test fixture)", () => {
    const names = Object.values(
      resources(templates.Pipelines, "AWS::StepFunctions::StateMachine"),
    ).map((machine) => (machine.Properties as StateMachineProps).StateMachineName);
    expect(names.sort()).toEqual(deployed.map((spec) => `igny8-test-${spec.name}`).sort());
  });

  it("reads each registered ASL file exactly as packages/core's readDefinition does", () => {
    for (const [index, pipeline] of registry.entries()) {
      expect(registeredPipelines()[index]!.definition).toBe(readDefinition(pipeline));
    }
  });

  it("puts the ASL text in the template and maps every task substitution to its own function's ARN", () => {
    for (const spec of deployed) {
      const machine = stateMachineOf(spec);
      expect(machine.DefinitionString).toBe(spec.definition);
      expect(Object.keys(machine.DefinitionSubstitutions).sort()).toEqual(
        Object.keys(spec.tasks).sort(),
      );
      for (const [key, task] of Object.entries(spec.tasks)) {
        const [logicalId] = machine.DefinitionSubstitutions[key]!["Fn::GetAtt"];
        const fn = lambdas()[logicalId];
        expect(fn, `${spec.name}.${key}`).toBeDefined();
        expect(fn!.Properties!.Description).toBe(`IGNY8 pipeline ${spec.name}: ${key}`);
        expect(existsSync(handlerFile(spec, task.handler)), task.handler).toBe(true);
      }
    }
  });

  it("logs every execution (level ALL, without execution data) and traces with X-Ray", () => {
    for (const spec of deployed) {
      const machine = stateMachineOf(spec);
      expect(machine.LoggingConfiguration.Level).toBe("ALL");
      expect(machine.LoggingConfiguration.IncludeExecutionData).toBe(false);
      expect(machine.TracingConfiguration).toEqual({ Enabled: true });
      const [logGroupId] =
        machine.LoggingConfiguration.Destinations[0]!.CloudWatchLogsLogGroup.LogGroupArn[
          "Fn::GetAtt"
        ];
      const logGroup = resources(templates.Pipelines, "AWS::Logs::LogGroup")[logGroupId]!;
      expect(logGroup.Properties!.LogGroupName).toBe(
        `/aws/vendedlogs/states/igny8-test-${spec.name}`,
      );
      expect(logGroup.Properties!.RetentionInDays).toBe(7);
    }
  });

  it("lets each state machine invoke its own functions and no others", () => {
    for (const spec of deployed) {
      const machine = stateMachineOf(spec);
      const own = Object.values(machine.DefinitionSubstitutions).map((arn) => arn["Fn::GetAtt"][0]);
      const statements = roleStatements(templates.Pipelines, machine.RoleArn["Fn::GetAtt"][0]);
      const invokes = statements.filter((s) => actionsOf(s).some((a) => a.startsWith("lambda:")));
      expect(invokes.flatMap(actionsOf).every((action) => action === "lambda:InvokeFunction")).toBe(
        true,
      );
      const targets = new Set(
        invokes.flatMap(resourcesOf).map((resource) => {
          const text = json(resource);
          const match = /"Fn::GetAtt":\["([^"]+)","Arn"\]/.exec(text);
          expect(match, text).not.toBeNull();
          return match![1]!;
        }),
      );
      expect([...targets].sort()).toEqual([...own].sort());
    }
  });

  it("runs every task on nodejs22.x arm64 with table and bucket read/write, nothing more", () => {
    for (const spec of deployed) {
      for (const key of Object.keys(spec.tasks)) {
        const [logicalId] = stateMachineOf(spec).DefinitionSubstitutions[key]!["Fn::GetAtt"];
        const fn = lambdas()[logicalId]!;
        expect(fn.Properties).toMatchObject({
          Runtime: "nodejs22.x",
          Architectures: ["arm64"],
          TracingConfig: { Mode: "Active" },
          Environment: {
            Variables: expect.objectContaining({ IGNY8_STAGE: "test", IGNY8_EVENTS: "aws" }),
          },
        });
        const actions = roleStatements(templates.Pipelines, roleOf(fn)).flatMap(actionsOf);
        expect(actions).toEqual(
          expect.arrayContaining([
            "dynamodb:PutItem",
            "dynamodb:Query",
            "s3:GetObject",
            "kms:Decrypt",
          ]),
        );
        expect(actions).not.toContain("dynamodb:DeleteTable");
        expect(actions.filter((a) => a.endsWith(":*") || a === "*")).toEqual([]);
        expect(actions.filter((a) => a.startsWith("states:") || a.startsWith("iam:"))).toEqual([]);
      }
    }
  });

  it("names each pipeline's ARN variable with core's arnEnvName", () => {
    expect(arnEnvName("fixture-scoring")).toBe("IGNY8_PIPELINE_FIXTURE_SCORING_ARN");
  });
});

describe("Pipelines: a definition and its tasks must agree", () => {
  const base = fixturePipeline();

  it("accepts the fixture", () => {
    expect(() => checkSubstitutions(base)).not.toThrow();
  });

  it("names a substitution without a task, and a task the ASL never uses", () => {
    expect(() =>
      checkSubstitutions({
        ...base,
        tasks: { Score: base.tasks.Score!, Extra: { handler: "x.y" } },
      }),
    ).toThrow(/no task for \$\{Summarize\}; tasks not used in the ASL: Extra/);
  });

  it("rejects an ASL file that is not JSON", () => {
    expect(() => checkSubstitutions({ ...base, definition: "{ nope" })).toThrow(
      /fixture\.asl\.json is not valid JSON/,
    );
  });
});

describe("Automation", () => {
  it("creates the schedule group igny8-<stage>", () => {
    templates.Automation.hasResourceProperties("AWS::Scheduler::ScheduleGroup", {
      Name: "igny8-test",
    });
  });

  it("has a role only EventBridge Scheduler of this account can assume", () => {
    const roles = Object.values(resources(templates.Automation, "AWS::IAM::Role")).filter((role) =>
      json(role).includes("scheduler.amazonaws.com"),
    );
    expect(roles).toHaveLength(1);
    expect(roles[0]!.Properties!.AssumeRolePolicyDocument).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: "sts:AssumeRole",
          Principal: { Service: "scheduler.amazonaws.com" },
          Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
        },
      ],
    });
  });

  it("lets that role start our state machines and do nothing else", () => {
    const [roleId] = Object.entries(resources(templates.Automation, "AWS::IAM::Role")).find(
      ([, role]) => json(role).includes("scheduler.amazonaws.com"),
    )!;
    const statements = roleStatements(templates.Automation, roleId);
    expect(statements).toHaveLength(1);
    expect(statements[0]!.Effect).toBe("Allow");
    expect(actionsOf(statements[0]!)).toEqual(["states:StartExecution"]);
    const targets = resourcesOf(statements[0]!).map(json);
    expect(targets).toHaveLength(deployed.length);
    for (const spec of deployed) {
      expect(targets.some((t) => t.includes(`${pascal(spec.name)}StateMachine`))).toBe(true);
    }
    expect(targets.some((t) => t.includes("*"))).toBe(false);
  });
});
