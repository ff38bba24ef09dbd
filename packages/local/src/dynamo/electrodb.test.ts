import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { Entity, Service } from "electrodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dynamoClient, ensureTable, type RunningDynamo, startDynamo } from "./index";

const TABLE = "igny8-ledger";
let dynamo: RunningDynamo;
let client: DynamoDBClient;

beforeAll(async () => {
  dynamo = await startDynamo();
  await ensureTable(dynamo.endpoint, TABLE);
  client = dynamoClient(dynamo.endpoint);
});

afterAll(async () => {
  client?.destroy();
  await dynamo?.stop();
});

// A balance and its ledger on the single table (pk/sk + gsi1 of the layout in @igny8/core/db)
function ledgerService() {
  const balance = new Entity(
    {
      model: { entity: "balance", version: "1", service: "ledgertest" },
      attributes: {
        accountId: { type: "string", required: true },
        balance: { type: "number", required: true },
      },
      indexes: {
        primary: {
          pk: { field: "pk", composite: ["accountId"] },
          sk: { field: "sk", composite: [] },
        },
      },
    },
    { client, table: TABLE },
  );
  const ledgerEntry = new Entity(
    {
      model: { entity: "ledgerEntry", version: "1", service: "ledgertest" },
      attributes: {
        accountId: { type: "string", required: true },
        entryId: { type: "string", required: true },
        amount: { type: "number", required: true },
      },
      indexes: {
        primary: {
          pk: { field: "pk", composite: ["accountId"] },
          sk: { field: "sk", composite: ["entryId"] },
        },
        byAccount: {
          index: "gsi1",
          pk: { field: "gsi1pk", composite: ["accountId"] },
          sk: { field: "gsi1sk", composite: ["entryId"] },
        },
      },
    },
    { client, table: TABLE },
  );
  return new Service({ balance, ledgerEntry }, { client, table: TABLE });
}

type Ledger = ReturnType<typeof ledgerService>;

/** One debit: take `amount` from the balance only if it covers it, and record a new ledger entry. */
function debit(ledger: Ledger, accountId: string, entryId: string, amount: number) {
  return ledger.transaction
    .write(({ balance, ledgerEntry }) => [
      balance
        .patch({ accountId })
        .subtract({ balance: amount })
        .where((attr, op) => op.gte(attr.balance, amount))
        .commit(),
      ledgerEntry.create({ accountId, entryId, amount }).commit(),
    ])
    .go();
}

async function readBalance(ledger: Ledger, accountId: string) {
  const { data } = await ledger.entities.balance.get({ accountId }).go({ consistent: true });
  if (!data) throw new Error(`no balance for ${accountId}`);
  return data.balance;
}

async function ledgerEntries(ledger: Ledger, accountId: string) {
  // Through gsi1, so the index entries the transactions wrote are checked too
  const { data } = await ledger.entities.ledgerEntry.query
    .byAccount({ accountId })
    .go({ pages: "all" });
  return data;
}

/** Watches the balance while writes run; resolves with the lowest value seen. */
function watchLowest(ledger: Ledger, accountId: string) {
  let running = true;
  let lowest = Number.POSITIVE_INFINITY;
  const done = (async () => {
    while (running) {
      lowest = Math.min(lowest, await readBalance(ledger, accountId));
    }
    return lowest;
  })();
  return {
    stop: () => {
      running = false;
      return done;
    },
  };
}

describe("ElectroDB transactions on the emulator", () => {
  it("100 parallel debits never overspend and the ledger matches the balance", async () => {
    const ledger = ledgerService();
    const accountId = "acc_parallel";
    const start = 1000;
    const amount = 30;
    await ledger.entities.balance.create({ accountId, balance: start }).go();

    const watcher = watchLowest(ledger, accountId);
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        debit(ledger, accountId, `debit-${String(i).padStart(3, "0")}`, amount),
      ),
    );
    const lowestSeen = await watcher.stop();

    const succeeded = results.filter((result) => !result.canceled);
    const canceled = results.filter((result) => result.canceled);
    expect(succeeded).toHaveLength(Math.floor(start / amount));
    expect(canceled).toHaveLength(100 - Math.floor(start / amount));
    for (const result of canceled) {
      expect(result.data.map((item) => item.code)).toEqual(["ConditionalCheckFailed", "None"]);
      expect(result.data[0]?.rejected).toBe(true);
    }

    const final = await readBalance(ledger, accountId);
    expect(final).toBe(start % amount);
    expect(final).toBeGreaterThanOrEqual(0);
    expect(lowestSeen).toBeGreaterThanOrEqual(0);

    const entries = await ledgerEntries(ledger, accountId);
    expect(entries).toHaveLength(succeeded.length);
    expect(entries.reduce((sum, entry) => sum + entry.amount, 0)).toBe(start - final);
  });

  it("single UpdateItem credits interleaved with transactional debits stay consistent", async () => {
    const ledger = ledgerService();
    const accountId = "acc_mixed";
    const start = 500;
    const amount = 40;
    const credit = 5;
    await ledger.entities.balance.create({ accountId, balance: start }).go();

    const watcher = watchLowest(ledger, accountId);
    const writes = Array.from({ length: 120 }, (_, i) =>
      i % 2 === 0
        ? ledger.entities.balance
            .patch({ accountId })
            .add({ balance: credit })
            .go()
            .then(() => "credit" as const)
        : debit(ledger, accountId, `debit-${i}`, amount).then((result) =>
            result.canceled ? "refused" : "debit",
          ),
    );
    const outcomes = await Promise.all(writes);
    const lowestSeen = await watcher.stop();

    const credits = outcomes.filter((outcome) => outcome === "credit").length;
    const debits = outcomes.filter((outcome) => outcome === "debit").length;
    expect(credits).toBe(60);
    expect(debits).toBeGreaterThan(0);
    expect(outcomes.filter((outcome) => outcome === "refused").length).toBeGreaterThan(0);

    const final = await readBalance(ledger, accountId);
    expect(final).toBe(start + credits * credit - debits * amount);
    expect(lowestSeen).toBeGreaterThanOrEqual(0);

    const entries = await ledgerEntries(ledger, accountId);
    expect(entries).toHaveLength(debits);
    expect(entries.reduce((sum, entry) => sum + entry.amount, 0)).toBe(
      start + credits * credit - final,
    );
  });

  it("a repeated debit with the same client token is applied once", async () => {
    const ledger = ledgerService();
    const accountId = "acc_token";
    await ledger.entities.balance.create({ accountId, balance: 100 }).go();

    const once = () =>
      ledger.transaction
        .write(({ balance, ledgerEntry }) => [
          balance
            .patch({ accountId })
            .subtract({ balance: 10 })
            .where((attr, op) => op.gte(attr.balance, 10))
            .commit(),
          ledgerEntry.create({ accountId, entryId: "retry-1", amount: 10 }).commit(),
        ])
        .go({ token: "debit-retry-1" });

    expect((await once()).canceled).toBe(false);
    // Without the token this retry would be refused (the ledger entry exists); with it, it succeeds unchanged
    expect((await once()).canceled).toBe(false);
    expect(await readBalance(ledger, accountId)).toBe(90);
    expect(await ledgerEntries(ledger, accountId)).toHaveLength(1);
  });

  it("reads a balance and its ledger in one transactional snapshot", async () => {
    const ledger = ledgerService();
    const accountId = "acc_snapshot";
    await ledger.entities.balance.create({ accountId, balance: 50 }).go();
    await debit(ledger, accountId, "d1", 20);

    const { canceled, data } = await ledger.transaction
      .get(({ balance, ledgerEntry }) => [
        balance.get({ accountId }).commit(),
        ledgerEntry.get({ accountId, entryId: "d1" }).commit(),
        ledgerEntry.get({ accountId, entryId: "missing" }).commit(),
      ])
      .go();

    expect(canceled).toBe(false);
    expect(data[0]?.item).toEqual({ accountId, balance: 30 });
    expect(data[1]?.item).toEqual({ accountId, entryId: "d1", amount: 20 });
    expect(data[2]?.item).toBeNull();
  });
});
