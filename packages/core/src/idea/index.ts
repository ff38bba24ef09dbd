export * as Idea from "./index";

import { z } from "zod";
import { useAccount } from "../actor";
import { estimateTokens } from "../ai";
import { Author } from "../author";
import { Authz } from "../authz";
import { Credits } from "../billing";
import * as Rates from "../billing/rates";
import { clusterEntity } from "../cluster/cluster.entity";
import { defineEvent, publish } from "../events";
import { forCluster } from "../keyword/store";
import { Limit } from "../limit";
import { Page } from "../pagination";
import { AiConfig, Prompt } from "../prompt";
import { SectorId } from "../sector";
import { Site, SiteId } from "../site";
import { Task } from "../task";
import { Transaction } from "../transaction";
import { VisibleError } from "../util/error";
import { fn } from "../util/fn";
import { createId, idPattern } from "../util/id";
import { type ContentType, contentTypes, type IdeaItem, ideaEntity, ideaStatuses } from "./idea.entity";

export { contentTypes, ideaStatuses };

export const IdeaId = z.string().regex(idPattern("idea"), "not an idea id").meta({ example: "idea_01hz3v5k8q2w4e6r8t0y2u4i6o" });
const ClusterId = z.string().regex(idPattern("cluster"), "not a cluster id");
export const ContentTypeSchema = z.enum(contentTypes);

const Heading = z.string().trim().min(2).max(200);
export const OutlineSection = z
  .object({ heading: Heading.meta({ description: "An H2" }), subheadings: z.array(Heading).max(10).meta({ description: "Its H3s" }) })
  .meta({ id: "IdeaOutlineSection" });

/** One idea as the model must answer it (also the shape people edit). */
export const Draft = z.object({
  title: z.string().trim().min(5).max(200),
  angle: z.string().trim().min(10).max(1000).meta({ description: "What makes this piece worth reading: the take, the audience, the promise" }),
  contentType: ContentTypeSchema,
  outline: z.array(OutlineSection).min(3).max(15),
  targetKeywords: z.array(z.string().trim().min(1).max(200)).min(1).max(20),
  estimatedWords: z.number().int().min(300).max(10_000),
});
export type Draft = z.infer<typeof Draft>;

/** The structured reply of the "ideas" AI function. */
export const Reply = z.object({ ideas: z.array(Draft).min(1).max(10) });

export const Info = z
  .object({
    ideaId: IdeaId,
    siteId: SiteId,
    sectorId: SectorId,
    clusterId: z.string(),
    clusterName: z.string(),
    ...Draft.shape,
    primaryKeyword: z.string(),
    targetKeywordIds: z.array(z.string()).meta({ description: "Cluster keywords among the targets" }),
    status: z.enum(ideaStatuses),
    taskId: z.string().nullable(),
    offline: z.boolean().meta({ description: "An offline draft (no AI provider configured): rewrite before use" }),
    provider: z.string(),
    model: z.string(),
    regenerations: z.number().int(),
    editedByUser: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Idea" });
export type Info = z.infer<typeof Info>;

function serialize(item: IdeaItem): Info {
  return {
    ideaId: item.ideaId,
    siteId: item.siteId,
    sectorId: item.sectorId,
    clusterId: item.clusterId,
    clusterName: item.clusterName,
    title: item.title,
    angle: item.angle,
    contentType: item.contentType,
    outline: item.outline as Draft["outline"],
    targetKeywords: item.targetKeywords,
    estimatedWords: item.estimatedWords,
    primaryKeyword: item.primaryKeyword,
    targetKeywordIds: item.targetKeywordIds ?? [],
    status: item.status,
    taskId: item.taskId ?? null,
    offline: item.offline,
    provider: item.provider,
    model: item.model,
    regenerations: item.regenerations,
    editedByUser: item.editedByUser,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}

/** One idea was created (a generation of several publishes one event per idea, in one batch). */
export const IdeaCreated = defineEvent(
  "idea.created",
  z.object({
    siteId: z.string(),
    sectorId: z.string(),
    clusterId: z.string(),
    ideaId: z.string(),
    title: z.string(),
    contentType: z.string(),
    generationId: z.string(),
    offline: z.boolean(),
  }),
);

// ---------------------------------------------------------------- generation

const MAX_PROMPT_KEYWORDS = 40;
const MAX_EXISTING_TITLES = 30;

async function loadCluster(siteId: string, clusterId: string) {
  const cluster = await clusterEntity().get({ accountId: useAccount(), siteId, clusterId }).go();
  if (!cluster.data) throw new VisibleError("not_found", "cluster.not_found", "No such cluster in this site", { clusterId });
  return cluster.data;
}

interface Context {
  siteId: string;
  site: Prompt.SiteContext;
  cluster: { clusterId: string; sectorId: string; name: string; hubKeyword?: string };
  keywords: { keywordId: string; keyword: string; volume?: number; intent?: string }[];
}

async function contextFor(siteId: string, clusterId: string): Promise<Context> {
  const cluster = await loadCluster(siteId, clusterId);
  const [site, members] = await Promise.all([Prompt.siteContext(siteId, cluster.sectorId), forCluster(siteId, clusterId)]);
  if (members.length === 0) {
    throw new VisibleError("input", "idea.cluster_empty", "The cluster has no keywords to write about", { clusterId });
  }
  return {
    siteId,
    site,
    cluster: { clusterId, sectorId: cluster.sectorId, name: cluster.name, hubKeyword: cluster.hubKeyword },
    keywords: members.slice(0, MAX_PROMPT_KEYWORDS).map((k) => ({ keywordId: k.keywordId, keyword: k.keyword, volume: k.volume, intent: k.intent })),
  };
}

/** What one "ideas" call asks for. */
interface Ask {
  count: number;
  contentTypes?: ContentType[];
  instructions?: string;
  /** Titles not to repeat (the cluster's ideas). */
  avoid: string[];
  /** A regeneration's number: varies the offline adapter's draft (real models vary by themselves). */
  variant?: number;
}

/** The variables of the "ideas" prompt (the names are listed with the prompt defaults). */
function ideaVariables(context: Context, ask: Ask): Record<string, string> {
  const keywordLine = (k: Context["keywords"][number]) => {
    const facts = [k.volume === undefined ? undefined : `volume ${k.volume}`, k.intent].filter(Boolean);
    return facts.length ? `${k.keyword} (${facts.join(", ")})` : k.keyword;
  };
  return {
    ...Prompt.siteVariables(context.site),
    cluster: context.cluster.name,
    primary_keyword: context.cluster.hubKeyword ?? context.keywords[0]?.keyword ?? context.cluster.name,
    keywords: Prompt.bullets(context.keywords.map(keywordLine)),
    count: String(ask.count),
    content_type: (ask.contentTypes ?? contentTypes).join(", "),
    existing_ideas: Prompt.bullets(ask.avoid),
    instructions: ask.instructions ?? "",
  };
}

/**
 * The "ideas" call as it will be sent: the prompt in force (the account's override, else the
 * default) rendered with the cluster's variables, its system message carrying the author profile
 * and strategy that apply to the site (the account's defaults), and the structured inputs the
 * offline adapter drafts from. Generation, regeneration and the preview all render through here.
 */
async function prepare(context: Context, ask: Ask) {
  const voice = await Author.voiceFor({ siteId: context.siteId });
  const rendered = await Prompt.renderFor("ideas", ideaVariables(context, ask), { voice });
  const inputs = {
    cluster: context.cluster.name,
    primaryKeyword: context.cluster.hubKeyword,
    keywords: context.keywords.map((k) => k.keyword),
    count: ask.count,
    sector: context.site.sector,
    site: context.site.siteName,
    variant: ask.variant ?? 0,
    ...Prompt.voiceInputs(voice),
  };
  return { rendered, voice, inputs };
}

/** The completion budget of an "ideas" call asking for `count` ideas (an idea answers in about 400 tokens). */
export function ideasMaxTokens(count: number): number {
  return 800 + 700 * count;
}

/** The most an "ideas" call may cost: two rounds (the answer and one repair), each within its completion budget. */
export function ideasCredits(rates: Rates.Rates, promptTokens: number, count: number): number {
  return Rates.cost(rates.ideas, { tokens: 2 * (promptTokens + ideasMaxTokens(count)) });
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** What one "ideas" call answered, ready to store. */
interface Generated {
  ideas: Draft[];
  generationId: string;
  provider: string;
  model: string;
}

/** Who pays for an "ideas" call: the ledger entry is `usage#<subject>#ideas#<version>` (one charge each). */
interface Charge {
  subject: string;
  version: string;
  description: string;
}

/**
 * One "ideas" call, paid for. Credits are held before the provider is called (their most: the
 * prompt and the completion budget, twice for a repair), with one daily_ai_requests (as every
 * content and image call counts one): `credits.insufficient` or `plan.limit_reached` means nothing
 * was called and nothing written. The tokens the provider measured are charged at the "ideas" rate
 * in the one transaction that stores the result (`store`'s writes); a failed call, or a result
 * that cannot be stored, gives the hold back and costs nothing. The offline adapter's drafts are
 * metered by the tokens it measures, as content's are.
 */
async function callModel<T>(
  context: Context,
  ask: Ask,
  generationId: string,
  charge: Charge,
  store: (generated: Generated) => Promise<{ value: T; parts: Transaction.Part[] }>,
): Promise<T> {
  const [{ rendered, inputs }, rates] = await Promise.all([prepare(context, ask), Rates.current()]);
  const maxTokens = ideasMaxTokens(ask.count);
  const promptTokens = estimateTokens([rendered.system, rendered.prompt], 0);
  const { value } = await Credits.metered(
    {
      subject: charge.subject,
      step: "ideas",
      version: charge.version,
      function: "ideas",
      amount: ideasCredits(rates, promptTokens, ask.count),
      siteId: context.siteId,
      limits: [{ limit: "daily_ai_requests" }],
    },
    async () => {
      const { provider } = await AiConfig.provider();
      const result = await provider.chat({
        function: "ideas",
        system: rendered.system,
        prompt: rendered.prompt,
        schema: Reply,
        schemaName: "content_ideas",
        maxTokens,
        inputs,
      });
      const allowed = ask.contentTypes;
      const ideas = result.data.ideas
        .slice(0, ask.count)
        .map((draft) => (allowed?.length && !allowed.includes(draft.contentType) ? { ...draft, contentType: allowed[0] as ContentType } : draft));
      const stored = await store({ ideas, generationId, provider: result.provider, model: result.model });
      return {
        value: stored.value,
        parts: stored.parts,
        charge: {
          credits: Rates.cost(rates.ideas, { tokens: Rates.usageTokens(result.usage) }),
          usage: result.usage,
          model: result.model,
          provider: result.provider,
          description: charge.description,
        },
      };
    },
  );
  return value;
}

/** Titles of the cluster's ideas (what a generation must not repeat), `first` leading. */
async function existingTitles(siteId: string, clusterId: string, first?: string): Promise<string[]> {
  const existing = await ideaEntity().query.byCluster({ accountId: useAccount(), siteId, clusterId }).go({ pages: "all", attributes: ["title"] });
  return [...new Set([...(first ? [first] : []), ...existing.data.map((i) => i.title)])].slice(0, MAX_EXISTING_TITLES);
}

/** The cluster keywords an idea targets, matched on lower-cased text. */
function targetIds(context: Context, targets: string[]): string[] {
  const byText = new Map(context.keywords.map((k) => [k.keyword.toLowerCase(), k.keywordId]));
  return [...new Set(targets.map((t) => byText.get(t.trim().toLowerCase())).filter((id): id is string => id !== undefined))];
}

export const GenerateInput = z
  .strictObject({
    siteId: SiteId,
    clusterId: ClusterId,
    count: z.number().int().min(1).max(10).default(3),
    contentTypes: z.array(ContentTypeSchema).min(1).max(8).optional().meta({ description: "Only these content types" }),
    instructions: z.string().trim().max(1000).optional(),
    idempotencyKey: z
      .string()
      .regex(/^[a-z0-9-]{8,100}$/, "8-100 lower-case letters, digits or dashes (a UUID does)")
      .optional()
      .meta({
        description:
          "Makes a retry safe: a second request with the same key for this cluster answers the first one's ideas, without calling the AI or charging again",
      }),
  })
  .meta({ id: "IdeaGenerate" });

/**
 * New ideas for a cluster from the AI port ("ideas" function). The ideas take max_content_ideas
 * slots in the transaction that creates them; one idea.created event per idea after it.
 */
/** The ideas a generation created that still exist (a retried request answers these). */
async function ideasOfGeneration(siteId: string, clusterId: string, generationId: string) {
  const found = await ideaEntity().query.byCluster({ accountId: useAccount(), siteId, clusterId }).go({ pages: "all" });
  return found.data.filter((idea) => idea.generationId === generationId).map((idea) => serialize(idea as IdeaItem));
}

export const generate = fn(GenerateInput, async ({ siteId, clusterId, count, contentTypes: allowed, instructions, idempotencyKey }) => {
  await Authz.assert("planner.write", { siteId });
  const context = await contextFor(siteId, clusterId);
  // With a key, the generation id (and so the ledger entry) is the key's: one charge per key.
  const generationId = idempotencyKey ? `key-${idempotencyKey}` : createId("request");
  if (idempotencyKey) {
    const earlier = await ideasOfGeneration(siteId, clusterId, generationId);
    if (earlier.length > 0) return earlier;
  }
  // Early feedback: the transaction below is what enforces the limit.
  await Limit.check({ limit: "max_content_ideas", amount: count });
  const avoid = await existingTitles(siteId, clusterId);
  const accountId = useAccount();
  const generated = callModel(
    context,
    { count, contentTypes: allowed, instructions, avoid },
    generationId,
    { subject: clusterId, version: generationId, description: `Ideas for the cluster "${clip(context.cluster.name, 80)}"` },
    async ({ ideas, provider: providerName, model }) => {
      const now = new Date().toISOString();
      const items = ideas.map((draft) => ({
        accountId,
        siteId,
        ideaId: createId("idea"),
        sectorId: context.cluster.sectorId,
        clusterId,
        clusterName: context.cluster.name,
        ...draft,
        primaryKeyword: draft.targetKeywords[0] ?? context.cluster.hubKeyword ?? context.cluster.name,
        targetKeywordIds: targetIds(context, draft.targetKeywords),
        status: "new" as const,
        offline: providerName === "offline",
        provider: providerName,
        model,
        generationId,
        regenerations: 0,
        editedByUser: false,
        createdAt: now,
        updatedAt: now,
      }));
      // The ideas, their max_content_ideas slots and the charge: one transaction.
      const slot = await Limit.reserve({ limit: "max_content_ideas", amount: items.length });
      return { value: items, parts: [slot, ...items.map((item) => Transaction.part(ideaEntity().create(item)))] };
    },
  );
  let items: Awaited<typeof generated>;
  try {
    items = await generated;
  } catch (error) {
    // The same key raced us and was charged first: its transaction stored its ideas, ours nothing.
    if (idempotencyKey && error instanceof VisibleError && error.code === "credits.entry_exists") {
      return ideasOfGeneration(siteId, clusterId, generationId);
    }
    throw error;
  }
  await publish(
    ...items.map((item) =>
      IdeaCreated.create({
        siteId,
        sectorId: item.sectorId,
        clusterId,
        ideaId: item.ideaId,
        title: item.title,
        contentType: item.contentType,
        generationId,
        offline: item.offline,
      }),
    ),
  );
  return items.map((item) => serialize(item as IdeaItem));
});

export const PreviewView = z
  .object({
    key: z.literal("ideas"),
    source: z.enum(["default", "account", "task"]).meta({ description: "Whose prompt: the default or the account's override" }),
    version: z.number().int().nullable().meta({ description: "The override's version, null for the default" }),
    system: z.string().meta({ description: "The system message, with the author profile and strategy" }),
    prompt: z.string(),
    variables: z.record(z.string(), z.string()),
    authorId: z.string().nullable(),
    strategyId: z.string().nullable(),
  })
  .meta({ id: "IdeaPromptPreview" });

/**
 * The final prompt a generation with this input would send now, rendered as `generate` renders
 * it (prompt in force, cluster variables, existing ideas, author profile and strategy). Nothing is
 * called, charged or written.
 */
export const previewPrompt = fn(GenerateInput, async ({ siteId, clusterId, count, contentTypes: allowed, instructions }) => {
  await Authz.assert("planner.read", { siteId });
  const context = await contextFor(siteId, clusterId);
  const avoid = await existingTitles(siteId, clusterId);
  const { rendered, voice } = await prepare(context, { count, contentTypes: allowed, instructions, avoid });
  const view: z.infer<typeof PreviewView> = {
    key: "ideas",
    source: rendered.source,
    version: rendered.version,
    system: rendered.system,
    prompt: rendered.prompt,
    variables: rendered.variables,
    authorId: voice.author?.authorId ?? null,
    strategyId: voice.strategy?.strategyId ?? null,
  };
  return view;
});

const Key = z.strictObject({ siteId: SiteId, ideaId: IdeaId });

async function load(siteId: string, ideaId: string): Promise<IdeaItem> {
  const result = await ideaEntity().get({ accountId: useAccount(), siteId, ideaId }).go();
  if (!result.data) throw new VisibleError("not_found", "idea.not_found", "No such idea in this site", { ideaId });
  return result.data;
}

export const get = fn(Key, async ({ siteId, ideaId }) => {
  await Authz.assert("planner.read", { siteId });
  return serialize(await load(siteId, ideaId));
});

export const ListInput = z
  .strictObject({
    siteId: SiteId,
    ...Page.Query,
    clusterId: ClusterId.optional(),
    sectorId: SectorId.optional(),
    status: z.enum(ideaStatuses).optional(),
    contentType: ContentTypeSchema.optional(),
  })
  .meta({ id: "IdeaListQuery" });

/** Ideas of a site (or of one cluster), newest first. */
export const list = fn(ListInput, async (input): Promise<Page.Result<Info>> => {
  await Authz.assert("planner.read", { siteId: input.siteId });
  const accountId = useAccount();
  const { siteId } = input;
  const scope = JSON.stringify(["ideas", accountId, siteId, input.clusterId, input.sectorId, input.status, input.contentType]);
  const query = input.clusterId
    ? ideaEntity().query.byCluster({ accountId, siteId, clusterId: input.clusterId })
    : ideaEntity().query.byId({ accountId, siteId });
  const result = await query
    .where((attr, op) => {
      const clauses: string[] = [];
      if (input.sectorId) clauses.push(op.eq(attr.sectorId, input.sectorId));
      if (input.status) clauses.push(op.eq(attr.status, input.status));
      if (input.contentType) clauses.push(op.eq(attr.contentType, input.contentType));
      return clauses.join(" AND ");
    })
    .go({ cursor: Page.decode(input.cursor, scope) ?? null, count: input.limit, order: "desc" });
  return { items: result.data.map(serialize), cursor: Page.encode(result.cursor, scope) };
});

export const UpdateInput = z
  .strictObject({
    siteId: SiteId,
    ideaId: IdeaId,
    title: Draft.shape.title.optional(),
    angle: Draft.shape.angle.optional(),
    contentType: ContentTypeSchema.optional(),
    outline: Draft.shape.outline.optional(),
    targetKeywords: Draft.shape.targetKeywords.optional(),
    estimatedWords: Draft.shape.estimatedWords.optional(),
    status: z.enum(["new", "approved", "rejected"]).optional(),
  })
  .meta({ id: "IdeaUpdate" });

/** Edits an idea by hand (marked edited); its status can move between new, approved and rejected. */
export const update = fn(UpdateInput, async ({ siteId, ideaId, status, ...edits }) => {
  await Authz.assert("planner.write", { siteId });
  const current = await load(siteId, ideaId);
  const changes: Record<string, unknown> = Object.fromEntries(Object.entries(edits).filter(([, v]) => v !== undefined));
  if (Object.keys(changes).length > 0) changes.editedByUser = true;
  if (edits.targetKeywords) {
    changes.primaryKeyword = edits.targetKeywords[0];
    const members = await forCluster(siteId, current.clusterId);
    changes.targetKeywordIds = targetIds(
      { keywords: members.map((k) => ({ keywordId: k.keywordId, keyword: k.keyword })) } as Context,
      edits.targetKeywords,
    );
  }
  if (status !== undefined && status !== current.status) {
    if (current.status === "tasked") {
      throw new VisibleError("conflict", "idea.tasked", "This idea is already a writing task", { ideaId, taskId: current.taskId });
    }
    changes.status = status;
  }
  if (Object.keys(changes).length === 0) return serialize(current);
  const result = await ideaEntity().patch({ accountId: useAccount(), siteId, ideaId }).set(changes).go({ response: "all_new" });
  return serialize(result.data as IdeaItem);
});

export const RegenerateInput = z
  .strictObject({
    siteId: SiteId,
    ideaId: IdeaId,
    instructions: z.string().trim().max(1000).optional(),
  })
  .meta({ id: "IdeaRegenerate" });

/** Replaces an idea's content with a new generation (same id, no new max_content_ideas slot). */
export const regenerate = fn(RegenerateInput, async ({ siteId, ideaId, instructions }) => {
  await Authz.assert("planner.write", { siteId });
  const current = await load(siteId, ideaId);
  if (current.status === "tasked") {
    throw new VisibleError("conflict", "idea.tasked", "This idea is already a writing task; edit the task instead", { ideaId, taskId: current.taskId });
  }
  const context = await contextFor(siteId, current.clusterId);
  const accountId = useAccount();
  const regenerations = current.regenerations + 1;
  await callModel(
    context,
    { count: 1, instructions, avoid: await existingTitles(siteId, current.clusterId, current.title), variant: regenerations },
    createId("request"),
    // One charge per regeneration of an idea: a concurrent second regeneration of it cannot pay too.
    { subject: ideaId, version: `r${regenerations}`, description: `Regenerated the idea "${clip(current.title, 80)}"` },
    async ({ ideas, generationId, provider: providerName, model }) => {
      const draft = ideas[0] as Draft;
      const patch = ideaEntity()
        .patch({ accountId, siteId, ideaId })
        .set({
          ...draft,
          primaryKeyword: draft.targetKeywords[0] ?? current.primaryKeyword,
          targetKeywordIds: targetIds(context, draft.targetKeywords),
          offline: providerName === "offline",
          provider: providerName,
          model,
          generationId,
          regenerations,
          editedByUser: false,
          status: "new",
        })
        // Stored only over the idea this regeneration started from (not regenerated, tasked or deleted meanwhile).
        .where((attr, op) => `${op.eq(attr.regenerations, current.regenerations)} AND ${op.ne(attr.status, "tasked")}`);
      const changed = () =>
        new VisibleError("conflict", "idea.changed", "The idea changed while it was regenerated (regenerated again, made a task or deleted); nothing was charged", { ideaId });
      return { value: undefined, parts: [Transaction.part(patch, changed)] };
    },
  );
  const stored = await ideaEntity().get({ accountId, siteId, ideaId }).go({ consistent: true });
  if (!stored.data) throw new VisibleError("not_found", "idea.not_found", "No such idea in this site", { ideaId });
  return serialize(stored.data);
});

/** Deletes an idea; its max_content_ideas slot is given back. */
export const remove = fn(Key, async ({ siteId, ideaId }) => {
  await Authz.assert("planner.write", { siteId });
  await Transaction.write([
    Transaction.part(
      ideaEntity()
        .delete({ accountId: useAccount(), siteId, ideaId })
        .where((attr, op) => op.exists(attr.ideaId)),
      () => new VisibleError("not_found", "idea.not_found", "No such idea in this site", { ideaId }),
    ),
    Limit.release({ limit: "max_content_ideas" }),
  ]);
});

// ---------------------------------------------------------------- idea → writing task

/** How the writer builds each idea content type (its task content type and structure). */
export const taskShape: Record<ContentType, { contentType: Task.ContentType; structure: string }> = {
  article: { contentType: "post", structure: "article" },
  guide: { contentType: "post", structure: "guide" },
  comparison: { contentType: "post", structure: "comparison" },
  review: { contentType: "post", structure: "review" },
  listicle: { contentType: "post", structure: "listicle" },
  "how-to": { contentType: "post", structure: "how_to" },
  "service-page": { contentType: "service", structure: "service_page" },
  "hub-page": { contentType: "page", structure: "pillar" },
};

/** What the writer needs to make a task of an idea. */
export function toTaskInput(idea: Info | IdeaItem): z.input<typeof Task.IdeaInput> {
  const shape = taskShape[idea.contentType as ContentType];
  return {
    ideaId: idea.ideaId,
    title: idea.title,
    primaryKeyword: idea.primaryKeyword,
    keywords: idea.targetKeywords,
    contentType: shape.contentType,
    structure: shape.structure,
    outline: (idea.outline as Draft["outline"]).map((section) => ({ heading: section.heading, subheadings: section.subheadings })),
    wordCount: Math.min(10_000, Math.max(100, idea.estimatedWords)),
    description: idea.angle,
    sectorId: idea.sectorId,
    clusterId: idea.clusterId,
    clusterName: idea.clusterName,
  };
}

export const ToTasksInput = z
  .strictObject({
    siteId: SiteId,
    ideaIds: z.array(IdeaId).min(1).max(50),
  })
  .meta({ id: "IdeasToTasks" });

export const ToTasksResult = z
  .object({
    tasks: z.array(z.object({ ideaId: z.string(), taskId: z.string(), created: z.boolean() })),
    missing: z.array(z.string()),
  })
  .meta({ id: "IdeasToTasksResult" });

/**
 * Turns ideas into writing tasks, one transaction per idea: the writer's task (create-only per
 * idea) and the idea's status "tasked". An idea already turned into a task answers that task.
 */
export const toTasks = fn(ToTasksInput, async ({ siteId, ideaIds }) => {
  await Authz.assert("planner.write", { siteId });
  Authz.assertRole("writer.write");
  const accountId = useAccount();
  const tasks: { ideaId: string; taskId: string; created: boolean }[] = [];
  const missing: string[] = [];
  for (const ideaId of [...new Set(ideaIds)]) {
    const idea = await ideaEntity().get({ accountId, siteId, ideaId }).go();
    if (!idea.data) {
      missing.push(ideaId);
      continue;
    }
    const existing = await Task.taskForIdea(siteId, ideaId);
    if (existing) {
      tasks.push({ ideaId, taskId: existing.taskId, created: false });
      if (idea.data.status !== "tasked") {
        await ideaEntity().patch({ accountId, siteId, ideaId }).set({ status: "tasked", taskId: existing.taskId }).go();
      }
      continue;
    }
    const { task, parts } = Task.ideaParts(siteId, Task.IdeaInput.parse(toTaskInput(idea.data)));
    try {
      await Transaction.write([
        ...parts,
        Transaction.part(ideaEntity().patch({ accountId, siteId, ideaId }).set({ status: "tasked", taskId: task.taskId })),
      ]);
      tasks.push({ ideaId, taskId: task.taskId, created: true });
    } catch (error) {
      const raced = error instanceof VisibleError && error.code === "task.idea_taken" ? await Task.taskForIdea(siteId, ideaId) : undefined;
      if (!raced) throw error;
      tasks.push({ ideaId, taskId: raced.taskId, created: false });
    }
  }
  return { tasks, missing };
});

/** A site's ideas go with it (hook run by Site.remove); their slots are given back. */
Site.onDelete(async ({ siteId }) => {
  const accountId = useAccount();
  const ideas = await ideaEntity().query.byId({ accountId, siteId }).go({ pages: "all", attributes: ["ideaId"] });
  for (let start = 0; start < ideas.data.length; start += 99) {
    const chunk = ideas.data.slice(start, start + 99);
    await Transaction.write([
      ...chunk.map((idea) => Transaction.part(ideaEntity().delete({ accountId, siteId, ideaId: idea.ideaId }))),
      Limit.release({ limit: "max_content_ideas", amount: chunk.length }),
    ]);
  }
});
