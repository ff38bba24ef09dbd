export * as Db from "./index";

import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { settings } from "../config";

/**
 * The single table's key layout, stated once: the stacks build the real table from it, the
 * local cloud and the tests create the emulator's table from it, and entities map onto it.
 */
export const tableLayout = {
  partitionKey: "pk",
  sortKey: "sk",
  ttlAttribute: "expiresAt",
  indexes: [
    { name: "gsi1", partitionKey: "gsi1pk", sortKey: "gsi1sk" },
    { name: "gsi2", partitionKey: "gsi2pk", sortKey: "gsi2sk" },
    { name: "gsi3", partitionKey: "gsi3pk", sortKey: "gsi3sk" },
  ],
} as const;

let client: DynamoDBClient | undefined;

/** The one DynamoDB client; pointed at the emulator when IGNY8_DYNAMO_ENDPOINT is set. */
export function useClient(): DynamoDBClient {
  if (client) return client;
  const { IGNY8_DYNAMO_ENDPOINT, IGNY8_REGION } = settings();
  client = new DynamoDBClient({
    region: IGNY8_REGION,
    ...(IGNY8_DYNAMO_ENDPOINT
      ? {
          endpoint: IGNY8_DYNAMO_ENDPOINT,
          credentials: { accessKeyId: "local", secretAccessKey: "local" },
        }
      : {}),
    maxAttempts: 3,
  });
  return client;
}

/** The ElectroDB configuration every entity and service shares. */
export function entityConfig() {
  return { client: useClient(), table: settings().IGNY8_TABLE };
}

/** Forget the client (tests and the local cloud re-point it at a fresh emulator). */
export function reset() {
  client?.destroy();
  client = undefined;
}

/** CreateTable input for the emulator, derived from the layout (on-demand, all GSIs projected ALL). */
export function createTableInput(tableName: string) {
  const attributes = new Set<string>([tableLayout.partitionKey, tableLayout.sortKey]);
  for (const index of tableLayout.indexes) {
    attributes.add(index.partitionKey);
    attributes.add(index.sortKey);
  }
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST" as const,
    AttributeDefinitions: [...attributes].map((name) => ({
      AttributeName: name,
      AttributeType: "S" as const,
    })),
    KeySchema: [
      { AttributeName: tableLayout.partitionKey, KeyType: "HASH" as const },
      { AttributeName: tableLayout.sortKey, KeyType: "RANGE" as const },
    ],
    GlobalSecondaryIndexes: tableLayout.indexes.map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: "HASH" as const },
        { AttributeName: index.sortKey, KeyType: "RANGE" as const },
      ],
      Projection: { ProjectionType: "ALL" as const },
    })),
  };
}

/**
 * An ElectroDB entity (or service) built on first use and rebuilt when the client or table
 * changes, so modules can declare entities at import time while tests re-point the client.
 */
export function lazyEntity<T>(build: (config: ReturnType<typeof entityConfig>) => T): () => T {
  let built: { client: DynamoDBClient; table: string; value: T } | undefined;
  return () => {
    const config = entityConfig();
    if (!built || built.client !== config.client || built.table !== config.table) {
      built = { client: config.client, table: config.table, value: build(config) };
    }
    return built.value;
  };
}
