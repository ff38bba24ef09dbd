import { withActor } from "@igny8/core/actor";
import { type AiTestServer, type Fault, type RecordedRequest, startAiTestServer } from "@igny8/core/ai/testing";
import { Credits } from "@igny8/core/billing";
import { Limit } from "@igny8/core/limit";
import { Pipelines } from "@igny8/core/pipelines";
import { Plan } from "@igny8/core/plan";
import { createId } from "@igny8/core/util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createLocalRunner } from "../../../../local/src/runner/index";
import { call, setPlan, signUp, useApiTestEnvironment } from "../../api/testing/harness";

/**
 * The content pipeline at the HTTP boundary: the API starts runs, the real local runner executes
 * the ASL, every AI call goes to the OpenAI-compatible test server configured as the account's
 * provider (PUT /v1/ai-config), which injects 429s, 5xx, slow answers, invalid JSON and truncated
 * output. After each run: every task ended generated (review) or failed with a reason, no step
 * was charged twice, the ledger adds up to the balance and nothing is left held.
 */
useApiTestEnvironment();

const runner = createLocalRunner({ retryIntervalMs: 0 });
let server: AiTestServer;

beforeAll(async () => {
  Pipelines.useRunner(runner);
  server = await startAiTestServer();
});
afterAll(async () => {
  Pipelines.useRunner(undefined);
  await server.close();
});
beforeEach(() => server.reset());

const noLimits = () => Object.fromEntries(Plan.limitNames.map((name) => [name, null])) as Plan.Limits;

async function tenant(limits: Partial<Plan.Limits> = {}) {
  const planId = `w-${createId("plan").slice(-12)}`;
  await withActor({ type: "system", properties: {} }, () =>
    Plan.create({ planId, name: "Writer test", public: false, limits: { ...noLimits(), max_concurrent_tasks: 3, ...limits } }),
  );
  const owner = await signUp();
  await setPlan(owner.accountId, planId);
  const site = await call("POST", "/v1/sites", { token: owner.accessToken, body: { name: "Trail Co", url: "https://trail.example" } });
  expect(site.status).toBe(201);
  return { token: owner.accessToken, accountId: owner.accountId, siteId: site.json.data.siteId as string };
}

type Tenant = Awaited<ReturnType<typeof tenant>>;

async function useTestServer(t: Tenant, extra: Record<string, unknown> = {}) {
  const result = await call("PUT", "/v1/ai-config", {
    token: t.token,
    body: {
      baseUrl: server.url,
      apiKey: "sk-igny8-test-key-7781",
      imageModel: "dall-e-2",
      imageSize: "256x256",
      timeoutMs: 3000,
      maxAttempts: 3,
      retryBaseDelayMs: 5,
      retryMaxDelayMs: 20,
      ...extra,
    },
  });
  expect(result.status).toBe(200);
  expect(result.text).not.toContain("sk-igny8-test-key");
}

async function addTasks(t: Tenant, count: number, extra: Record<string, unknown> = {}) {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const created = await call("POST", `/v1/sites/${t.siteId}/tasks`, {
      token: t.token,
      body: {
        title: `Fault task ${i}: trail shoes`,
        primaryKeyword: "trail running shoes",
        keywords: ["heel drop", "rock plate"],
        wordCount: 300,
        inArticleImages: 1,
        ...extra,
      },
    });
    expect(created.status).toBe(201);
    ids.push(created.json.data.taskId);
  }
  return ids;
}

async function runToEnd(t: Tenant, taskIds: string[], extra: Record<string, unknown> = {}) {
  const started = await call("POST", `/v1/sites/${t.siteId}/content-runs`, { token: t.token, body: { taskIds, ...extra } });
  expect(started.status, started.text).toBe(202);
  await runner.idle();
  const run = await call("GET", `/v1/sites/${t.siteId}/content-runs/${started.json.data.runId}`, { token: t.token });
  expect(run.status).toBe(200);
  return run.json.data as {
    status: string;
    progress: { total: number; done: number; failed: number; items: { item: string; status: string; error?: string; cost?: number }[] };
    tasks: { taskId: string; status: string; failureReason: string | null; contentId: string | null }[];
    cost: number;
  };
}

async function ledger(t: Tenant) {
  const entries: { entryKey: string; amount: number; kind: string; subject: string | null; step: string | null; tokens: { total: number } | null }[] = [];
  let cursor: string | null = null;
  do {
    const page = await call("GET", `/v1/credits/ledger?limit=100${cursor ? `&cursor=${cursor}` : ""}`, { token: t.token });
    expect(page.status).toBe(200);
    entries.push(...page.json.data);
    cursor = page.json.meta.cursor;
  } while (cursor);
  return entries;
}

async function audit(t: Tenant) {
  return withActor({ type: "system", properties: { accountId: t.accountId } }, () => Credits.audit());
}

/** Every task ended generated or failed with a reason; nothing held; ledger = balance. */
async function expectSettled(t: Tenant, run: Awaited<ReturnType<typeof runToEnd>>) {
  expect(run.status).toBe("succeeded");
  expect(run.progress.done + run.progress.failed).toBe(run.progress.total);
  for (const task of run.tasks) {
    expect(["review", "failed"]).toContain(task.status);
    if (task.status === "failed") expect(task.failureReason).toMatch(/\w/);
  }
  const check = await audit(t);
  expect(check).toMatchObject({ consistent: true, held: 0, openHolds: 0 });
  const balance = await call("GET", "/v1/credits", { token: t.token });
  expect(balance.json.data.balance).toBe(check.ledgerSum);
  const entries = await ledger(t);
  expect(new Set(entries.map((e) => e.entryKey)).size).toBe(entries.length);
  return entries;
}

const contentOf = (request: RecordedRequest, title: string) =>
  request.endpoint === "chat" && JSON.stringify(request.body.messages).includes(title) && JSON.stringify(request.body.response_format).includes("_content");

/** A rule that answers `fault` to the first `times` requests matching `match`. */
function faultFor(match: (request: RecordedRequest) => boolean, fault: Fault, times = Number.POSITIVE_INFINITY) {
  let used = 0;
  return (request: RecordedRequest) => {
    if (!match(request) || used >= times) return undefined;
    used++;
    return fault;
  };
}

const billedTokens = (requests: RecordedRequest[]) =>
  requests.filter((r) => r.status === 200 && r.fault?.type !== "delay").reduce((sum, r) => sum + (r.usage?.totalTokens ?? 0), 0);

describe("content pipeline against the OpenAI-compatible test server", () => {
  it("survives 429 with retry-after, 5xx, slow answers and invalid JSON: every task generated, each step paid once", async () => {
    const t = await tenant({ monthly_credits: 100_000 });
    await useTestServer(t, { timeoutMs: 700 });
    const taskIds = await addTasks(t, 4);
    server.faults.rule(faultFor((r) => contentOf(r, "Fault task 0"), { type: "rate_limit", retryAfterMs: 300 }, 2));
    // More 500s than the provider retries: the state machine's Retry takes over.
    server.faults.rule(faultFor((r) => contentOf(r, "Fault task 1"), { type: "status", status: 500 }, 4));
    server.faults.rule(faultFor((r) => contentOf(r, "Fault task 2"), { type: "invalid_json" }, 1));
    server.faults.rule(faultFor((r) => contentOf(r, "Fault task 3"), { type: "delay", ms: 1500 }, 1));
    server.faults.rule(faultFor((r) => r.endpoint === "images", { type: "status", status: 503 }, 2));

    const run = await runToEnd(t, taskIds);
    const entries = await expectSettled(t, run);
    expect(run.tasks.map((task) => task.status)).toEqual(["review", "review", "review", "review"]);
    const statuses = server.stats().byStatus;
    expect(statuses["429"]).toBeGreaterThanOrEqual(2);
    expect(statuses["500"]).toBe(4);
    expect(statuses["503"]).toBe(2);
    // One charge per (task, step): content, image prompts, featured image, one in-article image.
    const usage = entries.filter((e) => e.kind === "usage");
    expect(usage).toHaveLength(4 * 4);
    for (const taskId of taskIds) {
      expect(usage.filter((e) => e.subject === taskId).map((e) => e.step).sort()).toEqual(["content", "image:0", "image:1", "image_prompts"]);
    }
    // The tokens charged are exactly what the server answered (the repair call included, the
    // call our client abandoned on timeout not).
    expect(usage.reduce((sum, e) => sum + (e.tokens?.total ?? 0), 0)).toBe(billedTokens(server.requests));
    const repaired = usage.find((e) => e.subject === taskIds[2] && e.step === "content");
    const repairCalls = server.requests.filter((r) => contentOf(r, "Fault task 2") && r.status === 200);
    expect(repairCalls).toHaveLength(2);
    expect(repaired?.tokens?.total).toBe(repairCalls.reduce((sum, r) => sum + r.usage!.totalTokens, 0));
    // Progress per task, with its cost.
    expect(run.progress.items.every((item) => item.status === "succeeded" && (item.cost ?? 0) > 0)).toBe(true);
    expect(run.cost).toBe(-usage.reduce((sum, e) => sum + e.amount, 0));
  });

  it("fails tasks with their reason on truncated output and persistent 5xx, charges no failed call, and resumes without paying twice", async () => {
    const t = await tenant({ monthly_credits: 100_000, daily_ai_requests: 1000 });
    await useTestServer(t);
    const taskIds = await addTasks(t, 3);
    server.faults.rule(faultFor((r) => contentOf(r, "Fault task 0"), { type: "truncated" }));
    server.faults.rule(faultFor((r) => contentOf(r, "Fault task 1"), { type: "status", status: 502 }));
    // Task 2's images fail for good: its content stays (paid once), the task fails at the images step.
    let failImages = true;
    server.faults.rule((r) =>
      failImages && r.endpoint === "images" && JSON.stringify(r.body).length > 0 && server.requests.some((x) => contentOf(x, "Fault task 2"))
        ? { type: "status", status: 500 }
        : undefined,
    );

    const run = await runToEnd(t, taskIds);
    await expectSettled(t, run);
    const [truncated, broken, noImages] = run.tasks;
    expect(truncated).toMatchObject({ status: "failed" });
    expect(truncated!.failureReason).toMatch(/^AiTruncated: .*token limit/);
    expect(broken).toMatchObject({ status: "failed" });
    expect(broken!.failureReason).toMatch(/^AiProviderError: .*HTTP 502/);
    expect(noImages).toMatchObject({ status: "failed" });
    expect(noImages!.failureReason).toMatch(/^AiProviderError: /);
    expect(noImages!.contentId).toMatch(/^cnt_/);
    expect(run.progress.failed).toBe(3);
    expect(run.progress.items.find((i) => i.item === taskIds[0])?.error).toMatch(/AiTruncated/);

    let entries = await ledger(t);
    const usage = () => entries.filter((e) => e.kind === "usage");
    // Failed calls cost nothing: no charge for task 0 or 1, and only the content and prompts of task 2.
    expect(usage().filter((e) => e.subject === taskIds[0] || e.subject === taskIds[1])).toEqual([]);
    expect(usage().filter((e) => e.subject === taskIds[2]).map((e) => e.step).sort()).toEqual(["content", "image_prompts"]);
    // The daily_ai_requests counter holds only the calls that succeeded (2), the failed ones were given back.
    const requests = await withActor({ type: "system", properties: { accountId: t.accountId } }, () =>
      Limit.current({ limit: "daily_ai_requests", siteId: t.siteId }),
    );
    expect(requests).toBe(2);

    // Resume task 2: the finished steps are skipped (not paid again), the images are made.
    failImages = false;
    const contentCalls = server.requests.filter((r) => contentOf(r, "Fault task 2")).length;
    const resumed = await runToEnd(t, [taskIds[2]!]);
    await expectSettled(t, resumed);
    expect(resumed.tasks[0]).toMatchObject({ status: "review", contentId: noImages!.contentId });
    expect(server.requests.filter((r) => contentOf(r, "Fault task 2")).length).toBe(contentCalls);
    entries = await ledger(t);
    expect(usage().filter((e) => e.subject === taskIds[2]).map((e) => e.step).sort()).toEqual(["content", "image:0", "image:1", "image_prompts"]);
  });

  it("stops a step that cannot be paid before the provider is called (credits.insufficient), and enforces the caps", async () => {
    const t = await tenant({ monthly_credits: 20 });
    await useTestServer(t);
    const taskIds = await addTasks(t, 2, { wordCount: 3000 });
    const estimate = await call("POST", `/v1/sites/${t.siteId}/content-runs/estimate`, { token: t.token, body: { taskIds } });
    expect(estimate.status).toBe(200);
    expect(estimate.json.data).toMatchObject({ fits: false, available: 20, metered: true });
    expect(estimate.json.data.total).toBeGreaterThan(20);
    expect(estimate.json.data.tasks).toHaveLength(2);
    expect(estimate.json.data.problems[0].code).toBe("credits.insufficient");

    const refused = await call("POST", `/v1/sites/${t.siteId}/content-runs`, { token: t.token, body: { taskIds } });
    expect(refused.status).toBe(402);
    expect(refused.json.error).toMatchObject({ code: "credits.insufficient", details: { available: 20 } });

    const run = await runToEnd(t, taskIds, { partial: true });
    await expectSettled(t, run);
    for (const task of run.tasks) {
      expect(task.status).toBe("failed");
      expect(task.failureReason).toMatch(/^CreditsInsufficient: credits\.insufficient: This needs \d+ credits; 20 are available/);
    }
    expect(server.requests).toHaveLength(0);
    expect((await call("GET", "/v1/credits", { token: t.token })).json.data).toMatchObject({ balance: 20, held: 0, available: 20 });

    // A per-run cap below the estimate refuses the run, partial or not.
    const budgets = await call("PUT", "/v1/credits/budgets", { token: t.token, body: { perRun: 5, perMonth: null } });
    expect(budgets.json.data).toEqual({ perRun: 5, perMonth: null });
    const requeued = await call("POST", `/v1/sites/${t.siteId}/content-runs`, { token: t.token, body: { taskIds: [taskIds[0]], partial: true } });
    expect(requeued.status).toBe(402);
    expect(requeued.json.error.code).toBe("credits.run_budget_reached");
  });

  it("enforces the monthly cap on every hold, mid-run", async () => {
    const t = await tenant({ monthly_credits: 100_000 });
    await useTestServer(t);
    await call("PUT", "/v1/credits/budgets", { token: t.token, body: { perRun: null, perMonth: 40 } });
    const taskIds = await addTasks(t, 4);
    const run = await runToEnd(t, taskIds, { partial: true });
    await expectSettled(t, run);
    const month = (await call("GET", "/v1/credits", { token: t.token })).json.data.month;
    expect(month.committed).toBeLessThanOrEqual(40);
    expect(run.tasks.some((task) => task.failureReason?.startsWith("BudgetReached: credits.monthly_budget_reached"))).toBe(true);
  });
});

describe("plan limits on content runs", () => {
  it("lets only one of two racing runs take the last daily_content_tasks slot", async () => {
    const t = await tenant({ daily_content_tasks: 1 });
    const [a, b] = await addTasks(t, 2);
    const [first, second] = await Promise.all([
      call("POST", `/v1/sites/${t.siteId}/content-runs`, { token: t.token, body: { taskIds: [a] } }),
      call("POST", `/v1/sites/${t.siteId}/content-runs`, { token: t.token, body: { taskIds: [b] } }),
    ]);
    expect([first.status, second.status].sort()).toEqual([202, 403]);
    const refused = first.status === 403 ? first : second;
    expect(refused.json.error).toMatchObject({ code: "plan.limit_reached", details: { limit: "daily_content_tasks", max: 1 } });
    await runner.idle();
    const tasks = await call("GET", `/v1/sites/${t.siteId}/tasks`, { token: t.token });
    const statuses = tasks.json.data.map((task: { status: string }) => task.status).sort();
    expect(statuses).toEqual(["queued", "review"]);
  });

  it("lets only one run hold a task", async () => {
    const t = await tenant();
    const [task] = await addTasks(t, 1);
    const [first, second] = await Promise.all([
      call("POST", `/v1/sites/${t.siteId}/content-runs`, { token: t.token, body: { taskIds: [task] } }),
      call("POST", `/v1/sites/${t.siteId}/content-runs`, { token: t.token, body: { taskIds: [task] } }),
    ]);
    expect([first.status, second.status].sort()).toEqual([202, 409]);
    expect((first.status === 409 ? first : second).json.error.code).toBe("task.busy");
    await runner.idle();
    // The refused run took no daily_content_tasks slot.
    const used = await withActor({ type: "system", properties: { accountId: t.accountId } }, () =>
      Limit.current({ limit: "daily_content_tasks", siteId: t.siteId }),
    );
    expect(used).toBe(1);
  });

  it("counts images against the daily image limit and fails the task with the reason when it is reached", async () => {
    const t = await tenant({ daily_image_generation_limit: 3 });
    await useTestServer(t);
    const taskIds = await addTasks(t, 2);
    const run = await runToEnd(t, taskIds);
    await expectSettled(t, run);
    expect(run.tasks.filter((task) => task.status === "review")).toHaveLength(1);
    const failed = run.tasks.find((task) => task.status === "failed");
    expect(failed?.failureReason).toMatch(/^LimitReached: plan\.limit_reached: .*daily_image_generation_limit/);
    expect(server.requests.filter((r) => r.endpoint === "images")).toHaveLength(3);
  });
});
