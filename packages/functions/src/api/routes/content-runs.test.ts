import { withActor } from "@igny8/core/actor";
import { Credits } from "@igny8/core/billing";
import { Pipelines } from "@igny8/core/pipelines";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalRunner } from "../../../../local/src/runner/index";
import { call, setPlan, signUp, useApiTestEnvironment } from "../testing/harness";

/**
 * Content runs and their budget through the API, with the offline provider and the local runner:
 * a run capped at its own estimate writes every task, and the author profile reaches the image model.
 */
useApiTestEnvironment();

const runner = createLocalRunner({ retryIntervalMs: 0 });
beforeAll(() => Pipelines.useRunner(runner));
afterAll(() => Pipelines.useRunner(undefined));

type TaskEstimate = { taskId: string; total: number; most: number; overhang: number; content: number; imagePrompts: number; images: number };

describe("content run budget", () => {
  it("completes a run capped at its estimate, charging no more than it, with the author profile in every image prompt", async () => {
    const owner = await signUp();
    await setPlan(owner.accountId, "growth");
    const token = owner.accessToken;
    const site = await call("POST", "/v1/sites", { token, body: { name: "Tea House", url: "https://tea.example" } });
    const siteId = site.json.data.siteId as string;
    await call("PUT", "/v1/ai-config", { token, body: { imageSize: "256x256" } });
    const author = await call("POST", "/v1/authors", {
      token,
      body: {
        name: "Mei",
        tone: "calm and precise",
        audience: "home tea brewers",
        readingLevel: "grade 7",
        rules: ["Never show faces in images", "Write in the second person"],
        brandFacts: ["Tea House sources from three gardens in Shizuoka"],
        isDefault: true,
      },
    });
    expect(author.status).toBe(201);
    const strategy = await call("POST", "/v1/strategies", {
      token,
      body: { name: "Brew better", goals: "Teach brewing", audience: "first-time matcha buyers", guidelines: ["Photos in soft morning light"], isDefault: true },
    });
    expect(strategy.status).toBe(201);

    // Ten tasks of different lengths, types and image counts: five at a time on this plan.
    const taskIds: string[] = [];
    for (let i = 0; i < 10; i++) {
      const created = await call("POST", `/v1/sites/${siteId}/tasks`, {
        token,
        body: {
          title: `Green tea guide ${i + 1}`,
          primaryKeyword: i % 2 ? "sencha brewing" : "matcha whisking",
          keywords: ["water temperature", "steeping time"],
          contentType: i % 4 === 3 ? "product" : "post",
          wordCount: 300 + 200 * i,
          inArticleImages: i % 3,
        },
      });
      expect(created.status).toBe(201);
      taskIds.push(created.json.data.taskId);
    }

    const estimate = (await call("POST", `/v1/sites/${siteId}/content-runs/estimate`, { token, body: { taskIds } })).json.data;
    const tasks = estimate.tasks as TaskEstimate[];
    expect(estimate).toMatchObject({ fits: true, maxConcurrency: 5, runCap: null });
    expect(estimate.total).toBe(tasks.reduce((sum, t) => sum + t.total, 0));
    for (const t of tasks) {
      expect(t.total).toBe(t.content + t.imagePrompts + t.images);
      expect(t.most).toBeGreaterThan(t.total);
    }
    // The holds of five tasks in flight set aside more than the expected cost, never more than the worst case.
    const topFive = tasks.map((t) => t.overhang).sort((a, b) => b - a).slice(0, 5);
    expect(estimate.peak).toBe(Math.min(estimate.most, estimate.total + topFive.reduce((a, b) => a + b, 0)));
    expect(estimate.peak).toBeGreaterThan(estimate.total);

    // A cap below the expected cost is refused before anything starts.
    const below = await call("POST", `/v1/sites/${siteId}/content-runs`, { token, body: { taskIds, maxCredits: estimate.total - 1 } });
    expect(below.status).toBe(402);
    expect(below.json.error.code).toBe("credits.run_budget_reached");

    // Capped at exactly its estimate, the run writes every task.
    const started = await call("POST", `/v1/sites/${siteId}/content-runs`, { token, body: { taskIds, maxCredits: estimate.total } });
    expect(started.status).toBe(202);
    expect(started.json.data.estimate).toMatchObject({ fits: true, runCap: estimate.total, total: estimate.total });
    const runId = started.json.data.runId as string;
    await runner.idle();
    const run = (await call("GET", `/v1/sites/${siteId}/content-runs/${runId}`, { token })).json.data;
    expect(run.tasks.map((t: { failureReason: string | null }) => t.failureReason)).toEqual(taskIds.map(() => null));
    expect(run).toMatchObject({ status: "succeeded", runCap: estimate.total, result: { generated: 10, failed: 0 } });

    // What the run was charged: within its estimate, the ledger equal to the balance, nothing held.
    const system = { type: "system" as const, properties: { accountId: owner.accountId } };
    const usage = await withActor(system, async () => {
      const items: Credits.Entry[] = [];
      let cursor: string | undefined;
      do {
        const page = await Credits.ledger({ kind: "usage", limit: 100, ...(cursor ? { cursor } : {}) });
        items.push(...page.items);
        cursor = page.cursor ?? undefined;
      } while (cursor);
      return items.filter((entry) => entry.runId === runId);
    });
    const charged = usage.reduce((sum, entry) => sum - entry.amount, 0);
    expect(usage.length).toBe(10 + 10 + tasks.reduce((sum, t) => sum + (t.images > 0 ? t.images / 5 : 0), 0));
    expect(charged).toBeLessThanOrEqual(estimate.total);
    expect(charged).toBe(run.progress.items.reduce((sum: number, item: { cost: number }) => sum + item.cost, 0));
    // Each step cost at most what the estimate expected of it (the offline provider is measured like a real one).
    for (const t of tasks) {
      const of = (step: string) => usage.filter((e) => e.subject === t.taskId && e.step?.startsWith(step)).reduce((sum, e) => sum - e.amount, 0);
      expect(of("content"), t.taskId).toBeLessThanOrEqual(t.content);
      expect(of("image_prompts"), t.taskId).toBeLessThanOrEqual(t.imagePrompts);
      expect(of("image:"), t.taskId).toBeLessThanOrEqual(t.images);
    }
    expect(usage.some((entry) => entry.cappedFrom !== null)).toBe(false);
    expect(await withActor(system, () => Credits.audit())).toMatchObject({ consistent: true, held: 0 });

    // The image model's prompt carried the picture-relevant part of the profile and strategy.
    const first = run.tasks.find((t: { taskId: string }) => t.taskId === taskIds[1]);
    const images = (await call("GET", `/v1/sites/${siteId}/contents/${first.contentId}/images`, { token })).json.data;
    expect(images).toHaveLength(2);
    for (const image of images) {
      const prompt = image.provenance.prompt as string;
      expect(prompt).toContain("home tea brewers");
      expect(prompt).toContain("first-time matcha buyers");
      expect(prompt).toContain("calm and precise");
      expect(prompt).toContain("Never show faces in images");
      expect(prompt).toContain("Photos in soft morning light");
      expect(prompt).toContain("Tea House sources from three gardens in Shizuoka");
      // Writing rules say nothing to an image model.
      expect(prompt).not.toContain("second person");
      expect(prompt).not.toContain("grade 7");
    }
    // The preview shows the same prompt the image model got.
    const preview = await call("GET", `/v1/sites/${siteId}/tasks/${taskIds[1]}/prompt-preview?function=images&index=0`, { token });
    expect(preview.status).toBe(200);
    expect(preview.json.data).toMatchObject({ key: "images", authorId: author.json.data.authorId, strategyId: strategy.json.data.strategyId });
    expect(preview.json.data.prompt).toBe(images.find((i: { index: number }) => i.index === 0).provenance.prompt);
  }, 300_000);
});
