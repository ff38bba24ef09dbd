import { EventBus } from "aws-cdk-lib/aws-events";
import type { StackContext } from "sst/constructs";
import { resourceName } from "./config";

/** The EventBridge bus the product's domain events travel on (`igny8-<stage>`). */
export function Events({ stack, app }: StackContext) {
  const bus = new EventBus(stack, "Bus", { eventBusName: resourceName(app.stage) });
  stack.addOutputs({ EventBusName: bus.eventBusName });
  return { bus };
}
