import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Pipelines } from "@igny8/core/pipelines";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalRunner } from "../../../../local/src/runner/index";
import { call, lastMail, setPlan, signUp, tokenIn, useApiTestEnvironment } from "../testing/harness";

/** The planner routes through the whole app (middleware, gate, validation, domain, onError). */
useApiTestEnvironment();

const runner = createLocalRunner({ retryIntervalMs: 0 });
beforeAll(() => Pipelines.useRunner(runner));
afterAll(() => Pipelines.useRunner(undefined));

const fixture = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../../../../core/src/keyword/import/fixtures/${name}`, import.meta.url)));

async function viewerOf(ownerToken: string) {
  const email = `viewer-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}@example.com`;
  const invited = await call("POST", "/v1/invitations", { token: ownerToken, body: { email, role: "viewer" } });
  expect(invited.status).toBe(201);
  const mail = await lastMail(email, "invitation");
  const accepted = await call("POST", "/v1/invitations/accept", { body: { token: tokenIn(mail!.text), name: "Viewer", password: "a long viewer password" } });
  expect(accepted.status).toBe(200);
  const login = await call("POST", "/v1/auth/log-in", { body: { email, password: "a long viewer password" } });
  return login.json.data.accessToken as string;
}

describe("planner routes", () => {
  it("keywords, imports, clustering runs, clusters and ideas end to end, with authz", async () => {
    const owner = await signUp();
    await setPlan(owner.accountId, "starter");
    const token = owner.accessToken;
    const site = await call("POST", "/v1/sites", { token, body: { name: "Tea", url: "https://tea.example.com" } });
    const siteId = site.json.data.siteId as string;
    const sector = await call("POST", `/v1/sites/${siteId}/sectors`, { token, body: { name: "Herbal tea" } });
    const sectorId = sector.json.data.sectorId as string;
    const base = `/v1/sites/${siteId}`;

    // Keywords by hand.
    const added = await call("POST", `${base}/keywords`, {
      token,
      body: { sectorId, keywords: [{ keyword: "Chamomile Tea", volume: 8100 }, { keyword: "chamomile tea" }, { keyword: "" }] },
    });
    expect(added.status).toBe(400);
    expect(added.json.error).toMatchObject({ code: "input.invalid" });
    expect(added.json.error.fields[0].path).toBe("body.keywords.2.keyword");
    const ok = await call("POST", `${base}/keywords`, {
      token,
      body: { sectorId, keywords: [{ keyword: "Chamomile Tea", volume: 8100 }, { keyword: "chamomile tea", difficulty: 12 }, { keyword: "peppermint tea", volume: 5400 }] },
    });
    expect(ok.status).toBe(201);
    expect(ok.json.data).toMatchObject({ created: 2, merged: 1, rejected: 0 });
    const chamomileId = ok.json.data.results[0].keywordId as string;

    const listed = await call("GET", `${base}/keywords?sort=-volume&limit=1`, { token });
    expect(listed.status).toBe(200);
    expect(listed.json.data.map((k: { keyword: string }) => k.keyword)).toEqual(["chamomile tea"]);
    expect(listed.json.meta.cursor).toBeTruthy();
    const page2 = await call("GET", `${base}/keywords?sort=-volume&limit=1&cursor=${listed.json.meta.cursor}`, { token });
    expect(page2.json.data.map((k: { keyword: string }) => k.keyword)).toEqual(["peppermint tea"]);
    const bad = await call("GET", `${base}/keywords?sort=sideways`, { token });
    expect(bad.status).toBe(400);

    const patched = await call("PATCH", `${base}/keywords/${chamomileId}`, { token, body: { tags: ["winter"], intent: "informational" } });
    expect(patched.status).toBe(200);
    expect(patched.json.data).toMatchObject({ tags: ["winter"], intent: "informational", difficulty: 12 });
    const tagged = await call("POST", `${base}/keywords/bulk`, { token, body: { action: "tag", keywordIds: [chamomileId], tags: ["sleep"] } });
    expect(tagged.json.data).toMatchObject({ action: "tag", changed: 1 });
    const unknownAction = await call("POST", `${base}/keywords/bulk`, { token, body: { action: "explode", keywordIds: [chamomileId] } });
    expect(unknownAction.status).toBe(400);
    const exported = await call("POST", `${base}/keywords/export`, { token, body: { tag: "sleep" } });
    expect(exported.status).toBe(200);
    expect(exported.json.data.rows).toBe(1);
    expect(await (await fetch(exported.json.data.url)).text()).toContain("chamomile tea");

    // A file import.
    const huge = await call("POST", `${base}/keyword-imports`, { token, body: { sectorId, fileName: "all.csv", size: 2 * 1024 ** 3 } });
    expect(huge.status).toBe(400);
    expect(huge.json.error.code).toBe("import.too_large");
    const bytes = fixture("semrush-keyword-magic.csv");
    const created = await call("POST", `${base}/keyword-imports`, { token, body: { sectorId, fileName: "semrush.csv", size: bytes.length, contentType: "text/csv", tags: ["semrush"] } });
    expect(created.status).toBe(201);
    const { import: record, upload } = created.json.data;
    expect(upload).toMatchObject({ method: "PUT", headers: { "content-type": "text/csv" } });
    expect((await fetch(upload.url, { method: "PUT", body: bytes, headers: upload.headers })).status).toBe(200);
    const started = await call("POST", `${base}/keyword-imports/${record.importId}/start`, { token, body: {} });
    expect(started.status).toBe(202);
    expect(started.json.data.detection).toMatchObject({ format: "semrush_keyword_magic", needsConfirmation: false });
    expect(started.json.data.detection.preview.length).toBeGreaterThan(0);
    await runner.idle();
    const finished = await call("GET", `${base}/keyword-imports/${record.importId}`, { token });
    expect(finished.json.data).toMatchObject({ status: "succeeded", summary: { created: 8 }, hasReport: true });
    const execution = await call("GET", `/v1/executions/${finished.json.data.executionId}`, { token });
    expect(execution.json.data).toMatchObject({ status: "succeeded", pipeline: "keyword-import" });
    const report = await call("GET", `${base}/keyword-imports/${record.importId}/report`, { token });
    expect(report.status).toBe(200);
    expect((await (await fetch(report.json.data.url)).text()).split("\r\n").filter(Boolean)).toHaveLength(9);
    const imports = await call("GET", `${base}/keyword-imports`, { token });
    expect(imports.json.data.map((i: { importId: string }) => i.importId)).toEqual([record.importId]);

    // Clustering.
    const run = await call("POST", `${base}/clustering-runs`, { token, body: { sectorId, method: "offline", granularity: 0.4 } });
    expect(run.status).toBe(202);
    expect(run.json.data).toMatchObject({ pipeline: "cluster-keywords", status: "running", sectors: [sectorId] });
    await runner.idle();
    const clusters = await call("GET", `${base}/clusters?sort=-volume`, { token });
    expect(clusters.status).toBe(200);
    expect(clusters.json.data.length).toBeGreaterThan(0);
    const clusterId = clusters.json.data[0].clusterId as string;
    const detail = await call("GET", `${base}/clusters/${clusterId}`, { token });
    expect(detail.json.data.keywords.length).toBe(detail.json.data.keywordCount);
    expect(detail.json.data.pageGroups.length).toBe(detail.json.data.pageGroupCount);
    const renamed = await call("PATCH", `${base}/clusters/${clusterId}`, { token, body: { name: "Herbal teas for sleep" } });
    expect(renamed.json.data).toMatchObject({ name: "Herbal teas for sleep", editedByUser: true });
    expect((await call("POST", `${base}/clusters/${clusterId}/lock`, { token })).json.data.locked).toBe(true);
    expect((await call("POST", `${base}/clusters/${clusterId}/unlock`, { token })).json.data.locked).toBe(false);

    // Ideas.
    const generated = await call("POST", `${base}/clusters/${clusterId}/ideas`, { token, body: { count: 2 } });
    expect(generated.status).toBe(201);
    expect(generated.json.data).toHaveLength(2);
    expect(generated.json.data[0]).toMatchObject({ offline: true, clusterId });
    const ideaId = generated.json.data[0].ideaId as string;
    const edited = await call("PATCH", `${base}/ideas/${ideaId}`, { token, body: { status: "approved" } });
    expect(edited.json.data.status).toBe("approved");
    const regenerated = await call("POST", `${base}/ideas/${ideaId}/regenerate`, { token, body: {} });
    expect(regenerated.json.data.regenerations).toBe(1);
    const tasks = await call("POST", `${base}/ideas/to-tasks`, { token, body: { ideaIds: [ideaId] } });
    expect(tasks.status).toBe(200);
    expect(tasks.json.data.tasks[0]).toMatchObject({ ideaId, created: true });
    const one = await call("POST", `${base}/ideas/${ideaId}/to-task`, { token });
    expect(one.json.data.tasks[0]).toMatchObject({ ideaId, created: false, taskId: tasks.json.data.tasks[0].taskId });
    const ideas = await call("GET", `${base}/ideas?clusterId=${clusterId}`, { token });
    expect(ideas.json.data).toHaveLength(2);

    // Authz: a viewer reads but does not write; another account and nobody see nothing.
    const viewer = await viewerOf(token);
    expect((await call("GET", `${base}/keywords`, { token: viewer })).status).toBe(200);
    expect((await call("GET", `${base}/clusters/${clusterId}`, { token: viewer })).status).toBe(200);
    const denied = await call("POST", `${base}/keywords`, { token: viewer, body: { sectorId, keywords: [{ keyword: "x" }] } });
    expect(denied.status).toBe(403);
    expect(denied.json.error.code).toBe("authz.forbidden");
    expect((await call("POST", `${base}/clustering-runs`, { token: viewer, body: {} })).status).toBe(403);
    expect((await call("DELETE", `${base}/ideas/${ideaId}`, { token: viewer })).status).toBe(403);
    const stranger = await signUp();
    const foreign = await call("GET", `${base}/keywords/${chamomileId}`, { token: stranger.accessToken });
    expect(foreign.status).toBe(404);
    expect(foreign.json.error.code).toBe("site.not_found");
    expect(foreign.text).not.toContain("chamomile");
    expect((await call("POST", `${base}/clusters/${clusterId}/ideas`, { token: stranger.accessToken, body: { count: 1 } })).status).toBe(404);
    expect((await call("GET", `${base}/keywords`)).status).toBe(401);

    // Deleting gives the slots back.
    expect((await call("DELETE", `${base}/ideas/${generated.json.data[1].ideaId}`, { token })).status).toBe(204);
    expect((await call("DELETE", `${base}/clusters/${clusterId}`, { token })).status).toBe(204);
    expect((await call("GET", `${base}/clusters/${clusterId}`, { token })).status).toBe(404);
    expect((await call("DELETE", `${base}/keywords/${chamomileId}`, { token })).status).toBe(204);
    expect((await call("GET", `${base}/keywords/${chamomileId}`, { token })).json.error.code).toBe("keyword.not_found");
    const usage = await call("GET", "/v1/account/usage", { token });
    expect(usage.status).toBe(200);
    const limits = usage.json.data.limits as { limit: string; used: number }[];
    // 2 by hand + 8 imported, one deleted; 2 ideas, one deleted.
    expect(limits.find((l) => l.limit === "max_keywords")!.used).toBe(9);
    expect(limits.find((l) => l.limit === "max_content_ideas")!.used).toBe(1);
  });
});

describe("sectors in use", () => {
  it("a sector that still has keywords is not deleted; once empty it is", async () => {
    const owner = await signUp();
    const token = owner.accessToken;
    const siteId = (await call("POST", "/v1/sites", { token, body: { name: "Garden", url: "https://garden.example" } })).json.data.siteId as string;
    const sectorId = (await call("POST", `/v1/sites/${siteId}/sectors`, { token, body: { name: "Roses" } })).json.data.sectorId as string;
    const added = await call("POST", `/v1/sites/${siteId}/keywords`, { token, body: { sectorId, keywords: [{ keyword: "climbing roses" }] } });
    expect(added.status).toBe(201);
    const refused = await call("DELETE", `/v1/sites/${siteId}/sectors/${sectorId}`, { token });
    expect(refused.status).toBe(409);
    expect(refused.json.error).toMatchObject({ code: "sector.not_empty", message: "The sector still has keywords: move or delete them first" });
    expect((await call("GET", `/v1/sites/${siteId}/sectors/${sectorId}`, { token })).status).toBe(200);
    const keywordId = added.json.data.results[0].keywordId as string;
    expect((await call("DELETE", `/v1/sites/${siteId}/keywords/${keywordId}`, { token })).status).toBe(204);
    expect((await call("DELETE", `/v1/sites/${siteId}/sectors/${sectorId}`, { token })).status).toBe(204);
    expect((await call("GET", `/v1/sites/${siteId}/sectors/${sectorId}`, { token })).status).toBe(404);
  });
});
