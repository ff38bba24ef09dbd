export * as Prompt from "./index";
export * as AiConfig from "./ai-config";

import { z } from "zod";
import { useAccount, useActor } from "../actor";
import type { Author } from "../author";
import { Authz } from "../authz";
import { Page } from "../pagination";
import { sectorEntity } from "../sector/sector.entity";
import { siteEntity } from "../site/site.entity";
import type { Task } from "../task";
import { taskEntity } from "../task/task.entity";
import { VisibleError } from "../util/error";
import { fn } from "../util/fn";
import { idPattern } from "../util/id";
import {
  defaultPrompts,
  functionOf,
  type PromptKey,
  type PromptText,
  promptKeys,
  structureGuidance,
  variablesByFunction,
} from "./defaults";
import { promptVersionEntity } from "./prompt.entity";
import { bullets, inspect, render } from "./template";

/**
 * The "Thinker": the prompts every AI function is given. Each prompt key (an AI function, and for
 * content one per content type) has a default here in code; an account may override it and a
 * task may override the account. Overrides are versioned: every save, restore or reset adds a
 * version, and the newest version decides. The author profile and content strategy that apply
 * are added to every prompt: to the system message of the chat functions (`voiceBlock`), and to
 * the prompt itself for the image model, which gets no system message (`imageVoiceBlock`).
 */

export { bullets, defaultPrompts, functionOf, inspect, type PromptKey, promptKeys, render, variablesByFunction };

export const Key = z.enum(promptKeys).meta({ description: "An AI function, or content.<content type>" });
const TaskId = z.string().regex(idPattern("task"), "not a task id");
const SiteId = z.string().regex(idPattern("site"), "not a site id");

export const Version = z
  .object({
    key: Key,
    level: z.enum(["account", "task"]),
    taskId: z.string().nullable(),
    version: z.number().int(),
    cleared: z.boolean().meta({ description: "A reset: the level above (or the default) applies" }),
    system: z.string(),
    template: z.string(),
    note: z.string(),
    createdBy: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: "PromptVersion" });
export type Version = z.infer<typeof Version>;

export const Effective = z
  .object({
    key: Key,
    function: z.string(),
    source: z.enum(["default", "account", "task"]),
    version: z.number().int().nullable().meta({ description: "The override's version, null for the default" }),
    system: z.string(),
    template: z.string(),
    variables: z.array(z.string()).meta({ description: "Variables the template may use" }),
    default: z.object({ system: z.string(), template: z.string() }),
  })
  .meta({ id: "Prompt" });
export type Effective = z.infer<typeof Effective>;

type StoredVersion = {
  owner: string;
  key: string;
  version: number;
  cleared: boolean;
  system: string;
  template: string;
  note: string;
  createdBy: string;
  createdAt: string;
};

function serializeVersion(row: StoredVersion): Version {
  return {
    key: row.key as PromptKey,
    level: row.owner === "account" ? "account" : "task",
    taskId: row.owner === "account" ? null : row.owner,
    version: row.version,
    cleared: row.cleared,
    system: row.system,
    template: row.template,
    note: row.note,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
  };
}

async function latest(owner: string, key: PromptKey): Promise<StoredVersion | undefined> {
  const result = await promptVersionEntity()
    .query.byKey({ accountId: useAccount(), owner, key })
    .go({ order: "desc", limit: 1 });
  return (result.data[0] as StoredVersion | undefined) ?? undefined;
}

/** The prompt in force for `key` (task override, else account override, else the default). */
export async function effective(key: PromptKey, taskId?: string): Promise<Effective> {
  const base = defaultPrompts[key];
  const variables = [...variablesByFunction[functionOf(key)]!];
  const view = (source: Effective["source"], version: number | null, text: PromptText): Effective => ({
    key,
    function: functionOf(key),
    source,
    version,
    system: text.system,
    template: text.template,
    variables,
    default: base,
  });
  if (taskId) {
    const own = await latest(taskId, key);
    if (own && !own.cleared) return view("task", own.version, own);
  }
  const account = await latest("account", key);
  if (account && !account.cleared) return view("account", account.version, account);
  return view("default", null, base);
}

function checkTemplate(key: PromptKey, text: { system: string; template: string }) {
  const allowed = new Set(variablesByFunction[functionOf(key)]);
  for (const [field, value] of Object.entries(text)) {
    const { variables, problems } = inspect(value);
    const problem = problems[0];
    if (problem) {
      throw new VisibleError("input", "prompt.template_invalid", `${field}: ${problem.message}`, {
        fields: [{ path: field, message: problem.message }],
      });
    }
    const unknown = variables.find((name) => !allowed.has(name));
    if (unknown) {
      throw new VisibleError("input", "prompt.variable_unknown", `${field}: {{${unknown}}} is not a variable of ${key}`, {
        fields: [{ path: field, message: `unknown variable ${unknown}; known: ${[...allowed].join(", ")}` }],
      });
    }
  }
}

function actorName(): string {
  const actor = useActor();
  if (actor.type === "user") return actor.properties.userId;
  if (actor.type === "apikey") return actor.properties.keyId;
  return actor.type;
}

/** Adds the next version (create-only on its number; a racing save takes the number after). */
async function append(owner: string, key: PromptKey, text: { system: string; template: string; note: string; cleared: boolean }) {
  const accountId = useAccount();
  for (let attempt = 0; attempt < 5; attempt++) {
    const version = ((await latest(owner, key))?.version ?? 0) + 1;
    const row = {
      accountId,
      owner,
      key,
      version,
      versionSort: String(version).padStart(6, "0"),
      ...text,
      createdBy: actorName(),
      createdAt: new Date().toISOString(),
    };
    try {
      await promptVersionEntity().create(row).go();
      return serializeVersion(row);
    } catch (error) {
      if (!String(error).includes("conditional request failed")) throw error;
    }
  }
  throw new VisibleError("conflict", "record.busy", "Others are saving this prompt; try again");
}

async function versionsOf(owner: string, key: PromptKey, cursor: string | undefined, limit: number): Promise<Page.Result<Version>> {
  const accountId = useAccount();
  const scope = JSON.stringify(["prompt-versions", accountId, owner, key]);
  const result = await promptVersionEntity()
    .query.byKey({ accountId, owner, key })
    .go({ order: "desc", count: limit, cursor: Page.decode(cursor, scope) ?? null });
  return { items: (result.data as StoredVersion[]).map(serializeVersion), cursor: Page.encode(result.cursor, scope) };
}

async function versionOf(owner: string, key: PromptKey, version: number): Promise<StoredVersion> {
  const { data } = await promptVersionEntity()
    .get({ accountId: useAccount(), owner, key, versionSort: String(version).padStart(6, "0") })
    .go();
  if (!data) throw new VisibleError("not_found", "prompt.version_not_found", `There is no version ${version} of ${key}`);
  return data as StoredVersion;
}

export const SaveBody = z
  .strictObject({
    system: z.string().trim().min(1).max(8000),
    template: z.string().trim().min(1).max(20_000),
    note: z.string().max(300).default("").meta({ description: "Why it changed (shown in the version list)" }),
  })
  .meta({ id: "PromptSave" });

const AccountKey = z.strictObject({ key: Key });
const TaskKey = z.strictObject({ siteId: SiteId, taskId: TaskId, key: Key });
const VersionNumber = z.coerce.number().int().min(1).max(999_999);

// --- account level --------------------------------------------------------------------------

export async function list(): Promise<Effective[]> {
  Authz.assertRole("settings.read");
  return Promise.all(promptKeys.map((key) => effective(key)));
}

export const get = fn(AccountKey, async ({ key }) => {
  Authz.assertRole("settings.read");
  return effective(key);
});

export const save = fn(SaveBody.extend(AccountKey.shape), async ({ key, ...text }) => {
  Authz.assertRole("settings.write");
  checkTemplate(key, text);
  return append("account", key, { ...text, cleared: false });
});

export const versions = fn(AccountKey.extend(Page.Query), async ({ key, cursor, limit }) => {
  Authz.assertRole("settings.read");
  return versionsOf("account", key, cursor, limit);
});

export const restore = fn(AccountKey.extend({ version: VersionNumber }), async ({ key, version }) => {
  Authz.assertRole("settings.write");
  const old = await versionOf("account", key, version);
  return append("account", key, { system: old.system, template: old.template, note: `Restored version ${version}`, cleared: old.cleared });
});

export const reset = fn(AccountKey, async ({ key }) => {
  Authz.assertRole("settings.write");
  return append("account", key, { system: "", template: "", note: "Reset to the default", cleared: true });
});

// --- task level -----------------------------------------------------------------------------

async function assertTask(siteId: string, taskId: string, action: "writer.read" | "writer.write") {
  await Authz.assert(action, { siteId });
  const { data } = await taskEntity().get({ accountId: useAccount(), siteId, taskId }).go({ attributes: ["taskId"] });
  if (!data) throw new VisibleError("not_found", "task.not_found", "No such task in this site", { taskId });
}

export const getForTask = fn(TaskKey, async ({ siteId, taskId, key }) => {
  await assertTask(siteId, taskId, "writer.read");
  return effective(key, taskId);
});

export const saveForTask = fn(SaveBody.extend(TaskKey.shape), async ({ siteId, taskId, key, ...text }) => {
  await assertTask(siteId, taskId, "writer.write");
  checkTemplate(key, text);
  return append(taskId, key, { ...text, cleared: false });
});

export const versionsForTask = fn(TaskKey.extend(Page.Query), async ({ siteId, taskId, key, cursor, limit }) => {
  await assertTask(siteId, taskId, "writer.read");
  return versionsOf(taskId, key, cursor, limit);
});

export const restoreForTask = fn(TaskKey.extend({ version: VersionNumber }), async ({ siteId, taskId, key, version }) => {
  await assertTask(siteId, taskId, "writer.write");
  const old = await versionOf(taskId, key, version);
  return append(taskId, key, { system: old.system, template: old.template, note: `Restored version ${version}`, cleared: old.cleared });
});

export const resetForTask = fn(TaskKey, async ({ siteId, taskId, key }) => {
  await assertTask(siteId, taskId, "writer.write");
  return append(taskId, key, { system: "", template: "", note: "Back to the account's prompt", cleared: true });
});

// --- rendering ------------------------------------------------------------------------------

/** The author profile and strategy as a block of the system message. */
export function voiceBlock(voice: Author.Voice): string {
  const lines: string[] = [];
  const { author, strategy } = voice;
  if (author) {
    lines.push(`Author profile: ${author.name}`);
    if (author.bio) lines.push(`About: ${author.bio}`);
    if (author.tone) lines.push(`Tone: ${author.tone}`);
    if (author.audience) lines.push(`Audience: ${author.audience}`);
    if (author.readingLevel) lines.push(`Reading level: ${author.readingLevel}`);
    if (author.rules.length) lines.push("Rules:", bullets(author.rules));
    if (author.brandFacts.length) lines.push("Brand facts you may state:", bullets(author.brandFacts));
  }
  if (strategy) {
    if (lines.length) lines.push("");
    lines.push(`Content strategy: ${strategy.name}`);
    if (strategy.goals) lines.push(`Goals: ${strategy.goals}`);
    if (strategy.audience) lines.push(`Strategy audience: ${strategy.audience}`);
    if (strategy.pillars.length) lines.push("Pillars:", bullets(strategy.pillars));
    if (strategy.guidelines.length) lines.push("Guidelines:", bullets(strategy.guidelines));
    if (strategy.callToAction) lines.push(`Call to action: ${strategy.callToAction}`);
  }
  return lines.join("\n");
}

/** A rule or guideline about pictures (the image model is given these, not the writing rules). */
const visualRule =
  /\b(images?|imagery|photos?|photograph\w*|pictures?|illustrat\w*|visuals?|visually|colou?rs?|palette|scenes?|shows?|showing|depict\w*|logos?|faces?|drawings?|artwork|aesthetic)\b/i;

const IMAGE_VOICE_CHARS = 1_000;

/**
 * The voice as the image model needs it, added to the image prompt (image models get no system
 * message). Only what a picture can carry: who it is for (the author's and the strategy's
 * audience), the mood (the author's tone), the brand facts as context for setting and props
 * (never to be drawn as text), and the rules and guidelines that speak about pictures (they name
 * images, photos, illustrations, colours, scenes, what to show or depict, logos or faces:
 * "Never show faces", "Illustrations in teal and sand"). Writing rules, the reading level and the
 * call to action say nothing to an image model and are left out. Kept under 1,000 characters so
 * the whole prompt stays within what image models accept.
 */
export function imageVoiceBlock(voice: Author.Voice): string {
  const { author, strategy } = voice;
  const clipLine = (text: string, max = 200) => (text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text);
  const audiences = [author?.audience, strategy?.audience].map((a) => a?.trim() ?? "").filter(Boolean);
  const rules = [...(author?.rules ?? []), ...(strategy?.guidelines ?? [])].filter((rule) => visualRule.test(rule));
  const lines: string[] = [];
  if (audiences.length) lines.push(`Made for: ${clipLine([...new Set(audiences)].join("; "))}`);
  if (author?.tone) lines.push(`Mood: ${clipLine(author.tone)}`);
  if (rules.length) lines.push(`Visual rules: ${rules.map((rule) => clipLine(rule, 160)).join("; ")}`);
  if (author?.brandFacts.length) {
    lines.push(`Brand context (for setting and props; never as visible text): ${author.brandFacts.map((fact) => clipLine(fact, 160)).join("; ")}`);
  }
  let block = lines.join("\n");
  if (block.length > IMAGE_VOICE_CHARS) block = `${block.slice(0, IMAGE_VOICE_CHARS - 1).trimEnd()}…`;
  return block;
}

/** The facts of the author and strategy as structured inputs (the offline adapter builds from them). */
export function voiceInputs(voice: Author.Voice): Record<string, unknown> {
  return {
    ...(voice.author
      ? {
          author: {
            name: voice.author.name,
            tone: voice.author.tone,
            audience: voice.author.audience,
            readingLevel: voice.author.readingLevel,
            rules: voice.author.rules,
            brandFacts: voice.author.brandFacts,
          },
        }
      : {}),
    ...(voice.strategy
      ? {
          strategy: {
            name: voice.strategy.name,
            goals: voice.strategy.goals,
            pillars: voice.strategy.pillars,
            rules: voice.strategy.guidelines,
          },
        }
      : {}),
  };
}

export interface Rendered {
  key: PromptKey;
  source: Effective["source"];
  version: number | null;
  system: string;
  prompt: string;
  variables: Record<string, string>;
}

/**
 * Renders the prompt in force for `key` with `variables` and the voice, whatever the template says:
 * for chat functions the author profile and strategy go to the end of the system message; for
 * `images` (the image model gets the prompt alone) their picture-relevant part goes to the end of
 * the prompt.
 */
export async function renderFor(
  key: PromptKey,
  variables: Record<string, string>,
  options: { taskId?: string; voice?: Author.Voice } = {},
): Promise<Rendered> {
  const prompt = await effective(key, options.taskId);
  const system = render(prompt.system, variables);
  const text = render(prompt.template, variables);
  const join = (...parts: string[]) => parts.filter(Boolean).join("\n\n");
  if (functionOf(key) === "images") {
    const voice = options.voice ? imageVoiceBlock(options.voice) : "";
    return { key, source: prompt.source, version: prompt.version, system, prompt: join(text, voice), variables };
  }
  const voice = options.voice ? voiceBlock(options.voice) : "";
  return { key, source: prompt.source, version: prompt.version, system: join(system, voice), prompt: text, variables };
}

export interface SiteContext {
  siteName: string;
  siteUrl: string;
  language: string;
  country: string;
  sector: string;
}

/** The site (and sector) facts prompts use; no access check (callers have done it). */
export async function siteContext(siteId: string, sectorId?: string): Promise<SiteContext> {
  const accountId = useAccount();
  const [site, sector] = await Promise.all([
    siteEntity().get({ accountId, siteId }).go(),
    sectorId ? sectorEntity().get({ accountId, siteId, sectorId }).go() : undefined,
  ]);
  if (!site.data) throw new VisibleError("not_found", "site.not_found", "No such site in this account", { siteId });
  return {
    siteName: site.data.name,
    siteUrl: site.data.url,
    language: site.data.language,
    country: site.data.country,
    sector: sector?.data?.name ?? "",
  };
}

export function siteVariables(site: SiteContext): Record<string, string> {
  return { site_name: site.siteName, site_url: site.siteUrl, language: site.language, country: site.country, sector: site.sector };
}

/** The variables of a content prompt for a task. */
export function contentVariables(task: Task.Stored, site: SiteContext): Record<string, string> {
  const outline = (task.outline as Task.OutlineSection[]) ?? [];
  return {
    ...siteVariables(site),
    title: task.title,
    content_type: task.contentType,
    structure: task.structure,
    structure_guidance: structureGuidance[task.structure] ?? "",
    primary_keyword: task.primaryKeyword,
    keywords: bullets(task.keywords ?? []),
    word_count: String(task.wordCount),
    outline: bullets(outline.map((section) => ({ text: section.heading, children: section.subheadings }))),
    brief: task.brief ?? "",
    cluster: task.clusterName ?? "",
  };
}
