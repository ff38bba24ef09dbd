import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type AiTestServer, startAiTestServer } from "../ai/testing";
import { Credits } from "../billing";
import { Keyword } from "../keyword";
import { AiConfig } from "../prompt";
import { Sector } from "../sector";
import { Site } from "../site";
import { useTestTable, withTestAccount } from "../testing";
import { createId } from "../util/id";
import { Cluster } from "./index";

/**
 * The sector step of a clustering run re-run with the same execution, as the pipeline's Retry does
 * when the step died after its embeddings were paid (in the store phase, or its Lambda timed out):
 * the batches are embedded again by the account's provider but not charged again.
 */
useTestTable();

let server: AiTestServer;
beforeAll(async () => {
  server = await startAiTestServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

describe("a retried sector step", () => {
  it("re-embeds with the account's provider without charging the batches its earlier attempt paid", async () => {
    await withTestAccount(async () => {
      const site = await Site.create({ name: "Gear", url: "https://gear.example.com" });
      const sector = await Sector.create({ siteId: site.siteId, name: "Gear" });
      await Keyword.add({
        siteId: site.siteId,
        sectorId: sector.sectorId,
        keywords: [
          "yoga mat",
          "best yoga mat",
          "thick yoga mat",
          "coffee grinder",
          "burr coffee grinder",
          "manual coffee grinder",
        ].map((keyword) => ({ keyword })),
      });
      await AiConfig.update({
        baseUrl: server.url,
        apiKey: "sk-igny8-cluster-retry-01",
        maxAttempts: 1,
        timeoutMs: 5000,
      });
      const executionId = createId("execution");
      const input = {
        executionId,
        siteId: site.siteId,
        sectors: [sector.sectorId],
        options: Cluster.RunOptions.parse({ method: "embeddings" }),
      };
      await Cluster.Run.prepare(input);
      const step = {
        executionId,
        siteId: site.siteId,
        sectorId: sector.sectorId,
        options: input.options,
      };

      const first = await Cluster.Run.clusterSector(step);
      const sent = server.requests.filter((r) => r.endpoint === "embeddings" && r.status === 200);
      expect(sent).toHaveLength(1);
      const tokens = sent[0]!.usage!.totalTokens;
      const charged = Math.ceil((tokens * 0.2) / 1000); // the default clustering rate
      expect(first.aiUsage).toEqual({
        totalTokens: tokens,
        provider: "openai",
        model: expect.any(String),
        credits: charged,
      });
      const entries = (await Credits.ledger({ kind: "usage", limit: 10 })).items;
      expect(entries).toMatchObject([
        {
          entryKey: `usage#${executionId}#embed:${sector.sectorId}#b0`,
          amount: -charged,
          function: "clustering",
        },
      ]);

      const retried = await Cluster.Run.clusterSector(step);
      expect(
        server.requests.filter((r) => r.endpoint === "embeddings" && r.status === 200),
      ).toHaveLength(2);
      expect(retried.aiUsage).toMatchObject({ totalTokens: tokens, credits: 0 });
      expect((await Credits.ledger({ kind: "usage", limit: 10 })).items).toHaveLength(1);
      expect(await Credits.audit()).toMatchObject({
        consistent: true,
        balance: -charged,
        openHolds: 0,
      });
    });
  });
});
