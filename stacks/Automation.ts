import { Effect, PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { ScheduleGroup } from "aws-cdk-lib/aws-scheduler";
import { type StackContext, use } from "sst/constructs";
import { removalPolicyFor, resourceName } from "./config";
import { Pipelines } from "./Pipelines";

/**
 * EventBridge Scheduler: the schedule group automation rules create their schedules in, and the
 * role those schedules assume, which may start our pipelines and nothing else.
 */
export function Automation({ stack, app }: StackContext) {
  const { pipelines } = use(Pipelines);

  const scheduleGroup = new ScheduleGroup(stack, "ScheduleGroup", {
    scheduleGroupName: resourceName(app.stage),
    removalPolicy: removalPolicyFor(app.stage),
  });

  const schedulerRole = new Role(stack, "SchedulerRole", {
    description: "Assumed by IGNY8 schedules to start pipelines",
    // Only schedules of this account may assume it (confused-deputy guard).
    assumedBy: new ServicePrincipal("scheduler.amazonaws.com", {
      conditions: { StringEquals: { "aws:SourceAccount": stack.account } },
    }),
  });
  if (pipelines.length > 0) {
    schedulerRole.addToPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ["states:StartExecution"],
        resources: pipelines.map((p) => p.stateMachine.stateMachineArn),
      }),
    );
  }

  stack.addOutputs({
    ScheduleGroupName: scheduleGroup.scheduleGroupName,
    SchedulerRoleArn: schedulerRole.roleArn,
  });
  return { scheduleGroup, schedulerRole };
}
