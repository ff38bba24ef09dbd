import type { SSTConfig } from "sst";
import { registerStacks } from "./stacks/index";

export default {
  config(input) {
    return { name: "igny8", region: input.region ?? process.env.AWS_REGION ?? "us-east-1" };
  },
  stacks(app) {
    registerStacks(app);
  },
} satisfies SSTConfig;
