import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type AiTestServer, type RecordedRequest, startAiTestServer } from "../ai/testing";
import { Author } from "../author";
import { Cluster } from "../cluster";
import { Keyword } from "../keyword";
import { AiConfig, Prompt } from "../prompt";
import { Sector } from "../sector";
import { Site } from "../site";
import { useTestTable, withTestAccount } from "../testing";
import { Idea } from "./index";

/**
 * Idea generation renders its prompt through the prompt module: the account's "ideas" prompt (or
 * the default), the cluster's variables, and the author profile and strategy that apply to the
 * site in the system message. What the provider receives is captured by the OpenAI-compatible
 * test server, configured as the account's provider.
 */
useTestTable();

let server: AiTestServer;
beforeAll(async () => {
  server = await startAiTestServer();
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
      { keyword: "how to brew green tea", volume: 1300 },
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

/** An author profile and a strategy, both the account's defaults, with values found nowhere else. */
async function defaultVoice() {
  const author = await Author.create({
    name: "Hoshino Aoi",
    bio: "Tea farmer in Shizuoka for thirty years",
    tone: "unhurried and exacting",
    audience: "office workers giving up coffee",
    readingLevel: "grade 7",
    rules: ["Never claim tea cures anything"],
    brandFacts: ["Kettle & Leaf ships from Uji since 1998"],
    isDefault: true,
  });
  const strategy = await Author.Strategy.create({
    name: "Coffee switchers",
    goals: "Convert coffee drinkers to a daily sencha habit",
    pillars: ["caffeine"],
    guidelines: ["Compare every claim with coffee"],
    callToAction: "Try the sampler box",
    isDefault: true,
  });
  return { author, strategy };
}

async function useTestServer() {
  await AiConfig.update({ baseUrl: server.url, apiKey: "sk-igny8-ideas-test-0001", timeoutMs: 5000, maxAttempts: 1 });
}

function chatMessages(request: RecordedRequest): { system: string; prompt: string } {
  const messages = request.body.messages as { role: string; content: string }[];
  return {
    system: messages.find((m) => m.role === "system")!.content,
    prompt: messages.find((m) => m.role === "user")!.content,
  };
}

function chats() {
  return server.requests.filter((r) => r.endpoint === "chat" && r.status === 200);
}

const voiceLines = [
  "Author profile: Hoshino Aoi",
  "About: Tea farmer in Shizuoka for thirty years",
  "Tone: unhurried and exacting",
  "Audience: office workers giving up coffee",
  "Reading level: grade 7",
  "- Never claim tea cures anything",
  "- Kettle & Leaf ships from Uji since 1998",
  "Content strategy: Coffee switchers",
  "Goals: Convert coffee drinkers to a daily sencha habit",
  "- Compare every claim with coffee",
  "Call to action: Try the sampler box",
];

describe("the ideas prompt", () => {
  it("sends the account's override with the author profile and strategy, exactly as the preview shows it", async () => {
    await withTestAccount(async () => {
      const { siteId, clusterId } = await clusterWithKeywords();
      const { author, strategy } = await defaultVoice();
      await useTestServer();
      await Prompt.save({
        key: "ideas",
        system: "House planner for {{site_name}}: answer with JSON only.",
        template:
          "Cluster {{cluster}} in {{sector}}; lead keyword {{primary_keyword}}; {{count}} ideas of types {{content_type}}.\n" +
          "Keywords:\n{{keywords}}\n{{#existing_ideas}}Already taken:\n{{existing_ideas}}\n{{/existing_ideas}}{{#instructions}}Note: {{instructions}}{{/instructions}}",
        note: "house style",
      });

      const input: Parameters<typeof Idea.generate>[0] = { siteId, clusterId, count: 2, contentTypes: ["guide", "how-to"], instructions: "Aim at beginners" };
      const preview = await Idea.previewPrompt(input);
      expect(preview).toMatchObject({ key: "ideas", source: "account", version: 1, authorId: author.authorId, strategyId: strategy.strategyId });
      expect(preview.prompt).toBe(
        "Cluster Green tea in Green tea; lead keyword green tea benefits; 2 ideas of types guide, how-to.\n" +
          "Keywords:\n- green tea benefits (volume 9900)\n- green tea caffeine (volume 4400)\n- matcha vs green tea (volume 1900)\n- how to brew green tea (volume 1300)\n" +
          "Note: Aim at beginners",
      );
      expect(preview.system.startsWith("House planner for Tea: answer with JSON only.\n\n")).toBe(true);
      for (const line of voiceLines) expect(preview.system, line).toContain(line);
      expect(server.requests).toHaveLength(0); // the preview calls nothing

      const ideas = await Idea.generate(input);
      expect(ideas).toHaveLength(2);
      for (const idea of ideas) {
        expect(idea).toMatchObject({ offline: false, provider: "openai" });
        expect(["guide", "how-to"]).toContain(idea.contentType);
      }
      expect(chats()).toHaveLength(1);
      const sent = chatMessages(chats()[0]!);
      expect(sent).toEqual({ system: preview.system, prompt: preview.prompt });
      expect(sent.prompt).not.toContain("Propose 2 ideas"); // the default template is not what went

      // The second generation's prompt names the ideas now in the cluster; its preview says so too.
      server.reset();
      const next = await Idea.previewPrompt(input);
      expect(next.prompt).toContain(`Already taken:\n${ideas.map((i) => `- ${i.title}`).join("\n")}`);
      await Idea.generate(input);
      expect(chatMessages(chats()[0]!)).toEqual({ system: next.system, prompt: next.prompt });

      // A regeneration renders the same prompt, with the idea's own title first among those taken.
      server.reset();
      await Idea.regenerate({ siteId, ideaId: ideas[1]!.ideaId, instructions: "Shorter" });
      const regenerated = chatMessages(chats()[0]!);
      expect(regenerated.system).toBe(preview.system);
      expect(regenerated.prompt).toContain("; 1 ideas of types ");
      expect(regenerated.prompt).toContain(`Already taken:\n- ${ideas[1]!.title}\n`);
      expect(regenerated.prompt).toContain("Note: Shorter");

      // Back to the default: it is what goes, still with the author profile and strategy.
      await Prompt.reset({ key: "ideas" });
      server.reset();
      const byDefault = await Idea.previewPrompt({ siteId, clusterId, count: 1 });
      expect(byDefault).toMatchObject({ source: "default", version: null });
      expect(byDefault.system.startsWith(Prompt.defaultPrompts.ideas.system)).toBe(true);
      for (const line of voiceLines) expect(byDefault.system, line).toContain(line);
      expect(byDefault.prompt).toContain("Propose 1 ideas.");
      expect(byDefault.prompt).toContain("Content types allowed: article, guide, comparison, review, listicle, how-to, service-page, hub-page");
      await Idea.generate({ siteId, clusterId, count: 1 });
      expect(chatMessages(chats()[0]!)).toEqual({ system: byDefault.system, prompt: byDefault.prompt });
    });
  });

  it("keeps the offline adapter deterministic with the voice, and an account's override stays in that account", async () => {
    const run = () =>
      withTestAccount(async () => {
        const { siteId, clusterId } = await clusterWithKeywords();
        await defaultVoice();
        const preview = await Idea.previewPrompt({ siteId, clusterId, count: 2 });
        const ideas = await Idea.generate({ siteId, clusterId, count: 2 });
        return { preview, ideas };
      });
    const first = await run();
    await withTestAccount(() => Prompt.save({ key: "ideas", system: "Elsewhere", template: "Only {{count}} ideas elsewhere" }));
    const second = await run();
    expect(first.ideas.every((i) => i.offline && i.provider === "offline")).toBe(true);
    for (const idea of first.ideas) expect(Idea.Draft.safeParse(idea).success).toBe(true);
    const drafts = (ideas: Idea.Info[]) =>
      ideas.map(({ title, angle, contentType, outline, targetKeywords, estimatedWords }) => ({ title, angle, contentType, outline, targetKeywords, estimatedWords }));
    expect(drafts(second.ideas)).toEqual(drafts(first.ideas));
    expect(second.preview).toMatchObject({ source: "default", system: first.preview.system, prompt: first.preview.prompt });
    expect(first.preview.system).toContain("Tone: unhurried and exacting");
  });

  it("refuses a preview of a site or cluster it cannot see, and checks the input", async () => {
    await withTestAccount(async () => {
      const { siteId, clusterId } = await clusterWithKeywords();
      await withTestAccount(async () => {
        await expect(Idea.previewPrompt({ siteId, clusterId })).rejects.toMatchObject({ code: "site.not_found" });
        const own = await Site.create({ name: "Other", url: "https://other.example.com" });
        await expect(Idea.previewPrompt({ siteId: own.siteId, clusterId })).rejects.toMatchObject({ code: "cluster.not_found" });
      });
      // fn() validates before anything runs (it throws at once).
      await expect((async () => Idea.previewPrompt({ siteId, clusterId, count: 11 }))()).rejects.toMatchObject({ code: "input.invalid", message: expect.stringContaining("count") });
    });
  });
});
