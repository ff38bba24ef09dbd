import { type AiTestServer, startAiTestServer } from "@igny8/core/ai/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, setPlan, signUp, useApiTestEnvironment } from "../testing/harness";

/**
 * The ideas prompt at the HTTP boundary: the account's override of the "ideas" prompt and its
 * default author profile and strategy are what an idea generation sends to the account's
 * provider (the OpenAI-compatible test server), and the preview route shows exactly that.
 */
useApiTestEnvironment();

let server: AiTestServer;
beforeAll(async () => {
  server = await startAiTestServer();
});
afterAll(() => server.close());

describe("ideas prompt preview", () => {
  it("previews what a generation sends: the account's prompt, the cluster and the author profile", async () => {
    const owner = await signUp();
    await setPlan(owner.accountId, "starter");
    const token = owner.accessToken;
    const site = await call("POST", "/v1/sites", { token, body: { name: "Tea", url: "https://tea.example.com" } });
    const siteId = site.json.data.siteId as string;
    const sector = await call("POST", `/v1/sites/${siteId}/sectors`, { token, body: { name: "Herbal tea" } });
    const sectorId = sector.json.data.sectorId as string;
    const base = `/v1/sites/${siteId}`;
    const added = await call("POST", `${base}/keywords`, {
      token,
      body: { sectorId, keywords: [{ keyword: "chamomile tea", volume: 8100 }, { keyword: "chamomile tea for sleep", volume: 2900 }] },
    });
    expect(added.status).toBe(201);
    const cluster = await call("POST", `${base}/clusters`, {
      token,
      body: { sectorId, name: "Chamomile", keywordIds: added.json.data.results.map((r: { keywordId: string }) => r.keywordId) },
    });
    expect(cluster.status).toBe(201);
    const clusterId = cluster.json.data.clusterId as string;

    const author = await call("POST", "/v1/authors", {
      token,
      body: { name: "Wren Halloway", tone: "drowsy and kind", audience: "shift workers", brandFacts: ["Moonleaf blends since 2009"], isDefault: true },
    });
    expect(author.status).toBe(201);
    const strategy = await call("POST", "/v1/strategies", { token, body: { name: "Night owls", goals: "Own bedtime tea searches", isDefault: true } });
    expect(strategy.status).toBe(201);
    const saved = await call("PUT", "/v1/prompts/ideas", {
      token,
      body: { system: "Idea desk of {{site_name}}.", template: "{{count}} ideas for {{cluster}} ({{content_type}}).\n{{keywords}}\n{{#instructions}}Also: {{instructions}}{{/instructions}}" },
    });
    expect(saved.status).toBe(200);
    const config = await call("PUT", "/v1/ai-config", { token, body: { baseUrl: server.url, apiKey: "sk-igny8-ideas-route-0002", maxAttempts: 1 } });
    expect(config.status).toBe(200);

    const preview = await call("GET", `${base}/clusters/${clusterId}/ideas/prompt-preview?count=2&contentTypes=guide,how-to&instructions=Keep%20it%20calm`, { token });
    expect(preview.status).toBe(200);
    expect(preview.json.data).toMatchObject({
      key: "ideas",
      source: "account",
      version: 1,
      authorId: author.json.data.authorId,
      strategyId: strategy.json.data.strategyId,
      prompt: "2 ideas for Chamomile (guide, how-to).\n- chamomile tea (volume 8100)\n- chamomile tea for sleep (volume 2900)\nAlso: Keep it calm",
    });
    const system = preview.json.data.system as string;
    expect(system.startsWith("Idea desk of Tea.\n\n")).toBe(true);
    for (const line of ["Author profile: Wren Halloway", "Tone: drowsy and kind", "Audience: shift workers", "- Moonleaf blends since 2009", "Content strategy: Night owls", "Goals: Own bedtime tea searches"]) {
      expect(system, line).toContain(line);
    }
    expect(server.requests).toHaveLength(0);

    const generated = await call("POST", `${base}/clusters/${clusterId}/ideas`, {
      token,
      body: { count: 2, contentTypes: ["guide", "how-to"], instructions: "Keep it calm" },
    });
    expect(generated.status).toBe(201);
    expect(generated.json.data[0]).toMatchObject({ offline: false, provider: "openai" });
    const chats = server.requests.filter((r) => r.endpoint === "chat");
    expect(chats).toHaveLength(1);
    const messages = chats[0]!.body.messages as { role: string; content: string }[];
    expect(messages.map((m) => [m.role, m.content])).toEqual([
      ["system", system],
      ["user", preview.json.data.prompt],
    ]);

    // Bad options are refused naming the field; another account cannot preview this cluster.
    const bad = await call("GET", `${base}/clusters/${clusterId}/ideas/prompt-preview?contentTypes=guide,poem`, { token });
    expect(bad.status).toBe(400);
    expect(bad.json.error.fields[0].path).toContain("contentTypes");
    const stranger = await signUp();
    expect((await call("GET", `${base}/clusters/${clusterId}/ideas/prompt-preview`, { token: stranger.accessToken })).status).toBe(404);
  });
});
