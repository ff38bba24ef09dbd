import { ArnFormat } from "aws-cdk-lib";
import { Effect, PolicyStatement } from "aws-cdk-lib/aws-iam";
import { LogGroup } from "aws-cdk-lib/aws-logs";
import { Secret } from "aws-cdk-lib/aws-secretsmanager";
import { Api as HttpApi, Function as Lambda, type StackContext, use } from "sst/constructs";
import { Automation } from "./Automation";
import { functionDefaults, logRetentionFor, logRetentionName, removalPolicyFor } from "./config";
import { Events } from "./Events";
import { runtimeEnvironment } from "./environment";
import { Pipelines } from "./Pipelines";
import { grantFiles, grantSecrets, Storage } from "./Storage";

/**
 * The Hono app (packages/functions/src/api) as one Lambda behind an HTTP API catch-all route,
 * with exactly the permissions its routes need.
 */
export function Api({ stack, app }: StackContext) {
  const { table, bucket, secretsKey } = use(Storage);
  const { bus } = use(Events);
  const { pipelines } = use(Pipelines);
  const { scheduleGroup, schedulerRole } = use(Automation);

  // The key that signs access tokens: generated once per stage, kept in Secrets Manager and
  // resolved by CloudFormation into the function's (encrypted) configuration at deploy time.
  const authSecret = new Secret(stack, "AuthSecret", {
    description: `IGNY8 ${app.stage}: HS256 key for access tokens`,
    generateSecretString: { passwordLength: 64, excludePunctuation: true },
    removalPolicy: removalPolicyFor(app.stage),
  });

  const handler = new Lambda(stack, "ApiHandler", {
    ...functionDefaults(app),
    handler: "packages/functions/src/api/lambda.handler",
    description: "IGNY8 API (Hono)",
    memorySize: 1024,
    // API Gateway HTTP APIs stop waiting at 30 s.
    timeout: 29,
    environment: {
      ...runtimeEnvironment(stack, app.stage),
      IGNY8_PIPELINES: "aws",
      IGNY8_SCHEDULES: "aws",
      IGNY8_SCHEDULE_GROUP: scheduleGroup.scheduleGroupName,
      IGNY8_SCHEDULER_ROLE_ARN: schedulerRole.roleArn,
      IGNY8_AUTH_SECRET: authSecret.secretValue.unsafeUnwrap(),
      ...Object.fromEntries(pipelines.map((p) => [p.arnVariable, p.stateMachine.stateMachineArn])),
    },
    logGroup: new LogGroup(stack, "ApiHandlerLogs", {
      retention: logRetentionFor(app.stage),
      removalPolicy: removalPolicyFor(app.stage),
    }),
  });

  table.grantReadWriteData(handler);
  grantFiles(handler, bucket);
  bus.grantPutEventsTo(handler);
  grantSecrets(handler, secretsKey);
  if (pipelines.length > 0) {
    handler.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ["states:StartExecution"],
        resources: pipelines.map((p) => p.stateMachine.stateMachineArn),
      }),
    );
    handler.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ["states:DescribeExecution"],
        resources: pipelines.map((p) =>
          stack.formatArn({
            service: "states",
            resource: "execution",
            resourceName: `${p.stateMachineName}:*`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ),
      }),
    );
  }
  handler.addToRolePolicy(
    new PolicyStatement({
      effect: Effect.ALLOW,
      actions: [
        "scheduler:CreateSchedule",
        "scheduler:UpdateSchedule",
        "scheduler:DeleteSchedule",
        "scheduler:GetSchedule",
      ],
      resources: [
        stack.formatArn({
          service: "scheduler",
          resource: "schedule",
          resourceName: `${scheduleGroup.scheduleGroupName}/*`,
        }),
      ],
    }),
  );
  handler.addToRolePolicy(
    new PolicyStatement({
      effect: Effect.ALLOW,
      actions: ["iam:PassRole"],
      resources: [schedulerRole.roleArn],
      conditions: { StringEquals: { "iam:PassedToService": "scheduler.amazonaws.com" } },
    }),
  );

  const api = new HttpApi(stack, "Api", {
    routes: { $default: handler },
    // The Hono app answers CORS itself, for the dashboard's origin only (IGNY8_WEB_ORIGIN).
    cors: false,
    accessLog: { retention: logRetentionName(app.stage) },
  });
  stack.addOutputs({ ApiUrl: api.url });
  return { api, handler };
}
