import type { App } from "sst/constructs";
import { Api } from "./Api";
import { Automation } from "./Automation";
import { functionDefaults, isProduction } from "./config";
import { Events } from "./Events";
import { Pipelines } from "./Pipelines";
import { Sites } from "./Sites";
import { Storage } from "./Storage";
import { Web } from "./Web";

/** The whole app, in dependency order: sst.config.ts, the offline synth and the tests call this. */
export function registerStacks(app: App) {
  app.setDefaultFunctionProps(functionDefaults(app));
  // Non-production stages leave nothing behind on `sst remove` (buckets are emptied first).
  if (!isProduction(app.stage)) app.setDefaultRemovalPolicy("destroy");
  app
    .stack(Storage)
    .stack(Events)
    .stack(Sites)
    .stack(Pipelines)
    .stack(Automation)
    .stack(Api)
    .stack(Web);
}
