import { z } from "zod";

/**
 * Every limit a plan sets, named as in the product plan. `scope` says what one counter covers,
 * `window` whether it resets (UTC day or month) or counts what exists now ("none").
 * `monthly_credits` is a grant, not a counter: billing reads it.
 */
export const limitDefinitions = {
  max_sites: { scope: "account", window: "none", unit: "sites" },
  max_users: { scope: "account", window: "none", unit: "users" },
  max_keywords: { scope: "account", window: "none", unit: "keywords" },
  max_clusters: { scope: "account", window: "none", unit: "clusters" },
  max_content_ideas: { scope: "account", window: "none", unit: "ideas" },
  daily_content_tasks: { scope: "site", window: "day", unit: "tasks" },
  daily_ai_requests: { scope: "site", window: "day", unit: "requests" },
  monthly_word_count_limit: { scope: "site", window: "month", unit: "words" },
  daily_image_generation_limit: { scope: "site", window: "day", unit: "images" },
  monthly_image_count: { scope: "site", window: "month", unit: "images" },
  max_sites_built: { scope: "account", window: "none", unit: "sites" },
  daily_site_generations: { scope: "site", window: "day", unit: "generations" },
  storage_quota_gb: { scope: "site", window: "none", unit: "bytes" },
  max_automation_rules: { scope: "account", window: "none", unit: "rules" },
  daily_automation_executions: { scope: "site", window: "day", unit: "executions" },
  max_concurrent_tasks: { scope: "site", window: "none", unit: "tasks" },
  monthly_credits: { scope: "account", window: "month", unit: "credits" },
} as const satisfies Record<
  string,
  { scope: "account" | "site"; window: "none" | "day" | "month"; unit: string }
>;

export type LimitName = keyof typeof limitDefinitions;
export const limitNames = Object.keys(limitDefinitions) as [LimitName, ...LimitName[]];

/** A limit's value: a whole number, or null for unlimited. */
const limitValue = z.number().int().min(0).max(1_000_000_000).nullable();

export const Limits = z
  .strictObject(
    Object.fromEntries(limitNames.map((name) => [name, limitValue])) as Record<
      LimitName,
      typeof limitValue
    >,
  )
  .meta({ id: "PlanLimits", description: "Every limit of a plan; null means unlimited." });
export type Limits = z.infer<typeof Limits>;
