export * as Author from "./index";
export * as Strategy from "./strategy";

import { z } from "zod";
import { useAccount } from "../actor";
import { Authz } from "../authz";
import { isConditionFailure } from "../billing/records";
import { Page } from "../pagination";
import { VisibleError } from "../util/error";
import { fn } from "../util/fn";
import { createId, idPattern } from "../util/id";
import { authorEntity, writerDefaultsEntity } from "./author.entity";
import * as Strategy from "./strategy";

/**
 * Author profiles: the brand voice every prompt carries (tone, audience, reading level, rules,
 * brand facts). A task names one, or the account's default applies.
 */

export const AuthorId = z.string().regex(idPattern("author"), "not an author id").meta({ example: "aut_01hz3v5k8q2w4e6r8t0y2u4i6o" });

const Line = z.string().trim().min(1).max(500);

const fields = {
  name: z.string().trim().min(1).max(100),
  bio: z.string().max(2000),
  tone: z.string().max(300).meta({ example: "warm, practical, no hype" }),
  audience: z.string().max(500).meta({ example: "new trail runners" }),
  readingLevel: z.string().max(100).meta({ example: "grade 8" }),
  rules: z.array(Line).max(30).meta({ description: "Always / never rules, one per line" }),
  brandFacts: z.array(Line).max(50).meta({ description: "Facts the writer may state about the brand" }),
};

export const Info = z
  .object({
    authorId: AuthorId,
    name: z.string(),
    bio: z.string(),
    tone: z.string(),
    audience: z.string(),
    readingLevel: z.string(),
    rules: z.array(z.string()),
    brandFacts: z.array(z.string()),
    isDefault: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Author" });
export type Info = z.infer<typeof Info>;

type Stored = Omit<Info, "isDefault"> & { accountId: string };

export async function defaults(): Promise<{ authorId?: string; strategyId?: string }> {
  const { data } = await writerDefaultsEntity().get({ accountId: useAccount() }).go({ consistent: true });
  return { authorId: data?.authorId, strategyId: data?.strategyId };
}

function serialize(row: Stored, defaultId: string | undefined): Info {
  return {
    authorId: row.authorId,
    name: row.name,
    bio: row.bio ?? "",
    tone: row.tone ?? "",
    audience: row.audience ?? "",
    readingLevel: row.readingLevel ?? "",
    rules: row.rules ?? [],
    brandFacts: row.brandFacts ?? [],
    isDefault: row.authorId === defaultId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export const CreateInput = z
  .strictObject({
    name: fields.name,
    bio: fields.bio.default(""),
    tone: fields.tone.default(""),
    audience: fields.audience.default(""),
    readingLevel: fields.readingLevel.default(""),
    rules: fields.rules.default([]),
    brandFacts: fields.brandFacts.default([]),
    isDefault: z.boolean().default(false).meta({ description: "Use for tasks that name no author" }),
  })
  .meta({ id: "AuthorCreate" });

export const create = fn(CreateInput, async ({ isDefault, ...input }) => {
  Authz.assertRole("writer.write");
  const accountId = useAccount();
  const now = new Date().toISOString();
  const row: Stored = { ...input, accountId, authorId: createId("author"), createdAt: now, updatedAt: now };
  await authorEntity().create(row).go();
  if (isDefault) await writerDefaultsEntity().update({ accountId }).set({ authorId: row.authorId }).go();
  return serialize(row, isDefault ? row.authorId : (await defaults()).authorId);
});

export async function find(authorId: string): Promise<Stored | undefined> {
  const { data } = await authorEntity().get({ accountId: useAccount(), authorId }).go({ consistent: true });
  return (data as Stored | null) ?? undefined;
}

function notFound(authorId: string) {
  return new VisibleError("not_found", "author.not_found", "No such author profile in this account", { authorId });
}

export const Key = z.strictObject({ authorId: AuthorId });

export const get = fn(Key, async ({ authorId }) => {
  Authz.assertRole("writer.read");
  const row = await find(authorId);
  if (!row) throw notFound(authorId);
  return serialize(row, (await defaults()).authorId);
});

export const list = fn(z.strictObject({ ...Page.Query }), async ({ cursor, limit }): Promise<Page.Result<Info>> => {
  Authz.assertRole("writer.read");
  const accountId = useAccount();
  const scope = `authors:${accountId}`;
  const [result, current] = await Promise.all([
    authorEntity().query.byId({ accountId }).go({ cursor: Page.decode(cursor, scope) ?? null, count: limit }),
    defaults(),
  ]);
  return { items: (result.data as Stored[]).map((row) => serialize(row, current.authorId)), cursor: Page.encode(result.cursor, scope) };
});

export const UpdateBody = z
  .strictObject({
    name: fields.name.optional(),
    bio: fields.bio.optional(),
    tone: fields.tone.optional(),
    audience: fields.audience.optional(),
    readingLevel: fields.readingLevel.optional(),
    rules: fields.rules.optional(),
    brandFacts: fields.brandFacts.optional(),
    isDefault: z.boolean().optional(),
  })
  .meta({ id: "AuthorUpdate" });

export const update = fn(UpdateBody.extend(Key.shape), async ({ authorId, isDefault, ...patch }) => {
  Authz.assertRole("writer.write");
  const accountId = useAccount();
  const changes = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
  let row: Stored | undefined;
  try {
    row =
      Object.keys(changes).length === 0
        ? await find(authorId)
        : ((
            await authorEntity()
              .patch({ accountId, authorId })
              .set(changes)
              .go({ response: "all_new" })
          ).data as Stored);
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
  if (!row) throw notFound(authorId);
  const current = await defaults();
  if (isDefault === true && current.authorId !== authorId) {
    await writerDefaultsEntity().update({ accountId }).set({ authorId }).go();
    return serialize(row, authorId);
  }
  if (isDefault === false && current.authorId === authorId) {
    await writerDefaultsEntity().update({ accountId }).remove(["authorId"]).go();
    return serialize(row, undefined);
  }
  return serialize(row, current.authorId);
});

/** Deletes a profile; tasks that named it fall back to the default. */
export const remove = fn(Key, async ({ authorId }) => {
  Authz.assertRole("writer.write");
  const accountId = useAccount();
  try {
    await authorEntity()
      .delete({ accountId, authorId })
      .where((attr, op) => op.exists(attr.authorId))
      .go();
  } catch (error) {
    if (isConditionFailure(error)) throw notFound(authorId);
    throw error;
  }
  if ((await defaults()).authorId === authorId) await writerDefaultsEntity().update({ accountId }).remove(["authorId"]).go();
});

/** Checks that the ids a task names exist (and a site-bound strategy belongs to its site). */
export async function assertReferences(refs: { siteId: string; authorId?: string; strategyId?: string }): Promise<void> {
  if (refs.authorId && !(await find(refs.authorId))) {
    throw new VisibleError("input", "author.not_found", "No such author profile in this account", {
      fields: [{ path: "authorId", message: "no such author profile" }],
    });
  }
  if (refs.strategyId) {
    const strategy = await Strategy.find(refs.strategyId);
    if (!strategy || (strategy.siteId && strategy.siteId !== refs.siteId)) {
      throw new VisibleError("input", "strategy.not_found", "No such content strategy for this site", {
        fields: [{ path: "strategyId", message: "no such content strategy for this site" }],
      });
    }
  }
}

export interface Voice {
  author?: Info;
  strategy?: Strategy.Info;
}

/**
 * The author profile and strategy that apply to a task: the ones it names, else the account's
 * defaults (a default strategy bound to another site does not apply). Records deleted since are skipped.
 */
export async function voiceFor(refs: { siteId: string; authorId?: string; strategyId?: string }): Promise<Voice> {
  const current = await defaults();
  const authorId = refs.authorId ?? current.authorId;
  const strategyId = refs.strategyId ?? current.strategyId;
  const [author, strategy] = await Promise.all([
    authorId ? find(authorId) : undefined,
    strategyId ? Strategy.find(strategyId) : undefined,
  ]);
  return {
    ...(author ? { author: serialize(author, current.authorId) } : {}),
    ...(strategy && (!strategy.siteId || strategy.siteId === refs.siteId)
      ? { strategy: Strategy.serialize(strategy, current.strategyId) }
      : {}),
  };
}
