import { z } from "zod";
import { SectorId } from "../sector";
import { SiteId } from "../site";
import { idPattern } from "../util/id";
import { type KeywordItem, keywordStatuses } from "./keyword.entity";

export const KeywordId = z
  .string()
  .regex(idPattern("keyword"), "not a keyword id")
  .meta({ example: "kw_01hz3v5k8q2w4e6r8t0y2u4i6o" });

export const KeywordIds = z.array(KeywordId).min(1).max(1000);

export const Intent = z.enum(["informational", "commercial", "transactional", "navigational"]);

export const Status = z.enum(keywordStatuses).meta({
  description: "new; clustered or unclustered (set by clustering runs); ignored (left out of clustering)",
});

export const Tag = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[^\s,][^,]*$/, "a tag has no commas and does not start with a space");
export const Tags = z.array(Tag).min(1).max(20);

export const Info = z
  .object({
    keywordId: KeywordId,
    siteId: SiteId,
    sectorId: SectorId,
    keyword: z.string(),
    volume: z.number().nullable().meta({ description: "Monthly searches; the midpoint when the file gave a range" }),
    volumeRange: z
      .object({ low: z.number(), high: z.number() })
      .nullable()
      .meta({ description: "The range the file gave (Keyword Planner), else null" }),
    difficulty: z.number().nullable(),
    cpc: z.number().nullable(),
    competition: z.number().nullable().meta({ description: "Advertising competition, 0..1" }),
    intent: Intent.nullable(),
    intents: z.array(Intent),
    serpFeatures: z.array(z.string()),
    trend: z.array(z.number()).nullable(),
    serpUrls: z.array(z.string()).meta({ description: "Top-10 result URLs when the file had them" }),
    position: z.number().nullable(),
    url: z.string().nullable().meta({ description: "The site's ranking URL (rank tracking and Search Console files)" }),
    clicks: z.number().nullable(),
    impressions: z.number().nullable(),
    ctr: z.number().nullable(),
    traffic: z.number().nullable(),
    parentKeyword: z.string().nullable(),
    country: z.string().nullable(),
    source: z.string(),
    status: Status,
    tags: z.array(z.string()),
    clusterId: z.string().nullable(),
    pageGroupId: z.string().nullable(),
    unclusteredReason: z.string().nullable(),
    importId: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Keyword" });
export type Info = z.infer<typeof Info>;

export function serialize(item: KeywordItem): Info {
  return {
    keywordId: item.keywordId,
    siteId: item.siteId,
    sectorId: item.sectorId,
    keyword: item.keyword,
    volume: item.volume ?? null,
    volumeRange:
      item.volumeLow !== undefined && item.volumeHigh !== undefined ? { low: item.volumeLow, high: item.volumeHigh } : null,
    difficulty: item.difficulty ?? null,
    cpc: item.cpc ?? null,
    competition: item.competition ?? null,
    intent: item.intent ?? null,
    intents: (item.intents ?? []) as Info["intents"],
    serpFeatures: item.serpFeatures ?? [],
    trend: item.trend ?? null,
    serpUrls: item.serpUrls ?? [],
    position: item.position ?? null,
    url: item.url ?? null,
    clicks: item.clicks ?? null,
    impressions: item.impressions ?? null,
    ctr: item.ctr ?? null,
    traffic: item.traffic ?? null,
    parentKeyword: item.parentKeyword ?? null,
    country: item.country ?? null,
    source: item.source,
    status: item.status,
    tags: [...(item.tags ?? [])].sort(),
    clusterId: item.clusterId ?? null,
    pageGroupId: item.pageGroupId ?? null,
    unclusteredReason: item.unclusteredReason ?? null,
    importId: item.importId ?? null,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}
