import { describe, expect, it } from "vitest";
import { Author } from "../author";
import { Generate } from "../content";
import * as Config from "../config";
import { Site } from "../site";
import { Task } from "../task";
import { Testing } from "../testing";
import { AiConfig, Prompt } from "./index";

Testing.useTestTable();

describe("prompt templates", () => {
  it("renders variables and conditional blocks, folding empty lines", () => {
    const template = "Title: {{title}}\n{{#keywords}}Keywords:\n{{keywords}}\n{{/keywords}}{{^brief}}No brief.{{/brief}}\n\n\n\nEnd";
    expect(Prompt.render(template, { title: "Shoes", keywords: "- a\n- b" })).toBe("Title: Shoes\nKeywords:\n- a\n- b\nNo brief.\n\nEnd");
    expect(Prompt.render(template, { title: "Shoes", brief: "x" })).toBe("Title: Shoes\n\nEnd");
  });

  it("finds unclosed blocks, stray braces and the variables used", () => {
    expect(Prompt.inspect("{{#a}}x").problems[0]?.message).toMatch(/never closed/);
    expect(Prompt.inspect("{{#a}}x{{/b}}").problems[0]?.message).toMatch(/closes/);
    expect(Prompt.inspect("{{ Title }}").problems[0]?.message).toMatch(/not a variable/);
    expect(Prompt.inspect("{{a}} {{#b}}{{c}}{{/b}}").variables).toEqual(["a", "b", "c"]);
  });

  it("ships defaults for every key that use only their function's variables", () => {
    for (const key of Prompt.promptKeys) {
      const text = Prompt.defaultPrompts[key];
      for (const part of [text.system, text.template]) {
        const { variables, problems } = Prompt.inspect(part);
        expect(problems, key).toEqual([]);
        const allowed = Prompt.variablesByFunction[Prompt.functionOf(key)]!;
        expect(variables.filter((name) => !allowed.includes(name)), key).toEqual([]);
      }
    }
  });
});

describe("prompt overrides", () => {
  it("versions account overrides: save, list, restore, reset to the default", async () => {
    await Testing.withTestAccount(async () => {
      expect(await Prompt.get({ key: "content.post" })).toMatchObject({ source: "default", version: null });
      const v1 = await Prompt.save({ key: "content.post", system: "You write short posts.", template: "Write about {{title}}.", note: "shorter" });
      expect(v1).toMatchObject({ version: 1, level: "account", note: "shorter" });
      await Prompt.save({ key: "content.post", system: "S2", template: "T2 {{primary_keyword}}" });
      expect(await Prompt.get({ key: "content.post" })).toMatchObject({ source: "account", version: 2, template: "T2 {{primary_keyword}}" });
      expect((await Prompt.restore({ key: "content.post", version: 1 })).version).toBe(3);
      expect(await Prompt.get({ key: "content.post" })).toMatchObject({ version: 3, template: "Write about {{title}}." });
      await Prompt.reset({ key: "content.post" });
      expect(await Prompt.get({ key: "content.post" })).toMatchObject({ source: "default" });
      const page = await Prompt.versions({ key: "content.post", limit: 2 });
      expect(page.items.map((v) => v.version)).toEqual([4, 3]);
      expect(page.cursor).not.toBeNull();
      expect((await Prompt.versions({ key: "content.post", limit: 2, cursor: page.cursor! })).items.map((v) => v.version)).toEqual([2, 1]);
      // Concurrent saves get distinct versions.
      const saved = await Promise.all(
        Array.from({ length: 4 }, (_, i) => Prompt.save({ key: "ideas", system: `s${i}`, template: "{{count}} ideas" })),
      );
      expect(new Set(saved.map((v) => v.version)).size).toBe(4);
    });
  });

  it("refuses unknown variables and broken blocks naming the field", async () => {
    await Testing.withTestAccount(async () => {
      const error = await (async () => Prompt.save({ key: "images", system: "x", template: "{{title}} {{secret_env}}" }))().catch((e) => e);
      expect(error).toMatchObject({ code: "prompt.variable_unknown", details: { fields: [{ path: "template" }] } });
      const broken = await (async () => Prompt.save({ key: "images", system: "{{#prompt}}", template: "x" }))().catch((e) => e);
      expect(broken).toMatchObject({ code: "prompt.template_invalid", details: { fields: [{ path: "system" }] } });
    });
  });

  it("lets a task override the account's prompt and renders with the author profile and strategy", async () => {
    await Testing.withTestAccount(async () => {
      const { siteId } = await Site.create({ name: "Trail Co", url: "https://trail.example" });
      const author = await Author.create({
        name: "Sam",
        tone: "warm and practical",
        audience: "new trail runners",
        readingLevel: "grade 8",
        rules: ["Never promise injury prevention"],
        brandFacts: ["Trail Co was founded in 2012"],
        isDefault: true,
      });
      const strategy = await Author.Strategy.create({ name: "Beginners", goals: "Win first-time buyers", pillars: ["fit"], isDefault: true });
      const task = await Task.create({ siteId, title: "Trail shoes 101", primaryKeyword: "trail running shoes", keywords: ["heel drop"] });
      await Prompt.save({ key: "content.post", system: "Account system", template: "Account: {{title}}" });
      await Prompt.saveForTask({ siteId, taskId: task.taskId, key: "content.post", system: "Task system", template: "Task: {{title}} / {{keywords}}" });
      expect(await Prompt.getForTask({ siteId, taskId: task.taskId, key: "content.post" })).toMatchObject({ source: "task", version: 1 });
      const stored = (await Task.find(siteId, task.taskId))!;
      const voice = await Author.voiceFor({ siteId });
      expect(voice.author?.authorId).toBe(author.authorId);
      expect(voice.strategy?.strategyId).toBe(strategy.strategyId);
      const rendered = await Prompt.renderFor(
        "content.post",
        Prompt.contentVariables(stored, await Prompt.siteContext(siteId)),
        { taskId: task.taskId, voice },
      );
      expect(rendered.prompt).toBe("Task: Trail shoes 101 / - heel drop");
      expect(rendered.system).toContain("Task system");
      expect(rendered.system).toContain("Tone: warm and practical");
      expect(rendered.system).toContain("- Never promise injury prevention");
      expect(rendered.system).toContain("Content strategy: Beginners");
      await Prompt.resetForTask({ siteId, taskId: task.taskId, key: "content.post" });
      expect(await Prompt.getForTask({ siteId, taskId: task.taskId, key: "content.post" })).toMatchObject({ source: "account" });
    });
  });
});

describe("the voice in every prompt", () => {
  it("renders every AI function's prompt for a task with its author profile and strategy", async () => {
    await Testing.withTestAccount(async () => {
      const { siteId } = await Site.create({ name: "Trail Co", url: "https://trail.example" });
      const author = await Author.create({
        name: "Sam",
        bio: "Ran 40 ultras",
        tone: "warm and practical",
        audience: "new trail runners",
        readingLevel: "grade 8",
        rules: ["Never promise injury prevention", "Show shoes on real dirt trails, never studio shots"],
        brandFacts: ["Trail Co was founded in 2012 in Boulder"],
      });
      const strategy = await Author.Strategy.create({
        name: "Beginners",
        goals: "Win first-time buyers",
        audience: "runners moving from road to trail",
        pillars: ["fit"],
        guidelines: ["Use earthy colours in every illustration", "Link the sizing guide"],
        callToAction: "Book a gait check",
      });
      // Named by the task (no account defaults).
      const task = await Task.create({
        siteId,
        title: "Trail shoes 101",
        primaryKeyword: "trail running shoes",
        keywords: ["heel drop"],
        authorId: author.authorId,
        strategyId: strategy.strategyId,
      });
      const stored = (await Task.find(siteId, task.taskId))!;
      const voice = await Author.voiceFor({ siteId, authorId: stored.authorId, strategyId: stored.strategyId });
      const site = await Prompt.siteContext(siteId);
      const variables: Record<string, Record<string, string>> = {
        content: Prompt.contentVariables(stored, site),
        image_prompts: { ...Prompt.siteVariables(site), title: stored.title, primary_keyword: stored.primaryKeyword, headings: "- Fit", in_article_count: "1", featured: "yes" },
        images: { ...Prompt.siteVariables(site), prompt: "Trail shoes on a rocky path", alt: "Shoes", placement: "featured", title: stored.title },
        ideas: { ...Prompt.siteVariables(site), cluster: "shoes", keywords: "- trail shoes", count: "3", content_type: "post" },
        optimize: { ...Prompt.siteVariables(site), title: stored.title, primary_keyword: stored.primaryKeyword, html: "<p>x</p>" },
        site_structure: { ...Prompt.siteVariables(site), brief: "A shop" },
      };
      const writing = [
        "Author profile: Sam",
        "About: Ran 40 ultras",
        "Tone: warm and practical",
        "Audience: new trail runners",
        "Reading level: grade 8",
        "- Never promise injury prevention",
        "- Trail Co was founded in 2012 in Boulder",
        "Content strategy: Beginners",
        "Goals: Win first-time buyers",
        "Strategy audience: runners moving from road to trail",
        "- Use earthy colours in every illustration",
        "Call to action: Book a gait check",
      ];
      for (const key of Prompt.promptKeys) {
        const fn = Prompt.functionOf(key);
        const rendered = await Prompt.renderFor(key, variables[fn]!, { taskId: task.taskId, voice });
        if (fn === "images") {
          // The image model gets the prompt alone: the picture-relevant part of the voice is in it.
          expect(rendered.prompt.startsWith("Trail shoes on a rocky path"), key).toBe(true);
          for (const text of [
            "Made for: new trail runners; runners moving from road to trail",
            "Mood: warm and practical",
            "Visual rules: Show shoes on real dirt trails, never studio shots; Use earthy colours in every illustration",
            "Brand context (for setting and props; never as visible text): Trail Co was founded in 2012 in Boulder",
          ]) {
            expect(rendered.prompt, key).toContain(text);
          }
          for (const text of ["injury prevention", "grade 8", "sizing guide", "gait check"]) expect(rendered.prompt, key).not.toContain(text);
        } else {
          for (const text of writing) expect(rendered.system, key).toContain(text);
        }
      }
      // The preview endpoint's function renders the same, for content and image prompts.
      for (const which of ["content", "image_prompts"] as const) {
        const preview = await Generate.previewPrompt({ siteId, taskId: task.taskId, function: which });
        expect(preview).toMatchObject({ authorId: author.authorId, strategyId: strategy.strategyId });
        for (const text of writing) expect(preview.system, which).toContain(text);
      }
    });
  });

  it("keeps the image voice short and leaves it out when there is no profile", () => {
    const long = "x".repeat(400);
    const block = Prompt.imageVoiceBlock({
      author: {
        authorId: "aut_x",
        name: "A",
        bio: "",
        tone: long,
        audience: long,
        readingLevel: "",
        rules: Array.from({ length: 30 }, (_, i) => `Show scene ${i} ${long}`),
        brandFacts: Array.from({ length: 50 }, () => long),
        isDefault: false,
        createdAt: "",
        updatedAt: "",
      },
    });
    expect(block.length).toBeLessThanOrEqual(1000);
    expect(block).toContain("Made for: ");
    expect(Prompt.imageVoiceBlock({})).toBe("");
  });
});

describe("AI configuration", () => {
  it("stores the key encrypted, bound to the account, and never shows it", async () => {
    await Testing.withTestAccount(async (accountId) => {
      expect(await AiConfig.get()).toMatchObject({ provider: "offline", source: "none", apiKeySet: false });
      const saved = await AiConfig.update({ baseUrl: "http://127.0.0.1:9/v1", apiKey: "sk-test-secret-1234", models: { content: "gpt-x" } });
      expect(saved).toMatchObject({ provider: "openai", source: "account", apiKeySet: true, apiKeyHint: "1234", models: { content: "gpt-x" } });
      expect(JSON.stringify(saved)).not.toContain("secret");
      const { config } = await AiConfig.providerConfig();
      expect(config).toMatchObject({ baseUrl: "http://127.0.0.1:9/v1", apiKey: "sk-test-secret-1234" });
      const sealed = AiConfig.encryptKey("sk-abc", accountId);
      expect(sealed).not.toContain("sk-abc");
      expect(AiConfig.decryptKey(sealed, accountId)).toBe("sk-abc");
      expect(() => AiConfig.decryptKey(sealed, "acc_other")).toThrow();
      expect((await AiConfig.update({ apiKey: null, baseUrl: null })).provider).toBe("offline");
    });
  });

  it("accepts only public https endpoints outside the local stage", async () => {
    await Testing.withTestAccount(async () => {
      process.env.IGNY8_STAGE = "prod";
      Config.reset();
      try {
        for (const baseUrl of ["http://api.example.com/v1", "https://169.254.169.254/v1", "https://localhost/v1", "https://10.0.0.2/v1"]) {
          const error = await (async () => AiConfig.update({ baseUrl }))().catch((e) => e);
          expect(error, baseUrl).toMatchObject({ code: "input.invalid", details: { fields: [{ path: "baseUrl" }] } });
        }
        expect((await AiConfig.update({ baseUrl: "https://llm.example.com/v1" })).baseUrl).toBe("https://llm.example.com/v1");
      } finally {
        delete process.env.IGNY8_STAGE;
        Config.reset();
      }
    });
  });

  it("keeps authors and strategies to their account and site", async () => {
    const { authorId, strategyId } = await Testing.withTestAccount(async () => {
      const { siteId } = await Site.create({ name: "A", url: "https://a.example" });
      const author = await Author.create({ name: "A" });
      const strategy = await Author.Strategy.create({ name: "Only A", siteId });
      const other = await Site.create({ name: "B", url: "https://b.example" });
      const error = await (async () =>
        Task.create({ siteId: other.siteId, title: "x", primaryKeyword: "x", strategyId: strategy.strategyId }))().catch((e) => e);
      expect(error).toMatchObject({ code: "strategy.not_found" });
      return { authorId: author.authorId, strategyId: strategy.strategyId };
    });
    await Testing.withTestAccount(async () => {
      await expect(Author.get({ authorId })).rejects.toMatchObject({ code: "author.not_found" });
      await expect(Author.Strategy.get({ strategyId })).rejects.toMatchObject({ code: "strategy.not_found" });
    });
  });
});
