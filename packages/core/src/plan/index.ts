export * as Plan from "./index";

import { z } from "zod";
import { Authz } from "../authz";
import { VisibleError } from "../util/error";
import { fn } from "../util/fn";
import { type LimitName, Limits, limitDefinitions, limitNames } from "./limits";
import { planEntity } from "./plan.entity";
import { seedPlans } from "./seed";

export { type LimitName, Limits, limitDefinitions, limitNames };

export const PlanId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,39}$/, "a plan id is 2-40 lower-case letters, digits or dashes")
  .meta({ example: "starter" });

export const Info = z
  .object({
    planId: PlanId,
    name: z.string(),
    description: z.string(),
    priceMonthlyCents: z.number().int(),
    sortOrder: z.number().int(),
    public: z.boolean(),
    limits: Limits,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Plan" });
export type Info = z.infer<typeof Info>;

const UNLIMITED = -1;

type Stored = {
  planId: string;
  name: string;
  description: string;
  priceMonthlyCents: number;
  sortOrder: number;
  public: boolean;
  limits: Record<string, number | undefined>;
  createdAt: string;
  updatedAt: string;
};

function serialize(stored: Stored): Info {
  const limits = Object.fromEntries(
    limitNames.map((name) => {
      const value = stored.limits[name];
      return [name, value === undefined || value === UNLIMITED ? null : value];
    }),
  ) as Limits;
  return {
    planId: stored.planId,
    name: stored.name,
    description: stored.description,
    priceMonthlyCents: stored.priceMonthlyCents,
    sortOrder: stored.sortOrder,
    public: stored.public,
    limits,
    createdAt: stored.createdAt,
    updatedAt: stored.updatedAt,
  };
}

function toStored(limits: Partial<Limits>) {
  return Object.fromEntries(
    Object.entries(limits).map(([name, value]) => [name, value === null ? UNLIMITED : value]),
  ) as Record<LimitName, number>;
}

// Plans change rarely and every limited write reads one: keep them for a short while.
const cache = new Map<string, { at: number; plan: Info | undefined }>();
const CACHE_MS = 30_000;

export function clearCache() {
  cache.clear();
}

let seeded = false;

/** Creates the seeded plans that do not exist yet; never overwrites an edited plan. */
export async function seed(): Promise<void> {
  await Promise.all(
    seedPlans.map(async (plan) => {
      try {
        await planEntity()
          .create({ ...plan, public: true, limits: toStored(plan.limits) })
          .go();
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }),
  );
  seeded = true;
  clearCache();
}

/** Seeds once per process; sign-up calls it so a fresh installation has its plans. */
export async function ensureSeeded(): Promise<void> {
  if (!seeded) await seed();
}

function isConditionFailure(error: unknown) {
  const text = String((error as { message?: string })?.message ?? "");
  return text.includes("conditional request failed") || text.includes("ConditionalCheckFailed");
}

/** A plan by id, or undefined. Cached for 30 s per process. */
export async function find(planId: string): Promise<Info | undefined> {
  const hit = cache.get(planId);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.plan;
  const result = await planEntity().get({ planId }).go();
  const plan = result.data ? serialize(result.data) : undefined;
  cache.set(planId, { at: Date.now(), plan });
  return plan;
}

export const get = fn(z.strictObject({ planId: PlanId }), async ({ planId }) => {
  const plan = await find(planId);
  if (!plan) throw new VisibleError("not_found", "plan.not_found", `No plan ${planId}`);
  return plan;
});

/** Public plans for the pricing table; superusers also see hidden ones. */
export async function list(options: { includeHidden?: boolean } = {}): Promise<Info[]> {
  if (options.includeHidden) Authz.assertSuperuser();
  const result = await planEntity().query.all({}).go({ pages: "all" });
  return result.data
    .map(serialize)
    .filter((plan) => options.includeHidden || plan.public)
    .sort((a, b) => a.sortOrder - b.sortOrder || a.planId.localeCompare(b.planId));
}

export const CreateInput = z
  .strictObject({
    planId: PlanId,
    name: z.string().trim().min(1).max(80),
    description: z.string().max(500).default(""),
    priceMonthlyCents: z.number().int().min(0).max(100_000_000).default(0),
    sortOrder: z.number().int().min(0).max(1000).default(100),
    public: z.boolean().default(true),
    limits: Limits,
  })
  .meta({ id: "PlanCreate" });

/** Superusers add plans. */
export const create = fn(CreateInput, async (input) => {
  Authz.assertSuperuser();
  try {
    const result = await planEntity()
      .create({ ...input, limits: toStored(input.limits) })
      .go();
    clearCache();
    return serialize({ ...result.data });
  } catch (error) {
    if (isConditionFailure(error)) {
      throw new VisibleError("conflict", "plan.exists", `Plan ${input.planId} already exists`);
    }
    throw error;
  }
});

export const UpdateInput = z
  .strictObject({
    planId: PlanId,
    name: z.string().trim().min(1).max(80).optional(),
    description: z.string().max(500).optional(),
    priceMonthlyCents: z.number().int().min(0).max(100_000_000).optional(),
    sortOrder: z.number().int().min(0).max(1000).optional(),
    public: z.boolean().optional(),
    limits: Limits.partial().optional(),
  })
  .meta({ id: "PlanUpdate" });

/** Superusers edit plans; a limit edit takes effect within the plan cache's 30 s everywhere. */
export const update = fn(UpdateInput, async ({ planId, limits, ...rest }) => {
  Authz.assertSuperuser();
  const current = await find(planId);
  if (!current) throw new VisibleError("not_found", "plan.not_found", `No plan ${planId}`);
  const merged = { ...current.limits, ...(limits ?? {}) };
  const result = await planEntity()
    .patch({ planId })
    .set({ ...rest, limits: toStored(merged) })
    .go({ response: "all_new" });
  clearCache();
  return serialize(result.data as Stored);
});

/** A plan's max for one limit (null = unlimited). */
export function maxOf(plan: Info, limit: LimitName): number | null {
  return plan.limits[limit];
}
