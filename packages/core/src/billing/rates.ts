import { z } from "zod";
import { type AiFunction, aiFunctions, type Usage } from "../ai/types";
import { ratesEntity } from "./billing.entity";

/**
 * What AI work costs, in whole credits: per 1,000 tokens the provider counted (prompt and
 * completion alike) and per image, for each AI function. Data, not code: operators change the
 * rates (PUT /v1/admin/credit-rates); these are the defaults until they do.
 */
export const Rate = z
  .strictObject({
    perThousandTokens: z.number().min(0).max(10_000),
    perImage: z.number().int().min(0).max(100_000),
  })
  .meta({ id: "CreditRate" });
export type Rate = z.infer<typeof Rate>;

export const Rates = z
  .strictObject(Object.fromEntries(aiFunctions.map((name) => [name, Rate])) as Record<AiFunction, typeof Rate>)
  .meta({ id: "CreditRates", description: "Credits per 1,000 tokens and per image, for each AI function" });
export type Rates = z.infer<typeof Rates>;

export const defaultRates: Rates = {
  ideas: { perThousandTokens: 1, perImage: 0 },
  content: { perThousandTokens: 2, perImage: 0 },
  image_prompts: { perThousandTokens: 1, perImage: 0 },
  images: { perThousandTokens: 0.5, perImage: 5 },
  optimize: { perThousandTokens: 2, perImage: 0 },
  site_structure: { perThousandTokens: 2, perImage: 0 },
  clustering: { perThousandTokens: 0.2, perImage: 0 },
};

let cache: { at: number; rates: Rates } | undefined;
const CACHE_MS = 30_000;

/** The rates in force (stored ones over the defaults), cached for 30 s per process. */
export async function current(): Promise<Rates> {
  if (cache && Date.now() - cache.at < CACHE_MS) return cache.rates;
  const stored = await ratesEntity().get({}).go();
  const rates = { ...defaultRates, ...((stored.data?.rates as Partial<Rates> | undefined) ?? {}) };
  cache = { at: Date.now(), rates };
  return rates;
}

export function clearCache() {
  cache = undefined;
}

/** Replaces the rates (operators). */
export async function replace(rates: Rates): Promise<Rates> {
  await ratesEntity().put({ rates, updatedAt: new Date().toISOString() }).go();
  clearCache();
  return rates;
}

/** Credits for measured (or estimated) work: tokens and images at a function's rate, rounded up. */
export function cost(rate: Rate, work: { tokens?: number; images?: number }): number {
  const raw = ((work.tokens ?? 0) / 1000) * rate.perThousandTokens + (work.images ?? 0) * rate.perImage;
  // A hair of tolerance so 2.0000000001 from float arithmetic does not round up to 3.
  return Math.max(0, Math.ceil(raw - 1e-9));
}

export function usageTokens(usage: Usage | undefined): number {
  return usage?.totalTokens ?? 0;
}
