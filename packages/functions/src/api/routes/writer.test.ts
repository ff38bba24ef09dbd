import { describe, expect, it } from "vitest";
import { call, lastMail, setPlan, signUp, superuser, tokenIn, useApiTestEnvironment } from "../testing/harness";

/** The writer's routes through the whole app: tasks, content and versions, prompts, authors, AI config, credits. */
useApiTestEnvironment();

async function member(ownerToken: string, role: "viewer" | "editor") {
  const email = `${role}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}@example.com`;
  const invited = await call("POST", "/v1/invitations", { token: ownerToken, body: { email, role } });
  expect(invited.status).toBe(201);
  const mail = await lastMail(email, "invitation");
  await call("POST", "/v1/invitations/accept", { body: { token: tokenIn(mail!.text), name: role, password: "a long member password" } });
  return (await call("POST", "/v1/auth/log-in", { body: { email, password: "a long member password" } })).json.data.accessToken as string;
}

async function setup() {
  const owner = await signUp();
  await setPlan(owner.accountId, "starter");
  const token = owner.accessToken;
  const site = await call("POST", "/v1/sites", { token, body: { name: "Trail Co", url: "https://trail.example" } });
  return { owner, token, siteId: site.json.data.siteId as string };
}

const unsafe = [
  "<h1>Big title</h1>",
  '<script>alert("x")</script><style>p{}</style>',
  '<p onclick="steal()">Trail running shoes grip wet rock. <a href="javascript:alert(1)">bad link</a> <a href="https://ok.example/guide" target="_blank">good link</a></p>',
  '<img src="https://evil.example/pixel.png" alt="tracker"><img src="/media/img_01hz3v5k8q2w4e6r8t0y2a4b6c.png" alt="ours" onerror="x()">',
  '<iframe src="https://evil.example"></iframe><form><input name="q"></form>',
  "<h2>Heel drop</h2><ul><li>Low drop</li><li>High drop</li></ul>",
  "<table><tr><th>Shoe</th><td>Rock plate</td></tr></table>",
].join("\n");

describe("tasks and content", () => {
  it("writes content by hand, sanitized, then edits, diffs and restores versions", async () => {
    const { token, siteId } = await setup();
    const task = await call("POST", `/v1/sites/${siteId}/tasks`, {
      token,
      body: { title: "Trail shoes", primaryKeyword: "trail running shoes", keywords: ["heel drop", "rock plate", "cushioning"] },
    });
    expect(task.status).toBe(201);
    const taskId = task.json.data.taskId as string;
    const written = await call("POST", `/v1/sites/${siteId}/tasks/${taskId}/content`, {
      token,
      body: { title: "Trail running shoes, explained", html: unsafe, faq: [{ question: "What is heel drop?", answer: "The height difference." }] },
    });
    expect(written.status).toBe(201);
    const content = written.json.data;
    expect(content).toMatchObject({ version: 1, slug: "trail-running-shoes-explained", offline: false, keywordsCovered: ["trail running shoes", "heel drop", "rock plate"] });
    for (const banned of ["<script", "<style", "onclick", "javascript:", "evil.example", "<iframe", "<form", "<input", "onerror", "<h1"]) {
      expect(content.html, banned).not.toContain(banned);
    }
    expect(content.html).toContain("<h2>Big title</h2>");
    expect(content.html).toContain('<a href="https://ok.example/guide" target="_blank" rel="noopener noreferrer">good link</a>');
    expect(content.html).toContain('<img src="/media/img_01hz3v5k8q2w4e6r8t0y2a4b6c.png" alt="ours" loading="lazy" />');
    expect(content.html).toContain("<table>");
    expect(content.outline.map((s: { heading: string }) => s.heading)).toEqual(["Big title", "Heel drop"]);
    expect(content.jsonLd["@graph"].map((node: { "@type": string }) => node["@type"])).toEqual(["Article", "FAQPage"]);
    expect(content.metaDescription.length).toBeLessThanOrEqual(155);
    expect((await call("GET", `/v1/sites/${siteId}/tasks/${taskId}`, { token })).json.data).toMatchObject({ status: "review", contentId: content.contentId });
    const again = await call("POST", `/v1/sites/${siteId}/tasks/${taskId}/content`, { token, body: { title: "x", html: "<p>x</p>" } });
    expect(again.json.error.code).toBe("content.exists");

    const base = `/v1/sites/${siteId}/contents/${content.contentId}`;
    const edited = await call("PATCH", base, { token, body: { expectedVersion: 1, title: "Trail running shoes for beginners", html: `${content.html}\n<p>A new closing line.</p>`, note: "beginners" } });
    expect(edited.status).toBe(200);
    expect(edited.json.data.version).toBe(2);
    const stale = await call("PATCH", base, { token, body: { expectedVersion: 1, title: "Lost update" } });
    expect(stale.status).toBe(409);
    expect(stale.json.error.code).toBe("content.version_conflict");

    const versions = await call("GET", `${base}/versions`, { token });
    expect(versions.json.data.map((v: { version: number; source: string }) => [v.version, v.source])).toEqual([
      [2, "edit"],
      [1, "edit"],
    ]);
    expect((await call("GET", `${base}/versions/1`, { token })).json.data.title).toBe("Trail running shoes, explained");
    const diff = (await call("GET", `${base}/diff?from=1&to=2`, { token })).json.data;
    const title = diff.fields.find((f: { field: string }) => f.field === "title");
    expect(title).toMatchObject({ changed: true, inserted: 2, deleted: 1 });
    expect(title.parts).toContainEqual({ op: "delete", text: expect.stringContaining("explained") });
    expect(title.parts).toContainEqual({ op: "insert", text: expect.stringContaining("beginners") });
    const body = diff.fields.find((f: { field: string }) => f.field === "html");
    expect(body).toMatchObject({ changed: true, inserted: 1, deleted: 0 });
    expect(body.parts.some((p: { op: string }) => p.op === "skip")).toBe(true);
    expect((await call("GET", `${base}/diff?from=1&to=9`, { token })).json.error.code).toBe("content.version_not_found");

    const restored = await call("POST", `${base}/versions/1/restore`, { token });
    expect(restored.json.data).toMatchObject({ version: 3, title: "Trail running shoes, explained" });
    expect((await call("GET", `${base}/diff?from=1&to=3`, { token })).json.data.changed).toBe(false);

    // Status moves people may make, and the ones they may not.
    expect((await call("POST", `/v1/sites/${siteId}/tasks/${taskId}/status`, { token, body: { status: "approved" } })).json.data.status).toBe("approved");
    const generating = await call("POST", `/v1/sites/${siteId}/tasks/${taskId}/status`, { token, body: { status: "generating" } });
    expect(generating.status).toBe(400);
  });

  it("keeps viewers read-only and other accounts out", async () => {
    const { token, siteId } = await setup();
    const task = (await call("POST", `/v1/sites/${siteId}/tasks`, { token, body: { title: "Private", primaryKeyword: "secret" } })).json.data;
    const viewer = await member(token, "viewer");
    expect((await call("GET", `/v1/sites/${siteId}/tasks/${task.taskId}`, { token: viewer })).status).toBe(200);
    const denied = await call("PATCH", `/v1/sites/${siteId}/tasks/${task.taskId}`, { token: viewer, body: { title: "x" } });
    expect(denied.status).toBe(403);
    const stranger = await signUp();
    for (const path of [`/v1/sites/${siteId}/tasks/${task.taskId}`, `/v1/sites/${siteId}/tasks`, `/v1/sites/${siteId}/contents`]) {
      const result = await call("GET", path, { token: stranger.accessToken });
      expect(result.status, path).toBe(404);
      expect(result.text).not.toContain(task.taskId);
    }
  });
});

describe("prompts, authors and AI config", () => {
  it("versions prompts, overrides them per task and previews a task's final prompt with the author profile", async () => {
    const { token, siteId } = await setup();
    const author = await call("POST", "/v1/authors", {
      token,
      body: { name: "Sam", tone: "warm", audience: "new runners", rules: ["No medical claims"], brandFacts: ["Founded in 2012"], isDefault: true },
    });
    expect(author.json.data).toMatchObject({ isDefault: true });
    const strategy = await call("POST", `/v1/sites/${siteId}/strategies`, { token, body: { name: "Beginners first", goals: "Win first-time buyers" } });
    expect(strategy.json.data).toMatchObject({ siteId });
    const task = (await call("POST", `/v1/sites/${siteId}/tasks`, {
      token,
      body: { title: "Trail shoes", primaryKeyword: "trail running shoes", strategyId: strategy.json.data.strategyId },
    })).json.data;

    const saved = await call("PUT", "/v1/prompts/content.post", { token, body: { system: "Write tight copy.", template: "Title: {{title}}\nKeyword: {{primary_keyword}}" } });
    expect(saved.json.data).toMatchObject({ version: 1, level: "account" });
    const bad = await call("PUT", "/v1/prompts/content.post", { token, body: { system: "x", template: "{{api_key}}" } });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ code: "prompt.variable_unknown", fields: [{ path: "template" }] });

    const preview = await call("GET", `/v1/sites/${siteId}/tasks/${task.taskId}/prompt-preview?function=content`, { token });
    expect(preview.status).toBe(200);
    expect(preview.json.data).toMatchObject({ key: "content.post", source: "account", version: 1, prompt: "Title: Trail shoes\nKeyword: trail running shoes" });
    expect(preview.json.data.system).toContain("Write tight copy.");
    expect(preview.json.data.system).toContain("Tone: warm");
    expect(preview.json.data.system).toContain("- No medical claims");
    expect(preview.json.data.system).toContain("Content strategy: Beginners first");

    const own = await call("PUT", `/v1/sites/${siteId}/tasks/${task.taskId}/prompts/content.post`, { token, body: { system: "Task system", template: "Only {{title}}" } });
    expect(own.json.data).toMatchObject({ level: "task", taskId: task.taskId, version: 1 });
    const preview2 = await call("GET", `/v1/sites/${siteId}/tasks/${task.taskId}/prompt-preview`, { token });
    expect(preview2.json.data).toMatchObject({ source: "task", prompt: "Only Trail shoes" });
    await call("DELETE", `/v1/sites/${siteId}/tasks/${task.taskId}/prompts/content.post`, { token });
    expect((await call("GET", `/v1/sites/${siteId}/tasks/${task.taskId}/prompt-preview`, { token })).json.data.source).toBe("account");
    await call("DELETE", "/v1/prompts/content.post", { token });
    const restored = await call("POST", "/v1/prompts/content.post/versions/1/restore", { token });
    expect(restored.json.data.version).toBe(3);
    const versions = await call("GET", "/v1/prompts/content.post/versions", { token });
    expect(versions.json.data.map((v: { version: number; cleared: boolean }) => [v.version, v.cleared])).toEqual([
      [3, false],
      [2, true],
      [1, false],
    ]);
    const all = await call("GET", "/v1/prompts", { token });
    expect(all.json.data.map((p: { key: string }) => p.key)).toContain("content.taxonomy");
    const images = await call("GET", `/v1/sites/${siteId}/tasks/${task.taskId}/prompt-preview?function=images`, { token });
    expect(images.json.error.code).toBe("image_prompt.not_found");
  });

  it("stores the AI key encrypted and never returns it", async () => {
    const { token, owner } = await setup();
    const put = await call("PUT", "/v1/ai-config", { token, body: { baseUrl: "http://127.0.0.1:9/v1", apiKey: "sk-live-do-not-show-4321", models: { content: "gpt-4.1" } } });
    expect(put.status).toBe(200);
    expect(put.json.data).toMatchObject({ provider: "openai", source: "account", apiKeySet: true, apiKeyHint: "4321", models: { content: "gpt-4.1" } });
    const get = await call("GET", "/v1/ai-config", { token });
    expect(get.text).not.toContain("do-not-show");
    const viewer = await member(token, "viewer");
    expect((await call("PUT", "/v1/ai-config", { token: viewer, body: { apiKey: "x" } })).status).toBe(403);
    const cleared = await call("DELETE", "/v1/ai-config", { token });
    expect(cleared.json.data).toMatchObject({ provider: "offline", apiKeySet: false });
    expect(owner.accountId).toMatch(/^acc_/);
  });
});

describe("credits", () => {
  it("shows the balance and ledger, takes caps from owners and grants from operators", async () => {
    const { token, owner } = await setup();
    const balance = await call("GET", "/v1/credits", { token });
    expect(balance.json.data).toMatchObject({ balance: 10_000, held: 0, available: 10_000, metered: true, monthlyCredits: 10_000 });
    const ledger = await call("GET", "/v1/credits/ledger", { token });
    expect(ledger.json.data).toHaveLength(1);
    expect(ledger.json.data[0]).toMatchObject({ kind: "grant_monthly", amount: 10_000 });
    const editor = await member(token, "editor");
    expect((await call("GET", "/v1/credits", { token: editor })).status).toBe(200);
    expect((await call("GET", "/v1/credits/ledger", { token: editor })).status).toBe(403);
    expect((await call("PUT", "/v1/credits/budgets", { token: editor, body: { perRun: 10, perMonth: null } })).status).toBe(403);
    const caps = await call("PUT", "/v1/credits/budgets", { token, body: { perRun: 500, perMonth: 2000 } });
    expect(caps.json.data).toEqual({ perRun: 500, perMonth: 2000 });
    expect((await call("PUT", "/v1/credits/budgets", { token, body: { perRun: 0, perMonth: null } })).status).toBe(400);
    const rates = await call("GET", "/v1/credits/rates", { token });
    expect(rates.json.data.content).toEqual({ perThousandTokens: 2, perImage: 0 });

    expect((await call("POST", `/v1/admin/accounts/${owner.accountId}/credits`, { token, body: { amount: 5, reason: "self" } })).status).toBe(403);
    const operator = await superuser();
    const grant = { amount: 250, reason: "Launch bonus", idempotencyKey: `launch-${owner.accountId}` };
    const first = await call("POST", `/v1/admin/accounts/${owner.accountId}/credits`, { token: operator.accessToken, body: grant });
    expect(first.status).toBe(201);
    expect(first.json.data).toMatchObject({ balance: 10_250, entry: { kind: "grant_admin", amount: 250 } });
    const repeat = await call("POST", `/v1/admin/accounts/${owner.accountId}/credits`, { token: operator.accessToken, body: grant });
    expect(repeat.json.data.balance).toBe(10_250);
    const takeTooMuch = await call("POST", `/v1/admin/accounts/${owner.accountId}/credits`, { token: operator.accessToken, body: { amount: -20_000, reason: "x" } });
    expect(takeTooMuch.status).toBe(402);
    expect(takeTooMuch.json.error.code).toBe("credits.insufficient");
    const audit = await call("GET", `/v1/admin/accounts/${owner.accountId}/credits/audit`, { token: operator.accessToken });
    expect(audit.json.data).toMatchObject({ balance: 10_250, ledgerSum: 10_250, entries: 2, consistent: true });
  });
});
