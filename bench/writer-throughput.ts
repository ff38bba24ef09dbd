/**
 * Writer throughput: the real content pipeline (ASL through the local runner, DynamoDB and S3
 * emulators, credits held and settled per call) against the OpenAI-compatible test server's
 * rate limit. Not a test: it prints a table.
 *
 *   npx tsx bench/writer-throughput.ts [tasks=60] [concurrency=20]
 *
 * The test server admits 30 requests per window, the window compressed from a minute to 5 s so a
 * run takes seconds ("limit-min" below = one window; 30 requests / window reads as 30 rpm). A task
 * is three AI calls: content, image prompts, one image. ratio = tasks completed / the most the
 * server's limit allows in the run's duration (a full bucket plus the refill, divided by the calls
 * per task). Goal: ratio >= 0.9, no lost task when 429s and 5xx are injected, and the ledger equal
 * to the balance afterwards.
 *
 * Everything here (runner, every step, DynamoDB and S3 emulators, the AI server) shares one Node
 * process; the first row measures what that process can do with no server limit at all, so the
 * limit chosen for the other rows is one the pipeline can keep up with on this machine.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { startDynamo, ensureTable } from "../packages/local/src/dynamo/index";
import { startS3 } from "../packages/local/src/s3/index";
import type { Limits as PlanLimits } from "../packages/core/src/plan/limits";
import { printTable } from "./lib/table";

const TASKS = Math.min(98, Number(process.argv[2] ?? 60));
const CONCURRENCY = Math.min(40, Number(process.argv[3] ?? 20));
const REQUESTS_PER_WINDOW = 30;
const WINDOW_MS = 5_000;
const CALLS_PER_TASK = 3;

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
process.env.IGNY8_LOG_LEVEL = "silent";
process.env.IGNY8_AUTH_SECRET = "writer-throughput-bench-secret-0123456789abcdef";
process.env.IGNY8_PIPELINES = "local";

const s3Directory = await mkdtemp(join(tmpdir(), "igny8-bench-s3-"));
const [dynamo, s3] = await Promise.all([startDynamo(), startS3({ directory: s3Directory, buckets: [{ name: "igny8-bench" }] })]);
process.env.IGNY8_DYNAMO_ENDPOINT = dynamo.endpoint;
process.env.IGNY8_S3_ENDPOINT = s3.endpoint;
process.env.IGNY8_BUCKET = "igny8-bench";
process.env.IGNY8_TABLE = "igny8-bench";
await ensureTable(dynamo.endpoint, "igny8-bench");

// Imported after the environment is set (settings are read once).
const { withActor } = await import("../packages/core/src/actor/index");
const { createTestTenant } = await import("../packages/core/src/account/testing");
const { Plan } = await import("../packages/core/src/plan/index");
const { Site } = await import("../packages/core/src/site/index");
const { Task } = await import("../packages/core/src/task/index");
const { ContentRun } = await import("../packages/core/src/content/index");
const { Credits } = await import("../packages/core/src/billing/index");
const { AiConfig } = await import("../packages/core/src/prompt/index");
const { Pipelines } = await import("../packages/core/src/pipelines/index");
const { createId } = await import("../packages/core/src/util/id");
const { startAiTestServer } = await import("../packages/core/src/ai/testing/index");
const { rngFrom } = await import("../packages/core/src/ai/offline/seed");
const { createLocalRunner } = await import("../packages/local/src/runner/index");

interface Scenario {
  name: string;
  /** false: the server admits everything (the pipeline's own capacity). */
  limited: boolean;
  tasks: number;
  faults?: { rateLimit: number; serverError: number };
}

const scenarios: Scenario[] = [
  { name: "no server limit (capacity)", limited: false, tasks: TASKS },
  { name: "client limit = server limit", limited: true, tasks: TASKS },
  { name: "+ 3% 429 and 2% 5xx injected", limited: true, tasks: TASKS, faults: { rateLimit: 0.03, serverError: 0.02 } },
];

const runner = createLocalRunner({ retryIntervalMs: 200 });
Pipelines.useRunner(runner);

await withActor({ type: "system", properties: {} }, () =>
  Plan.create({
    planId: "bench-writer",
    name: "Bench",
    public: false,
    limits: {
      ...(Object.fromEntries(Plan.limitNames.map((name) => [name, null])) as PlanLimits),
      monthly_credits: 10_000_000,
      max_concurrent_tasks: CONCURRENCY,
    },
  }),
);

async function runScenario(scenario: Scenario) {
  const server = await startAiTestServer({
    requestsPerWindow: scenario.limited ? REQUESTS_PER_WINDOW : undefined,
    windowMs: WINDOW_MS,
    latencyMs: 40,
  });
  const rng = rngFrom("writer-throughput", scenario.name);
  server.faults.rule(() => {
    const roll = rng.next();
    const faults = scenario.faults;
    if (faults && roll < faults.rateLimit) return { type: "rate_limit", retryAfterMs: 200 };
    if (faults && roll < faults.rateLimit + faults.serverError) return { type: "status", status: rng.pick([500, 502, 503]) };
    return undefined;
  });
  const accountId = createId("account");
  const userId = createId("user");
  await createTestTenant({ accountId, userId, planId: "bench-writer" });
  const owner = { type: "user" as const, properties: { accountId, userId, role: "owner" as const, siteIds: null } };
  try {
    return await withActor(owner, async () => {
      const { siteId } = await Site.create({ name: "Bench site", url: "https://bench.example" });
      await AiConfig.update({
        baseUrl: server.url,
        apiKey: `sk-bench-${accountId}`,
        imageModel: "dall-e-2",
        imageSize: "256x256",
        requestsPerMinute: scenario.limited ? REQUESTS_PER_WINDOW : null,
        rateWindowMs: WINDOW_MS,
        // The client's burst headroom scaled with the window (1 s of a real minute).
        rateHeadroomMs: Math.round((1_000 * WINDOW_MS) / 60_000),
        maxAttempts: 8,
        retryBaseDelayMs: 100,
        retryMaxDelayMs: 2_000,
      });
      const taskIds: string[] = [];
      for (let i = 0; i < scenario.tasks; i++) {
        const task = await Task.create({
          siteId,
          title: `Bench article ${i}`,
          primaryKeyword: "trail running shoes",
          keywords: ["heel drop", "rock plate"],
          wordCount: 300,
          inArticleImages: 0,
          featuredImage: true,
        });
        taskIds.push(task.taskId);
      }
      const startedAt = Date.now();
      const run = await ContentRun.start({ siteId, taskIds });
      await runner.idle();
      const view = await ContentRun.get({ siteId, runId: run.runId });
      const finishedAt = Math.max(...view.progress.items.map((item) => Date.parse(item.updatedAt)));
      const durationMs = Math.max(1, finishedAt - startedAt);
      const completed = view.tasks.filter((task) => task.status === "review").length;
      const failed = view.tasks.filter((task) => task.status === "failed").length;
      const lost = scenario.tasks - completed - failed;
      const audit = await Credits.audit();
      const ledger = await Credits.ledger({ limit: 100 });
      let charged = 0;
      let page = ledger;
      for (;;) {
        charged += page.items.reduce((sum, entry) => sum + (entry.tokens?.total ?? 0), 0);
        if (!page.cursor) break;
        page = await Credits.ledger({ limit: 100, cursor: page.cursor });
      }
      const stats = server.stats();
      const bound = (REQUESTS_PER_WINDOW * (1 + durationMs / WINDOW_MS)) / CALLS_PER_TASK;
      return { completed, failed, lost, durationMs, bound, stats, audit, charged, failures: view.tasks.filter((t) => t.failureReason).slice(0, 3) };
    });
  } finally {
    await server.close();
  }
}

console.log(
  `node ${process.version}, ${availableParallelism()} cores, load ${loadavg()[0]!.toFixed(1)}; ${TASKS} tasks x ${CALLS_PER_TASK} AI calls per run ` +
    `through the content-generation pipeline, Map concurrency ${CONCURRENCY}; test server limit ${REQUESTS_PER_WINDOW} requests / ${WINDOW_MS / 1000} s window`,
);
// Warm-up (module loading, JIT, caches): not measured.
await runScenario({ name: "warm-up", limited: false, tasks: 5 });
const rows: (string | number)[][] = [];
for (const scenario of scenarios) {
  const r = await runScenario(scenario);
  const perLimitMinute = (n: number) => Number(((n / r.durationMs) * WINDOW_MS).toFixed(1));
  const nonOk = Object.entries(r.stats.byStatus)
    .filter(([status]) => status !== "200")
    .reduce((sum, [, n]) => sum + n, 0);
  rows.push([
    scenario.name,
    r.completed,
    r.failed,
    r.lost,
    Number((r.durationMs / 1000).toFixed(1)),
    Number(((r.completed / r.durationMs) * 60_000).toFixed(1)),
    perLimitMinute(r.completed),
    scenario.limited ? perLimitMinute(r.bound) : "-",
    scenario.limited ? Number((r.completed / r.bound).toFixed(3)) : "-",
    r.stats.rateLimited,
    r.stats.byStatus["429"] ?? 0,
    nonOk - (r.stats.byStatus["429"] ?? 0),
    r.audit.consistent && r.audit.ledgerSum === r.audit.balance && r.audit.held === 0
      ? `equal (${r.audit.balance})`
      : `${r.audit.ledgerSum} != ${r.audit.balance} (held ${r.audit.held})`,
    r.charged === r.stats.usage.totalTokens ? `equal (${r.charged})` : `${r.charged} != ${r.stats.usage.totalTokens}`,
  ]);
  for (const failure of r.failures) console.log(`  failed ${failure.taskId}: ${failure.failureReason}`);
}
printTable(
  [
    "scenario",
    "done",
    "failed",
    "lost",
    "secs",
    "tasks/min",
    "tasks/limit-min",
    "bound/limit-min",
    "ratio",
    "server limit 429",
    "all 429",
    "5xx",
    "ledger vs balance",
    "charged vs billed tokens",
  ],
  rows,
);

Pipelines.useRunner(undefined);
await Promise.all([dynamo.stop(), s3.stop()]);
await rm(s3Directory, { recursive: true, force: true });
process.exit(0);
