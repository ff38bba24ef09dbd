import { z } from "zod";
import { useAccount, useActor } from "../actor";
import { estimateTokens } from "../ai";
import { Author } from "../author";
import { Connection } from "../connection";
import { Authz } from "../authz";
import { Credits } from "../billing";
import { settings } from "../config";
import * as Rates from "../billing/rates";
import { Limit } from "../limit";
import { Page } from "../pagination";
import { Execution, Pipelines } from "../pipelines";
import { AiConfig, Prompt } from "../prompt";
import { Site } from "../site";
import { Task } from "../task";
import { taskEntity } from "../task/task.entity";
import { Transaction } from "../transaction";
import { VisibleError } from "../util/error";
import { fn } from "../util/fn";
import { createId, idPattern } from "../util/id";
import { contentRunEntity } from "./content.entity";
import { contentCredits, failTask, imagePromptCredits, imagePromptVariables, type RunMode } from "./generate";
import { find, type Stored } from "./index";

/**
 * Content runs: a set of a site's tasks through the content-generation pipeline. Before a run
 * starts it is estimated (credits per task and step, against the balance and the caps); starting
 * it claims every task (no other run may take them meanwhile) and takes the plan's
 * daily_content_tasks slots in one transaction, then starts the pipeline with the plan's
 * max_concurrent_tasks as the Map's concurrency.
 */

export const pipeline = "content-generation";
/** One transaction claims the tasks, takes the limit slots and records the run: at most 98 tasks per run. */
export const MAX_TASKS = 98;
/** Concurrency when the plan sets no max_concurrent_tasks. */
export const DEFAULT_CONCURRENCY = 10;
/** A claim older than this is assumed abandoned (its run died without releasing it). */
const STALE_CLAIM_MS = 6 * 60 * 60_000;

const modes = ["full", "images"] as const;

function actorName(): string {
  const actor = useActor();
  if (actor.type === "user") return actor.properties.userId;
  if (actor.type === "apikey") return actor.properties.keyId;
  return actor.type;
}

export const RunBody = z
  .strictObject({
    taskIds: z.array(Task.TaskId).min(1).max(MAX_TASKS).refine((ids) => new Set(ids).size === ids.length, "task ids repeat"),
    mode: z.enum(modes).default("full").meta({
      description: "full: content, image prompts and images; images: only the images of tasks that have content",
    }),
  })
  .meta({ id: "ContentRunEstimateRequest" });

export const StartBody = RunBody.extend({
  maxCredits: z.number().int().min(1).max(1_000_000_000).optional().meta({
    description: "Hard cap for this run (at most the account's per-run budget)",
  }),
  partial: z.boolean().default(false).meta({
    description: "Start even when the estimate exceeds what is available (steps that cannot be paid fail with credits.insufficient)",
  }),
  publish: z
    .strictObject({
      connectionId: Connection.ConnectionId,
      status: z.enum(["draft", "publish", "future"]).default("publish").meta({ description: "future needs scheduledAt" }),
      scheduledAt: z.iso.datetime({ offset: true }).optional().meta({ description: "When WordPress publishes them (status future)" }),
    })
    .refine((publish) => publish.status !== "future" || publish.scheduledAt !== undefined, {
      message: "required for status future",
      path: ["scheduledAt"],
    })
    .optional()
    .meta({ id: "ContentRunPublish", description: "Publish each task's content to this WordPress connection as the run's last step" }),
}).meta({ id: "ContentRunStart" });

export const TaskEstimate = z
  .object({
    taskId: z.string(),
    title: z.string(),
    content: z.number().int(),
    imagePrompts: z.number().int(),
    images: z.number().int(),
    imageCount: z.number().int(),
    total: z.number().int().meta({ description: "Expected credits for the task (what the run's cap counts)" }),
    most: z.number().int().meta({
      description: "The most the task can be charged: every call at its full completion budget plus a repair call (what its holds set aside)",
    }),
    overhang: z.number().int().meta({
      description: "The most its open holds set aside beyond its expected cost at one moment (one step, or two images, at a time)",
    }),
  })
  .meta({ id: "ContentRunTaskEstimate" });

export const EstimateView = z
  .object({
    mode: z.enum(modes),
    tasks: z.array(TaskEstimate),
    total: z.number().int().meta({ description: "Expected credits for the whole run; a run capped at this is not refused while its real cost fits" }),
    most: z.number().int().meta({ description: "The most the run can be charged without a cap (every call at its worst case); with a cap, never more than runCap" }),
    peak: z.number().int().meta({
      description:
        "The most the run sets aside at one moment (expected cost plus the worst-case holds of maxConcurrency tasks in flight): what must be available and left in the month's budget",
    }),
    maxConcurrency: z.number().int().meta({ description: "Tasks the run would write at once (the plan's max_concurrent_tasks)" }),
    rates: Rates.Rates,
    available: z.number().int(),
    metered: z.boolean(),
    budgets: Credits.Budgets,
    monthCommitted: z.number().int(),
    runCap: z.number().int().nullable().meta({ description: "The cap this run would have" }),
    fits: z.boolean().meta({ description: "Within what is available and every cap" }),
    problems: z.array(z.object({ code: z.string(), message: z.string() })),
  })
  .meta({ id: "ContentRunEstimate" });
export type EstimateView = z.infer<typeof EstimateView>;

const eligible: Record<RunMode, Task.TaskStatus[]> = {
  full: ["queued", "failed"],
  images: ["review", "approved", "failed"],
};

async function loadTasks(siteId: string, taskIds: string[], mode: RunMode): Promise<Task.Stored[]> {
  const tasks: Task.Stored[] = [];
  for (const taskId of taskIds) {
    const task = await Task.find(siteId, taskId);
    if (!task) throw Task.notFound(taskId);
    if (!eligible[mode].includes(task.status)) {
      throw new VisibleError("conflict", "task.status_invalid", `Task ${taskId} is ${task.status}; a ${mode} run takes ${eligible[mode].join(" or ")} tasks`, {
        taskId,
      });
    }
    if (mode === "images" && !task.contentId) {
      throw new VisibleError("conflict", "task.no_content", `Task ${taskId} has no content to add images to`, { taskId });
    }
    tasks.push(task);
  }
  return tasks;
}

/** Tasks a run writes at once: the plan's max_concurrent_tasks (at most 40). */
export async function runConcurrency(): Promise<number> {
  const plan = await Limit.currentPlan();
  return Math.min(Math.max(1, plan.limits.max_concurrent_tasks ?? DEFAULT_CONCURRENCY), 40);
}

/** Characters of an image prompt as the image-prompts step writes them (one concrete scene). */
const TYPICAL_IMAGE_PROMPT = "x".repeat(320);

/**
 * Per task and step, the credits the run's steps are expected to cost and the most they hold, by
 * the same functions the steps use (contentCredits, imagePromptCredits, imageCredits) on the same
 * rendered prompts (with the author profile and strategy), so a step's hold counts against the
 * run's cap what the estimate counted for it.
 */
async function estimateTasks(siteId: string, tasks: Task.Stored[], mode: RunMode) {
  const [rates, ai] = await Promise.all([Rates.current(), AiConfig.providerConfig()]);
  const { Image } = await import("../image");
  const billsTokens = Image.billsImageTokens(ai.config);
  const estimates: z.infer<typeof TaskEstimate>[] = [];
  for (const task of tasks) {
    const [site, voice] = await Promise.all([
      Prompt.siteContext(siteId, task.sectorId),
      Author.voiceFor({ siteId, authorId: task.authorId, strategyId: task.strategyId }),
    ]);
    const stored = mode === "images" && task.contentId ? await find(siteId, task.contentId) : undefined;
    let imageCount = task.inArticleImages + (task.featuredImage ? 1 : 0);
    if (stored) imageCount = stored.imagePrompts.length;
    const none = { expected: 0, most: 0 };
    let content = none;
    let imagePrompts = none;
    let image = none;
    if (mode === "full") {
      const rendered = await Prompt.renderFor(`content.${task.contentType}`, Prompt.contentVariables(task, site), { taskId: task.taskId, voice });
      content = contentCredits(rates, estimateTokens([rendered.system, rendered.prompt], 0), task.wordCount);
      if (imageCount > 0) {
        const stand = { title: task.title, outline: (task.outline as Task.OutlineSection[]) ?? [] } as unknown as Stored;
        const prompts = await Prompt.renderFor("image_prompts", imagePromptVariables(stand, task, site), { taskId: task.taskId, voice });
        imagePrompts = imagePromptCredits(rates, estimateTokens([prompts.system, prompts.prompt], 0), task.inArticleImages, imageCount);
      }
    }
    if (imageCount > 0) {
      const item = stored?.imagePrompts[0] ?? { prompt: TYPICAL_IMAGE_PROMPT, alt: task.title, placement: "in-article" };
      const rendered = await Prompt.renderFor("images", Image.imageVariables(site, item, task.title), { taskId: task.taskId, voice });
      const promptTokens = estimateTokens([rendered.prompt], 0);
      image = {
        expected: Image.imageCredits(rates, promptTokens, ai.imageSize, billsTokens).expected,
        most: Image.imageCredits(rates, promptTokens, ai.imageSize, true).most,
      };
    }
    estimates.push({
      taskId: task.taskId,
      title: task.title,
      content: content.expected,
      imagePrompts: imagePrompts.expected,
      images: imageCount * image.expected,
      imageCount,
      total: content.expected + imagePrompts.expected + imageCount * image.expected,
      most: content.most + imagePrompts.most + imageCount * image.most,
      // A task runs one step at a time, its images two at a time.
      overhang: Math.max(content.most - content.expected, imagePrompts.most - imagePrompts.expected, Math.min(2, imageCount) * (image.most - image.expected)),
    });
  }
  return { estimates, rates };
}

/**
 * The run's estimate against what can refuse it. A step's hold counts its expected cost against
 * the run's cap but its worst case against the balance and the month's budget (see Credits), so:
 * the cap is checked against `total` (the expected cost), the balance and the month against `peak`
 * (the expected cost plus what the holds of maxConcurrency tasks in flight set aside beyond it).
 * A run that fits here is not refused for budget on the way while its real cost stays within the
 * estimate (and nothing else spends the account's credits meanwhile).
 */
async function estimateFor(siteId: string, tasks: Task.Stored[], mode: RunMode, maxCredits?: number): Promise<EstimateView> {
  const [{ estimates, rates }, maxConcurrency] = await Promise.all([estimateTasks(siteId, tasks, mode), runConcurrency()]);
  const total = estimates.reduce((sum, task) => sum + task.total, 0);
  const most = estimates.reduce((sum, task) => sum + task.most, 0);
  const overhangs = estimates.map((task) => task.overhang).sort((a, b) => b - a);
  const peak = Math.min(most, total + overhangs.slice(0, maxConcurrency).reduce((sum, value) => sum + value, 0));
  const balance = await Credits.balance();
  const runCap = [balance.budgets.perRun, maxCredits ?? null].filter((cap): cap is number => cap !== null).reduce<number | null>(
    (min, cap) => (min === null ? cap : Math.min(min, cap)),
    null,
  );
  const problems: { code: string; message: string }[] = [];
  const needs = `The run is expected to cost ${total} credits and sets aside up to ${peak} at once while it runs`;
  if (balance.metered && peak > balance.available) {
    problems.push({ code: "credits.insufficient", message: `${needs}; ${balance.available} are available` });
  }
  if (runCap !== null && total > runCap) {
    problems.push({ code: "credits.run_budget_reached", message: `The run is expected to cost ${total} credits; its cap is ${runCap}` });
  }
  if (balance.budgets.perMonth !== null && balance.month.committed + peak > balance.budgets.perMonth) {
    problems.push({
      code: "credits.monthly_budget_reached",
      message: `${needs}; ${Math.max(0, balance.budgets.perMonth - balance.month.committed)} are left in this month's budget`,
    });
  }
  return {
    mode,
    tasks: estimates,
    total,
    most,
    peak,
    maxConcurrency,
    rates,
    available: balance.available,
    metered: balance.metered,
    budgets: balance.budgets,
    monthCommitted: balance.month.committed,
    runCap,
    fits: problems.length === 0,
    problems,
  };
}

/** What a run would cost, before it starts (nothing is claimed or charged). */
export const estimate = fn(RunBody.extend({ siteId: Site.SiteId }), async ({ siteId, taskIds, mode }) => {
  await Authz.assert("writer.read", { siteId });
  return estimateFor(siteId, await loadTasks(siteId, taskIds, mode), mode);
});

export const Started = z
  .object({
    runId: z.string().meta({ description: "Also the execution's name" }),
    executionId: Execution.ExecutionId.meta({ description: "Follow it at GET /v1/executions/{executionId}" }),
    pipeline: z.literal(pipeline),
    tasks: z.number().int(),
    maxConcurrency: z.number().int(),
    estimate: EstimateView,
  })
  .meta({ id: "ContentRunStarted" });

/** The task's generation for this run: failed tasks resume theirs (finished steps are skipped). */
function nextGeneration(task: Task.Stored, mode: RunMode) {
  if (mode === "full" && task.status === "failed" && task.generation > 0) return task.generation;
  return task.generation + 1;
}

function claimPart(task: Task.Stored, runId: string, generation: number, now: Date): Transaction.Part {
  const stale = new Date(now.getTime() - STALE_CLAIM_MS).toISOString();
  return Transaction.part(
    taskEntity()
      .patch({ accountId: useAccount(), siteId: task.siteId, taskId: task.taskId })
      .set({ activeRunId: runId, claimedAt: now.toISOString(), generation, status: task.status === "failed" ? "queued" : task.status })
      .remove(["failureReason"])
      .where(
        (attr, op) =>
          `${op.eq(attr.status, task.status)} AND (${op.notExists(attr.activeRunId)} OR ${op.lt(attr.claimedAt, stale)})`,
      ),
    () =>
      new VisibleError("conflict", "task.busy", `Task ${task.taskId} is in another run or changed meanwhile`, {
        taskId: task.taskId,
      }),
  );
}

function releaseClaims(tasks: Task.Stored[], runId: string): Transaction.Part[] {
  return tasks.map((task) =>
    Transaction.part(
      taskEntity()
        .patch({ accountId: useAccount(), siteId: task.siteId, taskId: task.taskId })
        .set({ status: task.status, generation: task.generation })
        .remove(["activeRunId", "claimedAt"])
        .where((attr, op) => op.eq(attr.activeRunId, runId)),
    ),
  );
}

/**
 * Starts a run: estimate, refuse what cannot be paid (unless `partial`), then claim the tasks and
 * the daily_content_tasks slots atomically and start the pipeline.
 */
export const start = fn(StartBody.extend({ siteId: Site.SiteId }), async ({ siteId, taskIds, mode, maxCredits, partial, publish }) => {
  await Authz.assert("writer.write", { siteId });
  if (publish) {
    await Authz.assert("publisher.write", { siteId });
    await Connection.get({ siteId, connectionId: publish.connectionId });
  }
  const tasks = await loadTasks(siteId, taskIds, mode);
  const estimated = await estimateFor(siteId, tasks, mode, maxCredits);
  const blocking = estimated.problems.find((problem) => !partial || problem.code === "credits.run_budget_reached");
  if (blocking) {
    throw new VisibleError("payment", blocking.code, blocking.message, {
      estimate: estimated.total,
      available: estimated.available,
      runCap: estimated.runCap,
    });
  }
  // Nothing is claimed when no pipeline could start (locally: no runner, e.g. outside `pnpm dev`).
  if (settings().IGNY8_PIPELINES === "local" && !Pipelines.hasRunner()) {
    throw new VisibleError("unavailable", "pipeline.runner_missing", "No local pipeline runner is running; start the local cloud with `pnpm dev`");
  }
  const maxConcurrency = estimated.maxConcurrency;
  const runId = createId("contentRun");
  const now = new Date();
  const slots = await Limit.reserve({ limit: "daily_content_tasks", siteId, amount: tasks.length, now });
  const items = tasks.map((task) => ({ taskId: task.taskId, generation: nextGeneration(task, mode) }));
  const accountId = useAccount();
  const record = Transaction.part(
    contentRunEntity().create({
      accountId,
      siteId,
      runId,
      executionId: "pending",
      mode,
      taskIds: tasks.map((task) => task.taskId),
      runCap: estimated.runCap ?? undefined,
      estimate: estimated.total,
      maxConcurrency,
      publish,
      createdBy: actorName(),
      createdAt: now.toISOString(),
    }),
  );
  // The run record, the limit slots and every claim: all or nothing (at most 100 writes).
  await Transaction.write([slots, record, ...tasks.map((task, i) => claimPart(task, runId, items[i]!.generation, now))]);
  let executionId: string;
  try {
    executionId = await Pipelines.start(
      pipeline,
      { siteId, runId, runCap: estimated.runCap, mode, maxConcurrency, items, publish: publish ?? null },
      { executionName: runId },
    );
  } catch (error) {
    await Transaction.write([
      ...releaseClaims(tasks, runId),
      Limit.release({ limit: "daily_content_tasks", siteId, amount: tasks.length, window: slots.window }),
      Transaction.part(contentRunEntity().delete({ accountId, siteId, runId })),
    ]);
    throw error;
  }
  await contentRunEntity().patch({ accountId, siteId, runId }).set({ executionId }).go();
  return { runId, executionId, pipeline, tasks: tasks.length, maxConcurrency, estimate: estimated } as z.infer<typeof Started>;
});

export const RunView = Execution.View.extend({
  siteId: z.string(),
  runId: z.string(),
  executionId: z.string(),
  mode: z.enum(modes),
  estimate: z.number().int(),
  runCap: z.number().int().nullable(),
  publish: z
    .object({ connectionId: z.string(), status: z.enum(["draft", "publish", "future"]), scheduledAt: z.string().nullable() })
    .nullable()
    .meta({ description: "Where the run publishes each task's content, if anywhere" }),
  tasks: z.array(
    z.object({ taskId: z.string(), title: z.string(), status: z.enum(Task.taskStatuses), failureReason: z.string().nullable(), contentId: z.string().nullable() }),
  ),
}).meta({ id: "ContentRun" });

export const Summary = z
  .object({
    runId: z.string(),
    executionId: z.string(),
    mode: z.enum(modes),
    tasks: z.number().int(),
    estimate: z.number().int(),
    status: z.enum(["running", "succeeded", "failed"]),
    createdAt: z.string(),
    endedAt: z.string().nullable(),
  })
  .meta({ id: "ContentRunSummary" });

export const RunId = z.string().regex(idPattern("contentRun"), "not a run id").meta({ example: "run_01hz3v5k8q2w4e6r8t0y2u4i6o" });

/** A run with its execution's per-task progress and each task's status now. */
export const get = fn(z.strictObject({ siteId: Site.SiteId, runId: RunId }), async ({ siteId, runId }): Promise<z.infer<typeof RunView>> => {
  await Authz.assert("writer.read", { siteId });
  const { data: run } = await contentRunEntity().get({ accountId: useAccount(), siteId, runId }).go();
  const execution = run ? await Execution.get(run.executionId) : undefined;
  if (!run || !execution) throw new VisibleError("not_found", "content_run.not_found", "No such content run in this site", { runId });
  const tasks = [];
  for (const taskId of run.taskIds) {
    const task = await Task.find(siteId, taskId);
    if (!task) continue;
    tasks.push({ taskId, title: task.title, status: task.status, failureReason: task.failureReason ?? null, contentId: task.contentId ?? null });
  }
  return { ...execution, siteId, runId, executionId: run.executionId, mode: run.mode, estimate: run.estimate, runCap: run.runCap ?? null, publish: run.publish ? { ...run.publish, scheduledAt: run.publish.scheduledAt ?? null } : null, tasks };
});

/** The site's runs, newest first. */
export const list = fn(z.strictObject({ ...Page.Query, siteId: Site.SiteId }), async ({ siteId, cursor, limit }): Promise<Page.Result<z.infer<typeof Summary>>> => {
  await Authz.assert("writer.read", { siteId });
  const accountId = useAccount();
  const scope = JSON.stringify(["content-runs", accountId, siteId]);
  const result = await contentRunEntity()
    .query.bySite({ accountId, siteId })
    .go({ cursor: Page.decode(cursor, scope) ?? null, count: limit, order: "desc" });
  const items = await Promise.all(
    result.data.map(async (run) => {
      const { data: execution } = await Execution.ExecutionEntity()
        .get({ accountId, executionId: run.executionId })
        .go({ attributes: ["status", "endedAt"] });
      return {
        runId: run.runId,
        executionId: run.executionId,
        mode: run.mode,
        tasks: run.taskIds.length,
        estimate: run.estimate,
        status: execution?.status ?? "running",
        createdAt: run.createdAt,
        endedAt: execution?.endedAt ?? null,
      };
    }),
  );
  return { items, cursor: Page.encode(result.cursor, scope) };
});

/**
 * Fails every task the run still holds (its pipeline failed as a whole), so no task stays claimed
 * or silently lost. Returns how many were failed.
 */
export async function failRemaining(input: { siteId: string; runId: string; executionId: string; reason: string }): Promise<number> {
  const { data: run } = await contentRunEntity().get({ accountId: useAccount(), siteId: input.siteId, runId: input.runId }).go();
  if (!run) return 0;
  let failed = 0;
  for (const taskId of run.taskIds) {
    const task = await Task.find(input.siteId, taskId);
    if (!task || task.activeRunId !== input.runId) continue;
    await failTask(
      {
        siteId: input.siteId,
        taskId,
        runId: input.runId,
        runCap: run.runCap ?? null,
        generation: task.generation,
        executionId: input.executionId,
        mode: run.mode,
      },
      input.reason,
    );
    failed++;
  }
  return failed;
}
