import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateTableCommand,
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
} from "@aws-sdk/client-dynamodb";
import { tableLayout } from "@igny8/core/db";
import { VisibleError } from "@igny8/core/util";
import { afterEach, describe, expect, it } from "vitest";
import { dynamoClient, ensureTable, type RunningDynamo, startDynamo } from "./index";

const running: RunningDynamo[] = [];
const dirs: string[] = [];

async function start(options?: Parameters<typeof startDynamo>[0]) {
  const dynamo = await startDynamo(options);
  running.push(dynamo);
  return dynamo;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((dynamo) => dynamo.stop()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("startDynamo", () => {
  it("listens on a free port of 127.0.0.1 and answers like DynamoDB", async () => {
    const [first, second] = await Promise.all([start(), start()]);
    expect(first?.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(first?.port).not.toBe(second?.port);
    const health = await fetch(first?.endpoint ?? "");
    expect(await health.text()).toMatch(/^healthy: dynamodb/);
  });

  it("refuses a busy port with a clear error naming the setting", async () => {
    const taken = await start();
    const error = await startDynamo({ port: taken.port }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(VisibleError);
    expect((error as VisibleError).code).toBe("dynamo.port_in_use");
    expect((error as VisibleError).message).toContain(`Port ${taken.port}`);
    expect((error as VisibleError).message).toContain("IGNY8_DYNAMO_PORT");
  });

  it("keeps data under a path across a restart on the same port", async () => {
    const dir = await mkdtemp(join(tmpdir(), "igny8-dynamo-"));
    dirs.push(dir);
    const path = join(dir, "nested", "dynamo");

    const first = await startDynamo({ path });
    await ensureTable(first.endpoint, "igny8");
    const client = dynamoClient(first.endpoint);
    await client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: "igny8", Item: { pk: { S: "a" }, sk: { S: "b" }, v: { N: "1" } } } },
        ],
      }),
    );
    client.destroy();
    await first.stop();
    await first.stop(); // stopping twice is harmless

    const second = await start({ path, port: first.port });
    await ensureTable(second.endpoint, "igny8"); // already there: nothing to do
    const again = dynamoClient(second.endpoint);
    const { Item } = await again.send(
      new GetItemCommand({ TableName: "igny8", Key: { pk: { S: "a" }, sk: { S: "b" } } }),
    );
    again.destroy();
    expect(Item).toEqual({ pk: { S: "a" }, sk: { S: "b" }, v: { N: "1" } });
  });
});

describe("ensureTable", () => {
  it("creates the table with the layout's keys and every GSI, once", async () => {
    const dynamo = await start();
    await Promise.all([
      ensureTable(dynamo.endpoint, "igny8"),
      ensureTable(dynamo.endpoint, "igny8"),
    ]);

    const client = dynamoClient(dynamo.endpoint);
    const { Table } = await client.send(new DescribeTableCommand({ TableName: "igny8" }));
    client.destroy();
    expect(Table?.TableStatus).toBe("ACTIVE");
    expect(Table?.KeySchema).toEqual([
      { AttributeName: tableLayout.partitionKey, KeyType: "HASH" },
      { AttributeName: tableLayout.sortKey, KeyType: "RANGE" },
    ]);
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort()).toEqual(
      tableLayout.indexes.map((index) => index.name),
    );
  });

  it("refuses a table left by another layout", async () => {
    const dynamo = await start();
    const client = dynamoClient(dynamo.endpoint);
    await client.send(
      new CreateTableCommand({
        TableName: "igny8",
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [
          { AttributeName: "pk", AttributeType: "S" },
          { AttributeName: "sk", AttributeType: "S" },
        ],
        KeySchema: [
          { AttributeName: "pk", KeyType: "HASH" },
          { AttributeName: "sk", KeyType: "RANGE" },
        ],
      }),
    );
    await client.send(
      new PutItemCommand({ TableName: "igny8", Item: { pk: { S: "x" }, sk: { S: "y" } } }),
    );
    client.destroy();

    const error = await ensureTable(dynamo.endpoint, "igny8").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(VisibleError);
    expect((error as VisibleError).code).toBe("dynamo.table_layout_mismatch");
    expect((error as VisibleError).message).toContain("missing indexes: gsi1, gsi2, gsi3");
  });
});
