import { type AiTestServer, startAiTestServer } from "@igny8/core/ai/testing";
import { CreditRates, Credits } from "@igny8/core/billing";
import { Cluster } from "@igny8/core/cluster";
import { Keyword } from "@igny8/core/keyword";
import { Limit } from "@igny8/core/limit";
import { Execution, Pipelines } from "@igny8/core/pipelines";
import { AiConfig } from "@igny8/core/prompt";
import { Sector } from "@igny8/core/sector";
import { Site } from "@igny8/core/site";
import { planWith, useTestTable, withTestAccount } from "@igny8/core/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createLocalRunner } from "../../../../local/src/runner/index";

/**
 * Clustering with embeddings through the real pipeline (the local state-machine runner): the
 * embeddings go to the account's AI provider (the OpenAI-compatible test server) and each batch
 * is paid once at the "clustering" rate, even when the sector step fails after an embed and the
 * pipeline retries it.
 */
useTestTable();

/** 100 credits per 1,000 tokens: a batch of 256 keywords costs tens of credits. */
const CLUSTERING_RATE = 100;

let server: AiTestServer;
beforeAll(async () => {
  server = await startAiTestServer();
  await CreditRates.replace({
    ...CreditRates.defaultRates,
    clustering: { perThousandTokens: CLUSTERING_RATE, perImage: 0 },
  });
});
afterAll(() => server.close());
beforeEach(() => server.reset());
afterEach(() => Pipelines.useRunner(undefined));

/** 300 keywords of three topics: two embeddings batches (256 texts each at most). */
async function setUp() {
  const site = await Site.create({ name: "Gear", url: "https://gear.example.com" });
  const sector = await Sector.create({ siteId: site.siteId, name: "Gear" });
  const topics = ["running shoes", "coffee grinder", "yoga mat"];
  const keywords = Array.from({ length: 300 }, (_, i) => ({
    keyword: `${topics[i % 3]} model ${Math.floor(i / 3) + 1}`,
    volume: 1000 - i,
  }));
  await Keyword.add({ siteId: site.siteId, sectorId: sector.sectorId, keywords });
  await AiConfig.update({
    baseUrl: server.url,
    apiKey: "sk-igny8-cluster-credits-1",
    embeddingModel: "account-embedding-model",
    maxAttempts: 1,
    timeoutMs: 5000,
  });
  return { siteId: site.siteId, sectorId: sector.sectorId };
}

async function run(siteId: string) {
  const runner = createLocalRunner({ retryIntervalMs: 0 });
  Pipelines.useRunner(runner);
  const started = await Cluster.startRun({ siteId, method: "embeddings", granularity: "low" });
  await runner.idle();
  const execution = await Execution.get(started.executionId);
  return { ...started, execution: execution!, result: execution!.result as Cluster.Run.RunResult };
}

const embeddings = () => server.requests.filter((r) => r.endpoint === "embeddings");
const costOf = (tokens: number) => Math.ceil((tokens * CLUSTERING_RATE) / 1000);

describe("clustering with embeddings pays per batch", () => {
  it("embeds with the account's provider and charges each batch once, also when the sector step is retried", async () => {
    const planId = await planWith({ monthly_credits: 100_000 });
    await withTestAccount(
      async () => {
        const { siteId, sectorId } = await setUp();
        // The first attempt embeds batch 1, then batch 2 fails at the provider: the step fails after
        // an embed and the pipeline retries the sector from the start.
        let seen = 0;
        server.faults.rule((request) =>
          request.endpoint === "embeddings" && ++seen === 2
            ? { type: "status", status: 500, message: "upstream exploded" }
            : undefined,
        );

        const { execution, result, executionId } = await run(siteId);
        expect(execution.status).toBe("succeeded");
        expect(result).toMatchObject({ sectors: 1, failedSectors: [], keywords: 300 });
        expect(result.clustered).toBeGreaterThan(200);

        // Attempt 1: batch 1 (256 texts) answered, batch 2 (44) failed; attempt 2: both answered.
        const sent = embeddings();
        expect(sent.map((r) => [r.status, (r.body.input as string[]).length])).toEqual([
          [200, 256],
          [500, 44],
          [200, 256],
          [200, 44],
        ]);
        for (const request of sent) expect(request.body.model).toBe("account-embedding-model");
        expect(sent[2]!.body.input).toEqual(sent[0]!.body.input);

        // Two charges: batch 1 at what its first (paid) call measured, batch 2 at what its successful call measured.
        const first = costOf(sent[0]!.usage!.totalTokens);
        const second = costOf(sent[3]!.usage!.totalTokens);
        expect(first).toBeGreaterThan(10);
        const entries = (await Credits.ledger({ kind: "usage", limit: 100 })).items;
        expect(entries.map((e) => [e.entryKey, e.amount]).sort()).toEqual(
          [
            [`usage#${executionId}#embed:${sectorId}#b0`, -first],
            [`usage#${executionId}#embed:${sectorId}#b1`, -second],
          ].sort(),
        );
        for (const entry of entries)
          expect(entry).toMatchObject({
            function: "clustering",
            subject: executionId,
            siteId,
            provider: "openai",
            model: "account-embedding-model",
          });
        expect(entries.find((e) => e.entryKey.endsWith("#b0"))!.tokens).toMatchObject({
          total: sent[0]!.usage!.totalTokens,
        });
        expect(await Credits.balance()).toMatchObject({
          balance: 100_000 - first - second,
          held: 0,
        });
        expect(await Credits.audit()).toMatchObject({
          consistent: true,
          ledgerSum: 100_000 - first - second,
          openHolds: 0,
          entries: 3,
        });
        // One daily AI request per paid call: the failed one was given back, the unpaid re-embed not counted.
        expect(await Limit.current({ limit: "daily_ai_requests", siteId })).toBe(2);

        // A second run is new work: it pays again, under its own execution.
        server.faults.clear();
        server.reset();
        const again = await run(siteId);
        expect(again.execution.status).toBe("succeeded");
        expect(embeddings().map((r) => r.status)).toEqual([200, 200]);
        const now = (await Credits.ledger({ kind: "usage", limit: 100 })).items;
        expect(now).toHaveLength(4);
        expect(now.filter((e) => e.subject === again.executionId)).toHaveLength(2);
        expect(await Credits.audit()).toMatchObject({ consistent: true, openHolds: 0 });
      },
      { planId },
    );
  });

  it("fails the sector with credits.insufficient before any embeddings request", async () => {
    const planId = await planWith({ monthly_credits: 3 });
    await withTestAccount(
      async () => {
        const { siteId, sectorId } = await setUp();
        const { execution, result } = await run(siteId);
        expect(embeddings()).toHaveLength(0);
        expect(result.failedSectors).toHaveLength(1);
        expect(result.failedSectors[0]).toMatchObject({
          sectorId,
          error: expect.stringContaining("credits"),
        });
        expect(execution.status).toBe("succeeded");
        expect(await Credits.balance()).toMatchObject({ balance: 3, held: 0, available: 3 });
        expect((await Credits.ledger({ kind: "usage", limit: 100 })).items).toHaveLength(0);
        expect(await Limit.current({ limit: "daily_ai_requests", siteId })).toBe(0);
        expect((await Cluster.list({ siteId, limit: 10 })).items).toHaveLength(0);
      },
      { planId },
    );
  });
});
