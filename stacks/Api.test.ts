import { Stack } from "aws-cdk-lib";
import { beforeAll, describe, expect, it } from "vitest";
import { arnEnvName } from "../packages/core/src/pipelines/index";
import { aiEnvironment } from "./environment";
import { fixturePipeline } from "./fixtures/index";
import { type PipelineSpec, registeredPipelines } from "./Pipelines";
import {
  actionsOf,
  buildTemplates,
  json,
  only,
  type Resource,
  resources,
  resourcesOf,
  roleOf,
  roleStatements,
  type Statement,
  type Templates,
} from "./testing";

let templates: Templates;
let deployed: PipelineSpec[];
let handler: Resource;
let statements: Statement[];

// The Api's properties and grants are set when its constructs are built; the bundled handler is
// checked on the finished synth (index.test.ts).
beforeAll(async () => {
  const fixture = fixturePipeline();
  templates = await buildTemplates({ stage: "test", extraPipelines: [fixture], finish: false });
  deployed = [...registeredPipelines(), fixture];
  const [, fn] = only(
    Object.fromEntries(
      Object.entries(resources(templates.Api, "AWS::Lambda::Function")).filter(([id]) =>
        id.startsWith("ApiHandler"),
      ),
    ),
  );
  handler = fn;
  statements = roleStatements(templates.Api, roleOf(handler));
});

function withAction(action: string): Statement[] {
  return statements.filter((statement) => actionsOf(statement).includes(action));
}

describe("Api: the Hono Lambda", () => {
  it("runs on nodejs22.x arm64 with 1024 MB, 29 s and X-Ray", () => {
    expect(handler.Properties).toMatchObject({
      Runtime: "nodejs22.x",
      Architectures: ["arm64"],
      MemorySize: 1024,
      Timeout: 29,
      TracingConfig: { Mode: "Active" },
      Description: "IGNY8 API (Hono)",
    });
  });

  it("gets its settings and one ARN variable per state machine from the environment", () => {
    const variables = (handler.Properties!.Environment as { Variables: Record<string, unknown> })
      .Variables;
    expect(variables).toMatchObject({
      IGNY8_STAGE: "test",
      IGNY8_REGION: "us-east-1",
      IGNY8_PIPELINES: "aws",
      IGNY8_EVENTS: "aws",
      IGNY8_SCHEDULES: "aws",
      IGNY8_SCHEDULE_GROUP: "igny8-test",
      IGNY8_SECRETS: "kms",
    });
    expect(json(variables.IGNY8_KMS_KEY_ID)).toMatch(/test-igny8-Storage:.*SecretsKey/);
    expect(json(variables.IGNY8_TABLE)).toMatch(/test-igny8-Storage:.*Table/);
    expect(json(variables.IGNY8_BUCKET)).toMatch(/test-igny8-Storage:.*Bucket/);
    expect(json(variables.IGNY8_EVENT_BUS)).toMatch(/test-igny8-Events:.*Bus/);
    expect(json(variables.IGNY8_SCHEDULER_ROLE_ARN)).toMatch(
      /test-igny8-Automation:.*SchedulerRole/,
    );
    expect(json(variables.IGNY8_WEB_ORIGIN)).toMatch(/https:\/\/.*DashboardDistribution/);
    expect(json(variables.IGNY8_SITES_URL)).toMatch(/https:\/\/.*SitesDistribution/);
    for (const spec of deployed) {
      expect(json(variables[arnEnvName(spec.name)]), spec.name).toContain("StateMachine");
    }
    // Development-only switches and emulator endpoints never reach AWS.
    for (const name of Object.keys(variables)) {
      expect(name).not.toMatch(/_ENDPOINT$|^IGNY8_DEV_ROUTES$|^IGNY8_DATA_DIR$/);
    }
  });

  it("reads the token-signing key from a generated secret, never from the template", () => {
    const variables = (handler.Properties!.Environment as { Variables: Record<string, unknown> })
      .Variables;
    const [secretId, secret] = only(resources(templates.Api, "AWS::SecretsManager::Secret"));
    expect(secret.Properties).toMatchObject({
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true },
    });
    const reference = json(variables.IGNY8_AUTH_SECRET);
    expect(reference).toContain("{{resolve:secretsmanager:");
    expect(reference).toContain(secretId);
  });

  it("keeps its logs for a week on a non-production stage", () => {
    const logGroupId = (handler.Properties!.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup
      .Ref;
    expect(resources(templates.Api, "AWS::Logs::LogGroup")[logGroupId]!.Properties).toMatchObject({
      RetentionInDays: 7,
    });
  });
});

describe("Api: HTTP API", () => {
  it("sends every request, preflights included, to the one function through $default", () => {
    const [, httpApi] = only(resources(templates.Api, "AWS::ApiGatewayV2::Api"));
    expect(httpApi.Properties!.ProtocolType).toBe("HTTP");
    // No gateway CORS: the app answers preflights for the dashboard's origin only.
    expect(httpApi.Properties!.CorsConfiguration).toBeUndefined();
    const [, route] = only(resources(templates.Api, "AWS::ApiGatewayV2::Route"));
    expect(route.Properties).toMatchObject({ RouteKey: "$default", AuthorizationType: "NONE" });
    const [, integration] = only(resources(templates.Api, "AWS::ApiGatewayV2::Integration"));
    expect(integration.Properties).toMatchObject({
      IntegrationType: "AWS_PROXY",
      PayloadFormatVersion: "2.0",
    });
    const [handlerId] = Object.entries(resources(templates.Api, "AWS::Lambda::Function")).find(
      ([, fn]) => fn === handler,
    )!;
    expect(json(integration.Properties!.IntegrationUri)).toContain(handlerId);
  });

  it("writes access logs that expire", () => {
    templates.Api.hasResourceProperties("AWS::Logs::LogGroup", { RetentionInDays: 7 });
    templates.Api.hasResourceProperties("AWS::ApiGatewayV2::Stage", { StageName: "$default" });
  });
});

describe("Api: least privilege", () => {
  it("may read and write items of the table and its indexes", () => {
    const [statement] = withAction("dynamodb:PutItem");
    expect(actionsOf(statement!)).toEqual(
      expect.arrayContaining([
        "dynamodb:GetItem",
        "dynamodb:Query",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:BatchWriteItem",
        "dynamodb:ConditionCheckItem",
      ]),
    );
    const targets = resourcesOf(statement!).map(json);
    expect(targets).toHaveLength(2);
    expect(targets.every((t) => t.includes("Table"))).toBe(true);
    expect(targets.some((t) => t.includes("/index/*"))).toBe(true);
  });

  it("may not delete or reconfigure the table, and holds no wildcard actions", () => {
    const actions = statements.flatMap(actionsOf);
    for (const forbidden of [
      "dynamodb:DeleteTable",
      "dynamodb:UpdateTable",
      "dynamodb:CreateTable",
      "dynamodb:*",
      "s3:*",
      "s3:DeleteBucket",
      "s3:PutBucketPolicy",
      "s3:PutObjectAcl",
      "states:*",
      "scheduler:*",
      "iam:*",
      "kms:*",
      "*",
    ]) {
      expect(actions, forbidden).not.toContain(forbidden);
    }
    expect(actions.filter((action) => action.includes("*"))).toEqual([]);
  });

  it("reaches the bucket's objects (read, write, delete, list) and nothing of its settings", () => {
    expect(withAction("s3:ListBucket").flatMap(resourcesOf).map(json)).toEqual([
      expect.stringContaining("Bucket"),
    ]);
    const [objects] = withAction("s3:GetObject");
    expect(actionsOf(objects!).sort()).toEqual(
      ["s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject", "s3:PutObject"].sort(),
    );
    expect(resourcesOf(objects!).map(json)).toEqual([expect.stringContaining('"/*"')]);
  });

  it("seals and opens stored secrets with our key only", () => {
    const uses = statements.filter((s) => actionsOf(s).some((a) => a.startsWith("kms:")));
    expect(uses).toHaveLength(1);
    expect(actionsOf(uses[0]!).sort()).toEqual(["kms:Decrypt", "kms:Encrypt"]);
    expect(resourcesOf(uses[0]!).map(json)).toEqual([
      expect.stringMatching(/test-igny8-Storage:.*SecretsKey/),
    ]);
  });

  it("puts events on our bus only", () => {
    const puts = withAction("events:PutEvents");
    expect(puts).toHaveLength(1);
    expect(resourcesOf(puts[0]!).map(json)).toEqual([expect.stringContaining("Bus")]);
  });

  it("starts and describes executions of our state machines only", () => {
    const starts = withAction("states:StartExecution");
    expect(starts).toHaveLength(1);
    const startTargets = resourcesOf(starts[0]!).map(json);
    expect(startTargets).toHaveLength(deployed.length);
    expect(startTargets.every((t) => t.includes("StateMachine"))).toBe(true);

    const describes = withAction("states:DescribeExecution");
    expect(describes).toHaveLength(1);
    expect(actionsOf(describes[0]!)).toEqual(["states:DescribeExecution"]);
    const describeTargets = resourcesOf(describes[0]!).map(json);
    expect(describeTargets).toHaveLength(deployed.length);
    for (const spec of deployed) {
      expect(
        describeTargets.some((t) =>
          t.includes(`:states:us-east-1:123456789012:execution:igny8-test-${spec.name}:*`),
        ),
        spec.name,
      ).toBe(true);
    }
  });

  it("manages schedules in our schedule group only and passes only the scheduler role", () => {
    const schedules = withAction("scheduler:CreateSchedule");
    expect(schedules).toHaveLength(1);
    expect(actionsOf(schedules[0]!).every((a) => a.endsWith("Schedule"))).toBe(true);
    expect(resourcesOf(schedules[0]!).map(json)).toEqual([
      expect.stringContaining(":scheduler:us-east-1:123456789012:schedule/igny8-test/*"),
    ]);

    const passes = withAction("iam:PassRole");
    expect(passes).toHaveLength(1);
    expect(resourcesOf(passes[0]!).map(json)).toEqual([expect.stringContaining("SchedulerRole")]);
    expect(passes[0]!.Condition).toEqual({
      StringEquals: { "iam:PassedToService": "scheduler.amazonaws.com" },
    });
  });

  it("has no other permissions than those above, X-Ray and SST's own parameter reads", () => {
    const known = /^(dynamodb|s3|events|states|scheduler|iam|kms|xray|ssm):/;
    expect(statements.flatMap(actionsOf).filter((a) => !known.test(a))).toEqual([]);
    for (const statement of statements) expect(statement.Effect).toBe("Allow");
    const ssm = statements.filter((s) => actionsOf(s).some((a) => a.startsWith("ssm:")));
    for (const statement of ssm) {
      expect(actionsOf(statement)).toEqual(["ssm:GetParameters"]);
      expect(json(statement.Resource)).toContain("parameter/sst/igny8/test/");
    }
  });
});

describe("Api: AI settings from the deploying shell", () => {
  it("copies the provider's settings and no unrelated variable", () => {
    expect(
      aiEnvironment({
        IGNY8_AI_BASE_URL: "https://llm.example/v1",
        IGNY8_AI_MODEL: "gpt-x",
        IGNY8_AI_MODEL_CONTENT: "gpt-y",
        IGNY8_AI_RPM: "60",
        IGNY8_AI_SOMETHING_ELSE: "no",
        HOME: "/root",
      }),
    ).toEqual({
      IGNY8_AI_BASE_URL: "https://llm.example/v1",
      IGNY8_AI_MODEL: "gpt-x",
      IGNY8_AI_MODEL_CONTENT: "gpt-y",
      IGNY8_AI_RPM: "60",
    });
  });

  it("resolves the API key from a named Secrets Manager secret at deploy time", () => {
    const stack = new Stack();
    const env = aiEnvironment({ IGNY8_AI_API_KEY_SECRET: "igny8/prod/openai" });
    expect(stack.resolve(env.IGNY8_AI_API_KEY)).toBe(
      "{{resolve:secretsmanager:igny8/prod/openai:SecretString:::}}",
    );
  });

  it("never writes a plain API key into a template", () => {
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (message: string) => warnings.push(message);
    try {
      expect(aiEnvironment({ IGNY8_AI_API_KEY: "sk-live-123" })).toEqual({});
    } finally {
      console.warn = warn;
    }
    expect(warnings).toEqual([expect.stringContaining("IGNY8_AI_API_KEY_SECRET")]);
  });

  it("deploys nothing of the shell running the tests", () => {
    const variables = (handler.Properties!.Environment as { Variables: Record<string, unknown> })
      .Variables;
    expect(Object.keys(variables).filter((name) => name.startsWith("IGNY8_AI_"))).toEqual([]);
  });
});
