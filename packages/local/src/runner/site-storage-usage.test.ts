import { useActor } from "@igny8/core/actor";
import { Bus, type DomainEvent } from "@igny8/core/events";
import { Limit } from "@igny8/core/limit";
import { Execution, Pipelines } from "@igny8/core/pipelines";
import { Storage } from "@igny8/core/storage";
import { useTestTable, withTestAccount } from "@igny8/core/testing";
import { createId } from "@igny8/core/util";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createLocalRunner, type InvokeCall, type LocalRunnerOptions } from "./index";

// The real ASL file, the real handlers of packages/functions, dynalite and s3rver.
useTestTable();

const pipeline = Pipelines.find("site-storage-usage");

/** Files per folder of the test site: sizes in bytes. */
const files: Record<string, number[]> = {
  "content/": [100, 250],
  "exports/": [4000],
  "images/": [1000, 2000, 3000],
  "imports/": [10],
  "media/": [7, 8],
  "rendered/": [500],
};
const bytesOf = (folders: string[]) =>
  folders.reduce((sum, f) => sum + files[f]!.reduce((a, b) => a + b, 0), 0);
const allBytes = bytesOf(Object.keys(files));

async function seedSite(siteId: string) {
  const puts: Promise<unknown>[] = [];
  for (const [folder, sizes] of Object.entries(files)) {
    sizes.forEach((size, i) => {
      puts.push(
        Storage.put(
          Storage.siteKey(siteId, folder.slice(0, -1) as Storage.SiteFolder, `f${i}.bin`),
          Buffer.alloc(size, 1),
        ),
      );
    });
  }
  await Promise.all(puts);
}

function lambdaError(name: string, message: string) {
  const error = new Error(message);
  error.name = name;
  return error;
}

const quotaEvents: DomainEvent[] = [];
beforeAll(() => {
  Bus.subscribe(Storage.Usage.StorageQuotaExceeded, (event) => {
    quotaEvents.push(event);
  });
});

afterEach(async () => {
  await Bus.idle();
});

async function runFor(
  accountId: string,
  siteId: string,
  quotaBytes: number,
  intercept?: LocalRunnerOptions["intercept"],
) {
  const runner = createLocalRunner({ retryIntervalMs: 0, intercept });
  const executionId = createId("execution");
  await Execution.begin({ executionId, pipeline: pipeline.name, input: { siteId, quotaBytes } });
  const result = await runner.run({
    pipeline,
    executionId,
    input: { accountId, siteId, quotaBytes },
  });
  await Bus.idle();
  return { result, executionId };
}

describe("site-storage-usage through the local runner", () => {
  it("retries a throttled folder, catches a failing one, records usage under quota", async () => {
    await withTestAccount(async (accountId) => {
      const siteId = createId("site");
      await seedSite(siteId);
      const attempts: Record<string, number> = {};
      let concurrent = 0;
      let maxConcurrent = 0;
      const intercept = async (call: InvokeCall, invoke: () => Promise<unknown>) => {
        if (call.state !== "CountFolder") return invoke();
        const folder = (call.payload as { folder: string }).folder;
        attempts[folder] = (attempts[folder] ?? 0) + 1;
        concurrent += 1;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        try {
          await new Promise((resolve) => setTimeout(resolve, 30));
          // Lambda itself throttles the first invoke for images/.
          if (folder === "images/" && attempts[folder] === 1) {
            throw lambdaError("Lambda.TooManyRequestsException", "Rate Exceeded.");
          }
          // exports/ fails every time, as a function error.
          if (folder === "exports/") {
            throw lambdaError("AccessDenied", "Access Denied to exports/");
          }
          return await invoke();
        } finally {
          concurrent -= 1;
        }
      };
      const { result, executionId } = await runFor(accountId, siteId, 10 * 1024 * 1024, intercept);

      expect(result.status).toBe("succeeded");
      expect(result.output).toEqual({
        usedBytes: allBytes - bytesOf(["exports/"]),
        objects: 9,
        quotaBytes: 10 * 1024 * 1024,
        overQuota: false,
        failedFolders: ["exports/"],
      });
      // Retry: throttled once, then succeeded. TaskFailed retry: 1 + 2 attempts, then caught.
      expect(attempts["images/"]).toBe(2);
      expect(attempts["exports/"]).toBe(3);
      const retried = result.events.filter(
        (e) => e.type === "StateRetried" && e.state === "CountFolder",
      );
      expect(retried).toHaveLength(3);
      expect(
        result.events.filter((e) => e.type === "StateCaught" && e.state === "CountFolder"),
      ).toHaveLength(1);
      // Map with MaxConcurrency 4 over six folders.
      expect(maxConcurrent).toBe(4);
      // Choice: under quota goes straight to Finish.
      const entered = result.events.filter((e) => e.type === "StateEntered").map((e) => e.state);
      expect(entered).toContain("RecordUsage");
      expect(entered).not.toContain("AnnounceQuotaExceeded");
      expect(quotaEvents.filter((e) => e.metadata.accountId === accountId)).toHaveLength(0);

      const execution = await Execution.get(executionId);
      expect(execution).toMatchObject({ status: "succeeded", pipeline: "site-storage-usage" });
      expect(execution!.progress).toMatchObject({ total: 6, done: 5, failed: 1 });
      const exportsItem = execution!.progress.items.find((item) => item.item === "exports/");
      expect(exportsItem).toMatchObject({
        status: "failed",
        error: "AccessDenied: Access Denied to exports/",
      });
      expect(execution!.progress.items.find((item) => item.item === "images/")).toMatchObject({
        status: "succeeded",
        detail: { bytes: 6000, objects: 3 },
      });
      expect(execution!.endedAt).toBeTruthy();

      const usage = await Storage.Usage.get(siteId);
      expect(usage).toMatchObject({
        usedBytes: allBytes - bytesOf(["exports/"]),
        overQuota: false,
        failedFolders: ["exports/"],
        executionId,
      });
      expect(usage!.folders["images/"]).toEqual({ bytes: 6000, objects: 3 });
    });
  });

  it("over quota: records usage, then publishes storage.quota_exceeded exactly once even when the step is retried", async () => {
    await withTestAccount(async (accountId) => {
      const siteId = createId("site");
      await seedSite(siteId);
      let announceCalls = 0;
      const intercept = async (call: InvokeCall, invoke: () => Promise<unknown>) => {
        const output = await invoke();
        if (call.state === "AnnounceQuotaExceeded" && ++announceCalls === 1) {
          // The function ran (and published) but Lambda reported a service error: Step Functions retries.
          throw lambdaError("Lambda.ServiceException", "Service unavailable");
        }
        return output;
      };
      const { result, executionId } = await runFor(accountId, siteId, 5000, intercept);
      expect(result.status).toBe("succeeded");
      expect(result.output).toMatchObject({
        usedBytes: allBytes,
        overQuota: true,
        failedFolders: [],
      });
      expect(announceCalls).toBe(2);
      const mine = quotaEvents.filter((e) => e.metadata.accountId === accountId);
      expect(mine).toHaveLength(1);
      expect(mine[0]!.properties).toEqual({
        siteId,
        usedBytes: allBytes,
        quotaBytes: 5000,
        executionId,
      });
      expect(mine[0]!.metadata.actor).toEqual({ type: "system", properties: { accountId } });
      const entered = result.events.filter((e) => e.type === "StateEntered").map((e) => e.state);
      expect(entered.indexOf("RecordUsage")).toBeLessThan(entered.indexOf("AnnounceQuotaExceeded"));
      expect(await Storage.Usage.get(siteId)).toMatchObject({
        overQuota: true,
        usedBytes: allBytes,
      });
      expect(await Execution.get(executionId)).toMatchObject({
        status: "succeeded",
        progress: { total: 6, done: 6, failed: 0 },
      });
    });
  });

  it("a step that fails for good ends in RecordFailure and a failed execution with the reason", async () => {
    await withTestAccount(async (accountId) => {
      let listCalls = 0;
      const { result, executionId } = await runFor(
        accountId,
        "../escape",
        5000,
        async (call, invoke) => {
          if (call.state === "ListFolders") listCalls += 1;
          return invoke();
        },
      );
      expect(result.status).toBe("failed");
      expect(result.error?.name).toBe("SiteStorageUsageFailed");
      expect(listCalls).toBe(3);
      const execution = await Execution.get(executionId);
      expect(execution).toMatchObject({ status: "failed" });
      expect(execution!.error).toMatch(
        /^VisibleError: siteId "\.\.\/escape" is not a valid key segment/,
      );
    });
  });

  it("malformed input is not retried (InvalidInput)", async () => {
    await withTestAccount(async (accountId) => {
      const runner = createLocalRunner({ retryIntervalMs: 0 });
      const executionId = createId("execution");
      const result = await runner.run({
        pipeline,
        executionId,
        input: { accountId, siteId: 42 } as never,
      });
      expect(result.status).toBe("failed");
      expect(result.events.filter((e) => e.type === "StateRetried")).toHaveLength(0);
      const execution = await Execution.get(executionId);
      expect(execution!.error).toMatch(/^InvalidInput: input\.siteId/);
    });
  });

  it("starts through Pipelines.start, once per execution name, takes the quota from the plan and reports progress", async () => {
    const runner = createLocalRunner({ retryIntervalMs: 0 });
    Pipelines.useRunner(runner);
    try {
      await withTestAccount(
        async (accountId) => {
          const siteId = createId("site");
          await seedSite(siteId);
          const name = `usage-${siteId}`;
          const id = await Pipelines.start(
            "site-storage-usage",
            { siteId },
            { executionName: name },
          );
          const again = await Pipelines.start(
            "site-storage-usage",
            { siteId },
            { executionName: name },
          );
          expect(again).toBe(id);
          expect(runner.active()).toBe(1);
          await runner.idle();
          const execution = await Execution.get(id);
          expect(execution).toMatchObject({
            status: "succeeded",
            name,
            input: { siteId },
            progress: { total: 6, done: 6, failed: 0 },
            // The free plan's storage_quota_gb is 1.
            result: { usedBytes: allBytes, overQuota: false, quotaBytes: 1024 ** 3 },
          });
          // A complete measurement sets the plan's storage counter for the site.
          expect(await Limit.current({ limit: "storage_quota_gb", siteId })).toBe(allBytes);
          expect(useActor().properties).toMatchObject({ accountId });
          const listed = await Execution.list("site-storage-usage");
          expect(listed.items.map((e) => e.id)).toEqual([id]);
        },
        { planId: "free" },
      );
      // Another account cannot read it.
      await withTestAccount(async () => {
        expect(await Execution.list("site-storage-usage")).toEqual({ items: [], cursor: null });
      });
    } finally {
      Pipelines.useRunner(undefined);
    }
  });

  it("without a runner, a local start fails clearly and the execution is marked failed", async () => {
    await withTestAccount(async () => {
      await expect(
        Pipelines.start("site-storage-usage", { siteId: "sit_x" }),
      ).rejects.toMatchObject({
        code: "pipeline.runner_missing",
      });
      const [latest] = (await Execution.list("site-storage-usage")).items;
      expect(latest).toMatchObject({
        status: "failed",
        error: expect.stringMatching(/Could not start/),
      });
      await expect(Pipelines.start("no-such-pipeline")).rejects.toMatchObject({
        code: "pipeline.unknown",
      });
    });
  });
});
