import { afterEach, describe, expect, it } from "vitest";
import { resetClients, useTestTable, withTestAccount } from "../testing";
import { awsDouble } from "../testing/aws-double";
import { Scheduler } from "./index";

useTestTable();

const arn = "arn:aws:states:us-east-1:123456789012:stateMachine:igny8-test-site-storage-usage";
const role = "arn:aws:iam::123456789012:role/igny8-test-scheduler";
const variables = [
  "IGNY8_SCHEDULES",
  "IGNY8_SCHEDULER_ENDPOINT",
  "IGNY8_SCHEDULER_ROLE_ARN",
  "IGNY8_SCHEDULE_GROUP",
  "IGNY8_PIPELINE_SITE_STORAGE_USAGE_ARN",
];

afterEach(() => {
  for (const name of variables) delete process.env[name];
  resetClients();
  Scheduler.stopLocal();
});

describe("schedule input", () => {
  it("refuses bad names, expressions, timezones and pipelines with the field named", async () => {
    await withTestAccount(async () => {
      const base = {
        name: "nightly",
        expression: "cron(0 3 * * ? *)",
        pipeline: "site-storage-usage",
      };
      // fn() validates before the async body runs, so the error is thrown, not rejected.
      expect(() => Scheduler.upsert({ ...base, name: "no spaces" })).toThrow(
        expect.objectContaining({
          code: "input.invalid",
          details: { fields: [expect.objectContaining({ path: "name" })] },
        }),
      );
      await expect(
        Scheduler.upsert({ ...base, expression: "cron(0 3 * * * *)" }),
      ).rejects.toMatchObject({
        code: "schedule.expression_invalid",
      });
      await expect(Scheduler.upsert({ ...base, timezone: "Nowhere/Land" })).rejects.toMatchObject({
        code: "schedule.timezone_invalid",
      });
      await expect(Scheduler.upsert({ ...base, pipeline: "nope" })).rejects.toMatchObject({
        code: "pipeline.unknown",
      });
    });
  });
});

describe("EventBridge Scheduler adapter", () => {
  it("creates, then updates on conflict, and deletes schedules in the group targeting the state machine", async () => {
    const existing = new Set<string>();
    const scheduler = await awsDouble((request) => {
      const name = decodeURIComponent(request.path.split("?")[0]!.split("/").pop()!);
      if (request.method === "POST") {
        if (existing.has(name))
          return { status: 409, errorType: "ConflictException", body: { Message: "exists" } };
        existing.add(name);
        return { body: { ScheduleArn: `arn:aws:scheduler:::schedule/igny8/${name}` } };
      }
      if (request.method === "PUT")
        return { body: { ScheduleArn: `arn:aws:scheduler:::schedule/igny8/${name}` } };
      if (request.method === "DELETE") {
        if (!existing.delete(name))
          return { status: 404, errorType: "ResourceNotFoundException", body: { Message: "no" } };
        return { body: {} };
      }
      return { status: 400, errorType: "ValidationException" };
    });
    process.env.IGNY8_SCHEDULES = "aws";
    process.env.IGNY8_SCHEDULER_ENDPOINT = scheduler.endpoint;
    process.env.IGNY8_SCHEDULER_ROLE_ARN = role;
    process.env.IGNY8_SCHEDULE_GROUP = "igny8-test";
    process.env.IGNY8_PIPELINE_SITE_STORAGE_USAGE_ARN = arn;
    resetClients();
    try {
      await withTestAccount(async (accountId) => {
        const input = {
          name: "nightly",
          expression: "cron(0 3 ? * MON-FRI *)",
          timezone: "Europe/Berlin",
          pipeline: "site-storage-usage",
          input: { siteId: "sit_1" },
        };
        const schedule = await Scheduler.upsert(input);
        expect(schedule.id).toBe(`${accountId}.nightly`);
        await Scheduler.upsert({ ...input, enabled: false });
        await Scheduler.remove("nightly");
        await Scheduler.remove("nightly");

        expect(scheduler.requests.map((r) => `${r.method} ${r.path.split("?")[0]}`)).toEqual([
          `POST /schedules/${encodeURIComponent(schedule.id)}`,
          `POST /schedules/${encodeURIComponent(schedule.id)}`,
          `PUT /schedules/${encodeURIComponent(schedule.id)}`,
          `DELETE /schedules/${encodeURIComponent(schedule.id)}`,
          `DELETE /schedules/${encodeURIComponent(schedule.id)}`,
        ]);
        expect(scheduler.requests[3]!.path).toContain("groupName=igny8-test");
        expect(scheduler.requests[0]!.body).toMatchObject({
          GroupName: "igny8-test",
          ScheduleExpression: "cron(0 3 ? * MON-FRI *)",
          ScheduleExpressionTimezone: "Europe/Berlin",
          FlexibleTimeWindow: { Mode: "OFF" },
          State: "ENABLED",
          Target: { Arn: arn, RoleArn: role },
        });
        const target = (scheduler.requests[0]!.body as { Target: { Input: string } }).Target;
        expect(JSON.parse(target.Input)).toEqual({ siteId: "sit_1", accountId });
        expect(scheduler.requests[2]!.body).toMatchObject({ State: "DISABLED" });
      });
    } finally {
      await scheduler.close();
    }
  });

  it("needs the role ARN", async () => {
    process.env.IGNY8_SCHEDULES = "aws";
    process.env.IGNY8_PIPELINE_SITE_STORAGE_USAGE_ARN = arn;
    resetClients();
    await withTestAccount(async () => {
      await expect(
        Scheduler.upsert({ name: "x", expression: "rate(1 day)", pipeline: "site-storage-usage" }),
      ).rejects.toMatchObject({
        code: "config.invalid",
        message: "Setting IGNY8_SCHEDULER_ROLE_ARN is missing",
      });
    });
  });
});

describe("local adapter", () => {
  it("keeps jobs per schedule, replaces them on update, reports the next run and restores from its store", async () => {
    const store = Scheduler.memoryStore();
    await Scheduler.startLocal(store);
    await withTestAccount(async (accountId) => {
      await Scheduler.upsert({
        name: "daily",
        expression: "cron(0 9 * * ? *)",
        timezone: "Asia/Tokyo",
        pipeline: "site-storage-usage",
        input: { siteId: "sit_1" },
      });
      await Scheduler.upsert({
        name: "often",
        expression: "rate(5 minutes)",
        pipeline: "site-storage-usage",
      });
      await Scheduler.upsert({
        name: "off",
        expression: "rate(1 day)",
        pipeline: "site-storage-usage",
        enabled: false,
      });
      const status = Scheduler.localStatus();
      expect(status.map((job) => job.id).sort()).toEqual([
        `${accountId}.daily`,
        `${accountId}.often`,
      ]);
      const daily = status.find((job) => job.id.endsWith("daily"))!;
      // 09:00 in Tokyo is 00:00 UTC.
      expect(daily.nextRun).toMatch(/T00:00:00\.000Z$/);
      const often = status.find((job) => job.id.endsWith("often"))!;
      const inMs = new Date(often.nextRun!).getTime() - Date.now();
      expect(inMs).toBeGreaterThan(4 * 60_000);
      expect(inMs).toBeLessThanOrEqual(5 * 60_000);

      expect((await store.all()).map((s) => s.name).sort()).toEqual(["daily", "off", "often"]);
      Scheduler.stopLocal();
      expect(Scheduler.localStatus()).toEqual([]);
      expect(await Scheduler.startLocal(store)).toBe(2);
      await Scheduler.remove("often");
      expect(Scheduler.localStatus().map((job) => job.id)).toEqual([`${accountId}.daily`]);
      expect((await store.all()).map((s) => s.name).sort()).toEqual(["daily", "off"]);
    });
  });
});
