import { afterEach, describe, expect, it } from "vitest";
import { resetClients, useTestTable, withTestAccount } from "../testing";
import { awsDouble } from "../testing/aws-double";
import { createId } from "../util/id";
import { Execution, Pipelines } from "./index";

useTestTable();

const arnVariable = "IGNY8_PIPELINE_SITE_STORAGE_USAGE_ARN";
const arn = "arn:aws:states:us-east-1:123456789012:stateMachine:igny8-test-site-storage-usage";

afterEach(() => {
  for (const name of ["IGNY8_PIPELINES", "IGNY8_SFN_ENDPOINT", arnVariable])
    delete process.env[name];
  resetClients();
});

describe("registry", () => {
  it("names the ARN variable the stacks set", () => {
    expect(Pipelines.arnEnvName("site-storage-usage")).toBe(arnVariable);
  });

  it("every Task uses lambda:invoke with a declared substitution, and every task is used", () => {
    for (const pipeline of Pipelines.pipelines) {
      const text = Pipelines.readDefinition(pipeline);
      const used = new Set([...text.matchAll(/\$\{([^}]+)\}/g)].map((match) => match[1]));
      expect([...used].sort()).toEqual(Object.keys(pipeline.tasks).sort());
      const tasks: {
        Resource: string;
        Parameters: { FunctionName: string };
        OutputPath: string;
      }[] = [];
      const walk = (states: Record<string, Record<string, unknown>>) => {
        for (const state of Object.values(states)) {
          if (state.Type === "Task") tasks.push(state as never);
          const processor = state.ItemProcessor as
            | { States: Record<string, Record<string, unknown>> }
            | undefined;
          if (processor) walk(processor.States);
        }
      };
      walk(JSON.parse(text).States);
      for (const task of tasks) {
        expect(task.Resource).toBe("arn:aws:states:::lambda:invoke");
        expect(task.Parameters.FunctionName).toMatch(/^\$\{\w+\}$/);
        expect(task.OutputPath).toBe("$.Payload");
      }
    }
  });
});

describe("Step Functions adapter", () => {
  it("starts the state machine from IGNY8_PIPELINE_<NAME>_ARN, named by the execution id", async () => {
    const sfn = await awsDouble(() => ({
      body: { executionArn: `${arn.replace("stateMachine", "execution")}:x`, startDate: 1 },
    }));
    process.env.IGNY8_PIPELINES = "aws";
    process.env.IGNY8_SFN_ENDPOINT = sfn.endpoint;
    process.env[arnVariable] = arn;
    resetClients();
    try {
      await withTestAccount(async (accountId) => {
        const id = await Pipelines.start("site-storage-usage", { siteId: "sit_1" });
        expect(id).toMatch(/^exe_/);
        expect(sfn.requests).toHaveLength(1);
        expect(sfn.requests[0]!.target).toBe("AWSStepFunctions.StartExecution");
        const body = sfn.requests[0]!.body as {
          stateMachineArn: string;
          name: string;
          input: string;
        };
        expect(body.stateMachineArn).toBe(arn);
        expect(body.name).toBe(id);
        expect(JSON.parse(body.input)).toEqual({ siteId: "sit_1", accountId });
        expect(await Execution.get(id)).toMatchObject({
          status: "running",
          input: { siteId: "sit_1" },
        });
      });
    } finally {
      await sfn.close();
    }
  });

  it("treats ExecutionAlreadyExists as started, and a missing ARN as a configuration error", async () => {
    const sfn = await awsDouble(() => ({ status: 400, errorType: "ExecutionAlreadyExists" }));
    process.env.IGNY8_PIPELINES = "aws";
    process.env.IGNY8_SFN_ENDPOINT = sfn.endpoint;
    process.env[arnVariable] = arn;
    resetClients();
    try {
      await withTestAccount(async () => {
        const id = await Pipelines.start("site-storage-usage", { siteId: "sit_1" });
        expect(await Execution.get(id)).toMatchObject({ status: "running" });
        delete process.env[arnVariable];
        await expect(
          Pipelines.start("site-storage-usage", { siteId: "sit_1" }),
        ).rejects.toMatchObject({
          code: "config.invalid",
          message: `Setting ${arnVariable} is missing or not an ARN`,
        });
        await expect(
          Pipelines.start("site-storage-usage", {}, { executionName: "bad name!" }),
        ).rejects.toMatchObject({ code: "pipeline.execution_name_invalid" });
      });
    } finally {
      await sfn.close();
    }
  });
});

describe("execution records", () => {
  it("counts items, ignores a second begin, ends once, and runs a step once", async () => {
    await withTestAccount(async () => {
      const id = createId("execution");
      await Execution.begin({ executionId: id, pipeline: "site-storage-usage", input: { a: 1 } });
      await Execution.begin({ executionId: id, pipeline: "site-storage-usage", input: { a: 2 } });
      await Execution.setTotal(id, 3);
      await Execution.itemStarted(id, "one");
      await Execution.itemSucceeded(id, "one", { cost: 2 });
      await Execution.itemSucceeded(id, "one", { cost: 2 });
      await Execution.itemFailed(id, "two", "it broke");
      let view = await Execution.get(id);
      expect(view).toMatchObject({
        input: { a: 1 },
        status: "running",
        cost: 2,
        progress: { total: 3, done: 1, failed: 1 },
      });
      let ran = 0;
      expect(await Execution.once(id, "notify", async () => void ran++)).toBe(true);
      expect(await Execution.once(id, "notify", async () => void ran++)).toBe(false);
      await expect(
        Execution.once(id, "flaky", async () => {
          throw new Error("first try fails");
        }),
      ).rejects.toThrow("first try fails");
      expect(await Execution.once(id, "flaky", async () => void ran++)).toBe(true);
      expect(ran).toBe(2);
      await Execution.finish(id, "succeeded", { result: { ok: true } });
      await Execution.finish(id, "failed", { error: "late" });
      view = await Execution.get(id);
      expect(view).toMatchObject({ status: "succeeded", result: { ok: true } });
      expect(view!.error).toBeUndefined();
      await expect(
        Execution.once(createId("execution"), "x", async () => {}),
      ).rejects.toMatchObject({
        code: "execution.not_found",
      });
      await expect(Execution.get("../bad")).rejects.toMatchObject({ code: "execution.id_invalid" });
    });
  });

  it("keeps a summary of a large input", () => {
    expect(Execution.summarizeInput({ a: "x".repeat(5000) })).toMatchObject({
      truncated: true,
      chars: 5008,
    });
    expect(Execution.summarizeInput(undefined)).toBeNull();
  });
});
