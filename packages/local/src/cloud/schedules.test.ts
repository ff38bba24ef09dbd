import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Execution, Pipelines } from "@igny8/core/pipelines";
import { Scheduler } from "@igny8/core/scheduler";
import { Storage } from "@igny8/core/storage";
import { useTestTable, withTestAccount } from "@igny8/core/testing";
import { createId } from "@igny8/core/util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createLocalRunner } from "../runner";
import { fileScheduleStore } from "./schedules";

// The local scheduler as `pnpm dev` runs it: definitions in a file, jobs starting real pipelines.
useTestTable();

let dir: string;
const runner = createLocalRunner({ retryIntervalMs: 0 });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "igny8-schedules-"));
  Pipelines.useRunner(runner);
});

afterEach(() => Scheduler.stopLocal());

afterAll(async () => {
  Pipelines.useRunner(undefined);
  await rm(dir, { recursive: true, force: true });
});

describe("local scheduler with the file store", () => {
  it("keeps schedules in the file, restores them on start, and a due rate() schedule starts its pipeline", async () => {
    const path = join(dir, "schedules.json");
    await Scheduler.startLocal(fileScheduleStore(path));
    await withTestAccount(async (accountId) => {
      const siteId = createId("site");
      await Storage.put(Storage.siteKey(siteId, "images", "a.bin"), Buffer.alloc(100));
      const schedule = await Scheduler.upsert({
        name: "recount",
        expression: "rate(1 minute)",
        pipeline: "site-storage-usage",
        input: { siteId },
      });
      const saved = JSON.parse(await readFile(path, "utf8"));
      expect(saved[schedule.id]).toMatchObject({
        accountId,
        pipeline: "site-storage-usage",
        input: { siteId },
      });

      // As if it had been created 59.7 s ago: after a restart its first period ends in 0.3 s.
      Scheduler.stopLocal();
      const store = fileScheduleStore(path);
      await store.put({ ...schedule, createdAt: new Date(Date.now() - 59_700).toISOString() });
      expect(await Scheduler.startLocal(store)).toBe(1);
      const deadline = Date.now() + 20_000;
      let status = Scheduler.localStatus()[0]!;
      while (!status.lastExecutionId && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        status = Scheduler.localStatus()[0]!;
      }
      expect(status).toMatchObject({ runs: 1, lastError: undefined });
      await runner.idle();
      const execution = await Execution.get(status.lastExecutionId!);
      expect(execution).toMatchObject({
        status: "succeeded",
        progress: { total: 1, done: 1 },
        result: { usedBytes: 100 },
      });
      // The next run is one period after the one that just ran (less however late the timer fired).
      const gap = new Date(status.nextRun!).getTime() - new Date(status.lastRun!).getTime();
      expect(gap).toBeGreaterThan(45_000);
      expect(gap).toBeLessThanOrEqual(60_000);

      // triggerLocal runs it now, as the dashboard's "run now" would locally.
      const again = await Scheduler.triggerLocal("recount");
      expect(again).toMatch(/^exe_/);
      await runner.idle();
      expect(await Execution.get(again!)).toMatchObject({ status: "succeeded" });

      await Scheduler.remove("recount");
      expect(JSON.parse(await readFile(path, "utf8"))).toEqual({});
    });
  });

  it("refuses an unreadable file with a message naming it", async () => {
    const path = join(dir, "broken.json");
    const { writeFile } = await import("node:fs/promises");
    await writeFile(path, "{ not json");
    await expect(Scheduler.startLocal(fileScheduleStore(path))).rejects.toThrow(
      /broken\.json is unreadable/,
    );
  });
});
