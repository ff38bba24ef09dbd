export * as Testing from "./index";

import { randomBytes } from "node:crypto";
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
} from "@aws-sdk/client-dynamodb";
import { beforeAll, inject } from "vitest";
import { createTestTenant } from "../account/testing";
import { type Actor, withActor } from "../actor";
import * as Config from "../config";
import * as Db from "../db";
import * as Events from "../events";
import * as Pipelines from "../pipelines";
import { Plan } from "../plan";
import { limitNames } from "../plan/limits";
import * as Scheduler from "../scheduler";
import * as Storage from "../storage";
import { createId } from "../util/id";

/**
 * Helpers for tests against the emulators that test/global-setup.ts starts once per run.
 *
 *   useTestTable();                       // at the top of a test file: its own fresh table
 *   await withTestAccount(async (accountId) => { ... });   // inside a fresh tenant
 */

declare module "vitest" {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    s3Endpoint: string;
    bucket: string;
  }
}

/** Points every client at the run's emulators (endpoints from the global setup). */
export function useEmulators() {
  process.env.IGNY8_DYNAMO_ENDPOINT = inject("dynamoEndpoint");
  process.env.IGNY8_S3_ENDPOINT = inject("s3Endpoint");
  process.env.IGNY8_BUCKET = inject("bucket");
  resetClients();
}

/** Forgets every cached setting and client, after a test changed the environment. */
export function resetClients() {
  Config.reset();
  Db.reset();
  Storage.reset();
  Events.reset();
  Pipelines.reset();
  Scheduler.reset();
}

/**
 * Gives the calling test file its own table (a unique name, created before its tests run) and
 * points IGNY8_TABLE and the clients at it. Call once at the top of the file.
 */
export function useTestTable(): { tableName: string } {
  useEmulators();
  const tableName = `test-${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
  process.env.IGNY8_TABLE = tableName;
  resetClients();
  beforeAll(async () => {
    await createTable(inject("dynamoEndpoint"), tableName);
  });
  return { tableName };
}

/** CreateTable with the product's layout and wait for ACTIVE (the emulator needs a moment). */
async function createTable(endpoint: string, tableName: string) {
  const client = new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  try {
    try {
      await client.send(new CreateTableCommand(Db.createTableInput(tableName)));
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    for (let attempt = 0; attempt < 200; attempt++) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      if (Table?.TableStatus === "ACTIVE") return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`Table ${tableName} did not become active`);
  } finally {
    client.destroy();
  }
}

/**
 * Runs `cb` as the owner of a brand-new real account (a user actor; `{ as: "system" }` for a
 * system actor of that account). Ids are fresh, so tests never see each other's data.
 */
export async function withTestAccount<T>(
  cb: (accountId: string) => T | Promise<T>,
  options: { as?: "user" | "system"; planId?: string } = {},
): Promise<T> {
  const accountId = createId("account");
  const userId = createId("user");
  // A real account and owner in the table (plan: every limit unlimited unless `planId` is given).
  await createTestTenant({ accountId, userId, planId: options.planId });
  const actor: Actor =
    options.as === "system"
      ? { type: "system", properties: { accountId } }
      : { type: "user", properties: { accountId, userId, role: "owner", siteIds: null } };
  return withActor(actor, () => cb(accountId));
}

/** A private plan with every limit unlimited except the ones given (for `withTestAccount`'s planId). */
export async function planWith(limits: Partial<Plan.Limits>): Promise<string> {
  const planId = `t-${createId("plan").slice(-12)}`;
  await withActor({ type: "system", properties: {} }, () =>
    Plan.create({
      planId,
      name: "Test plan",
      public: false,
      limits: { ...(Object.fromEntries(limitNames.map((name) => [name, null])) as Plan.Limits), ...limits },
    }),
  );
  return planId;
}
