export * as Scheduler from "./index";
export { checkTimezone, nextRuns, type ParsedExpression, parseExpression } from "./expression";

import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
} from "@aws-sdk/client-scheduler";
import { Cron } from "croner";
import { z } from "zod";
import { useAccount, withActor } from "../actor";
import { settings } from "../config";
import { logger } from "../log";
import * as Pipelines from "../pipelines";
import { VisibleError } from "../util/error";
import { fn } from "../util/fn";
import {
  checkTimezone,
  cronOptions,
  nextRuns,
  type ParsedExpression,
  parseExpression,
} from "./expression";

/**
 * Schedules that start pipelines. In AWS (IGNY8_SCHEDULES=aws) each is an EventBridge Scheduler
 * schedule in group IGNY8_SCHEDULE_GROUP whose target is the pipeline's state machine, started
 * with role IGNY8_SCHEDULER_ROLE_ARN. Locally (IGNY8_SCHEDULES=local) each is an in-process croner
 * job (or a timer for rate()) that starts the pipeline through `Pipelines.start`, and the local
 * cloud keeps the definitions in its data directory so they survive a restart.
 *
 * The schedule's target input always carries the account (`accountId`), as a schedule runs with
 * no signed-in caller.
 */

export interface Schedule {
  accountId: string;
  /** The caller's name, unique within the account. */
  name: string;
  /** The scheduler-wide name: `<accountId>.<name>` (at most 64 characters). */
  id: string;
  expression: string;
  timezone: string;
  pipeline: string;
  input: Record<string, unknown>;
  enabled: boolean;
  /** When it was first created; rate() schedules count their periods from here. */
  createdAt: string;
  updatedAt: string;
}

export const scheduleInput = z.object({
  name: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, "1-32 letters, digits, '_' or '-'"),
  expression: z.string().min(1).max(256),
  timezone: z.string().min(1).default("UTC"),
  pipeline: z.string().min(1),
  input: z.record(z.string(), z.unknown()).default({}),
  enabled: z.boolean().default(true),
});

/** Where schedules live; chosen by IGNY8_SCHEDULES. */
export interface ScheduleTransport {
  name: "aws" | "local";
  put(schedule: Schedule, parsed: ParsedExpression): Promise<void>;
  remove(schedule: Pick<Schedule, "accountId" | "name" | "id">): Promise<void>;
}

function scheduleId(accountId: string, name: string) {
  return `${accountId}.${name}`;
}

/** Creates or replaces a schedule of the current account. */
export const upsert = fn(scheduleInput, async (input): Promise<Schedule> => {
  const accountId = useAccount();
  const parsed = parseExpression(input.expression);
  checkTimezone(input.timezone);
  Pipelines.find(input.pipeline);
  const now = new Date().toISOString();
  const id = scheduleId(accountId, input.name);
  const previous = await localStore.get(id);
  const schedule: Schedule = {
    accountId,
    name: input.name,
    id,
    expression: parsed.expression,
    timezone: input.timezone,
    pipeline: input.pipeline,
    input: input.input,
    enabled: input.enabled,
    createdAt: previous?.createdAt ?? now,
    updatedAt: now,
  };
  await useTransport().put(schedule, parsed);
  return schedule;
});

/** Deletes a schedule of the current account; deleting a missing one succeeds. */
export async function remove(name: string): Promise<void> {
  const accountId = useAccount();
  await useTransport().remove({ accountId, name, id: scheduleId(accountId, name) });
}

/** The next run times of a schedule (for the API and the dashboard). */
export function upcoming(
  schedule: Pick<Schedule, "expression" | "timezone" | "createdAt">,
  count = 5,
  from = new Date(),
) {
  return nextRuns(schedule.expression, {
    timezone: schedule.timezone,
    count,
    from,
    anchor: new Date(schedule.createdAt),
  });
}

function useTransport(): ScheduleTransport {
  return settings().IGNY8_SCHEDULES === "aws" ? awsTransport() : localTransport;
}

// ---------------------------------------------------------------- AWS adapter

let client: SchedulerClient | undefined;

function awsTransport(): ScheduleTransport {
  const { IGNY8_REGION, IGNY8_SCHEDULER_ENDPOINT, IGNY8_SCHEDULE_GROUP, IGNY8_SCHEDULER_ROLE_ARN } =
    settings();
  client ??= new SchedulerClient({
    region: IGNY8_REGION,
    ...(IGNY8_SCHEDULER_ENDPOINT
      ? {
          endpoint: IGNY8_SCHEDULER_ENDPOINT,
          credentials: { accessKeyId: "local", secretAccessKey: "local" },
        }
      : {}),
  });
  const scheduler = client;
  return {
    name: "aws",
    async put(schedule) {
      if (!IGNY8_SCHEDULER_ROLE_ARN) {
        throw new VisibleError(
          "unavailable",
          "config.invalid",
          "Setting IGNY8_SCHEDULER_ROLE_ARN is missing",
        );
      }
      const variable = Pipelines.arnEnvName(schedule.pipeline);
      const arn = process.env[variable];
      if (!arn?.startsWith("arn:")) {
        throw new VisibleError(
          "unavailable",
          "config.invalid",
          `Setting ${variable} is missing or not an ARN`,
        );
      }
      const request = {
        Name: schedule.id,
        GroupName: IGNY8_SCHEDULE_GROUP,
        ScheduleExpression: schedule.expression,
        ScheduleExpressionTimezone: schedule.timezone,
        FlexibleTimeWindow: { Mode: "OFF" as const },
        State: schedule.enabled ? ("ENABLED" as const) : ("DISABLED" as const),
        Target: {
          Arn: arn,
          RoleArn: IGNY8_SCHEDULER_ROLE_ARN,
          Input: JSON.stringify({ ...schedule.input, accountId: schedule.accountId }),
        },
        Description: `${schedule.pipeline} for ${schedule.accountId}`,
      };
      try {
        await scheduler.send(new CreateScheduleCommand(request));
      } catch (error) {
        if (!(error instanceof ConflictException)) throw error;
        await scheduler.send(new UpdateScheduleCommand(request));
      }
    },
    async remove(schedule) {
      try {
        await scheduler.send(
          new DeleteScheduleCommand({ Name: schedule.id, GroupName: IGNY8_SCHEDULE_GROUP }),
        );
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) throw error;
      }
    },
  };
}

// ---------------------------------------------------------------- local adapter

/** Keeps local schedule definitions; the local cloud provides one backed by its data directory. */
export interface ScheduleStore {
  all(): Promise<Schedule[]>;
  get(id: string): Promise<Schedule | undefined>;
  put(schedule: Schedule): Promise<void>;
  delete(id: string): Promise<void>;
}

/** A store that forgets on exit (tests). */
export function memoryStore(): ScheduleStore {
  const schedules = new Map<string, Schedule>();
  return {
    async all() {
      return [...schedules.values()];
    },
    async get(id) {
      return schedules.get(id);
    },
    async put(schedule) {
      schedules.set(schedule.id, schedule);
    },
    async delete(id) {
      schedules.delete(id);
    },
  };
}

interface Job {
  schedule: Schedule;
  stop(): void;
  runs: number;
  lastRun?: string;
  lastError?: string;
  lastExecutionId?: string;
}

let localStore: ScheduleStore = memoryStore();
const jobs = new Map<string, Job>();

async function fire(job: Job) {
  const { schedule } = job;
  job.runs += 1;
  job.lastRun = new Date().toISOString();
  try {
    job.lastExecutionId = await withActor(
      { type: "system", properties: { accountId: schedule.accountId } },
      () => Pipelines.start(schedule.pipeline, schedule.input),
    );
    job.lastError = undefined;
  } catch (error) {
    job.lastError = error instanceof Error ? error.message : String(error);
    logger.error({ err: error, schedule: schedule.id }, "scheduled pipeline did not start");
  }
}

function startJob(schedule: Schedule, parsed: ParsedExpression): Job {
  const job: Job = { schedule, runs: 0, stop: () => {} };
  if (parsed.kind === "cron") {
    const cron = new Cron(
      parsed.pattern,
      { ...cronOptions(schedule.timezone), unref: true, protect: true },
      () => fire(job),
    );
    job.stop = () => cron.stop();
    return job;
  }
  // rate(): every period counted from creation, like EventBridge Scheduler.
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const [next] = nextRuns(parsed, { anchor: new Date(schedule.createdAt), count: 1 });
    timer = setTimeout(
      () => {
        void fire(job);
        arm();
      },
      Math.max(next!.getTime() - Date.now(), 0),
    );
    timer.unref();
  };
  arm();
  job.stop = () => clearTimeout(timer);
  return job;
}

function install(schedule: Schedule) {
  jobs.get(schedule.id)?.stop();
  jobs.delete(schedule.id);
  if (schedule.enabled)
    jobs.set(schedule.id, startJob(schedule, parseExpression(schedule.expression)));
}

const localTransport: ScheduleTransport = {
  name: "local",
  async put(schedule) {
    await localStore.put(schedule);
    install(schedule);
  },
  async remove(schedule) {
    jobs.get(schedule.id)?.stop();
    jobs.delete(schedule.id);
    await localStore.delete(schedule.id);
  },
};

/**
 * Starts the local scheduler on `store`: every stored, enabled schedule gets its job. The local
 * cloud calls it at start-up; `stopLocal` ends every job.
 */
export async function startLocal(store: ScheduleStore = memoryStore()): Promise<number> {
  stopLocal();
  localStore = store;
  const schedules = await store.all();
  for (const schedule of schedules) {
    try {
      install(schedule);
    } catch (error) {
      logger.error({ err: error, schedule: schedule.id }, "stored schedule is invalid; skipped");
    }
  }
  return jobs.size;
}

export function stopLocal() {
  for (const job of jobs.values()) job.stop();
  jobs.clear();
}

/** What the local jobs are doing, for /health and tests. */
export function localStatus() {
  return [...jobs.values()].map((job) => ({
    id: job.schedule.id,
    pipeline: job.schedule.pipeline,
    expression: job.schedule.expression,
    timezone: job.schedule.timezone,
    runs: job.runs,
    lastRun: job.lastRun,
    lastError: job.lastError,
    lastExecutionId: job.lastExecutionId,
    nextRun: upcoming(job.schedule, 1)[0]?.toISOString(),
  }));
}

/** Runs a local schedule now, as if its time had come (tests, the dashboard's "run now" locally). */
export async function triggerLocal(name: string): Promise<string | undefined> {
  const job = jobs.get(scheduleId(useAccount(), name));
  if (!job)
    throw new VisibleError(
      "not_found",
      "schedule.not_found",
      `There is no running schedule "${name}"`,
    );
  await fire(job);
  return job.lastExecutionId;
}

/** Forget the cached AWS client (tests change endpoints). */
export function reset() {
  client?.destroy();
  client = undefined;
}
