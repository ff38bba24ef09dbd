export * as Content from "./index";
export * as ContentRun from "./run";
export * as Generate from "./generate";

import { z } from "zod";
import { useAccount, useActor } from "../actor";
import { Author } from "../author";
import { Authz } from "../authz";
import { isConditionFailure, pad } from "../billing/records";
import { Page } from "../pagination";
import { Prompt } from "../prompt";
import { Site } from "../site";
import { Task } from "../task";
import { taskEntity } from "../task/task.entity";
import { Transaction } from "../transaction";
import { VisibleError } from "../util/error";
import { fn } from "../util/fn";
import { createId, idPattern } from "../util/id";
import { contentEntity, contentVersionEntity, type VersionSource, versionSources } from "./content.entity";
import { FieldDiff, lineDiff, wordDiff } from "./diff";
import { buildJsonLd } from "./jsonld";
import { clip, countWords, keywordsIn, mediaSrc, mediaSrcPattern, sanitize, slugify, textOf } from "./sanitize";

export { clip, countWords, FieldDiff, keywordsIn, mediaSrc, mediaSrcPattern, sanitize, slugify, textOf, versionSources };

/**
 * The content a task produced: title, slug, meta, sanitized HTML body, outline, FAQ, JSON-LD,
 * word count and keywords covered. Every generation, edit or restore writes a new version (never
 * changed afterwards) together with the current record, in one transaction conditioned on the
 * version the writer started from: two writers cannot both win, and no version is lost.
 */

export const ContentId = z.string().regex(idPattern("content"), "not a content id").meta({ example: "cnt_01hz3v5k8q2w4e6r8t0y2u4i6o" });
const SiteId = Site.SiteId;

const Faq = z.array(z.object({ question: z.string(), answer: z.string() }));
const Outline = z.array(z.object({ heading: z.string(), subheadings: z.array(z.string()) }));

/** The body fields of the record and of every version. */
export interface Body {
  title: string;
  slug: string;
  metaTitle: string;
  metaDescription: string;
  excerpt: string;
  html: string;
  outline: { heading: string; subheadings: string[] }[];
  faq: { question: string; answer: string }[];
  jsonLd: Record<string, unknown>;
  wordCount: number;
  keywordsCovered: string[];
  typeFields: Record<string, unknown>;
  featuredImageId: string;
  imageIds: string[];
  offline: boolean;
  provider: string;
  model: string;
}

export interface ImagePromptItem {
  index: number;
  placement: "featured" | "in-article";
  prompt: string;
  alt: string;
  caption: string;
  section: string;
}

export type Stored = Body & {
  accountId: string;
  siteId: string;
  contentId: string;
  taskId: string;
  contentType: Task.ContentType;
  version: number;
  imagePrompts: ImagePromptItem[];
  imagePromptsGeneration: number;
  createdAt: string;
  updatedAt: string;
};

type StoredVersion = Body & {
  contentId: string;
  siteId: string;
  version: number;
  source: VersionSource;
  note: string;
  generation?: number;
  restoredFrom?: number;
  createdBy: string;
  createdAt: string;
};

const BodyView = {
  title: z.string(),
  slug: z.string(),
  metaTitle: z.string(),
  metaDescription: z.string(),
  excerpt: z.string(),
  html: z.string(),
  outline: Outline,
  faq: Faq,
  jsonLd: z.record(z.string(), z.unknown()),
  wordCount: z.number().int(),
  keywordsCovered: z.array(z.string()),
  typeFields: z.record(z.string(), z.unknown()),
  featuredImageId: z.string().nullable(),
  imageIds: z.array(z.string()),
  offline: z.boolean().meta({ description: "An offline draft (no AI provider): rewrite before publishing" }),
  provider: z.string(),
  model: z.string(),
};

export const ImagePromptView = z
  .object({
    index: z.number().int(),
    placement: z.enum(["featured", "in-article"]),
    prompt: z.string(),
    alt: z.string(),
    caption: z.string(),
    section: z.string(),
  })
  .meta({ id: "ImagePrompt" });

export const Info = z
  .object({
    contentId: ContentId,
    siteId: z.string(),
    taskId: z.string(),
    contentType: z.enum(Task.contentTypes),
    version: z.number().int(),
    ...BodyView,
    imagePrompts: z.array(ImagePromptView),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Content" });
export type Info = z.infer<typeof Info>;

export const Summary = Info.omit({ html: true, jsonLd: true, faq: true, outline: true, typeFields: true, imagePrompts: true }).meta({
  id: "ContentSummary",
});

export const VersionInfo = z
  .object({
    contentId: ContentId,
    version: z.number().int(),
    source: z.enum(versionSources),
    note: z.string(),
    generation: z.number().int().nullable(),
    restoredFrom: z.number().int().nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
    ...BodyView,
  })
  .meta({ id: "ContentVersion" });
export type VersionInfo = z.infer<typeof VersionInfo>;

export const VersionSummary = VersionInfo.pick({
  contentId: true,
  version: true,
  source: true,
  note: true,
  generation: true,
  restoredFrom: true,
  createdBy: true,
  createdAt: true,
  title: true,
  wordCount: true,
  offline: true,
}).meta({ id: "ContentVersionSummary" });

function bodyOf(row: Body): Body {
  return {
    title: row.title,
    slug: row.slug,
    metaTitle: row.metaTitle ?? "",
    metaDescription: row.metaDescription ?? "",
    excerpt: row.excerpt ?? "",
    html: row.html,
    outline: (row.outline ?? []) as Body["outline"],
    faq: (row.faq ?? []) as Body["faq"],
    jsonLd: (row.jsonLd ?? {}) as Body["jsonLd"],
    wordCount: row.wordCount ?? 0,
    keywordsCovered: row.keywordsCovered ?? [],
    typeFields: (row.typeFields ?? {}) as Body["typeFields"],
    featuredImageId: row.featuredImageId ?? "",
    imageIds: row.imageIds ?? [],
    offline: row.offline ?? false,
    provider: row.provider ?? "",
    model: row.model ?? "",
  };
}

function bodyView(body: Body) {
  return { ...body, featuredImageId: body.featuredImageId || null };
}

export function serialize(row: Stored): Info {
  return {
    contentId: row.contentId,
    siteId: row.siteId,
    taskId: row.taskId,
    contentType: row.contentType,
    version: row.version,
    ...bodyView(bodyOf(row)),
    imagePrompts: row.imagePrompts ?? [],
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function serializeVersion(row: StoredVersion): VersionInfo {
  return {
    contentId: row.contentId,
    version: row.version,
    source: row.source,
    note: row.note ?? "",
    generation: row.generation ?? null,
    restoredFrom: row.restoredFrom ?? null,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    ...bodyView(bodyOf(row)),
  };
}

// --- deriving a body ------------------------------------------------------------------------

export interface Draft {
  title: string;
  slug?: string;
  metaTitle?: string;
  metaDescription?: string;
  excerpt?: string;
  html: string;
  outline?: Body["outline"];
  faq?: Body["faq"];
  typeFields?: Record<string, unknown>;
  featuredImageId?: string;
  imageIds?: string[];
  offline: boolean;
  provider: string;
  model: string;
}

export interface DeriveContext {
  contentType: Task.ContentType;
  primaryKeyword: string;
  keywords: string[];
  site: Prompt.SiteContext;
  authorName?: string;
}

/** <h2>/<h3> headings of a body, as an outline. */
export function outlineOf(html: string): Body["outline"] {
  const outline: Body["outline"] = [];
  for (const match of html.matchAll(/<(h[23])\b[^>]*>([\s\S]*?)<\/\1>/gi)) {
    const text = textOf(match[2]!);
    if (!text) continue;
    if (match[1]!.toLowerCase() === "h2" || outline.length === 0) outline.push({ heading: text, subheadings: [] });
    else outline.at(-1)!.subheadings.push(text);
  }
  return outline;
}

/**
 * The stored body for a draft: HTML sanitized, slug and meta normalised and clipped, outline,
 * word count and keywords covered measured from the body itself, JSON-LD built from the fields.
 */
export function derive(draft: Draft, context: DeriveContext, now = new Date()): Body {
  const html = sanitize(draft.html);
  const text = textOf(html);
  const title = clip(draft.title, 300);
  const slug = slugify(draft.slug || title);
  const excerpt = clip(draft.excerpt || text, 300);
  const metaDescription = clip(draft.metaDescription || excerpt, 155);
  const faq = (draft.faq ?? [])
    .map((item) => ({ question: clip(textOf(item.question), 300), answer: clip(textOf(item.answer), 2000) }))
    .filter((item) => item.question && item.answer);
  const headings = outlineOf(html);
  const typeFields = draft.typeFields ?? {};
  const siteBase = context.site.siteUrl.replace(/\/$/, "");
  return {
    title,
    slug,
    metaTitle: clip(draft.metaTitle || title, 60),
    metaDescription,
    excerpt,
    html,
    outline: headings.length > 0 ? headings : (draft.outline ?? []),
    faq,
    jsonLd: buildJsonLd({
      contentType: context.contentType,
      title,
      description: metaDescription,
      keywords: [context.primaryKeyword, ...context.keywords],
      language: context.site.language,
      siteName: context.site.siteName,
      siteUrl: siteBase,
      slug,
      authorName: context.authorName,
      imageUrl: draft.featuredImageId ? `${siteBase}${mediaSrc(draft.featuredImageId)}` : undefined,
      modifiedAt: now.toISOString(),
      faq,
      product: typeFields.product as { name: string; summary: string; features: string[] } | undefined,
      service: typeFields.service as { name: string; serviceType: string; areaServed: string } | undefined,
    }),
    wordCount: countWords(text),
    keywordsCovered: keywordsIn(`${title} ${text}`, [context.primaryKeyword, ...context.keywords]),
    typeFields,
    featuredImageId: draft.featuredImageId ?? "",
    imageIds: draft.imageIds ?? [],
    offline: draft.offline,
    provider: draft.provider,
    model: draft.model,
  };
}

/** The derive context of a task (its site, author name). */
export async function deriveContext(task: Task.Stored, known?: { voice?: Author.Voice; site?: Prompt.SiteContext }): Promise<DeriveContext> {
  const [site, voice] = await Promise.all([
    known?.site ?? Prompt.siteContext(task.siteId, task.sectorId),
    known?.voice ?? Author.voiceFor({ siteId: task.siteId, authorId: task.authorId, strategyId: task.strategyId }),
  ]);
  return {
    contentType: task.contentType,
    primaryKeyword: task.primaryKeyword,
    keywords: task.keywords ?? [],
    site,
    authorName: voice.author?.name,
  };
}

// --- writing versions -----------------------------------------------------------------------

function actorName(): string {
  const actor = useActor();
  if (actor.type === "user") return actor.properties.userId;
  if (actor.type === "apikey") return actor.properties.keyId;
  return actor.type;
}

export function conflict(contentId: string) {
  return new VisibleError("conflict", "content.version_conflict", "The content changed meanwhile; reload it and try again", { contentId });
}

/**
 * The writes of a new version: the version (create-only) and the current record (created, or
 * updated on the condition that it is still at `current.version`). Put them in one transaction
 * with whatever else belongs to the change (a charge, a task's step).
 */
export function versionParts(input: {
  current: Stored | undefined;
  identity: { siteId: string; contentId: string; taskId: string; contentType: Task.ContentType };
  body: Body;
  source: VersionSource;
  note?: string;
  generation?: number;
  restoredFrom?: number;
  extra?: Partial<Pick<Stored, "imagePrompts" | "imagePromptsGeneration">>;
}): { parts: Transaction.Part[]; record: Stored; version: number } {
  const accountId = useAccount();
  const { current, identity, body } = input;
  const version = (current?.version ?? 0) + 1;
  const now = new Date().toISOString();
  const record: Stored = {
    accountId,
    ...identity,
    version,
    ...body,
    imagePrompts: input.extra?.imagePrompts ?? current?.imagePrompts ?? [],
    imagePromptsGeneration: input.extra?.imagePromptsGeneration ?? current?.imagePromptsGeneration ?? 0,
    createdAt: current?.createdAt ?? now,
    updatedAt: now,
  };
  const versionRow = {
    accountId,
    contentId: identity.contentId,
    siteId: identity.siteId,
    version,
    versionSort: pad(version),
    source: input.source,
    note: input.note ?? "",
    generation: input.generation,
    restoredFrom: input.restoredFrom,
    ...body,
    createdBy: actorName(),
    createdAt: now,
  };
  const recordWrite = current
    ? contentEntity()
        .patch({ accountId, siteId: identity.siteId, contentId: identity.contentId })
        .set({
          version,
          ...body,
          imagePrompts: record.imagePrompts,
          imagePromptsGeneration: record.imagePromptsGeneration,
        })
        .where((attr, op) => op.eq(attr.version, current.version))
    : contentEntity().create(record);
  return {
    parts: [
      Transaction.part(contentVersionEntity().create(versionRow), () => conflict(identity.contentId)),
      Transaction.part(recordWrite, () => conflict(identity.contentId)),
    ],
    record,
    version,
  };
}

// --- reading --------------------------------------------------------------------------------

export async function find(siteId: string, contentId: string): Promise<Stored | undefined> {
  const { data } = await contentEntity().get({ accountId: useAccount(), siteId, contentId }).go({ consistent: true });
  return (data as Stored | null) ?? undefined;
}

function notFound(contentId: string) {
  return new VisibleError("not_found", "content.not_found", "No such content in this site", { contentId });
}

export async function load(siteId: string, contentId: string): Promise<Stored> {
  const row = await find(siteId, contentId);
  if (!row) throw notFound(contentId);
  return row;
}

export const Key = z.strictObject({ siteId: SiteId, contentId: ContentId });

export const get = fn(Key, async ({ siteId, contentId }) => {
  await Authz.assert("writer.read", { siteId });
  return serialize(await load(siteId, contentId));
});

export const ListInput = z.strictObject({ ...Page.Query, siteId: SiteId });

export const list = fn(ListInput, async ({ siteId, cursor, limit }): Promise<Page.Result<z.infer<typeof Summary>>> => {
  await Authz.assert("writer.read", { siteId });
  const accountId = useAccount();
  const scope = JSON.stringify(["contents", accountId, siteId]);
  const result = await contentEntity()
    .query.byId({ accountId, siteId })
    .go({ cursor: Page.decode(cursor, scope) ?? null, count: limit, order: "desc" });
  return {
    items: (result.data as Stored[]).map((row) => {
      const { html: _h, jsonLd: _j, faq: _f, outline: _o, typeFields: _t, imagePrompts: _i, ...summary } = serialize(row);
      return summary;
    }),
    cursor: Page.encode(result.cursor, scope),
  };
});

async function readVersion(contentId: string, version: number): Promise<StoredVersion> {
  const { data } = await contentVersionEntity().get({ accountId: useAccount(), contentId, versionSort: pad(version) }).go();
  if (!data) throw new VisibleError("not_found", "content.version_not_found", `There is no version ${version} of this content`, { version });
  return data as StoredVersion;
}

const VersionNumber = z.coerce.number().int().min(1).max(999_999);

export const versions = fn(Key.extend(Page.Query), async ({ siteId, contentId, cursor, limit }) => {
  await Authz.assert("writer.read", { siteId });
  await load(siteId, contentId);
  const accountId = useAccount();
  const scope = JSON.stringify(["content-versions", accountId, contentId]);
  const result = await contentVersionEntity()
    .query.byContent({ accountId, contentId })
    .go({
      cursor: Page.decode(cursor, scope) ?? null,
      count: limit,
      order: "desc",
      attributes: ["contentId", "version", "source", "note", "generation", "restoredFrom", "createdBy", "createdAt", "title", "wordCount", "offline"],
    });
  return {
    items: result.data.map((row) => ({
      contentId: row.contentId,
      version: row.version,
      source: row.source,
      note: row.note ?? "",
      generation: row.generation ?? null,
      restoredFrom: row.restoredFrom ?? null,
      createdBy: row.createdBy,
      createdAt: row.createdAt,
      title: row.title,
      wordCount: row.wordCount ?? 0,
      offline: row.offline ?? false,
    })),
    cursor: Page.encode(result.cursor, scope),
  };
});

export const version = fn(Key.extend({ version: VersionNumber }), async ({ siteId, contentId, version }) => {
  await Authz.assert("writer.read", { siteId });
  await load(siteId, contentId);
  return serializeVersion(await readVersion(contentId, version));
});

export const DiffView = z
  .object({ contentId: ContentId, from: z.number().int(), to: z.number().int(), changed: z.boolean(), fields: z.array(FieldDiff) })
  .meta({ id: "ContentDiff" });

function faqText(faq: Body["faq"]): string {
  return faq.map((item) => `<p>Q: ${item.question}</p><p>A: ${item.answer}</p>`).join("");
}

/** What changed from one version to another, field by field. */
export const diff = fn(
  Key.extend({ from: VersionNumber, to: VersionNumber }),
  async ({ siteId, contentId, from, to }): Promise<z.infer<typeof DiffView>> => {
    await Authz.assert("writer.read", { siteId });
    await load(siteId, contentId);
    const [a, b] = await Promise.all([readVersion(contentId, from), readVersion(contentId, to)]);
    const fields = [
      wordDiff("title", a.title, b.title),
      wordDiff("slug", a.slug, b.slug),
      wordDiff("metaTitle", a.metaTitle, b.metaTitle),
      wordDiff("metaDescription", a.metaDescription, b.metaDescription),
      wordDiff("excerpt", a.excerpt, b.excerpt),
      lineDiff("html", a.html, b.html),
      lineDiff("faq", faqText((a.faq ?? []) as Body["faq"]), faqText((b.faq ?? []) as Body["faq"])),
    ];
    return { contentId, from, to, changed: fields.some((field) => field.changed), fields };
  },
);

// --- changing -------------------------------------------------------------------------------

async function writeChange(
  current: Stored,
  body: Body,
  source: VersionSource,
  options: { note?: string; restoredFrom?: number } = {},
): Promise<Info> {
  const { parts, record } = versionParts({
    current,
    identity: { siteId: current.siteId, contentId: current.contentId, taskId: current.taskId, contentType: current.contentType },
    body,
    source,
    note: options.note,
    restoredFrom: options.restoredFrom,
  });
  await Transaction.write(parts);
  return serialize(record);
}

/** A task's content can change unless a run is writing it. */
async function assertEditable(current: Stored) {
  const { data } = await taskEntity()
    .get({ accountId: useAccount(), siteId: current.siteId, taskId: current.taskId })
    .go({ attributes: ["activeRunId"] });
  if (data?.activeRunId) {
    throw new VisibleError("conflict", "content.busy", "A content run is writing this content; wait for it to finish", {
      contentId: current.contentId,
    });
  }
}

export const EditBody = z
  .strictObject({
    expectedVersion: z.number().int().min(1).meta({ description: "The version the edit starts from (409 if it is not the newest)" }),
    title: z.string().trim().min(1).max(300).optional(),
    slug: z.string().trim().min(1).max(200).optional(),
    metaTitle: z.string().trim().max(200).optional(),
    metaDescription: z.string().trim().max(500).optional(),
    excerpt: z.string().trim().max(1000).optional(),
    html: z.string().min(1).max(400_000).optional().meta({ description: "Sanitized on save" }),
    faq: z.array(z.strictObject({ question: z.string().trim().min(1).max(300), answer: z.string().trim().min(1).max(2000) })).max(20).optional(),
    note: z.string().max(300).default(""),
  })
  .meta({ id: "ContentEdit" });

/** A person's edit: a new version, sanitized and re-measured like a generated one. */
export const edit = fn(EditBody.extend(Key.shape), async ({ siteId, contentId, expectedVersion, note, ...changes }) => {
  await Authz.assert("writer.write", { siteId });
  const current = await load(siteId, contentId);
  if (current.version !== expectedVersion) throw conflict(contentId);
  await assertEditable(current);
  const task = await Task.load(siteId, current.taskId);
  const before = bodyOf(current);
  const body = derive(
    {
      ...before,
      ...changes,
      slug: changes.slug ?? before.slug,
      metaTitle: changes.metaTitle ?? before.metaTitle,
      metaDescription: changes.metaDescription ?? before.metaDescription,
      excerpt: changes.excerpt ?? before.excerpt,
    },
    await deriveContext(task),
  );
  return writeChange(current, body, "edit", { note });
});

export const WriteBody = z
  .strictObject({
    title: z.string().trim().min(1).max(300),
    slug: z.string().trim().min(1).max(200).optional(),
    metaTitle: z.string().trim().max(200).default(""),
    metaDescription: z.string().trim().max(500).default(""),
    excerpt: z.string().trim().max(1000).default(""),
    html: z.string().min(1).max(400_000).meta({ description: "Sanitized on save" }),
    faq: z.array(z.strictObject({ question: z.string().trim().min(1).max(300), answer: z.string().trim().min(1).max(2000) })).max(20).default([]),
    note: z.string().max(300).default(""),
  })
  .meta({ id: "ContentWrite" });

/**
 * Content written by a person for a task that has none yet (version 1); the task moves to review.
 * Later changes are edits.
 */
export const write = fn(WriteBody.extend({ siteId: SiteId, taskId: Task.TaskId }), async ({ siteId, taskId, note, ...draft }) => {
  await Authz.assert("writer.write", { siteId });
  const task = await Task.load(siteId, taskId);
  if (task.contentId || task.activeRunId) {
    throw new VisibleError("conflict", "content.exists", "This task already has content (edit it) or a run is writing it", { taskId });
  }
  const contentId = createId("content");
  const body = derive({ ...draft, offline: false, provider: "", model: "" }, await deriveContext(task));
  const { parts, record } = versionParts({
    current: undefined,
    identity: { siteId, contentId, taskId, contentType: task.contentType },
    body,
    source: "edit",
    note: note || "Written by hand",
  });
  const claim = Transaction.part(
    taskEntity()
      .patch({ accountId: useAccount(), siteId, taskId })
      .set({ contentId, status: "review" })
      .where((attr, op) => `${op.notExists(attr.contentId)} AND ${op.notExists(attr.activeRunId)}`),
    () => new VisibleError("conflict", "content.exists", "This task already has content (edit it) or a run is writing it", { taskId }),
  );
  await Transaction.write([claim, ...parts]);
  return serialize(record);
});

/** Makes an old version the newest again (as a new version; history is never rewritten). */
export const restore = fn(Key.extend({ version: VersionNumber }), async ({ siteId, contentId, version }) => {
  await Authz.assert("writer.write", { siteId });
  const current = await load(siteId, contentId);
  await assertEditable(current);
  const old = await readVersion(contentId, version);
  return writeChange(current, bodyOf(old), "restore", { note: `Restored version ${version}`, restoredFrom: version });
});

export const ImagePromptsBody = z
  .strictObject({
    prompts: z
      .array(
        z.strictObject({
          placement: z.enum(["featured", "in-article"]),
          prompt: z.string().trim().min(1).max(2000),
          alt: z.string().trim().max(300).default(""),
          caption: z.string().trim().max(300).default(""),
          section: z.string().trim().max(300).default(""),
        }),
      )
      .max(9)
      .refine((items) => items.filter((item) => item.placement === "featured").length <= 1, "at most one featured image"),
  })
  .meta({ id: "ImagePromptsUpdate" });

/** People edit the image prompts before (re)generating the images. */
export const setImagePrompts = fn(ImagePromptsBody.extend(Key.shape), async ({ siteId, contentId, prompts }) => {
  await Authz.assert("writer.write", { siteId });
  const current = await load(siteId, contentId);
  await assertEditable(current);
  const ordered = [...prompts.filter((p) => p.placement === "featured"), ...prompts.filter((p) => p.placement !== "featured")];
  const imagePrompts: ImagePromptItem[] = ordered.map((item, index) => ({ index, ...item }));
  try {
    const result = await contentEntity()
      .patch({ accountId: useAccount(), siteId, contentId })
      .set({ imagePrompts })
      .where((attr, op) => op.eq(attr.version, current.version))
      .go({ response: "all_new" });
    return serialize(result.data as Stored);
  } catch (error) {
    if (isConditionFailure(error)) throw conflict(contentId);
    throw error;
  }
});

/** Deletes a task's content with all its versions (the task is being deleted). */
export async function removeForTask(task: Task.Stored): Promise<void> {
  if (!task.contentId) return;
  const accountId = useAccount();
  const versionsOf = await contentVersionEntity()
    .query.byContent({ accountId, contentId: task.contentId })
    .go({ pages: "all", attributes: ["versionSort"] });
  if (versionsOf.data.length > 0) {
    await contentVersionEntity()
      .delete(versionsOf.data.map((row) => ({ accountId, contentId: task.contentId!, versionSort: row.versionSort })))
      .go();
  }
  await contentEntity().delete({ accountId, siteId: task.siteId, contentId: task.contentId }).go();
}

Task.onRemove(removeForTask);
