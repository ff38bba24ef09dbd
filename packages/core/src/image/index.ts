export * as Image from "./index";

import { z } from "zod";
import { useAccount } from "../actor";
import { type AiProviderConfig, estimateTokens, type ImageResult, type ImageSize, imageSizes } from "../ai";
import { Author } from "../author";
import { Authz } from "../authz";
import { Credits } from "../billing";
import * as Rates from "../billing/rates";
import { isConditionFailure } from "../billing/records";
import { Content } from "../content";
import { claimed, type PlacedImage, progress, type StepContext, taskStepPart } from "../content/generate";
import { Limit } from "../limit";
import { Page } from "../pagination";
import { AiConfig, Prompt } from "../prompt";
import { Site } from "../site";
import { Storage } from "../storage";
import { Task } from "../task";
import { Transaction } from "../transaction";
import { VisibleError } from "../util/error";
import { fn } from "../util/fn";
import { createId, idPattern } from "../util/id";
import { imageEntity } from "./image.entity";

/**
 * Generated images: one per image prompt of a content, stored as PNG in S3 under the site's
 * prefix (`sites/<account>/<site>/images/<content>/<image>.png`), with alt text, caption,
 * dimensions and a provenance record (provider, model, prompt, date, AI-generated). Every image
 * counts against the site's daily and monthly image limits and its storage quota.
 */

export const ImageId = z.string().regex(idPattern("image"), "not an image id").meta({ example: "img_01hz3v5k8q2w4e6r8t0y2u4i6o" });

export const Provenance = z
  .object({
    aiGenerated: z.literal(true),
    offline: z.boolean().meta({ description: "Rendered locally by the offline adapter, not by an image model" }),
    provider: z.string(),
    model: z.string(),
    prompt: z.string(),
    revisedPrompt: z.string().nullable(),
    generatedAt: z.string(),
  })
  .meta({ id: "ImageProvenance" });
export type Provenance = z.infer<typeof Provenance>;

export const Info = z
  .object({
    imageId: ImageId,
    siteId: z.string(),
    contentId: z.string(),
    taskId: z.string(),
    generation: z.number().int(),
    index: z.number().int(),
    placement: z.enum(["featured", "in-article"]),
    section: z.string(),
    alt: z.string(),
    caption: z.string(),
    src: z.string().meta({ description: "How content bodies refer to it: /media/<imageId>.png" }),
    key: z.string().meta({ description: "The S3 key under the site's prefix" }),
    contentType: z.string(),
    bytes: z.number().int(),
    width: z.number().int(),
    height: z.number().int(),
    provenance: Provenance,
    createdAt: z.string(),
  })
  .meta({ id: "Image" });
export type Info = z.infer<typeof Info>;

type Stored = Omit<Info, "src"> & { accountId: string; slot: string; updatedAt: string };

function serialize(row: Stored): Info {
  return {
    imageId: row.imageId,
    siteId: row.siteId,
    contentId: row.contentId,
    taskId: row.taskId,
    generation: row.generation,
    index: row.index,
    placement: row.placement,
    section: row.section ?? "",
    alt: row.alt ?? "",
    caption: row.caption ?? "",
    src: Content.mediaSrc(row.imageId),
    key: row.key,
    contentType: row.contentType,
    bytes: row.bytes,
    width: row.width,
    height: row.height,
    provenance: row.provenance as Provenance,
    createdAt: row.createdAt,
  };
}

export const slotOf = (generation: number, index: number) => `g${String(generation).padStart(4, "0")}#${String(index).padStart(2, "0")}`;

/** Output tokens an image model that bills by tokens may use for one image (gpt-image "high"). */
function imageTokenBudget(size: string): number {
  const [w, h] = size.split("x").map(Number) as [number, number];
  return Math.ceil((w * h) / 1024) * 4;
}

function asImageSize(size: string): ImageSize {
  return (imageSizes as readonly string[]).includes(size) ? (size as ImageSize) : "1024x1024";
}

/** Image models of the gpt-image family (the default one) bill tokens on top of the per-image rate; offline, none. */
export function billsImageTokens(config: AiProviderConfig | undefined): boolean {
  return Boolean(config) && (config?.imageModel ?? "gpt-image").startsWith("gpt-image");
}

/** The variables of the image model's prompt for one image prompt of a content. */
export function imageVariables(site: Prompt.SiteContext, item: { prompt: string; alt: string; placement: string }, title: string) {
  return { ...Prompt.siteVariables(site), prompt: item.prompt, alt: item.alt, placement: item.placement, title };
}

/** The credits an image is expected to cost (and the most it may). */
export function imageCredits(rates: Rates.Rates, promptTokens: number, size: string, billsTokens: boolean) {
  const expected = Rates.cost(rates.images, { images: 1, tokens: billsTokens ? promptTokens + imageTokenBudget(size) / 4 : 0 });
  const most = Rates.cost(rates.images, { images: 1, tokens: promptTokens + imageTokenBudget(size) });
  return { expected, most };
}

/**
 * Step: the image for one prompt of the task's content. Idempotent per (content, generation,
 * index): the record is create-only and written with the charge and the storage counter; a failed
 * attempt deletes what it uploaded and gives its hold back.
 */
export async function generate(ctx: StepContext & { index: number }): Promise<{ imageId?: string; skipped: boolean }> {
  const task = await claimed(ctx);
  const step = `image:${ctx.index}`;
  if (!task.contentId) throw new VisibleError("conflict", "content.missing", "The task has no content yet");
  const content = await Content.load(task.siteId, task.contentId);
  const item = content.imagePrompts.find((prompt) => prompt.index === ctx.index);
  const accountId = useAccount();
  const slot = slotOf(ctx.generation, ctx.index);
  const existing = await imageEntity().get({ accountId, siteId: task.siteId, contentId: content.contentId, slot }).go({ consistent: true });
  if (existing.data) return { imageId: existing.data.imageId, skipped: true };
  if (!item) return { skipped: true };
  await progress(ctx, { step: "images", index: ctx.index, title: content.title });
  await Credits.releaseOpen(`${task.taskId}#${step}#g${ctx.generation}#`);
  // Early feedback: a site already at its storage quota generates nothing (the write checks again).
  await Limit.check({ limit: "storage_quota_gb", siteId: task.siteId, amount: 1 });
  const [site, voice, rates, ai, aiConfig] = await Promise.all([
    Prompt.siteContext(task.siteId, task.sectorId),
    Author.voiceFor({ siteId: task.siteId, authorId: task.authorId, strategyId: task.strategyId }),
    Rates.current(),
    AiConfig.provider(),
    AiConfig.providerConfig(),
  ]);
  const rendered = await Prompt.renderFor("images", imageVariables(site, item, content.title), { taskId: task.taskId, voice });
  const size = asImageSize(ai.imageSize);
  const promptTokens = estimateTokens([rendered.prompt], 0);
  const credits = {
    expected: imageCredits(rates, promptTokens, size, billsImageTokens(aiConfig.config)).expected,
    most: imageCredits(rates, promptTokens, size, true).most,
  };
  const held = await Credits.hold({
    subject: task.taskId,
    step,
    version: `g${ctx.generation}`,
    function: "images",
    amount: credits.most,
    expected: credits.expected,
    siteId: task.siteId,
    runId: ctx.runId,
    runCap: ctx.runCap,
    limits: [{ limit: "daily_ai_requests" }, { limit: "daily_image_generation_limit" }, { limit: "monthly_image_count" }],
  });
  let uploaded: string | undefined;
  try {
    const result: ImageResult = await ai.provider.image({ prompt: rendered.prompt, size, quality: ai.imageQuality, signal: ctx.signal });
    const imageId = createId("image");
    const key = Storage.siteKey(task.siteId, "images", content.contentId, `${imageId}.png`);
    const generatedAt = new Date().toISOString();
    const provenance: Provenance = {
      aiGenerated: true,
      offline: result.provider === "offline",
      provider: result.provider,
      model: result.model,
      prompt: rendered.prompt,
      revisedPrompt: result.revisedPrompt ?? null,
      generatedAt,
    };
    await Storage.put(key, result.png, {
      contentType: "image/png",
      cacheControl: "public, max-age=31536000, immutable",
      metadata: { "ai-generated": "true", "image-id": imageId, model: result.model.replace(/[^\x20-\x7e]/g, "") },
    });
    uploaded = key;
    const storage = await Limit.reserve({ limit: "storage_quota_gb", siteId: task.siteId, amount: result.png.byteLength });
    const charge = {
      credits: Rates.cost(rates.images, { images: 1, tokens: result.usage?.totalTokens ?? 0 }),
      usage: result.usage,
      images: 1,
      model: result.model,
      provider: result.provider,
      description: `Image ${ctx.index + 1} (${item.placement}) for "${Content.clip(content.title, 80)}"`,
    };
    await Credits.settle(held, charge, [
      Transaction.part(
        imageEntity().create({
          accountId,
          siteId: task.siteId,
          contentId: content.contentId,
          slot,
          imageId,
          taskId: task.taskId,
          generation: ctx.generation,
          index: ctx.index,
          placement: item.placement,
          section: item.section,
          alt: item.alt,
          caption: item.caption,
          key,
          contentType: "image/png",
          bytes: result.png.byteLength,
          width: result.width,
          height: result.height,
          provenance,
          createdAt: generatedAt,
          updatedAt: generatedAt,
        }),
        () => new VisibleError("conflict", "image.exists", "This image was already generated", { slot }),
      ),
      storage,
      taskStepPart(ctx, step),
    ]);
    return { imageId, skipped: false };
  } catch (error) {
    await Credits.release(held);
    if (uploaded) await Storage.remove(uploaded).catch(() => undefined);
    throw error;
  }
}

/** The images of one generation of a content, for placing them in the body. */
export async function placed(siteId: string, contentId: string, generation: number): Promise<PlacedImage[]> {
  const result = await imageEntity()
    .query.byContent({ accountId: useAccount(), siteId, contentId })
    .begins({ slot: `g${String(generation).padStart(4, "0")}#` })
    .go({ pages: "all" });
  return result.data.map((row) => ({
    imageId: row.imageId,
    index: row.index,
    placement: row.placement,
    section: row.section ?? "",
    alt: row.alt ?? "",
    caption: row.caption ?? "",
    width: row.width,
    height: row.height,
  }));
}

async function findById(siteId: string, imageId: string): Promise<Stored | undefined> {
  const result = await imageEntity().query.byId({ accountId: useAccount(), siteId, imageId }).go();
  return (result.data[0] as Stored | undefined) ?? undefined;
}

function notFound(imageId: string) {
  return new VisibleError("not_found", "image.not_found", "No such image in this site", { imageId });
}

export const Key = z.strictObject({ siteId: Site.SiteId, imageId: ImageId });

export const get = fn(Key, async ({ siteId, imageId }) => {
  await Authz.assert("writer.read", { siteId });
  const row = await findById(siteId, imageId);
  if (!row) throw notFound(imageId);
  return serialize(row);
});

/** The PNG bytes of an image. */
export const file = fn(Key, async ({ siteId, imageId }) => {
  await Authz.assert("writer.read", { siteId });
  const row = await findById(siteId, imageId);
  if (!row) throw notFound(imageId);
  const object = await Storage.get(row.key);
  if (!object) throw new VisibleError("not_found", "image.file_missing", "The image's file is missing from storage", { imageId });
  return { body: object.body, contentType: row.contentType, info: serialize(row) };
});

export const ListInput = z.strictObject({ ...Page.Query, siteId: Site.SiteId, contentId: Content.ContentId });

/** The images of a content, newest generation first. */
export const list = fn(ListInput, async ({ siteId, contentId, cursor, limit }): Promise<Page.Result<Info>> => {
  await Authz.assert("writer.read", { siteId });
  await Content.load(siteId, contentId);
  const accountId = useAccount();
  const scope = JSON.stringify(["images", accountId, siteId, contentId]);
  const result = await imageEntity()
    .query.byContent({ accountId, siteId, contentId })
    .go({ cursor: Page.decode(cursor, scope) ?? null, count: limit, order: "desc" });
  return { items: (result.data as Stored[]).map(serialize), cursor: Page.encode(result.cursor, scope) };
});

export const UpdateBody = z
  .strictObject({ alt: z.string().trim().max(300).optional(), caption: z.string().trim().max(300).optional() })
  .meta({ id: "ImageUpdate" });

/** People correct alt text and captions (placed figures pick it up at the next placement). */
export const update = fn(UpdateBody.extend(Key.shape), async ({ siteId, imageId, ...changes }) => {
  await Authz.assert("writer.write", { siteId });
  const row = await findById(siteId, imageId);
  if (!row) throw notFound(imageId);
  const set = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
  if (Object.keys(set).length === 0) return serialize(row);
  try {
    const result = await imageEntity()
      .patch({ accountId: useAccount(), siteId, contentId: row.contentId, slot: row.slot })
      .set(set)
      .go({ response: "all_new" });
    return serialize(result.data as Stored);
  } catch (error) {
    if (isConditionFailure(error)) throw notFound(imageId);
    throw error;
  }
});

/** Deletes a task's images (records, files, storage counter). */
export async function removeForTask(task: Task.Stored): Promise<void> {
  if (!task.contentId) return;
  const accountId = useAccount();
  const rows = await imageEntity().query.byContent({ accountId, siteId: task.siteId, contentId: task.contentId }).go({ pages: "all" });
  for (const row of rows.data) {
    await Storage.remove(row.key).catch(() => undefined);
    await Transaction.write([
      Transaction.part(
        imageEntity()
          .delete({ accountId, siteId: task.siteId, contentId: row.contentId, slot: row.slot })
          .where((attr, op) => op.exists(attr.imageId)),
      ),
      Limit.release({ limit: "storage_quota_gb", siteId: task.siteId, amount: row.bytes }),
    ]).catch(() => undefined);
  }
}

Task.onRemove(removeForTask);
