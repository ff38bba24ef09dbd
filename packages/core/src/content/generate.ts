import { z } from "zod";
import { useAccount } from "../actor";
import { type ChatResult, estimateTokens } from "../ai";
import { Author } from "../author";
import { Authz } from "../authz";
import { Credits } from "../billing";
import * as Rates from "../billing/rates";
import { Limit } from "../limit";
import { Execution } from "../pipelines";
import { AiConfig, Prompt } from "../prompt";
import { Task } from "../task";
import { taskEntity } from "../task/task.entity";
import { Transaction } from "../transaction";
import { VisibleError } from "../util/error";
import { createId } from "../util/id";
import {
  type Body,
  type DeriveContext,
  derive,
  deriveContext,
  find,
  type ImagePromptItem,
  load,
  type Stored,
  versionParts,
} from "./index";
import { clip, mediaSrc, textOf } from "./sanitize";
import { contentEntity } from "./content.entity";
import { type GeneratedContent, type GeneratedImagePrompts, imagePromptsSchema, outputSchema } from "./schema";

/**
 * The steps of the content pipeline, as domain functions (the pipeline's Lambda handlers are thin
 * wrappers). Each step is keyed by (task, step, generation): the key goes into the task's
 * `stepsDone` in the same transaction as the step's result and its charge, so a step retried after
 * it succeeded does nothing, and one retried after it failed starts clean. Every step checks that
 * the run still holds the task (`activeRunId`).
 */

export type RunMode = "full" | "images";

export interface StepContext {
  siteId: string;
  taskId: string;
  runId: string;
  runCap: number | null;
  generation: number;
  executionId: string;
  mode: RunMode;
  /** Aborts the provider call before the Lambda's own timeout, so the hold is released. */
  signal?: AbortSignal;
}

/** The task was released by its run (or deleted): the step must not touch it. */
export class TaskNotClaimedError extends Error {
  override name = "TaskNotClaimed";
}

export const stepKey = (step: string, generation: number) => `g${generation}:${step}`;
const version = (generation: number) => `g${generation}`;

export async function claimed(ctx: StepContext): Promise<Task.Stored> {
  const task = await Task.find(ctx.siteId, ctx.taskId);
  if (!task) throw new TaskNotClaimedError(`Task ${ctx.taskId} no longer exists`);
  if (task.activeRunId !== ctx.runId) throw new TaskNotClaimedError(`Task ${ctx.taskId} is not held by run ${ctx.runId}`);
  return task;
}

const done = (task: Task.Stored, step: string, generation: number) => (task.stepsDone ?? []).includes(stepKey(step, generation));

/** Marks a step done on the task (condition: the run still holds it), with other changes. */
export function taskStepPart(ctx: StepContext, step: string, set: Record<string, unknown> = {}): Transaction.Part {
  const update = taskEntity()
    .update({ accountId: useAccount(), siteId: ctx.siteId, taskId: ctx.taskId })
    .add({ stepsDone: [stepKey(step, ctx.generation)] })
    .set(set)
    .where((attr, op) => op.eq(attr.activeRunId, ctx.runId));
  return Transaction.part(update, () => new TaskNotClaimedError(`Task ${ctx.taskId} is not held by run ${ctx.runId}`));
}

/** Shows which step a task is at in its execution's progress. */
export async function progress(ctx: StepContext, detail: Record<string, unknown>): Promise<void> {
  await Execution.ExecutionItemEntity()
    .patch({ accountId: useAccount(), executionId: ctx.executionId, item: ctx.taskId })
    .set({ detail, updatedAt: new Date().toISOString() })
    .go()
    .catch(() => undefined);
}

async function markGenerating(task: Task.Stored, ctx: StepContext) {
  if (task.status === "generating") return;
  await taskEntity()
    .patch({ accountId: useAccount(), siteId: ctx.siteId, taskId: ctx.taskId })
    .set({ status: "generating" })
    .where((attr, op) => op.eq(attr.activeRunId, ctx.runId))
    .go()
    .catch(() => {
      throw new TaskNotClaimedError(`Task ${ctx.taskId} is not held by run ${ctx.runId}`);
    });
}

/** A completion budget for a piece of `wordCount` words (HTML, FAQ and meta included). */
export function contentMaxTokens(wordCount: number): number {
  return Math.min(16_000, Math.max(2_000, Math.round(wordCount * 2.2) + 1_200));
}

/**
 * Tokens of a content reply besides the body: the outline, 3-6 FAQ answers, title, slug, meta
 * title and description, excerpt, keywords covered, type fields and the JSON around them (the
 * offline adapter's replies measure about 1,100 of them; a reply answered in full by a model, about the same).
 */
const CONTENT_REPLY_OVERHEAD = 1_100;

/** What a content generation probably costs, in tokens: the prompt and a typical answer. */
export function expectedContentTokens(promptTokens: number, wordCount: number): number {
  return promptTokens + Math.round(wordCount * 1.35 * 1.25) + CONTENT_REPLY_OVERHEAD;
}

/** A content step's credits: expected (what its run's cap counts) and the most (what it holds). */
export function contentCredits(rates: Rates.Rates, promptTokens: number, wordCount: number) {
  return {
    expected: Rates.cost(rates.content, { tokens: expectedContentTokens(promptTokens, wordCount) }),
    // Two rounds (the answer and one repair) at most, each within the completion budget.
    most: Rates.cost(rates.content, { tokens: 2 * (promptTokens + contentMaxTokens(wordCount)) }),
  };
}

/** The completion budget of the image-prompts step. */
export function imagePromptsMaxTokens(inArticleImages: number): number {
  return 600 + 200 * (inArticleImages + 1);
}

/** An image-prompts step's credits for `images` prompts: expected (about 130 tokens a prompt) and the most. */
export function imagePromptCredits(rates: Rates.Rates, promptTokens: number, inArticleImages: number, images: number) {
  return {
    expected: Rates.cost(rates.image_prompts, { tokens: promptTokens + 130 * images + 100 }),
    most: Rates.cost(rates.image_prompts, { tokens: 2 * (promptTokens + imagePromptsMaxTokens(inArticleImages)) }),
  };
}

/** The structured facts the offline adapter builds a draft from (real providers ignore them). */
function contentInputs(task: Task.Stored, ctx: DeriveContext, voice: Author.Voice) {
  return {
    title: task.title,
    primaryKeyword: task.primaryKeyword,
    keywords: [task.primaryKeyword, ...(task.keywords ?? [])],
    outline: task.outline,
    contentType: task.contentType,
    wordCount: task.wordCount,
    cluster: task.clusterName,
    site: ctx.site.siteName,
    sector: ctx.site.sector,
    ...Prompt.voiceInputs(voice),
  };
}

function describeCall(task: Task.Stored, what: string) {
  return `${what} for "${clip(task.title, 80)}"`;
}

/** Gives back holds left by earlier attempts of this step (their Lambda died or timed out). */
async function releaseEarlierAttempts(ctx: StepContext, step: string) {
  await Credits.releaseOpen(`${ctx.taskId}#${step}#${version(ctx.generation)}#`);
}

/** The monthly_word_count_limit counter moved from the reserved target to the words written. */
function wordAdjustment(held: Credits.Hold, actualWords: number): Transaction.Part[] {
  const reservation = held.reservations.find((r) => r.limit === "monthly_word_count_limit");
  if (!reservation) return [];
  const delta = actualWords - reservation.amount;
  if (delta === 0) return [];
  // `release` adds -amount without a condition: a negative amount adds the words beyond the target
  // (the article exists; the next one is refused if this one went over).
  return [Limit.release({ limit: "monthly_word_count_limit", siteId: held.siteId, amount: -delta, window: reservation.window })];
}

// --- step: content --------------------------------------------------------------------------

export async function generateContent(ctx: StepContext): Promise<{ contentId: string; skipped: boolean; version?: number }> {
  const task = await claimed(ctx);
  if (done(task, "content", ctx.generation) || (ctx.mode === "images" && task.contentId)) {
    return { contentId: task.contentId!, skipped: true };
  }
  await markGenerating(task, ctx);
  await progress(ctx, { step: "content", title: task.title });
  await releaseEarlierAttempts(ctx, "content");
  const [voice, rates, ai] = await Promise.all([
    Author.voiceFor({ siteId: task.siteId, authorId: task.authorId, strategyId: task.strategyId }),
    Rates.current(),
    AiConfig.provider(),
  ]);
  const derived = await deriveContext(task, { voice });
  const rendered = await Prompt.renderFor(`content.${task.contentType}`, Prompt.contentVariables(task, derived.site), {
    taskId: task.taskId,
    voice,
  });
  const { schema, name } = outputSchema(task.contentType);
  const maxTokens = contentMaxTokens(task.wordCount);
  const promptTokens = estimateTokens([rendered.system, rendered.prompt], 0);
  const credits = contentCredits(rates, promptTokens, task.wordCount);
  const held = await Credits.hold({
    subject: task.taskId,
    step: "content",
    version: version(ctx.generation),
    function: "content",
    amount: credits.most,
    expected: credits.expected,
    siteId: task.siteId,
    runId: ctx.runId,
    runCap: ctx.runCap,
    limits: [{ limit: "daily_ai_requests" }, { limit: "monthly_word_count_limit", amount: task.wordCount }],
  });
  try {
    const reply: ChatResult<GeneratedContent> = await ai.provider.chat({
      function: "content",
      system: rendered.system,
      prompt: rendered.prompt,
      schema,
      schemaName: name,
      maxTokens,
      signal: ctx.signal,
      inputs: contentInputs(task, derived, voice),
    });
    const current = task.contentId ? await find(task.siteId, task.contentId) : undefined;
    const contentId = task.contentId ?? createId("content");
    const body = derive(draftOf(reply), derived);
    const written = versionParts({
      current,
      identity: { siteId: task.siteId, contentId, taskId: task.taskId, contentType: task.contentType },
      body,
      source: "generation",
      generation: ctx.generation,
      note: reply.provider === "offline" ? "Offline draft (no AI provider)" : `Generated by ${reply.model}`,
    });
    await Credits.settle(
      held,
      {
        credits: Rates.cost(rates.content, { tokens: reply.usage.totalTokens }),
        usage: reply.usage,
        model: reply.model,
        provider: reply.provider,
        description: describeCall(task, "Content"),
      },
      [...written.parts, taskStepPart(ctx, "content", { contentId }), ...wordAdjustment(held, body.wordCount)],
    );
    return { contentId, skipped: false, version: written.version };
  } catch (error) {
    await Credits.release(held);
    throw error;
  }
}

function draftOf(reply: ChatResult<GeneratedContent>) {
  const data = reply.data;
  const typeFields: Record<string, unknown> = {};
  if (data.product) typeFields.product = data.product;
  if (data.service) typeFields.service = data.service;
  if (data.subtopics) typeFields.subtopics = data.subtopics;
  return {
    title: data.title,
    slug: data.slug,
    metaTitle: data.metaTitle,
    metaDescription: data.metaDescription,
    excerpt: data.excerpt,
    html: data.html,
    outline: data.outline,
    faq: data.faq,
    typeFields,
    offline: reply.provider === "offline",
    provider: reply.provider,
    model: reply.model,
  };
}

// --- step: image prompts --------------------------------------------------------------------

export function imagePromptVariables(content: Stored, task: Task.Stored, site: Prompt.SiteContext) {
  const headings = content.outline.map((section) => section.heading);
  return {
    ...Prompt.siteVariables(site),
    title: content.title,
    primary_keyword: task.primaryKeyword,
    headings: Prompt.bullets(headings.length > 0 ? headings : [content.title]),
    in_article_count: String(task.inArticleImages),
    featured: task.featuredImage ? "yes" : "",
  };
}

export async function generateImagePrompts(ctx: StepContext): Promise<{ images: number[]; skipped: boolean }> {
  const task = await claimed(ctx);
  if (!task.contentId) throw new VisibleError("conflict", "content.missing", "The task has no content yet");
  const content = await load(task.siteId, task.contentId);
  const indexes = () => content.imagePrompts.map((item) => item.index);
  if (done(task, "image_prompts", ctx.generation) || (ctx.mode === "images" && content.imagePrompts.length > 0)) {
    return { images: indexes(), skipped: true };
  }
  await progress(ctx, { step: "image_prompts", title: content.title });
  if (task.inArticleImages === 0 && !task.featuredImage) {
    await Transaction.write([taskStepPart(ctx, "image_prompts")]);
    return { images: [], skipped: false };
  }
  await releaseEarlierAttempts(ctx, "image_prompts");
  const [site, voice, rates, ai] = await Promise.all([
    Prompt.siteContext(task.siteId, task.sectorId),
    Author.voiceFor({ siteId: task.siteId, authorId: task.authorId, strategyId: task.strategyId }),
    Rates.current(),
    AiConfig.provider(),
  ]);
  const rendered = await Prompt.renderFor("image_prompts", imagePromptVariables(content, task, site), { taskId: task.taskId, voice });
  const maxTokens = imagePromptsMaxTokens(task.inArticleImages);
  const promptTokens = estimateTokens([rendered.system, rendered.prompt], 0);
  const credits = imagePromptCredits(rates, promptTokens, task.inArticleImages, task.inArticleImages + (task.featuredImage ? 1 : 0));
  const held = await Credits.hold({
    subject: task.taskId,
    step: "image_prompts",
    version: version(ctx.generation),
    function: "image_prompts",
    amount: credits.most,
    expected: credits.expected,
    siteId: task.siteId,
    runId: ctx.runId,
    runCap: ctx.runCap,
    limits: [{ limit: "daily_ai_requests" }],
  });
  try {
    const headings = content.outline.map((section) => section.heading);
    const reply: ChatResult<GeneratedImagePrompts> = await ai.provider.chat({
      function: "image_prompts",
      system: rendered.system,
      prompt: rendered.prompt,
      schema: imagePromptsSchema,
      schemaName: "image_prompts",
      maxTokens,
      signal: ctx.signal,
      inputs: {
        title: content.title,
        primaryKeyword: task.primaryKeyword,
        keywords: [task.primaryKeyword, ...(task.keywords ?? [])],
        headings,
        count: task.inArticleImages + (task.featuredImage ? 1 : 0),
        ...Prompt.voiceInputs(voice),
      },
    });
    const items: ImagePromptItem[] = [];
    if (task.featuredImage) {
      items.push({
        index: 0,
        placement: "featured",
        prompt: clip(reply.data.featured.prompt, 2000),
        alt: clip(reply.data.featured.alt || content.title, 300),
        caption: clip(reply.data.featured.caption, 300),
        section: "",
      });
    }
    reply.data.inArticle.slice(0, task.inArticleImages).forEach((item, i) => {
      items.push({
        index: items.length,
        placement: "in-article",
        prompt: clip(item.prompt, 2000),
        alt: clip(item.alt || item.section || content.title, 300),
        caption: clip(item.caption, 300),
        section: clip(item.section || headings[i % Math.max(1, headings.length)] || "", 300),
      });
    });
    const accountId = useAccount();
    await Credits.settle(
      held,
      {
        credits: Rates.cost(rates.image_prompts, { tokens: reply.usage.totalTokens }),
        usage: reply.usage,
        model: reply.model,
        provider: reply.provider,
        description: describeCall(task, "Image prompts"),
      },
      [
        Transaction.part(
          contentEntity()
            .patch({ accountId, siteId: task.siteId, contentId: content.contentId })
            .set({ imagePrompts: items, imagePromptsGeneration: ctx.generation })
            .where((attr, op) => op.eq(attr.version, content.version)),
        ),
        taskStepPart(ctx, "image_prompts"),
      ],
    );
    return { images: items.map((item) => item.index), skipped: false };
  } catch (error) {
    await Credits.release(held);
    throw error;
  }
}

// --- step: finish ---------------------------------------------------------------------------

export interface PlacedImage {
  imageId: string;
  index: number;
  placement: "featured" | "in-article";
  section: string;
  alt: string;
  caption: string;
  width: number;
  height: number;
}

const escapeAttribute = (text: string) => text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const escapeText = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Figures we inserted earlier (their image is one of ours), removed before inserting again. */
const ourFigure = /\n?<figure>\s*<img [^>]*src="\/media\/img_[^"]+"[^>]*\/?>(?:\s*<figcaption>[\s\S]*?<\/figcaption>)?\s*<\/figure>/gi;

/**
 * The body with each in-article image as a <figure> after the heading of its section (or spread
 * over the <h2>s when no heading matches). The featured image is not in the body.
 */
export function placeImages(html: string, images: PlacedImage[]): string {
  let out = html.replace(ourFigure, "");
  const inArticle = images.filter((image) => image.placement === "in-article").sort((a, b) => a.index - b.index);
  inArticle.forEach((image, i) => {
    const figure =
      `<figure><img src="${mediaSrc(image.imageId)}" alt="${escapeAttribute(image.alt)}" width="${image.width}" height="${image.height}" loading="lazy" />` +
      `${image.caption ? `<figcaption>${escapeText(image.caption)}</figcaption>` : ""}</figure>`;
    const headings = [...out.matchAll(/<(h[23])\b[^>]*>([\s\S]*?)<\/\1>/gi)];
    const wanted = image.section.trim().toLowerCase();
    const match =
      headings.find((h) => wanted && textOf(h[2]!).toLowerCase() === wanted) ??
      headings.filter((h) => h[1]!.toLowerCase() === "h2")[i + 1] ??
      headings.at(-1);
    if (!match || match.index === undefined) {
      out = `${out}\n${figure}`;
      return;
    }
    const at = match.index + match[0].length;
    out = `${out.slice(0, at)}\n${figure}${out.slice(at)}`;
  });
  return out;
}

export async function finishTask(
  ctx: StepContext,
  images: (contentId: string) => Promise<PlacedImage[]>,
): Promise<{ status: string; contentId?: string; cost: number; version?: number }> {
  const task = await Task.find(ctx.siteId, ctx.taskId);
  if (!task) throw new TaskNotClaimedError(`Task ${ctx.taskId} no longer exists`);
  const cost = await Credits.chargedFor(ctx.taskId, version(ctx.generation));
  // Already finished by an earlier attempt of this step.
  if (task.activeRunId !== ctx.runId) {
    if (task.lastRunId === ctx.runId && done(task, "finish", ctx.generation)) {
      await itemDone(ctx, "succeeded", { cost, detail: { step: "done", contentId: task.contentId } });
      return { status: task.status, contentId: task.contentId, cost };
    }
    throw new TaskNotClaimedError(`Task ${ctx.taskId} is not held by run ${ctx.runId}`);
  }
  const parts: Transaction.Part[] = [];
  let newVersion: number | undefined;
  if (task.contentId) {
    const content = await load(task.siteId, task.contentId);
    const placed = await images(content.contentId);
    const featured = placed.find((image) => image.placement === "featured");
    const html = placeImages(content.html, placed);
    const imageIds = placed.map((image) => image.imageId);
    const changed =
      html !== content.html || (featured?.imageId ?? "") !== content.featuredImageId || imageIds.join() !== content.imageIds.join();
    if (changed) {
      const body: Body = derive(
        { ...content, html, featuredImageId: featured?.imageId ?? "", imageIds },
        await deriveContext(task),
      );
      const written = versionParts({
        current: content,
        identity: { siteId: task.siteId, contentId: content.contentId, taskId: task.taskId, contentType: task.contentType },
        body,
        source: "images",
        generation: ctx.generation,
        note: `${placed.length} image${placed.length === 1 ? "" : "s"} placed`,
      });
      parts.push(...written.parts);
      newVersion = written.version;
    }
  }
  parts.push(
    Transaction.part(
      taskEntity()
        .update({ accountId: useAccount(), siteId: ctx.siteId, taskId: ctx.taskId })
        .add({ stepsDone: [stepKey("finish", ctx.generation)] })
        .set({ status: "review", lastRunId: ctx.runId })
        .remove(["activeRunId", "claimedAt", "failureReason"])
        .where((attr, op) => op.eq(attr.activeRunId, ctx.runId)),
      () => new TaskNotClaimedError(`Task ${ctx.taskId} is not held by run ${ctx.runId}`),
    ),
  );
  await Transaction.write(parts);
  await itemDone(ctx, "succeeded", { cost, detail: { step: "done", contentId: task.contentId, version: newVersion } });
  return { status: "review", contentId: task.contentId, cost, version: newVersion };
}

async function itemDone(
  ctx: StepContext,
  status: "succeeded" | "failed",
  extra: { cost: number; detail?: unknown; error?: string },
) {
  await Execution.ExecutionItemEntity()
    .put({
      accountId: useAccount(),
      executionId: ctx.executionId,
      item: ctx.taskId,
      status,
      cost: extra.cost,
      detail: extra.detail,
      error: extra.error?.slice(0, 2000),
      updatedAt: new Date().toISOString(),
    })
    .go();
}

/**
 * The Catch of a task's steps: the task is failed with the reason, its open holds are given back
 * and its execution item says why. Credits of steps that did finish stay charged (their results exist).
 */
export async function failTask(ctx: StepContext, reason: string): Promise<void> {
  const task = await Task.find(ctx.siteId, ctx.taskId);
  if (task && task.activeRunId === ctx.runId) {
    await taskEntity()
      .patch({ accountId: useAccount(), siteId: ctx.siteId, taskId: ctx.taskId })
      .set({ status: "failed", failureReason: reason.slice(0, 1000), lastRunId: ctx.runId })
      .remove(["activeRunId", "claimedAt"])
      .where((attr, op) => op.eq(attr.activeRunId, ctx.runId))
      .go()
      .catch(() => undefined);
  }
  await Credits.releaseOpen(`${ctx.taskId}#`);
  const cost = await Credits.chargedFor(ctx.taskId, version(ctx.generation));
  await itemDone(ctx, "failed", { cost, error: reason, detail: { step: "failed" } });
}

// --- preview --------------------------------------------------------------------------------

export const PreviewInput = z.strictObject({
  siteId: z.string(),
  taskId: Task.TaskId,
  function: z.enum(["content", "image_prompts", "images"]).default("content"),
  index: z.coerce.number().int().min(0).max(20).default(0).meta({ description: "images: which image prompt" }),
});

export const PreviewView = z
  .object({
    key: z.string(),
    source: z.enum(["default", "account", "task"]),
    version: z.number().int().nullable(),
    system: z.string(),
    prompt: z.string(),
    variables: z.record(z.string(), z.string()),
    authorId: z.string().nullable(),
    strategyId: z.string().nullable(),
  })
  .meta({ id: "PromptPreview" });

/** The final prompt a step would send for a task now (nothing is called or charged). */
export async function previewPrompt(input: z.input<typeof PreviewInput>): Promise<z.infer<typeof PreviewView>> {
  const { siteId, taskId, function: which, index } = PreviewInput.parse(input);
  await Authz.assert("writer.read", { siteId });
  const task = await Task.load(siteId, taskId);
  const [site, voice] = await Promise.all([
    Prompt.siteContext(siteId, task.sectorId),
    Author.voiceFor({ siteId, authorId: task.authorId, strategyId: task.strategyId }),
  ]);
  const content = task.contentId ? await find(siteId, task.contentId) : undefined;
  let rendered: Prompt.Rendered;
  if (which === "content") {
    rendered = await Prompt.renderFor(`content.${task.contentType}`, Prompt.contentVariables(task, site), { taskId, voice });
  } else if (which === "image_prompts") {
    const stand = content ?? ({ title: task.title, outline: (task.outline as Task.OutlineSection[]) ?? [] } as unknown as Stored);
    rendered = await Prompt.renderFor("image_prompts", imagePromptVariables(stand, task, site), { taskId, voice });
  } else {
    const item = content?.imagePrompts[index];
    if (!item) {
      throw new VisibleError("not_found", "image_prompt.not_found", "This task has no such image prompt yet; generate the content first", {
        index,
      });
    }
    const { Image } = await import("../image");
    rendered = await Prompt.renderFor("images", Image.imageVariables(site, item, content!.title), { taskId, voice });
  }
  return {
    key: rendered.key,
    source: rendered.source,
    version: rendered.version,
    system: rendered.system,
    prompt: rendered.prompt,
    variables: rendered.variables,
    authorId: voice.author?.authorId ?? null,
    strategyId: voice.strategy?.strategyId ?? null,
  };
}
