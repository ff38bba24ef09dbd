import { withActor } from "@igny8/core/actor";
import { readPngInfo } from "@igny8/core/ai";
import { Credits } from "@igny8/core/billing";
import { Pipelines } from "@igny8/core/pipelines";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalRunner } from "../../../../local/src/runner/index";
import { call, setPlan, signUp, useApiTestEnvironment } from "../../api/testing/harness";

/**
 * An offline run of 20 tasks through the local runner, as `pnpm dev` runs it without an AI key:
 * the offline adapter writes labelled drafts and renders real PNGs, the run's progress is read
 * through the API while it runs, and every task, image and credit adds up at the end.
 */
useApiTestEnvironment();

const runner = createLocalRunner({ retryIntervalMs: 0 });
beforeAll(() => Pipelines.useRunner(runner));
afterAll(() => Pipelines.useRunner(undefined));

describe("offline content run", () => {
  it("writes 20 tasks with images, reporting progress per task through the API", async () => {
    const owner = await signUp();
    await setPlan(owner.accountId, "growth");
    const token = owner.accessToken;
    const site = await call("POST", "/v1/sites", { token, body: { name: "Tea House", url: "https://tea.example" } });
    const siteId = site.json.data.siteId as string;
    // No provider configured: the offline adapter. Small images keep the run quick.
    expect((await call("PUT", "/v1/ai-config", { token, body: { imageSize: "256x256" } })).json.data).toMatchObject({ provider: "offline" });
    const author = await call("POST", "/v1/authors", {
      token,
      body: { name: "Mei", tone: "calm and precise", audience: "home tea brewers", brandFacts: ["Tea House sources from three gardens"], isDefault: true },
    });
    expect(author.status).toBe(201);

    const taskIds: string[] = [];
    for (let i = 0; i < 20; i++) {
      const created = await call("POST", `/v1/sites/${siteId}/tasks`, {
        token,
        body: {
          title: `Green tea guide ${i + 1}`,
          primaryKeyword: i % 2 ? "sencha brewing" : "matcha whisking",
          keywords: ["water temperature", "steeping time"],
          contentType: i % 5 === 4 ? "product" : "post",
          wordCount: 300,
          inArticleImages: 1,
        },
      });
      expect(created.status).toBe(201);
      taskIds.push(created.json.data.taskId);
    }

    const estimate = await call("POST", `/v1/sites/${siteId}/content-runs/estimate`, { token, body: { taskIds } });
    expect(estimate.json.data).toMatchObject({ fits: true, metered: true });
    const started = await call("POST", `/v1/sites/${siteId}/content-runs`, { token, body: { taskIds } });
    expect(started.status).toBe(202);
    expect(started.json.data).toMatchObject({ tasks: 20, maxConcurrency: 5, pipeline: "content-generation" });
    const { runId, executionId } = started.json.data as { runId: string; executionId: string };

    // Follow the run as the dashboard would.
    const seen: { done: number; failed: number; steps: string[] }[] = [];
    for (;;) {
      const run = await call("GET", `/v1/sites/${siteId}/content-runs/${runId}`, { token });
      expect(run.status).toBe(200);
      const { progress, status } = run.json.data;
      seen.push({
        done: progress.done,
        failed: progress.failed,
        steps: progress.items.map((item: { detail?: { step?: string } }) => item.detail?.step ?? "queued"),
      });
      if (status !== "running") break;
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    await runner.idle();
    const done = seen.map((s) => s.done);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(seen.at(-1)).toMatchObject({ done: 20, failed: 0 });
    // Progress was visible on the way: tasks at different steps at once.
    expect(seen.some((s) => s.done > 0 && s.done < 20)).toBe(true);
    expect(seen.some((s) => new Set(s.steps).size > 1)).toBe(true);

    const run = (await call("GET", `/v1/sites/${siteId}/content-runs/${runId}`, { token })).json.data;
    expect(run).toMatchObject({ status: "succeeded", executionId, result: { generated: 20, failed: 0 } });
    expect(run.tasks.every((task: { status: string }) => task.status === "review")).toBe(true);
    expect(run.progress.items.every((item: { cost: number }) => item.cost > 0)).toBe(true);
    const execution = await call("GET", `/v1/executions/${executionId}`, { token });
    expect(execution.json.data.progress).toMatchObject({ total: 20, done: 20, failed: 0 });
    const listed = await call("GET", `/v1/sites/${siteId}/content-runs`, { token });
    expect(listed.json.data[0]).toMatchObject({ runId, status: "succeeded", tasks: 20 });

    // The drafts: labelled offline, built from the task and the author profile, with images placed.
    const product = run.tasks[4];
    const content = (await call("GET", `/v1/sites/${siteId}/contents/${product.contentId}`, { token })).json.data;
    expect(content).toMatchObject({ offline: true, provider: "offline", contentType: "product", version: 2 });
    expect(content.html).toContain("Offline draft");
    expect(content.keywordsCovered).toContain("matcha whisking");
    expect(content.jsonLd["@graph"][0]["@type"]).toBe("Product");
    expect(content.imageIds).toHaveLength(2);
    expect(content.featuredImageId).toMatch(/^img_/);
    expect(content.html).toMatch(/<figure><img src="\/media\/img_[0-9a-z]{26}\.png"/);
    const versions = (await call("GET", `/v1/sites/${siteId}/contents/${product.contentId}/versions`, { token })).json.data;
    expect(versions.map((v: { source: string }) => v.source)).toEqual(["images", "generation"]);
    const diff = (await call("GET", `/v1/sites/${siteId}/contents/${product.contentId}/diff?from=1&to=2`, { token })).json.data;
    const body = diff.fields.find((field: { field: string }) => field.field === "html");
    expect(body).toMatchObject({ changed: true, deleted: 0 });
    expect(body.inserted).toBeGreaterThan(0);

    // Images: provenance, the PNG itself, alt text.
    const images = (await call("GET", `/v1/sites/${siteId}/contents/${product.contentId}/images`, { token })).json.data;
    expect(images).toHaveLength(2);
    const image = images.find((i: { placement: string }) => i.placement === "featured");
    expect(image).toMatchObject({ width: 256, height: 256, provenance: { aiGenerated: true, offline: true, provider: "offline", model: "offline-image" } });
    expect(image.key).toBe(`sites/${owner.accountId}/${siteId}/images/${product.contentId}/${image.imageId}.png`);
    const file = await call("GET", `/v1/sites/${siteId}/images/${image.imageId}/file`, { token });
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("image/png");
    const bytes = new Uint8Array(await (await fetchFile(siteId, image.imageId, token)).arrayBuffer());
    expect(readPngInfo(bytes)).toMatchObject({ width: 256, height: 256 });
    expect(bytes.byteLength).toBe(image.bytes);
    const renamed = await call("PATCH", `/v1/sites/${siteId}/images/${image.imageId}`, { token, body: { alt: "A bamboo whisk in a bowl" } });
    expect(renamed.json.data.alt).toBe("A bamboo whisk in a bowl");

    // Credits: one charge per step and image, the ledger equal to the balance.
    const audit = await withActor({ type: "system", properties: { accountId: owner.accountId } }, () => Credits.audit());
    expect(audit).toMatchObject({ consistent: true, held: 0, entries: 1 + 20 * 4 });
    expect(-run.cost).toBe(audit.ledgerSum - 50_000);
    const usage = await call("GET", "/v1/account/usage", { token });
    const limits = Object.fromEntries(usage.json.data.limits.map((l: { limit: string; used: number }) => [l.limit, l.used]));
    expect(limits).toMatchObject({ daily_content_tasks: 20, daily_image_generation_limit: 40, monthly_image_count: 40, daily_ai_requests: 80 });
    expect(limits.monthly_word_count_limit).toBeGreaterThan(20 * 300);
    expect(limits.storage_quota_gb).toBeGreaterThan(20 * 2 * 1000);
  }, 300_000);
});

async function fetchFile(siteId: string, imageId: string, token: string) {
  const { app } = await import("../../api/app");
  return app.request(`/v1/sites/${siteId}/images/${imageId}/file`, { headers: { authorization: `Bearer ${token}` } });
}
