import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type AiTestServer, startAiTestServer } from "../ai/testing";
import { Credits, CreditRates } from "../billing";
import { Cluster } from "../cluster";
import { Keyword } from "../keyword";
import { Limit } from "../limit";
import { AiConfig } from "../prompt";
import { Sector } from "../sector";
import { Site } from "../site";
import { planWith, useTestTable, withTestAccount } from "../testing";
import { VisibleError } from "../util/error";
import { Idea } from "./index";

/**
 * Idea generation pays for its AI call like content does: credits are held before the provider is
 * called, the tokens it measured are charged at the "ideas" rate in the transaction that stores
 * the ideas, and a refused or failed call costs nothing. The provider is the OpenAI-compatible
 * test server, set as the account's provider.
 */
useTestTable();

/** Ten credits per 1,000 tokens: a generation costs tens of credits, so rounding hides nothing. */
const IDEAS_RATE = 10;

let server: AiTestServer;
beforeAll(async () => {
  server = await startAiTestServer();
  await CreditRates.replace({
    ...CreditRates.defaultRates,
    ideas: { perThousandTokens: IDEAS_RATE, perImage: 0 },
  });
});
afterAll(() => server.close());
beforeEach(() => server.reset());

async function clusterWithKeywords() {
  const site = await Site.create({ name: "Tea", url: "https://tea.example.com" });
  const sector = await Sector.create({ siteId: site.siteId, name: "Green tea" });
  const added = await Keyword.add({
    siteId: site.siteId,
    sectorId: sector.sectorId,
    keywords: [
      { keyword: "green tea benefits", volume: 9900 },
      { keyword: "green tea caffeine", volume: 4400 },
      { keyword: "matcha vs green tea", volume: 1900 },
    ],
  });
  const cluster = await Cluster.create({
    siteId: site.siteId,
    sectorId: sector.sectorId,
    name: "Green tea",
    keywordIds: added.results.map((r) => r.keywordId!),
  });
  return { siteId: site.siteId, clusterId: cluster.clusterId };
}

async function useTestServer() {
  await AiConfig.update({
    baseUrl: server.url,
    apiKey: "sk-igny8-ideas-credits-01",
    timeoutMs: 5000,
    maxAttempts: 1,
  });
}

/** Tokens the test server billed on answered chat calls. */
function billedTokens(): number {
  return server.requests
    .filter((r) => r.endpoint === "chat" && r.status === 200)
    .reduce((sum, r) => sum + (r.usage?.totalTokens ?? 0), 0);
}

async function usageEntries() {
  return (await Credits.ledger({ kind: "usage", limit: 100 })).items;
}

async function rejection(promise: Promise<unknown>): Promise<VisibleError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(VisibleError);
  return error as VisibleError;
}

describe("ideas pay for their AI call", () => {
  it("debits the measured tokens at the ideas rate, with a ledger entry, for a generation and a regeneration", async () => {
    const planId = await planWith({ monthly_credits: 1000 });
    await withTestAccount(
      async () => {
        const { siteId, clusterId } = await clusterWithKeywords();
        await useTestServer();
        expect((await Credits.balance()).balance).toBe(1000);

        const ideas = await Idea.generate({ siteId, clusterId, count: 3 });
        expect(ideas).toHaveLength(3);
        expect(ideas[0]).toMatchObject({ provider: "openai", offline: false });
        const tokens = billedTokens();
        expect(tokens).toBeGreaterThan(500);
        const cost = Math.ceil((tokens * IDEAS_RATE) / 1000);
        const after = await Credits.balance();
        expect(after).toMatchObject({ balance: 1000 - cost, held: 0, available: 1000 - cost });

        const [entry] = await usageEntries();
        expect(entry).toMatchObject({
          entryKey: expect.stringMatching(
            new RegExp(`^usage#${clusterId}#ideas#req_[0-9a-z]{26}$`),
          ),
          kind: "usage",
          amount: -cost,
          function: "ideas",
          subject: clusterId,
          step: "ideas",
          siteId,
          provider: "openai",
          tokens: { total: tokens },
        });
        expect(await Limit.current({ limit: "daily_ai_requests", siteId })).toBe(1);

        // A regeneration is charged once, under the idea and its regeneration number.
        server.reset();
        await Idea.regenerate({ siteId, ideaId: ideas[1]!.ideaId });
        const regenerationCost = Math.ceil((billedTokens() * IDEAS_RATE) / 1000);
        expect(regenerationCost).toBeGreaterThan(0);
        const entries = await usageEntries();
        expect(entries).toHaveLength(2);
        expect(entries.find((e) => e.subject === ideas[1]!.ideaId)).toMatchObject({
          entryKey: `usage#${ideas[1]!.ideaId}#ideas#r1`,
          amount: -regenerationCost,
          tokens: { total: billedTokens() },
        });
        expect((await Credits.balance()).balance).toBe(1000 - cost - regenerationCost);
        expect(await Limit.current({ limit: "daily_ai_requests", siteId })).toBe(2);
        const audit = await Credits.audit();
        expect(audit).toMatchObject({
          consistent: true,
          ledgerSum: 1000 - cost - regenerationCost,
          openHolds: 0,
        });
      },
      { planId },
    );
  });

  it("refuses with credits.insufficient before calling the provider, writing nothing", async () => {
    const planId = await planWith({ monthly_credits: 5 });
    await withTestAccount(
      async () => {
        const { siteId, clusterId } = await clusterWithKeywords();
        await useTestServer();
        const error = await rejection(Idea.generate({ siteId, clusterId, count: 3 }));
        expect(error.code).toBe("credits.insufficient");
        expect(error.details).toMatchObject({ available: 5 });
        expect((error.details as { required: number }).required).toBeGreaterThan(5);
        expect(server.requests).toHaveLength(0);
        expect(await Credits.balance()).toMatchObject({ balance: 5, held: 0, available: 5 });
        expect(await usageEntries()).toHaveLength(0);
        expect((await Idea.list({ siteId })).items).toHaveLength(0);
        expect(await Limit.current({ limit: "max_content_ideas" })).toBe(0);
        expect(await Limit.current({ limit: "daily_ai_requests", siteId })).toBe(0);
        expect(await Credits.audit()).toMatchObject({ consistent: true, ledgerSum: 5, entries: 1 });
      },
      { planId },
    );
  });

  it("charges nothing when the provider fails, and gives the daily request back", async () => {
    const planId = await planWith({ monthly_credits: 1000 });
    await withTestAccount(
      async () => {
        const { siteId, clusterId } = await clusterWithKeywords();
        await useTestServer();
        const [idea] = await Idea.generate({ siteId, clusterId, count: 1 });
        const before = await Credits.balance();
        const entriesBefore = (await usageEntries()).length;

        server.reset();
        server.faults.next(
          { type: "status", status: 500, message: "upstream exploded" },
          { endpoint: "chat" },
        );
        await rejection(Idea.generate({ siteId, clusterId, count: 2 }));
        expect(server.requests.map((r) => r.status)).toEqual([500]);
        server.faults.next({ type: "status", status: 500 }, { endpoint: "chat" });
        await rejection(Idea.regenerate({ siteId, ideaId: idea!.ideaId }));

        expect(await Credits.balance()).toMatchObject({
          balance: before.balance,
          held: 0,
          available: before.balance,
        });
        expect(await usageEntries()).toHaveLength(entriesBefore);
        expect((await Idea.list({ siteId })).items).toHaveLength(1);
        expect(await Idea.get({ siteId, ideaId: idea!.ideaId })).toMatchObject({
          regenerations: 0,
          title: idea!.title,
        });
        expect(await Limit.current({ limit: "daily_ai_requests", siteId })).toBe(1);
        expect(await Credits.audit()).toMatchObject({ consistent: true, openHolds: 0 });
      },
      { planId },
    );
  });

  it("meters the offline adapter's drafts by the tokens it measures, as content does", async () => {
    const planId = await planWith({ monthly_credits: 1000 });
    await withTestAccount(
      async () => {
        const { siteId, clusterId } = await clusterWithKeywords();
        const ideas = await Idea.generate({ siteId, clusterId, count: 2 });
        expect(ideas.every((i) => i.offline)).toBe(true);
        const [entry] = await usageEntries();
        expect(entry).toMatchObject({ function: "ideas", provider: "offline", subject: clusterId });
        expect(entry!.tokens!.total).toBeGreaterThan(0);
        expect(entry!.amount).toBe(-Math.ceil((entry!.tokens!.total * IDEAS_RATE) / 1000));
        expect((await Credits.balance()).balance).toBe(1000 + entry!.amount);
        expect(server.requests).toHaveLength(0);
      },
      { planId },
    );
  });
});

describe("a generation retried with its idempotency key", () => {
  it("answers the first request's ideas: one AI call, one charge, the ideas stored once, also when the retry races the first", async () => {
    const planId = await planWith({ monthly_credits: 1000 });
    await withTestAccount(
      async () => {
        const { siteId, clusterId } = await clusterWithKeywords();
        await useTestServer();
        const idempotencyKey = crypto.randomUUID();

        // A retry after the answer was lost: the same ideas, no second call or charge.
        const first = await Idea.generate({ siteId, clusterId, count: 2, idempotencyKey });
        const again = await Idea.generate({ siteId, clusterId, count: 2, idempotencyKey });
        expect(again.map((i) => i.ideaId).sort()).toEqual(first.map((i) => i.ideaId).sort());
        expect(server.requests.filter((r) => r.endpoint === "chat")).toHaveLength(1);
        expect(await usageEntries()).toHaveLength(1);

        // Two requests with one key at once: both answer the same stored ideas; one charge.
        const raced = crypto.randomUUID();
        const [a, b] = await Promise.all([
          Idea.generate({ siteId, clusterId, count: 3, idempotencyKey: raced }),
          Idea.generate({ siteId, clusterId, count: 3, idempotencyKey: raced }),
        ]);
        expect(a.map((i) => i.ideaId).sort()).toEqual(b.map((i) => i.ideaId).sort());
        expect(a).toHaveLength(3);
        console.log(`same key at once: ${server.requests.filter((r) => r.endpoint === "chat").length - 1} AI calls`);
        const stored = (await Idea.list({ siteId, clusterId, limit: 100 })).items;
        expect(stored).toHaveLength(5);
        expect(await usageEntries()).toHaveLength(2);
        expect(await Credits.audit()).toMatchObject({ consistent: true, openHolds: 0 });

        // A malformed key is refused with the field named.
        const refused = await rejection((async () => Idea.generate({ siteId, clusterId, count: 1, idempotencyKey: "Not A Key" }))());
        expect(refused.details.fields).toEqual([expect.objectContaining({ path: "idempotencyKey" })]);
      },
      { planId },
    );
  });
});
