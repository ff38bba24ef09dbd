import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  IdempotentParameterMismatchException,
  PutItemCommand,
  QueryCommand,
  ResourceNotFoundException,
  TransactGetItemsCommand,
  type TransactWriteItem,
  TransactWriteItemsCommand,
  TransactionCanceledException,
  TransactionInProgressException,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { dynamoClient, ensureTable, type RunningDynamo, startDynamo } from "./index";

const TABLE = "igny8-tx";
const OTHER_TABLE = "igny8-tx-other";
let dynamo: RunningDynamo;
let client: DynamoDBClient;

beforeAll(async () => {
  dynamo = await startDynamo();
  await ensureTable(dynamo.endpoint, TABLE);
  await ensureTable(dynamo.endpoint, OTHER_TABLE);
  client = dynamoClient(dynamo.endpoint);
});

afterAll(async () => {
  client?.destroy();
  await dynamo?.stop();
});

let sequence = 0;
/** A partition of its own for each test, so tests never see each other's items. */
const partition = (name: string) => `${name}#${++sequence}`;
const key = (pk: string, sk = "item") => ({ pk: { S: pk }, sk: { S: sk } });
const num = (n: number) => ({ N: String(n) });

async function getItem(k: Record<string, AttributeValue>, table = TABLE) {
  const { Item } = await client.send(
    new GetItemCommand({ TableName: table, Key: k, ConsistentRead: true }),
  );
  return Item;
}

async function putItem(item: Record<string, AttributeValue>, table = TABLE) {
  await client.send(new PutItemCommand({ TableName: table, Item: item }));
}

function transactWrite(items: TransactWriteItem[], token?: string) {
  return client.send(
    new TransactWriteItemsCommand({ TransactItems: items, ClientRequestToken: token }),
  );
}

async function rejection(
  promise: Promise<unknown>,
): Promise<Error & { CancellationReasons?: unknown }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the request to fail");
}

/** Debit `amount` from a balance item, only if it covers it. */
const debit = (k: Record<string, AttributeValue>, amount: number): TransactWriteItem => ({
  Update: {
    TableName: TABLE,
    Key: k,
    UpdateExpression: "SET balance = balance - :amount",
    ConditionExpression: "balance >= :amount",
    ExpressionAttributeValues: { ":amount": num(amount) },
  },
});
const credit = (k: Record<string, AttributeValue>, amount: number): TransactWriteItem => ({
  Update: {
    TableName: TABLE,
    Key: k,
    UpdateExpression: "ADD balance :amount",
    ExpressionAttributeValues: { ":amount": num(amount) },
  },
});

describe("TransactWriteItems", () => {
  it("applies Put, Update, Delete and ConditionCheck together, across tables", async () => {
    const pk = partition("all");
    await putItem({ ...key(pk, "updated"), count: num(1) });
    await putItem({ ...key(pk, "deleted"), note: { S: "bye" } });
    await putItem({ ...key(pk, "checked"), status: { S: "open" } }, OTHER_TABLE);

    const result = await transactWrite([
      { Put: { TableName: TABLE, Item: { ...key(pk, "created"), name: { S: "new" } } } },
      {
        Update: {
          TableName: TABLE,
          Key: key(pk, "updated"),
          UpdateExpression: "SET #count = #count + :one, tags = :tags",
          ExpressionAttributeNames: { "#count": "count" },
          ExpressionAttributeValues: { ":one": num(1), ":tags": { SS: ["a", "b"] } },
        },
      },
      {
        Delete: {
          TableName: TABLE,
          Key: key(pk, "deleted"),
          ConditionExpression: "attribute_exists(note)",
        },
      },
      {
        ConditionCheck: {
          TableName: OTHER_TABLE,
          Key: key(pk, "checked"),
          ConditionExpression: "#status = :open",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: { ":open": { S: "open" } },
        },
      },
    ]);

    expect(result.$metadata.httpStatusCode).toBe(200);
    expect(await getItem(key(pk, "created"))).toEqual({
      ...key(pk, "created"),
      name: { S: "new" },
    });
    expect(await getItem(key(pk, "updated"))).toEqual({
      ...key(pk, "updated"),
      count: num(2),
      tags: { SS: ["a", "b"] },
    });
    expect(await getItem(key(pk, "deleted"))).toBeUndefined();
    expect(await getItem(key(pk, "checked"), OTHER_TABLE)).toEqual({
      ...key(pk, "checked"),
      status: { S: "open" },
    });
  });

  it("creates the item when an Update targets a missing one", async () => {
    const pk = partition("upsert");
    await transactWrite([credit(key(pk), 7)]);
    expect(await getItem(key(pk))).toEqual({ ...key(pk), balance: num(7) });
  });

  it("writes nothing when one condition fails, and gives one cancellation reason per action", async () => {
    const pk = partition("cancel");
    await putItem({ ...key(pk, "account"), balance: num(10) });

    const error = await rejection(
      transactWrite([
        { Put: { TableName: TABLE, Item: { ...key(pk, "entry"), amount: num(50) } } },
        debit(key(pk, "account"), 50),
        { Delete: { TableName: TABLE, Key: key(pk, "account-2") } },
      ]),
    );

    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect(error.message).toBe(
      "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed, None]",
    );
    expect(error.CancellationReasons).toEqual([
      { Code: "None" },
      { Code: "ConditionalCheckFailed", Message: "The conditional request failed" },
      { Code: "None" },
    ]);
    expect(await getItem(key(pk, "entry"))).toBeUndefined();
    expect(await getItem(key(pk, "account"))).toEqual({ ...key(pk, "account"), balance: num(10) });
  });

  it("evaluates every condition and returns the old item only when asked (ALL_OLD)", async () => {
    const pk = partition("every");
    await putItem({ ...key(pk, "a"), balance: num(1) });
    await putItem({ ...key(pk, "b"), balance: num(2) });

    const error = await rejection(
      transactWrite([
        { ...debit(key(pk, "a"), 5) },
        {
          ConditionCheck: {
            TableName: TABLE,
            Key: key(pk, "b"),
            ConditionExpression: "balance > :min",
            ExpressionAttributeValues: { ":min": num(100) },
            ReturnValuesOnConditionCheckFailure: "ALL_OLD",
          },
        },
        {
          Put: {
            TableName: TABLE,
            Item: { ...key(pk, "a2") },
            ConditionExpression: "attribute_not_exists(pk)",
          },
        },
        {
          // A failing condition on a missing item has no old item to return
          ConditionCheck: {
            TableName: TABLE,
            Key: key(pk, "missing"),
            ConditionExpression: "attribute_exists(pk)",
            ReturnValuesOnConditionCheckFailure: "ALL_OLD",
          },
        },
      ]),
    );

    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect(error.message).toMatch(
      /\[ConditionalCheckFailed, ConditionalCheckFailed, None, ConditionalCheckFailed\]$/,
    );
    expect(error.CancellationReasons).toEqual([
      { Code: "ConditionalCheckFailed", Message: "The conditional request failed" },
      {
        Code: "ConditionalCheckFailed",
        Message: "The conditional request failed",
        Item: { ...key(pk, "b"), balance: num(2) },
      },
      { Code: "None" },
      { Code: "ConditionalCheckFailed", Message: "The conditional request failed" },
    ]);
    expect(await getItem(key(pk, "a2"))).toBeUndefined();
  });

  it("cancels with a ValidationError reason when an update cannot be applied to the stored item", async () => {
    const pk = partition("runtime");
    await putItem({ ...key(pk, "text"), balance: { S: "not a number" } });

    const error = await rejection(
      transactWrite([
        { Put: { TableName: TABLE, Item: { ...key(pk, "other") } } },
        credit(key(pk, "text"), 1),
      ]),
    );

    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect(error.CancellationReasons).toEqual([
      { Code: "None" },
      {
        Code: "ValidationError",
        Message: "An operand in the update expression has an incorrect data type",
      },
    ]);
    expect(await getItem(key(pk, "other"))).toBeUndefined();
  });

  it("accepts 100 actions and refuses 0 or 101", async () => {
    const pk = partition("limits");
    const puts = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ Put: { TableName: TABLE, Item: key(pk, `i${i}`) } }));

    await transactWrite(puts(100));
    const { Count } = await client.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": { S: pk } },
        Select: "COUNT",
      }),
    );
    expect(Count).toBe(100);

    const tooMany = await rejection(transactWrite(puts(101)));
    expect(tooMany.name).toBe("ValidationException");
    expect(tooMany.message).toMatch(
      /^1 validation error detected: Value '.*' at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100$/s,
    );

    const none = await rejection(transactWrite([]));
    expect(none.name).toBe("ValidationException");
    expect(none.message).toMatch(/Member must have length greater than or equal to 1$/);
  });

  it("refuses two actions on one item, even of different kinds", async () => {
    const pk = partition("dupe");
    const error = await rejection(
      transactWrite([
        { Put: { TableName: TABLE, Item: { ...key(pk), a: num(1) } } },
        {
          ConditionCheck: {
            TableName: TABLE,
            Key: key(pk),
            ConditionExpression: "attribute_not_exists(pk)",
          },
        },
      ]),
    );
    expect(error.name).toBe("ValidationException");
    expect(error.message).toBe(
      "Transaction request cannot include multiple operations on one item",
    );
    expect(await getItem(key(pk))).toBeUndefined();

    // The same key in two different tables is two items
    await transactWrite([
      { Put: { TableName: TABLE, Item: key(pk) } },
      { Put: { TableName: OTHER_TABLE, Item: key(pk) } },
    ]);
    expect(await getItem(key(pk), OTHER_TABLE)).toEqual(key(pk));
  });

  it("validates the shape of each action", async () => {
    const pk = partition("shape");
    const twoKinds = await rejection(
      client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Put: { TableName: TABLE, Item: key(pk) },
              Delete: { TableName: TABLE, Key: key(pk, "x") },
            },
          ],
        }),
      ),
    );
    expect(twoKinds.message).toBe(
      "TransactItems can only contain one of Check, Put, Update or Delete",
    );

    const noTable = await rejection(
      client.send(
        new TransactWriteItemsCommand({ TransactItems: [{ Put: { Item: key(pk) } as never }] }),
      ),
    );
    expect(noTable.message).toBe(
      "1 validation error detected: Value null at 'transactItems.1.member.put.tableName' failed to satisfy constraint: Member must not be null",
    );

    const badKey = await rejection(
      transactWrite([{ Delete: { TableName: TABLE, Key: { pk: { S: pk } } } }]),
    );
    expect(badKey.name).toBe("ValidationException");
    expect(badKey.message).toBe("The provided key element does not match the schema");

    const unusedValue = await rejection(
      transactWrite([
        {
          ConditionCheck: {
            TableName: TABLE,
            Key: key(pk),
            ConditionExpression: "attribute_exists(pk)",
            ExpressionAttributeValues: { ":unused": num(1) },
          },
        },
      ]),
    );
    expect(unusedValue.message).toMatch(
      /^Value provided in ExpressionAttributeValues unused in expressions/,
    );

    const tooBig = await rejection(
      transactWrite([
        { Put: { TableName: TABLE, Item: { ...key(pk), blob: { S: "x".repeat(401 * 1024) } } } },
      ]),
    );
    expect(tooBig.name).toBe("ValidationException");
    expect(tooBig.message).toBe("Item size has exceeded the maximum allowed size");
    expect(await getItem(key(pk))).toBeUndefined();
  });

  it("refuses a transaction whose items add up to more than 4 MB", async () => {
    const pk = partition("aggregate");
    const big = (i: number) => ({
      Put: {
        TableName: TABLE,
        Item: { ...key(pk, `big${i}`), blob: { S: "x".repeat(390 * 1024) } },
      },
    });
    const error = await rejection(transactWrite(Array.from({ length: 11 }, (_, i) => big(i))));
    expect(error.name).toBe("ValidationException");
    expect(error.message).toMatch(/4 MB/);
    expect(await getItem(key(pk, "big0"))).toBeUndefined();

    await transactWrite(Array.from({ length: 10 }, (_, i) => big(i)));
    expect(await getItem(key(pk, "big9"))).toBeDefined();
  });

  it("fails with ResourceNotFoundException when a table does not exist, writing nothing", async () => {
    const pk = partition("missing-table");
    const error = await rejection(
      transactWrite([
        { Put: { TableName: TABLE, Item: key(pk) } },
        { Put: { TableName: "no-such-table", Item: key(pk) } },
      ]),
    );
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(await getItem(key(pk))).toBeUndefined();
  });

  it("maintains the GSIs for each transactional write", async () => {
    const pk = partition("gsi");
    const byGsi1 = async (gsi1pk: string) => {
      const { Items } = await client.send(
        new QueryCommand({
          TableName: TABLE,
          IndexName: "gsi1",
          KeyConditionExpression: "gsi1pk = :pk",
          ExpressionAttributeValues: { ":pk": { S: gsi1pk } },
        }),
      );
      return (Items ?? []).map((item) => item.gsi1sk?.S);
    };

    await transactWrite([
      {
        Put: {
          TableName: TABLE,
          Item: { ...key(pk, "a"), gsi1pk: { S: `${pk}#g` }, gsi1sk: { S: "1" } },
        },
      },
      {
        Put: {
          TableName: TABLE,
          Item: { ...key(pk, "b"), gsi1pk: { S: `${pk}#g` }, gsi1sk: { S: "2" } },
        },
      },
    ]);
    expect(await byGsi1(`${pk}#g`)).toEqual(["1", "2"]);

    await transactWrite([
      {
        Update: {
          TableName: TABLE,
          Key: key(pk, "a"),
          UpdateExpression: "SET gsi1sk = :sk",
          ExpressionAttributeValues: { ":sk": { S: "3" } },
        },
      },
      { Delete: { TableName: TABLE, Key: key(pk, "b") } },
    ]);
    expect(await byGsi1(`${pk}#g`)).toEqual(["3"]);

    // A cancelled transaction leaves the index untouched too
    await rejection(
      transactWrite([
        {
          Put: {
            TableName: TABLE,
            Item: { ...key(pk, "c"), gsi1pk: { S: `${pk}#g` }, gsi1sk: { S: "4" } },
          },
        },
        {
          ConditionCheck: {
            TableName: TABLE,
            Key: key(pk, "a"),
            ConditionExpression: "attribute_not_exists(pk)",
          },
        },
      ]),
    );
    expect(await byGsi1(`${pk}#g`)).toEqual(["3"]);
  });

  it("reports consumed capacity per table when asked", async () => {
    const pk = partition("capacity");
    const result = await client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: TABLE, Item: key(pk, "a") } },
          { Put: { TableName: TABLE, Item: key(pk, "b") } },
          { Put: { TableName: OTHER_TABLE, Item: key(pk, "c") } },
        ],
        ReturnConsumedCapacity: "TOTAL",
      }),
    );
    const byTable = Object.fromEntries(
      (result.ConsumedCapacity ?? []).map((c) => [c.TableName, c.CapacityUnits]),
    );
    // Transactional writes cost two units per KB
    expect(byTable).toEqual({ [TABLE]: 4, [OTHER_TABLE]: 2 });
  });
});

describe("TransactWriteItems ClientRequestToken", () => {
  it("applies a repeated request once and succeeds each time", async () => {
    const pk = partition("token");
    const token = `tok-${pk}`;
    await transactWrite([credit(key(pk), 10)], token);
    const again = await transactWrite([credit(key(pk), 10)], token);
    expect(again.$metadata.httpStatusCode).toBe(200);
    expect(await getItem(key(pk))).toEqual({ ...key(pk), balance: num(10) });

    // Without a token the same request applies again
    await transactWrite([credit(key(pk), 10)]);
    expect((await getItem(key(pk)))?.balance).toEqual(num(20));
  });

  it("refuses the same token with different parameters", async () => {
    const pk = partition("mismatch");
    const token = `tok-${pk}`;
    await transactWrite([credit(key(pk), 1)], token);
    const error = await rejection(transactWrite([credit(key(pk), 2)], token));
    expect(error).toBeInstanceOf(IdempotentParameterMismatchException);
    expect((await getItem(key(pk)))?.balance).toEqual(num(1));
  });

  it("applies the retry of a request that was cancelled", async () => {
    const pk = partition("retry");
    const token = `tok-${pk}`;
    const guarded: TransactWriteItem[] = [
      {
        ConditionCheck: {
          TableName: TABLE,
          Key: key(pk, "gate"),
          ConditionExpression: "attribute_exists(pk)",
        },
      },
      credit(key(pk), 5),
    ];
    expect(await rejection(transactWrite(guarded, token))).toBeInstanceOf(
      TransactionCanceledException,
    );
    await putItem(key(pk, "gate"));
    await transactWrite(guarded, token);
    expect((await getItem(key(pk)))?.balance).toEqual(num(5));
  });

  it("treats a token as new once its ten minutes are over", async () => {
    const pk = partition("expiry");
    const token = `tok-${pk}`;
    await transactWrite([credit(key(pk), 1)], token);

    const now = Date.now();
    const clock = vi.spyOn(Date, "now").mockReturnValue(now + 9 * 60_000);
    try {
      await transactWrite([credit(key(pk), 1)], token);
      expect((await getItem(key(pk)))?.balance).toEqual(num(1));
      clock.mockReturnValue(now + 11 * 60_000);
      await transactWrite([credit(key(pk), 1)], token);
      expect((await getItem(key(pk)))?.balance).toEqual(num(2));
    } finally {
      clock.mockRestore();
    }
  });

  it("applies concurrent requests with one token once", async () => {
    const pk = partition("token-race");
    const token = `tok-${pk}`;
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => transactWrite([credit(key(pk), 3)], token)),
    );
    for (const result of results) {
      if (result.status === "rejected")
        expect(result.reason).toBeInstanceOf(TransactionInProgressException);
    }
    expect(results.some((result) => result.status === "fulfilled")).toBe(true);
    expect((await getItem(key(pk)))?.balance).toEqual(num(3));
  });
});

describe("TransactGetItems", () => {
  it("returns items in request order, {} for missing ones, with projections, across tables", async () => {
    const pk = partition("get");
    await putItem({ ...key(pk, "a"), name: { S: "A" }, secret: { S: "s" } });
    await putItem({ ...key(pk, "c"), name: { S: "C" } }, OTHER_TABLE);

    const { Responses } = await client.send(
      new TransactGetItemsCommand({
        TransactItems: [
          { Get: { TableName: OTHER_TABLE, Key: key(pk, "c") } },
          { Get: { TableName: TABLE, Key: key(pk, "missing") } },
          {
            Get: {
              TableName: TABLE,
              Key: key(pk, "a"),
              ProjectionExpression: "#n",
              ExpressionAttributeNames: { "#n": "name" },
            },
          },
        ],
      }),
    );
    expect(Responses).toEqual([
      { Item: { ...key(pk, "c"), name: { S: "C" } } },
      {},
      { Item: { name: { S: "A" } } },
    ]);
  });

  it("refuses duplicates, more than 100 gets and missing tables", async () => {
    const pk = partition("get-limits");
    const get = (sk: string, table = TABLE) => ({ Get: { TableName: table, Key: key(pk, sk) } });

    const duplicate = await rejection(
      client.send(new TransactGetItemsCommand({ TransactItems: [get("a"), get("a")] })),
    );
    expect(duplicate.message).toBe(
      "Transaction request cannot include multiple operations on one item",
    );

    const hundred = await client.send(
      new TransactGetItemsCommand({
        TransactItems: Array.from({ length: 100 }, (_, i) => get(`k${i}`)),
      }),
    );
    expect(hundred.Responses).toHaveLength(100);

    const tooMany = await rejection(
      client.send(
        new TransactGetItemsCommand({
          TransactItems: Array.from({ length: 101 }, (_, i) => get(`k${i}`)),
        }),
      ),
    );
    expect(tooMany.message).toMatch(/Member must have length less than or equal to 100$/);

    const missing = await rejection(
      client.send(new TransactGetItemsCommand({ TransactItems: [get("a", "nope-table")] })),
    );
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
  });
});

describe("isolation under concurrency", () => {
  it("keeps transfers atomic and every TransactGet snapshot consistent", async () => {
    const pk = partition("transfers");
    const accounts = ["a", "b", "c", "d", "e"].map((name) => key(pk, name));
    const total = 500;
    await Promise.all(
      accounts.map((account) => putItem({ ...account, balance: num(total / accounts.length) })),
    );

    // Pairs in both orders, so transactions lock overlapping items from either side
    const transfers = Array.from({ length: 200 }, (_, i) => {
      const from = accounts[i % accounts.length] as Record<string, AttributeValue>;
      const to = accounts[(i * 3 + 1) % accounts.length] as Record<string, AttributeValue>;
      return from === to
        ? null
        : transactWrite([debit(from, 1 + (i % 40)), credit(to, 1 + (i % 40))]);
    });
    const snapshots = Array.from({ length: 60 }, () =>
      client.send(
        new TransactGetItemsCommand({
          TransactItems: accounts.map((Key) => ({ Get: { TableName: TABLE, Key } })),
        }),
      ),
    );

    const outcomes = await Promise.allSettled(transfers.filter((transfer) => transfer !== null));
    for (const outcome of outcomes) {
      if (outcome.status === "rejected") {
        expect(outcome.reason).toBeInstanceOf(TransactionCanceledException);
        expect(outcome.reason.CancellationReasons).toEqual([
          { Code: "ConditionalCheckFailed", Message: "The conditional request failed" },
          { Code: "None" },
        ]);
      }
    }
    for (const { Responses } of await Promise.all(snapshots)) {
      const balances = (Responses ?? []).map((response) => Number(response.Item?.balance?.N));
      expect(balances.every((balance) => balance >= 0)).toBe(true);
      expect(balances.reduce((sum, balance) => sum + balance, 0)).toBe(total);
    }
    const final = await Promise.all(accounts.map((account) => getItem(account)));
    expect(final.reduce((sum, item) => sum + Number(item?.balance?.N), 0)).toBe(total);
  });

  it("never loses an update when single UpdateItem calls and transactions hit the same item", async () => {
    const pk = partition("mixed");
    const counter = key(pk, "counter");
    await putItem({ ...counter, balance: num(0) });

    const writes = Array.from({ length: 200 }, (_, i) =>
      i % 2 === 0
        ? client.send(
            new UpdateItemCommand({
              TableName: TABLE,
              Key: counter,
              UpdateExpression: "SET balance = balance + :one",
              ExpressionAttributeValues: { ":one": num(1) },
            }),
          )
        : transactWrite([
            {
              Update: {
                TableName: TABLE,
                Key: counter,
                UpdateExpression: "SET balance = balance + :one",
                ExpressionAttributeValues: { ":one": num(1) },
              },
            },
            { Put: { TableName: TABLE, Item: key(pk, `log-${i}`) } },
          ]),
    );
    await Promise.all(writes);
    expect((await getItem(counter))?.balance).toEqual(num(200));
  });
});
