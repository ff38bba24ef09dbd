export * as Task from "./index";

import { z } from "zod";
import { useAccount } from "../actor";
import { Author } from "../author";
import { Authz } from "../authz";
import { isConditionFailure } from "../billing/records";
import { Page } from "../pagination";
import { Site, SiteId } from "../site";
import { Transaction } from "../transaction";
import { VisibleError } from "../util/error";
import { fn } from "../util/fn";
import { createId, idPattern } from "../util/id";
import {
  type ContentType,
  contentTypes,
  structures,
  structuresByType,
  type TaskStatus,
  taskEntity,
  taskIdeaEntity,
  taskStatuses,
} from "./task.entity";

export { type ContentType, contentTypes, structures, structuresByType, type TaskStatus, taskStatuses };

export const TaskId = z.string().regex(idPattern("task"), "not a task id").meta({ example: "tsk_01hz3v5k8q2w4e6r8t0y2u4i6o" });
const SectorId = z.string().regex(idPattern("sector"), "not a sector id");
const AuthorId = z.string().regex(idPattern("author"), "not an author id");
const StrategyId = z.string().regex(idPattern("strategy"), "not a strategy id");

const Keyword = z.string().trim().min(1).max(200);
const Heading = z.string().trim().min(1).max(300);

export const OutlineSection = z.object({ heading: Heading, subheadings: z.array(Heading).max(20) }).meta({ id: "OutlineSection" });
export type OutlineSection = z.infer<typeof OutlineSection>;

/** An outline as people type it (headings) or as structured sections. */
const OutlineInput = z
  .array(z.union([Heading, z.strictObject({ heading: Heading, subheadings: z.array(Heading).max(20).default([]) })]))
  .max(40)
  .transform((items) => items.map((item) => (typeof item === "string" ? { heading: item, subheadings: [] } : item)));

const fields = {
  title: z.string().trim().min(1).max(300),
  contentType: z.enum(contentTypes),
  structure: z.enum(structures).meta({ description: "Depends on contentType; see structuresByType" }),
  primaryKeyword: Keyword,
  keywords: z.array(Keyword).max(50),
  wordCount: z.number().int().min(100).max(10_000),
  outline: OutlineInput,
  brief: z.string().max(5000),
  authorId: AuthorId,
  strategyId: StrategyId,
  inArticleImages: z.number().int().min(0).max(8),
  featuredImage: z.boolean(),
  sectorId: SectorId,
};

export const Info = z
  .object({
    taskId: TaskId,
    siteId: SiteId,
    sectorId: z.string().nullable(),
    ideaId: z.string().nullable(),
    clusterId: z.string().nullable(),
    clusterName: z.string().nullable(),
    source: z.enum(["manual", "idea"]),
    title: z.string(),
    contentType: z.enum(contentTypes),
    structure: z.string(),
    primaryKeyword: z.string(),
    keywords: z.array(z.string()),
    wordCount: z.number().int(),
    outline: z.array(OutlineSection),
    brief: z.string(),
    authorId: z.string().nullable(),
    strategyId: z.string().nullable(),
    inArticleImages: z.number().int(),
    featuredImage: z.boolean(),
    status: z.enum(taskStatuses),
    failureReason: z.string().nullable(),
    generation: z.number().int(),
    contentId: z.string().nullable(),
    activeRunId: z.string().nullable(),
    lastRunId: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Task" });
export type Info = z.infer<typeof Info>;

/** The stored record (what the pipeline steps read). */
export type Stored = {
  accountId: string;
  siteId: string;
  taskId: string;
  sectorId?: string;
  ideaId?: string;
  clusterId?: string;
  clusterName?: string;
  source: "manual" | "idea";
  title: string;
  contentType: ContentType;
  structure: string;
  primaryKeyword: string;
  keywords: string[];
  wordCount: number;
  outline: unknown;
  brief: string;
  authorId?: string;
  strategyId?: string;
  inArticleImages: number;
  featuredImage: boolean;
  status: TaskStatus;
  failureReason?: string;
  generation: number;
  stepsDone?: string[];
  activeRunId?: string;
  claimedAt?: string;
  lastRunId?: string;
  contentId?: string;
  createdAt: string;
  updatedAt: string;
};

export function serialize(task: Stored): Info {
  return {
    taskId: task.taskId,
    siteId: task.siteId,
    sectorId: task.sectorId ?? null,
    ideaId: task.ideaId ?? null,
    clusterId: task.clusterId ?? null,
    clusterName: task.clusterName ?? null,
    source: task.source,
    title: task.title,
    contentType: task.contentType,
    structure: task.structure,
    primaryKeyword: task.primaryKeyword,
    keywords: task.keywords ?? [],
    wordCount: task.wordCount,
    outline: (task.outline ?? []) as OutlineSection[],
    brief: task.brief ?? "",
    authorId: task.authorId ?? null,
    strategyId: task.strategyId ?? null,
    inArticleImages: task.inArticleImages,
    featuredImage: task.featuredImage,
    status: task.status,
    failureReason: task.failureReason ?? null,
    generation: task.generation,
    contentId: task.contentId ?? null,
    activeRunId: task.activeRunId ?? null,
    lastRunId: task.lastRunId ?? null,
    createdAt: task.createdAt,
    updatedAt: task.updatedAt,
  };
}

/** Default length per content type when a task names none. */
export const defaultWordCount: Record<ContentType, number> = {
  post: 1200,
  page: 800,
  product: 600,
  service: 800,
  taxonomy: 400,
};

function checkStructure(contentType: ContentType, structure: string | undefined): string {
  const allowed = structuresByType[contentType] as readonly string[];
  if (structure === undefined) return allowed[0]!;
  if (!allowed.includes(structure)) {
    throw new VisibleError("input", "task.structure_invalid", `A ${contentType} can be built as ${allowed.join(", ")}`, {
      fields: [{ path: "structure", message: `one of ${allowed.join(", ")} for ${contentType}` }],
    });
  }
  return structure;
}

function dedupeKeywords(primary: string, keywords: string[]): string[] {
  const seen = new Set([primary.toLowerCase()]);
  return keywords.filter((keyword) => {
    const key = keyword.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const checkReferences = Author.assertReferences;

export const CreateBody = z
  .strictObject({
    title: fields.title,
    contentType: fields.contentType.default("post"),
    structure: fields.structure.optional(),
    primaryKeyword: fields.primaryKeyword,
    keywords: fields.keywords.default([]),
    wordCount: fields.wordCount.optional().meta({ description: "Default depends on contentType" }),
    outline: fields.outline.default([]),
    brief: fields.brief.default(""),
    authorId: fields.authorId.optional(),
    strategyId: fields.strategyId.optional(),
    inArticleImages: fields.inArticleImages.default(2),
    featuredImage: fields.featuredImage.default(true),
    sectorId: fields.sectorId.optional(),
  })
  .meta({ id: "TaskCreate" });

export const CreateInput = CreateBody.extend({ siteId: SiteId });

function newTask(siteId: string, input: z.output<typeof CreateBody>, extra: Partial<Stored> = {}): Stored {
  const now = new Date().toISOString();
  return {
    accountId: useAccount(),
    siteId,
    taskId: createId("task"),
    ...(input.sectorId ? { sectorId: input.sectorId } : {}),
    source: "manual",
    title: input.title,
    contentType: input.contentType,
    structure: checkStructure(input.contentType, input.structure),
    primaryKeyword: input.primaryKeyword,
    keywords: dedupeKeywords(input.primaryKeyword, input.keywords),
    wordCount: input.wordCount ?? defaultWordCount[input.contentType],
    outline: input.outline,
    brief: input.brief,
    ...(input.authorId ? { authorId: input.authorId } : {}),
    ...(input.strategyId ? { strategyId: input.strategyId } : {}),
    inArticleImages: input.inArticleImages,
    featuredImage: input.featuredImage,
    status: "queued",
    generation: 0,
    createdAt: now,
    updatedAt: now,
    ...extra,
  };
}

/** A task written by hand. */
export const create = fn(CreateInput, async ({ siteId, ...input }) => {
  await Authz.assert("writer.write", { siteId, sectorId: input.sectorId });
  await checkReferences({ siteId, authorId: input.authorId, strategyId: input.strategyId });
  const task = newTask(siteId, input);
  await taskEntity().create(task).go();
  return serialize(task);
});

/** What the planner hands over for one idea. */
export const IdeaInput = z
  .strictObject({
    ideaId: z.string().regex(idPattern("idea"), "not an idea id"),
    title: fields.title,
    primaryKeyword: fields.primaryKeyword.optional().meta({ description: "Default: the first keyword, else the title" }),
    keywords: fields.keywords.default([]),
    contentType: fields.contentType.default("post"),
    structure: fields.structure.optional(),
    outline: fields.outline.default([]),
    wordCount: fields.wordCount.optional(),
    description: fields.brief.optional().meta({ description: "Becomes the task's brief" }),
    sectorId: fields.sectorId.optional(),
    clusterId: z.string().min(1).max(100).optional(),
    clusterName: z.string().max(300).optional(),
  })
  .meta({ id: "TaskFromIdea" });
export type IdeaInput = z.input<typeof IdeaInput>;

export const FromIdeasInput = z.strictObject({
  siteId: SiteId,
  ideas: z.array(IdeaInput).min(1).max(50),
  authorId: fields.authorId.optional(),
  strategyId: fields.strategyId.optional(),
  inArticleImages: fields.inArticleImages.optional(),
  featuredImage: fields.featuredImage.optional(),
});

/**
 * The task for one idea and the writes that create it (the task and its idea lookup, create-only).
 * The planner may add its own parts (e.g. the idea's status) and write them in one transaction.
 * Access is the caller's to check (`createFromIdeas` does).
 */
export function ideaParts(
  siteId: string,
  idea: z.output<typeof IdeaInput>,
  options: { authorId?: string; strategyId?: string; inArticleImages?: number; featuredImage?: boolean } = {},
): { task: Stored; parts: Transaction.Part[] } {
  const primary = idea.primaryKeyword ?? idea.keywords[0] ?? idea.title;
  const task = newTask(
    siteId,
    {
      title: idea.title,
      contentType: idea.contentType,
      structure: idea.structure,
      primaryKeyword: primary,
      keywords: idea.keywords,
      wordCount: idea.wordCount,
      outline: idea.outline,
      brief: idea.description ?? "",
      authorId: options.authorId,
      strategyId: options.strategyId,
      inArticleImages: options.inArticleImages ?? 2,
      featuredImage: options.featuredImage ?? true,
      sectorId: idea.sectorId,
    },
    {
      source: "idea",
      ideaId: idea.ideaId,
      ...(idea.clusterId ? { clusterId: idea.clusterId } : {}),
      ...(idea.clusterName ? { clusterName: idea.clusterName } : {}),
    },
  );
  const parts = [
    Transaction.part(
      taskIdeaEntity().create({ accountId: task.accountId, siteId, ideaId: idea.ideaId, taskId: task.taskId }),
      () => new VisibleError("conflict", "task.idea_taken", "This idea already has a task", { ideaId: idea.ideaId }),
    ),
    Transaction.part(taskEntity().create(task)),
  ];
  return { task, parts };
}

/**
 * Idea → task, for the planner: one task per idea, idempotent per idea (an idea that already has
 * a task answers that task under `existing`). Each idea is one transaction.
 */
export const createFromIdeas = fn(FromIdeasInput, async ({ siteId, ideas, ...options }) => {
  await Authz.assert("writer.write", { siteId });
  await checkReferences({ siteId, authorId: options.authorId, strategyId: options.strategyId });
  const created: Info[] = [];
  const existing: Info[] = [];
  for (const idea of ideas) {
    const found = await taskForIdea(siteId, idea.ideaId);
    if (found) {
      existing.push(found);
      continue;
    }
    const { task, parts } = ideaParts(siteId, idea, options);
    try {
      await Transaction.write(parts);
      created.push(serialize(task));
    } catch (error) {
      const raced = error instanceof VisibleError && error.code === "task.idea_taken" ? await taskForIdea(siteId, idea.ideaId) : undefined;
      if (!raced) throw error;
      existing.push(raced);
    }
  }
  return { created, existing };
});

/** The task made from an idea, if any. */
export async function taskForIdea(siteId: string, ideaId: string): Promise<Info | undefined> {
  const accountId = useAccount();
  const link = await taskIdeaEntity().get({ accountId, siteId, ideaId }).go({ consistent: true });
  if (!link.data) return undefined;
  const task = await find(siteId, link.data.taskId);
  return task && serialize(task);
}

/** The stored task without access checks (pipeline steps and other domain code). */
export async function find(siteId: string, taskId: string): Promise<Stored | undefined> {
  const result = await taskEntity().get({ accountId: useAccount(), siteId, taskId }).go({ consistent: true });
  return (result.data as Stored | null) ?? undefined;
}

export const Key = z.strictObject({ siteId: SiteId, taskId: TaskId });

export function notFound(taskId: string) {
  return new VisibleError("not_found", "task.not_found", "No such task in this site", { taskId });
}

/** The stored task or task.not_found. */
export async function load(siteId: string, taskId: string): Promise<Stored> {
  const task = await find(siteId, taskId);
  if (!task) throw notFound(taskId);
  return task;
}

export const get = fn(Key, async ({ siteId, taskId }) => {
  await Authz.assert("writer.read", { siteId });
  return serialize(await load(siteId, taskId));
});

export const ListInput = z
  .strictObject({
    ...Page.Query,
    status: z.enum(taskStatuses).optional(),
    contentType: z.enum(contentTypes).optional(),
    q: z.string().trim().min(1).max(100).optional().meta({ description: "Matches title or primary keyword, case-insensitive" }),
  })
  .meta({ id: "TaskListQuery" });

export const list = fn(ListInput.extend({ siteId: SiteId }), async ({ siteId, ...input }): Promise<Page.Result<Info>> => {
  await Authz.assert("writer.read", { siteId });
  const accountId = useAccount();
  const scope = JSON.stringify(["tasks", accountId, siteId, input.status, input.contentType, input.q]);
  const query = input.status
    ? taskEntity().query.byStatus({ accountId, siteId, status: input.status })
    : taskEntity().query.byId({ accountId, siteId });
  const result = await query
    .where((attr, op) => {
      const clauses: string[] = [];
      if (input.contentType) clauses.push(op.eq(attr.contentType, input.contentType));
      if (input.q) clauses.push(op.contains(attr.search, input.q.toLowerCase()));
      return clauses.join(" AND ");
    })
    .go({ cursor: Page.decode(input.cursor, scope) ?? null, count: input.limit, order: "desc" });
  return { items: (result.data as Stored[]).map(serialize), cursor: Page.encode(result.cursor, scope) };
});

export const UpdateBody = z
  .strictObject({
    title: fields.title.optional(),
    contentType: fields.contentType.optional(),
    structure: fields.structure.optional(),
    primaryKeyword: fields.primaryKeyword.optional(),
    keywords: fields.keywords.optional(),
    wordCount: fields.wordCount.optional(),
    outline: fields.outline.optional(),
    brief: fields.brief.optional(),
    authorId: fields.authorId.nullable().optional(),
    strategyId: fields.strategyId.nullable().optional(),
    inArticleImages: fields.inArticleImages.optional(),
    featuredImage: fields.featuredImage.optional(),
  })
  .meta({ id: "TaskUpdate" });

/** Edits what to write; not while a run holds the task. */
export const update = fn(UpdateBody.extend(Key.shape), async ({ siteId, taskId, ...patch }) => {
  await Authz.assert("writer.write", { siteId });
  const task = await load(siteId, taskId);
  await checkReferences({ siteId, authorId: patch.authorId ?? undefined, strategyId: patch.strategyId ?? undefined });
  const contentType = patch.contentType ?? task.contentType;
  const structure =
    patch.structure !== undefined || patch.contentType !== undefined
      ? checkStructure(contentType, patch.structure ?? (patch.contentType ? undefined : task.structure))
      : undefined;
  const set: Record<string, unknown> = {};
  const remove: string[] = [];
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null) remove.push(key);
    else set[key] = value;
  }
  if (structure !== undefined) set.structure = structure;
  if (set.keywords || set.primaryKeyword) {
    set.keywords = dedupeKeywords((set.primaryKeyword as string) ?? task.primaryKeyword, (set.keywords as string[]) ?? task.keywords);
  }
  if (Object.keys(set).length === 0 && remove.length === 0) return serialize(task);
  try {
    let operation = taskEntity().patch({ accountId: useAccount(), siteId, taskId }).set(set);
    if (remove.length > 0) operation = operation.remove(remove as never);
    const result = await operation
      .where((attr, op) => `${op.notExists(attr.activeRunId)} AND ${op.eq(attr.updatedAt, task.updatedAt)}`)
      .go({ response: "all_new" });
    return serialize(result.data as Stored);
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    throw busy(taskId);
  }
});

function busy(taskId: string) {
  return new VisibleError("conflict", "task.busy", "A content run is working on this task, or it changed meanwhile; try again", { taskId });
}

/** Moves people may make: review ⇄ approved, and back to queued to write it again. */
const manualMoves: Record<TaskStatus, TaskStatus[]> = {
  queued: [],
  generating: [],
  review: ["approved", "queued"],
  approved: ["review", "queued"],
  published: ["queued"],
  failed: ["queued"],
};

export const SetStatusBody = z
  .strictObject({ status: z.enum(["queued", "review", "approved"]) })
  .meta({ id: "TaskStatusChange" });

export const setStatus = fn(SetStatusBody.extend(Key.shape), async ({ siteId, taskId, status }) => {
  await Authz.assert("writer.write", { siteId });
  const task = await load(siteId, taskId);
  if (task.status === status) return serialize(task);
  if (!manualMoves[task.status].includes(status)) {
    throw new VisibleError("conflict", "task.status_invalid", `A task in ${task.status} cannot move to ${status}`, {
      fields: [{ path: "status", message: `from ${task.status}: ${manualMoves[task.status].join(", ") || "no manual moves"}` }],
    });
  }
  if (status === "approved" && !task.contentId) {
    throw new VisibleError("conflict", "task.no_content", "Generate the content before approving it");
  }
  try {
    const result = await taskEntity()
      .patch({ accountId: useAccount(), siteId, taskId })
      .set({ status })
      .remove(["failureReason"])
      .where((attr, op) => `${op.eq(attr.status, task.status)} AND ${op.notExists(attr.activeRunId)}`)
      .go({ response: "all_new" });
    return serialize(result.data as Stored);
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    throw busy(taskId);
  }
});

/**
 * The publisher marks an approved (or reviewed) task published once its content is live. Idempotent.
 */
export const markPublished = fn(Key, async ({ siteId, taskId }) => {
  await Authz.assert("publisher.write", { siteId });
  const task = await load(siteId, taskId);
  if (task.status === "published") return serialize(task);
  if (task.status !== "approved" && task.status !== "review") {
    throw new VisibleError("conflict", "task.status_invalid", `A task in ${task.status} cannot be published`);
  }
  const result = await taskEntity()
    .patch({ accountId: useAccount(), siteId, taskId })
    .set({ status: "published" })
    .where((attr, op) => op.eq(attr.status, task.status))
    .go({ response: "all_new" });
  return serialize(result.data as Stored);
});

type RemoveHook = (task: Stored) => Promise<void>;
const removeHooks: RemoveHook[] = [];

/** Modules with records under a task (content, images) register their clean-up here. */
export function onRemove(hook: RemoveHook) {
  removeHooks.push(hook);
}

/** Deletes a task (not while a run holds it) with its idea link; its content goes too. */
export const remove = fn(Key, async ({ siteId, taskId }) => {
  await Authz.assert("writer.write", { siteId });
  const task = await load(siteId, taskId);
  const accountId = useAccount();
  const parts = [
    Transaction.part(
      taskEntity()
        .delete({ accountId, siteId, taskId })
        .where((attr, op) => `${op.exists(attr.taskId)} AND ${op.notExists(attr.activeRunId)}`),
      () => busy(taskId),
    ),
  ];
  if (task.ideaId) parts.push(Transaction.part(taskIdeaEntity().delete({ accountId, siteId, ideaId: task.ideaId })));
  await Transaction.write(parts);
  for (const hook of removeHooks) await hook(task);
});

/** A deleted site takes its tasks with it (and, through the remove hooks, their content and images). */
Site.onDelete(async ({ accountId, siteId }) => {
  const rows = await taskEntity().query.byId({ accountId, siteId }).go({ pages: "all" });
  for (const task of rows.data as Stored[]) {
    for (const hook of removeHooks) await hook(task);
    await taskEntity().delete({ accountId, siteId, taskId: task.taskId }).go();
    if (task.ideaId) await taskIdeaEntity().delete({ accountId, siteId, ideaId: task.ideaId }).go();
  }
});
