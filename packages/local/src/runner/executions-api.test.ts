import { withActor } from "@igny8/core/actor";
import { Pipelines } from "@igny8/core/pipelines";
import { Storage } from "@igny8/core/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, signUp, useApiTestEnvironment } from "../../../functions/src/api/testing/harness";
import { createLocalRunner } from "./index";

// The executions routes in-process (app.request), with the real local runner behind Pipelines.start.
useApiTestEnvironment();

const runner = createLocalRunner({ retryIntervalMs: 0 });
beforeAll(() => Pipelines.useRunner(runner));
afterAll(() => Pipelines.useRunner(undefined));

async function waitFor(token: string, executionId: string) {
  await runner.idle();
  return call("GET", `/v1/executions/${executionId}`, { token });
}

describe("executions API", () => {
  it("starts the storage recount for a site and reports its progress and the usage", async () => {
    const owner = await signUp();
    const site = await call("POST", "/v1/sites", {
      token: owner.accessToken,
      body: { name: "Blog", url: "https://blog.example" },
    });
    expect(site.status).toBe(201);
    const siteId = site.json.data.siteId as string;
    await withActor({ type: "system", properties: { accountId: owner.accountId } }, async () => {
      await Storage.put(Storage.siteKey(siteId, "images", "a.png"), Buffer.alloc(1500));
      await Storage.put(Storage.siteKey(siteId, "content", "post.html"), "<p>hi</p>");
    });

    const before = await call("GET", `/v1/sites/${siteId}/storage-usage`, {
      token: owner.accessToken,
    });
    expect(before.status).toBe(404);
    expect(before.json.error.code).toBe("storage_usage.not_measured");

    const started = await call("POST", `/v1/sites/${siteId}/storage-usage`, {
      token: owner.accessToken,
    });
    expect(started.status).toBe(202);
    expect(started.json.data).toMatchObject({ pipeline: "site-storage-usage", status: "running" });
    const executionId = started.json.data.executionId as string;
    expect(executionId).toMatch(/^exe_/);

    const done = await waitFor(owner.accessToken, executionId);
    expect(done.status).toBe(200);
    expect(done.json.data).toMatchObject({
      id: executionId,
      status: "succeeded",
      progress: { total: 2, done: 2, failed: 0 },
      result: { usedBytes: 1509, overQuota: false },
    });
    expect(done.json.data.progress.items.map((item: { item: string }) => item.item)).toEqual([
      "content/",
      "images/",
    ]);

    const usage = await call("GET", `/v1/sites/${siteId}/storage-usage`, {
      token: owner.accessToken,
    });
    expect(usage.json.data).toMatchObject({
      siteId,
      usedBytes: 1509,
      objects: 2,
      executionId,
      failedFolders: [],
    });

    const listed = await call("GET", "/v1/executions?pipeline=site-storage-usage&limit=1", {
      token: owner.accessToken,
    });
    expect(listed.status).toBe(200);
    expect(listed.json.data.map((e: { id: string }) => e.id)).toEqual([executionId]);
    expect(listed.json.meta.limit).toBe(1);
    const next = await call(
      "GET",
      `/v1/executions?pipeline=site-storage-usage&limit=1&cursor=${listed.json.meta.cursor}`,
      {
        token: owner.accessToken,
      },
    );
    expect(next.json).toEqual({ data: [], meta: { cursor: null, limit: 1 } });
  });

  it("keeps executions and sites of one account away from another", async () => {
    const owner = await signUp();
    const site = await call("POST", "/v1/sites", {
      token: owner.accessToken,
      body: { name: "Shop", url: "https://shop.example" },
    });
    const siteId = site.json.data.siteId as string;
    const started = await call("POST", `/v1/sites/${siteId}/storage-usage`, {
      token: owner.accessToken,
    });
    const executionId = started.json.data.executionId as string;
    await runner.idle();

    const other = await signUp();
    const peek = await call("GET", `/v1/executions/${executionId}`, { token: other.accessToken });
    expect(peek.status).toBe(404);
    expect(peek.json.error.code).toBe("execution.not_found");
    const start = await call("POST", `/v1/sites/${siteId}/storage-usage`, {
      token: other.accessToken,
    });
    expect(start.status).toBe(404);
    expect(start.json.error.code).toBe("site.not_found");
    const anonymous = await call("GET", `/v1/executions/${executionId}`);
    expect(anonymous.status).toBe(401);
  });

  it("validates ids and the pipeline filter", async () => {
    const owner = await signUp();
    const badId = await call("GET", "/v1/executions/..%2Fx", { token: owner.accessToken });
    expect(badId.status).toBe(400);
    const badSite = await call("POST", "/v1/sites/not-a-site/storage-usage", {
      token: owner.accessToken,
    });
    expect(badSite.status).toBe(400);
    expect(badSite.json.error.fields[0].path).toBe("path.siteId");
    const badPipeline = await call("GET", "/v1/executions?pipeline=nope", {
      token: owner.accessToken,
    });
    expect(badPipeline.status).toBe(400);
    expect(badPipeline.json.error.fields[0].path).toMatch(/pipeline$/);
    const forged = await call(
      "GET",
      "/v1/executions?pipeline=site-storage-usage&cursor=abc.0123456789012345678901234567890123456789012",
      {
        token: owner.accessToken,
      },
    );
    expect(forged.status).toBe(400);
    expect(forged.json.error.code).toBe("pagination.cursor_invalid");
  });
});
