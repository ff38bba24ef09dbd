export * as Dynamo from "./index";

import { mkdir } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  type TableDescription,
} from "@aws-sdk/client-dynamodb";
import { createTableInput, tableLayout } from "@igny8/core/db";
import { VisibleError } from "@igny8/core/util";
import dynalite from "dynalite";

export interface StartDynamoOptions {
  /** Directory of the LevelDB store (created if missing); in memory when absent. */
  path?: string;
  /** 0 or absent picks a free port. */
  port?: number;
  host?: string;
}

export interface RunningDynamo {
  /** http://host:port, for the DynamoDB client's `endpoint`. */
  endpoint: string;
  port: number;
  /** Stops accepting requests and closes the store once pending operations finish. */
  stop(): Promise<void>;
}

/**
 * Starts dynalite (patched with TransactWriteItems/TransactGetItems, see patches/) in this process.
 * Tables become ACTIVE at once.
 */
export async function startDynamo(options: StartDynamoOptions = {}): Promise<RunningDynamo> {
  const host = options.host ?? "127.0.0.1";
  const requestedPort = options.port ?? 0;
  if (options.path) await mkdir(options.path, { recursive: true });

  const server = dynalite({
    path: options.path,
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await listen(server, requestedPort, host);

  const { port } = server.address() as AddressInfo;
  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://${host}:${port}`,
    port,
    stop() {
      stopped ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets of SDK clients would otherwise hold the server open
        server.closeIdleConnections();
      });
      return stopped;
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off("listening", onListening);
      if (error.code === "EADDRINUSE") {
        reject(
          new VisibleError(
            "unavailable",
            "dynamo.port_in_use",
            `Port ${port} on ${host} is already in use, so the DynamoDB emulator cannot start; choose another with IGNY8_DYNAMO_PORT`,
            { port, host, setting: "IGNY8_DYNAMO_PORT" },
            { cause: error },
          ),
        );
      } else {
        reject(error);
      }
    };
    const onListening = () => {
      server.off("error", onError);
      resolve();
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, host);
  });
}

/** A client for the emulator at `endpoint` (it accepts any credentials). */
export function dynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
}

/**
 * Creates the single table with the layout of @igny8/core/db unless it exists; an existing table
 * that lacks one of the layout's indexes (data left by an older layout) is refused with a clear error.
 */
export async function ensureTable(endpoint: string, tableName: string): Promise<void> {
  const client = dynamoClient(endpoint);
  try {
    let table = await describe(client, tableName);
    if (!table) {
      try {
        await client.send(new CreateTableCommand(createTableInput(tableName)));
      } catch (error) {
        // Another caller created it between our describe and create
        if (!(error instanceof ResourceInUseException)) throw error;
      }
      table = await waitUntilActive(client, tableName);
    }
    assertLayout(table, tableName);
  } finally {
    client.destroy();
  }
}

async function describe(
  client: DynamoDBClient,
  tableName: string,
): Promise<TableDescription | undefined> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

async function waitUntilActive(
  client: DynamoDBClient,
  tableName: string,
): Promise<TableDescription> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const table = await describe(client, tableName);
    if (table?.TableStatus === "ACTIVE") return table;
    if (Date.now() > deadline) {
      throw new VisibleError(
        "unavailable",
        "dynamo.table_not_active",
        `Table ${tableName} did not become active`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function assertLayout(table: TableDescription, tableName: string) {
  const keys = Object.fromEntries(
    (table.KeySchema ?? []).map((key) => [key.KeyType, key.AttributeName]),
  );
  const present = new Set((table.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  const missing = tableLayout.indexes
    .map((index) => index.name)
    .filter((name) => !present.has(name));
  if (
    keys.HASH !== tableLayout.partitionKey ||
    keys.RANGE !== tableLayout.sortKey ||
    missing.length > 0
  ) {
    throw new VisibleError(
      "internal",
      "dynamo.table_layout_mismatch",
      `Table ${tableName} in the local data does not match the current layout` +
        (missing.length ? ` (missing indexes: ${missing.join(", ")})` : "") +
        "; remove the local DynamoDB data directory to recreate it",
      { tableName, missing },
    );
  }
}
