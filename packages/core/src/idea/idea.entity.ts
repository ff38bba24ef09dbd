import { Entity } from "electrodb";
import { lazyEntity } from "../db";

export const contentTypes = ["article", "guide", "comparison", "review", "listicle", "how-to", "service-page", "hub-page"] as const;
export type ContentType = (typeof contentTypes)[number];

export const ideaStatuses = ["new", "approved", "rejected", "tasked"] as const;
export type IdeaStatus = (typeof ideaStatuses)[number];

/**
 * A content idea for a topic cluster: what to write (title, angle, type, outline, target
 * keywords, length). Counted by the plan's max_content_ideas. `offline` marks drafts the offline
 * AI adapter assembled without a model.
 */
export const ideaEntity = lazyEntity(
  (config) =>
    new Entity(
      {
        model: { entity: "idea", version: "1", service: "igny8" },
        attributes: {
          accountId: { type: "string", required: true, readOnly: true },
          siteId: { type: "string", required: true, readOnly: true },
          ideaId: { type: "string", required: true, readOnly: true },
          sectorId: { type: "string", required: true, readOnly: true },
          clusterId: { type: "string", required: true, readOnly: true },
          /** The cluster's name when the idea was made (the cluster may be renamed or deleted later). */
          clusterName: { type: "string", required: true },
          title: { type: "string", required: true },
          angle: { type: "string", required: true },
          contentType: { type: contentTypes, required: true },
          /** [{ heading, subheadings }]: the H2s and their H3s. */
          outline: { type: "any", required: true },
          primaryKeyword: { type: "string", required: true },
          targetKeywords: { type: "list", items: { type: "string" }, required: true },
          /** The cluster keywords among the targets. */
          targetKeywordIds: { type: "list", items: { type: "string" } },
          estimatedWords: { type: "number", required: true },
          status: { type: ideaStatuses, required: true, default: "new" },
          taskId: { type: "string" },
          offline: { type: "boolean", required: true, default: false },
          provider: { type: "string", required: true },
          model: { type: "string", required: true },
          /** The generation (one AI call) that made or last regenerated it. */
          generationId: { type: "string", required: true },
          regenerations: { type: "number", required: true, default: 0 },
          editedByUser: { type: "boolean", required: true, default: false },
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
            sk: { field: "sk", composite: ["ideaId"] },
          },
          byCluster: {
            index: "gsi1",
            pk: { field: "gsi1pk", composite: ["accountId", "siteId", "clusterId"] },
            sk: { field: "gsi1sk", composite: ["ideaId"] },
          },
        },
      },
      config,
    ),
);

export type IdeaItem = NonNullable<
  Awaited<ReturnType<ReturnType<ReturnType<typeof ideaEntity>["get"]>["go"]>>["data"]
>;
