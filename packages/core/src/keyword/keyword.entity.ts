import { Entity } from "electrodb";
import { lazyEntity } from "../db";

export const keywordStatuses = ["new", "clustered", "unclustered", "ignored"] as const;
export type KeywordStatus = (typeof keywordStatuses)[number];

export const intentValues = ["informational", "commercial", "transactional", "navigational"] as const;

/** `clusterKey` of keywords in no cluster (the byCluster index then lists them too). */
export const NO_CLUSTER = "none";

/** Sort value of a missing metric: before every value ("-" < "d" and "v"), so last when descending. */
export const NO_VALUE = "-";

/** Zero-padded so the string order of the index is the numeric order. */
export function volumeSort(volume: number | null | undefined): string {
  if (volume === null || volume === undefined) return NO_VALUE;
  return `v${String(Math.min(Math.max(0, Math.round(volume)), 999_999_999_999)).padStart(12, "0")}`;
}

export function difficultySort(difficulty: number | null | undefined): string {
  if (difficulty === null || difficulty === undefined) return NO_VALUE;
  return `d${String(Math.min(Math.max(0, Math.round(difficulty * 100)), 99_999)).padStart(5, "0")}`;
}

/**
 * A keyword of a site, in one sector. Keys lead with the account id, then the site. The sort
 * fields (`volumeSort`, `difficultySort`, `clusterKey`) are written by the code that writes the
 * metrics (see `storedKeys`), never by callers.
 */
export const keywordEntity = lazyEntity(
  (config) =>
    new Entity(
      {
        model: { entity: "keyword", version: "1", service: "igny8" },
        attributes: {
          accountId: { type: "string", required: true, readOnly: true },
          siteId: { type: "string", required: true, readOnly: true },
          keywordId: { type: "string", required: true, readOnly: true },
          sectorId: { type: "string", required: true },
          /** As displayed: NFKC, whitespace folded, lower-cased. */
          keyword: { type: "string", required: true },
          /** Equal keys in one sector are one keyword (see the keywordKey entity). */
          normalizedKey: { type: "string", required: true },
          volume: { type: "number" },
          volumeLow: { type: "number" },
          volumeHigh: { type: "number" },
          difficulty: { type: "number" },
          cpc: { type: "number" },
          competition: { type: "number" },
          intent: { type: intentValues },
          intents: { type: "list", items: { type: "string" } },
          serpFeatures: { type: "list", items: { type: "string" } },
          trend: { type: "list", items: { type: "number" } },
          /** The top-10 result URLs, when the file had them (SERP clustering reads them). */
          serpUrls: { type: "list", items: { type: "string" } },
          position: { type: "number" },
          url: { type: "string" },
          clicks: { type: "number" },
          impressions: { type: "number" },
          ctr: { type: "number" },
          traffic: { type: "number" },
          parentKeyword: { type: "string" },
          country: { type: "string" },
          /** Where it came from: a file format id (`semrush_keyword_magic`...) or `manual`. */
          source: { type: "string", required: true },
          status: { type: keywordStatuses, required: true, default: "new" },
          tags: { type: "set", items: "string" },
          clusterId: { type: "string" },
          pageGroupId: { type: "string" },
          clusterKey: { type: "string", required: true, default: NO_CLUSTER },
          unclusteredReason: { type: "string" },
          /** The import that created it. */
          importId: { type: "string" },
          volumeSort: { type: "string", required: true, default: NO_VALUE },
          difficultySort: { type: "string", required: true, default: NO_VALUE },
          createdAt: {
            type: "string",
            required: true,
            readOnly: true,
            default: () => new Date().toISOString(),
          },
          updatedAt: {
            type: "string",
            required: true,
            watch: "*",
            default: () => new Date().toISOString(),
            set: () => new Date().toISOString(),
          },
        },
        indexes: {
          byId: {
            pk: { field: "pk", composite: ["accountId", "siteId"] },
            sk: { field: "sk", composite: ["keywordId"] },
          },
          byCluster: {
            index: "gsi1",
            pk: { field: "gsi1pk", composite: ["accountId", "siteId", "clusterKey"] },
            sk: { field: "gsi1sk", composite: ["volumeSort", "keywordId"] },
          },
          byVolume: {
            index: "gsi2",
            pk: { field: "gsi2pk", composite: ["accountId", "siteId"] },
            sk: { field: "gsi2sk", composite: ["volumeSort", "keywordId"] },
          },
          byDifficulty: {
            index: "gsi3",
            pk: { field: "gsi3pk", composite: ["accountId", "siteId"] },
            sk: { field: "gsi3sk", composite: ["difficultySort", "keywordId"] },
          },
        },
      },
      config,
    ),
);

/**
 * The uniqueness item of a keyword: one per (sector, normalized key), written in the same
 * transaction as the keyword, so two writers can never create the same keyword twice. Its
 * indexes are also the alphabetical order of keywords, per sector and per site.
 */
export const keywordKeyEntity = lazyEntity(
  (config) =>
    new Entity(
      {
        model: { entity: "keywordKey", version: "1", service: "igny8" },
        attributes: {
          accountId: { type: "string", required: true, readOnly: true },
          siteId: { type: "string", required: true, readOnly: true },
          sectorId: { type: "string", required: true, readOnly: true },
          normalizedKey: { type: "string", required: true, readOnly: true },
          keywordId: { type: "string", required: true },
        },
        indexes: {
          byKey: {
            pk: { field: "pk", composite: ["accountId", "siteId", "sectorId"] },
            sk: { field: "sk", composite: ["normalizedKey"], casing: "none" },
          },
          byName: {
            index: "gsi1",
            pk: { field: "gsi1pk", composite: ["accountId", "siteId"] },
            sk: { field: "gsi1sk", composite: ["normalizedKey"], casing: "none" },
          },
        },
      },
      config,
    ),
);

export type KeywordItem = NonNullable<
  Awaited<ReturnType<ReturnType<ReturnType<typeof keywordEntity>["get"]>["go"]>>["data"]
>;
