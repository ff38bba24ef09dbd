import { Entity } from "electrodb";
import { timestamps } from "../billing/records";
import { lazyEntity } from "../db";

export const contentTypes = ["post", "page", "product", "service", "taxonomy"] as const;
export type ContentType = (typeof contentTypes)[number];

/** How a piece is built; each content type allows some structures, the first is its default. */
export const structuresByType = {
  post: ["article", "how_to", "listicle", "guide", "comparison", "review", "news"],
  page: ["landing", "pillar", "about", "resource"],
  product: ["product_page", "buying_guide", "comparison"],
  service: ["service_page", "location_page", "faq_page"],
  taxonomy: ["category", "hub", "tag"],
} as const satisfies Record<ContentType, readonly string[]>;

export const structures = [...new Set(Object.values(structuresByType).flat())] as [string, ...string[]];

export const taskStatuses = ["queued", "generating", "review", "approved", "published", "failed"] as const;
export type TaskStatus = (typeof taskStatuses)[number];

/**
 * A writing task of a site: what to write (type, structure, keywords, outline, length, voice) and
 * where it stands. `generation` counts generations; pipeline steps are keyed by (task, step,
 * generation) and `stepsDone` holds the keys done, so a retried step does nothing twice.
 * `activeRunId` is the content run that holds the task; no other run may take it meanwhile.
 */
export const taskEntity = lazyEntity(
  (config) =>
    new Entity(
      {
        model: { entity: "task", version: "1", service: "igny8" },
        attributes: {
          accountId: { type: "string", required: true, readOnly: true },
          siteId: { type: "string", required: true, readOnly: true },
          taskId: { type: "string", required: true, readOnly: true },
          sectorId: { type: "string" },
          ideaId: { type: "string" },
          clusterId: { type: "string" },
          clusterName: { type: "string" },
          source: { type: ["manual", "idea"] as const, required: true, default: "manual" },
          title: { type: "string", required: true },
          contentType: { type: contentTypes, required: true },
          structure: { type: "string", required: true },
          primaryKeyword: { type: "string", required: true },
          keywords: { type: "list", items: { type: "string" }, required: true, default: () => [] },
          wordCount: { type: "number", required: true },
          /** [{ heading, subheadings }] */
          outline: { type: "any", required: true, default: () => [] },
          brief: { type: "string", required: true, default: "" },
          authorId: { type: "string" },
          strategyId: { type: "string" },
          inArticleImages: { type: "number", required: true, default: 2 },
          featuredImage: { type: "boolean", required: true, default: true },
          status: { type: taskStatuses, required: true, default: "queued" },
          failureReason: { type: "string" },
          generation: { type: "number", required: true, default: 0 },
          stepsDone: { type: "set", items: "string" },
          activeRunId: { type: "string" },
          claimedAt: { type: "string" },
          lastRunId: { type: "string" },
          contentId: { type: "string" },
          /** Lower-cased title, for the list filter. */
          search: {
            type: "string",
            watch: ["title", "primaryKeyword"],
            set: (_, item) => `${item.title ?? ""} ${item.primaryKeyword ?? ""}`.toLowerCase(),
          },
          ...timestamps,
        },
        indexes: {
          byId: {
            pk: { field: "pk", composite: ["accountId", "siteId"] },
            sk: { field: "sk", composite: ["taskId"] },
          },
          byStatus: {
            index: "gsi1",
            pk: { field: "gsi1pk", composite: ["accountId", "siteId"] },
            sk: { field: "gsi1sk", composite: ["status", "taskId"] },
          },
        },
      },
      config,
    ),
);

/** One task per idea: created with the task, so turning an idea into a task twice finds the first. */
export const taskIdeaEntity = lazyEntity(
  (config) =>
    new Entity(
      {
        model: { entity: "taskIdea", version: "1", service: "igny8" },
        attributes: {
          accountId: { type: "string", required: true, readOnly: true },
          siteId: { type: "string", required: true, readOnly: true },
          ideaId: { type: "string", required: true, readOnly: true },
          taskId: { type: "string", required: true, readOnly: true },
        },
        indexes: {
          byIdea: {
            pk: { field: "pk", composite: ["accountId", "siteId"] },
            sk: { field: "sk", composite: ["ideaId"] },
          },
        },
      },
      config,
    ),
);
