export * as Cloud from "./index";

import type { Server } from "node:http";
import { join } from "node:path";
import { DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { createAdaptorServer } from "@hono/node-server";
import * as Config from "@igny8/core/config";
import * as Db from "@igny8/core/db";
import { Bus } from "@igny8/core/events";
import { Health } from "@igny8/core/health";
import { Pipelines } from "@igny8/core/pipelines";
import { Scheduler } from "@igny8/core/scheduler";
import { Storage } from "@igny8/core/storage";
import { ensureTable, startDynamo } from "../dynamo";
import { createLocalRunner } from "../runner";
import { startS3 } from "../s3";
import { host, type Plan, preflight } from "./preflight";
import { fileScheduleStore } from "./schedules";
import { closeServer, type Dashboard, listen, startDashboard } from "./web";

/**
 * The local cloud behind `pnpm dev`: every AWS part of the product replaced by something that runs
 * on this machine, wired to the same code through the same ports (adapters chosen by settings):
 * dynalite (DynamoDB), s3rver (S3), the Hono API on @hono/node-server, the workflow runner
 * (aws-local-stepfunctions on the ASL files), the scheduler (croner), the in-process event bus and
 * the dashboard. Data lives in the data directory (default `<repo>/.igny8`) and survives restarts.
 */

export interface LocalCloud {
  dataDir: string;
  urls: { api: string; health: string; dynamo: string; s3: string; web?: string };
  dashboard: Dashboard;
  /** Stops everything, in an order that lets running work record its end. */
  stop(): Promise<void>;
}

/** Starts the local cloud; `plan` is the preflight's result (settings parsed, ports free). */
export async function startLocalCloud(plan?: Plan): Promise<LocalCloud> {
  // A malformed setting or a busy port stops here with one message naming the setting.
  const { settings, dataDir, webDir, webSource } = plan ?? (await preflight());

  const apiUrl = `http://${host}:${settings.IGNY8_PORT}`;
  const webUrl = `http://${host}:${settings.IGNY8_WEB_PORT}`;
  // The local cloud is local by definition: every adapter is the in-process one.
  Object.assign(process.env, {
    IGNY8_DATA_DIR: dataDir,
    IGNY8_PIPELINES: "local",
    IGNY8_EVENTS: "local",
    IGNY8_SCHEDULES: "local",
  });
  process.env.IGNY8_WEB_ORIGIN ??= webUrl;
  process.env.IGNY8_DEV_ROUTES ??= "true";

  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    while (stops.length > 0) {
      const stop = stops.pop()!;
      await stop().catch((error) => console.error(`while stopping: ${(error as Error).message}`));
    }
  };

  try {
    // The API's modules load while the emulators start (clients are made on first use, after
    // the endpoints below are set).
    const apiModule = import("@igny8/functions/api");
    apiModule.catch(() => undefined);
    const [dynamoStart, s3Start] = await Promise.allSettled([
      startDynamo({ path: join(dataDir, "dynamo"), port: settings.IGNY8_DYNAMO_PORT, host }),
      startS3({
        directory: join(dataDir, "s3"),
        port: settings.IGNY8_S3_PORT,
        host,
        buckets: [
          {
            name: settings.IGNY8_BUCKET,
            corsOrigins: [
              webUrl,
              `http://localhost:${settings.IGNY8_WEB_PORT}`,
              process.env.IGNY8_WEB_ORIGIN!,
            ],
          },
        ],
      }),
    ]);
    if (dynamoStart.status === "fulfilled") stops.push(() => dynamoStart.value.stop());
    if (s3Start.status === "fulfilled") stops.push(() => s3Start.value.stop());
    if (dynamoStart.status === "rejected") throw dynamoStart.reason;
    if (s3Start.status === "rejected") throw s3Start.reason;
    const dynamo = dynamoStart.value;
    const s3 = s3Start.value;
    let s3Exit: number | null | undefined;
    s3.exited.then((code) => {
      s3Exit = code;
    });

    process.env.IGNY8_DYNAMO_ENDPOINT = dynamo.endpoint;
    process.env.IGNY8_S3_ENDPOINT = s3.endpoint;
    Config.reset();
    Db.reset();
    Storage.reset();
    Bus.reset();
    Pipelines.reset();
    Scheduler.reset();
    const table = Config.settings().IGNY8_TABLE;
    await ensureTable(dynamo.endpoint, table);

    const runner = createLocalRunner();
    Pipelines.useRunner(runner);
    stops.push(async () => {
      await runner.stop();
      Pipelines.useRunner(undefined);
    });

    const jobs = await Scheduler.startLocal(fileScheduleStore(join(dataDir, "schedules.json")));
    stops.push(async () => Scheduler.stopLocal());
    stops.push(() => Bus.idle());

    const { app } = await apiModule;

    const dashboard = await startDashboard({
      webDir,
      source: webSource,
      host,
      port: settings.IGNY8_WEB_PORT,
      apiUrl,
      apiFetch: app.fetch,
    });
    stops.push(() => dashboard.stop());

    Health.register("api", () => ({ status: "up", details: { url: apiUrl } }));
    Health.register("dynamo", async () => {
      const { Table } = await Db.useClient().send(new DescribeTableCommand({ TableName: table }));
      return {
        status: Table?.TableStatus === "ACTIVE" ? "up" : "down",
        details: {
          endpoint: dynamo.endpoint,
          table,
          items: Table?.ItemCount,
          path: join(dataDir, "dynamo"),
        },
      };
    });
    Health.register("s3", async () => {
      if (s3Exit !== undefined)
        return {
          status: "down",
          details: { endpoint: s3.endpoint, error: `s3rver exited (${s3Exit})` },
        };
      return {
        status: "up",
        details: { ...(await Storage.ping()), directory: join(dataDir, "s3") },
      };
    });
    Health.register("pipelines", () => ({
      status: Pipelines.hasRunner() ? "up" : "down",
      details: {
        runner: "aws-local-stepfunctions",
        pipelines: runner.names(),
        running: runner.active(),
      },
    }));
    Health.register("scheduler", () => ({
      status: "up",
      details: {
        adapter: "croner",
        schedules: Scheduler.localStatus().length,
        loadedAtStart: jobs,
      },
    }));
    Health.register("events", () => ({
      status: "up",
      details: {
        bus: "in-process",
        subscribers: Bus.subscriberCount(),
        events: Bus.definedEvents(),
      },
    }));
    Health.register("web", () =>
      dashboard.mode === "off"
        ? { status: "off", details: { reason: dashboard.reason } }
        : { status: "up", details: { url: dashboard.url, mode: dashboard.mode } },
    );
    stops.push(async () => Health.clear());

    // Last: once /health answers, every component above is up and reported.
    const api = createAdaptorServer({ fetch: app.fetch }) as Server;
    await listen(api, settings.IGNY8_PORT, host, "IGNY8_PORT");
    stops.push(() => closeServer(api));

    runner
      .warm()
      .catch((error) =>
        console.error(`The workflow runner could not load: ${(error as Error).message}`),
      );

    return {
      dataDir,
      urls: {
        api: apiUrl,
        health: `${apiUrl}/health`,
        dynamo: dynamo.endpoint,
        s3: s3.endpoint,
        web: dashboard.mode === "off" ? undefined : dashboard.url,
      },
      dashboard,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
