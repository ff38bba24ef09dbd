import { z } from "zod";
import { useAccount } from "../actor";
import { Authz } from "../authz";
import { isConditionFailure } from "../billing/records";
import { Page } from "../pagination";
import { VisibleError } from "../util/error";
import { fn } from "../util/fn";
import { createId, idPattern } from "../util/id";
import { strategyEntity, writerDefaultsEntity } from "./author.entity";

/**
 * Content strategies: goals, audience, pillars, guidelines and the call to action that every
 * prompt of a task carries. Optionally bound to one site.
 */

export const StrategyId = z.string().regex(idPattern("strategy"), "not a strategy id").meta({ example: "str_01hz3v5k8q2w4e6r8t0y2u4i6o" });

const Line = z.string().trim().min(1).max(500);
const SiteId = z.string().regex(idPattern("site"), "not a site id");

const fields = {
  name: z.string().trim().min(1).max(100),
  goals: z.string().max(2000),
  audience: z.string().max(500),
  pillars: z.array(Line).max(30),
  guidelines: z.array(Line).max(30),
  callToAction: z.string().max(500),
};

export const Info = z
  .object({
    strategyId: StrategyId,
    siteId: z.string().nullable(),
    name: z.string(),
    goals: z.string(),
    audience: z.string(),
    pillars: z.array(z.string()),
    guidelines: z.array(z.string()),
    callToAction: z.string(),
    isDefault: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "ContentStrategy" });
export type Info = z.infer<typeof Info>;

export type Stored = Omit<Info, "isDefault" | "siteId"> & { accountId: string; siteId?: string };

export function serialize(row: Stored, defaultId: string | undefined): Info {
  return {
    strategyId: row.strategyId,
    siteId: row.siteId ?? null,
    name: row.name,
    goals: row.goals ?? "",
    audience: row.audience ?? "",
    pillars: row.pillars ?? [],
    guidelines: row.guidelines ?? [],
    callToAction: row.callToAction ?? "",
    isDefault: row.strategyId === defaultId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

async function defaultId(): Promise<string | undefined> {
  const { data } = await writerDefaultsEntity().get({ accountId: useAccount() }).go({ consistent: true });
  return data?.strategyId;
}

function notFound(strategyId: string) {
  return new VisibleError("not_found", "strategy.not_found", "No such content strategy in this account", { strategyId });
}

export const CreateInput = z
  .strictObject({
    name: fields.name,
    goals: fields.goals.default(""),
    audience: fields.audience.default(""),
    pillars: fields.pillars.default([]),
    guidelines: fields.guidelines.default([]),
    callToAction: fields.callToAction.default(""),
    isDefault: z.boolean().default(false),
  })
  .meta({ id: "ContentStrategyCreate" });

/** A strategy for the whole account, or (with siteId, from the site's route) for one site only. */
export const create = fn(CreateInput.extend({ siteId: SiteId.optional() }), async ({ isDefault, siteId, ...input }) => {
  if (siteId) await Authz.assert("writer.write", { siteId });
  else Authz.assertRole("writer.write");
  const accountId = useAccount();
  const now = new Date().toISOString();
  const row: Stored = { ...input, ...(siteId ? { siteId } : {}), accountId, strategyId: createId("strategy"), createdAt: now, updatedAt: now };
  await strategyEntity().create(row).go();
  if (isDefault) await writerDefaultsEntity().update({ accountId }).set({ strategyId: row.strategyId }).go();
  return serialize(row, isDefault ? row.strategyId : await defaultId());
});

export async function find(strategyId: string): Promise<Stored | undefined> {
  const { data } = await strategyEntity().get({ accountId: useAccount(), strategyId }).go({ consistent: true });
  return (data as Stored | null) ?? undefined;
}

/** A strategy bound to a site the actor may not see is not found. */
async function visible(strategyId: string): Promise<Stored> {
  const row = await find(strategyId);
  if (!row || (row.siteId && !Authz.siteAllowed(row.siteId))) throw notFound(strategyId);
  return row;
}

export const Key = z.strictObject({ strategyId: StrategyId });

export const get = fn(Key, async ({ strategyId }) => {
  Authz.assertRole("writer.read");
  return serialize(await visible(strategyId), await defaultId());
});

export const list = fn(z.strictObject({ ...Page.Query }), async ({ cursor, limit }): Promise<Page.Result<Info>> => {
  Authz.assertRole("writer.read");
  const accountId = useAccount();
  const scope = `strategies:${accountId}`;
  const [result, current] = await Promise.all([
    strategyEntity().query.byId({ accountId }).go({ cursor: Page.decode(cursor, scope) ?? null, count: limit }),
    defaultId(),
  ]);
  const rows = (result.data as Stored[]).filter((row) => !row.siteId || Authz.siteAllowed(row.siteId));
  return { items: rows.map((row) => serialize(row, current)), cursor: Page.encode(result.cursor, scope) };
});

export const UpdateBody = z
  .strictObject({
    name: fields.name.optional(),
    goals: fields.goals.optional(),
    audience: fields.audience.optional(),
    pillars: fields.pillars.optional(),
    guidelines: fields.guidelines.optional(),
    callToAction: fields.callToAction.optional(),
    isDefault: z.boolean().optional(),
  })
  .meta({ id: "ContentStrategyUpdate" });

export const update = fn(UpdateBody.extend(Key.shape), async ({ strategyId, isDefault, ...patch }) => {
  Authz.assertRole("writer.write");
  const accountId = useAccount();
  const existing = await visible(strategyId);
  const changes = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
  let row = existing;
  if (Object.keys(changes).length > 0) {
    try {
      row = (await strategyEntity().patch({ accountId, strategyId }).set(changes).go({ response: "all_new" })).data as Stored;
    } catch (error) {
      if (isConditionFailure(error)) throw notFound(strategyId);
      throw error;
    }
  }
  let current = await defaultId();
  if (isDefault === true && current !== strategyId) {
    await writerDefaultsEntity().update({ accountId }).set({ strategyId }).go();
    current = strategyId;
  } else if (isDefault === false && current === strategyId) {
    await writerDefaultsEntity().update({ accountId }).remove(["strategyId"]).go();
    current = undefined;
  }
  return serialize(row, current);
});

export const remove = fn(Key, async ({ strategyId }) => {
  Authz.assertRole("writer.write");
  const accountId = useAccount();
  await visible(strategyId);
  await strategyEntity().delete({ accountId, strategyId }).go();
  if ((await defaultId()) === strategyId) await writerDefaultsEntity().update({ accountId }).remove(["strategyId"]).go();
});
