import { Entity } from "electrodb";
import { timestamps } from "../billing/records";
import { lazyEntity } from "../db";
import { contentTypes } from "../task/task.entity";

/** The fields of a piece of content; the current record and every version carry them. */
const bodyAttributes = {
  title: { type: "string", required: true },
  slug: { type: "string", required: true },
  metaTitle: { type: "string", required: true, default: "" },
  metaDescription: { type: "string", required: true, default: "" },
  excerpt: { type: "string", required: true, default: "" },
  /** Sanitized HTML (see sanitize.ts). */
  html: { type: "string", required: true },
  /** [{ heading, subheadings }] */
  outline: { type: "any", required: true, default: () => [] },
  /** [{ question, answer }] */
  faq: { type: "any", required: true, default: () => [] },
  jsonLd: { type: "any", required: true, default: () => ({}) },
  wordCount: { type: "number", required: true, default: 0 },
  keywordsCovered: { type: "list", items: { type: "string" }, required: true, default: () => [] },
  /** product: { name, summary, features, benefits }; service: { name, serviceType, areaServed, steps }; taxonomy: { subtopics } */
  typeFields: { type: "any", required: true, default: () => ({}) },
  /** "" when there is none. */
  featuredImageId: { type: "string", required: true, default: "" },
  imageIds: { type: "list", items: { type: "string" }, required: true, default: () => [] },
  /** Made by the offline adapter (no AI provider): never to be mistaken for a model's writing. */
  offline: { type: "boolean", required: true, default: false },
  provider: { type: "string", required: true, default: "" },
  model: { type: "string", required: true, default: "" },
} as const;

/**
 * The current state of a task's content. `version` is the number of the newest version; every
 * write of the content is a new version written in the same transaction, with the condition that
 * the record is still at the version the writer read.
 */
export const contentEntity = lazyEntity(
  (config) =>
    new Entity(
      {
        model: { entity: "content", version: "1", service: "igny8" },
        attributes: {
          accountId: { type: "string", required: true, readOnly: true },
          siteId: { type: "string", required: true, readOnly: true },
          contentId: { type: "string", required: true, readOnly: true },
          taskId: { type: "string", required: true, readOnly: true },
          contentType: { type: contentTypes, required: true },
          version: { type: "number", required: true },
          ...bodyAttributes,
          /** [{ index, placement, prompt, alt, caption, section }], from the image prompts step. */
          imagePrompts: { type: "any", required: true, default: () => [] },
          imagePromptsGeneration: { type: "number", required: true, default: 0 },
          ...timestamps,
        },
        indexes: {
          byId: {
            pk: { field: "pk", composite: ["accountId", "siteId"] },
            sk: { field: "sk", composite: ["contentId"] },
          },
        },
      },
      config,
    ),
);

export const versionSources = ["generation", "edit", "restore", "images"] as const;
export type VersionSource = (typeof versionSources)[number];

/** One version of a piece of content; never changed once written. */
export const contentVersionEntity = lazyEntity(
  (config) =>
    new Entity(
      {
        model: { entity: "contentVersion", version: "1", service: "igny8" },
        attributes: {
          accountId: { type: "string", required: true, readOnly: true },
          contentId: { type: "string", required: true, readOnly: true },
          siteId: { type: "string", required: true, readOnly: true },
          version: { type: "number", required: true, readOnly: true },
          versionSort: { type: "string", required: true, readOnly: true },
          source: { type: versionSources, required: true, readOnly: true },
          note: { type: "string", required: true, default: "" },
          /** The task generation a generated version belongs to. */
          generation: { type: "number" },
          restoredFrom: { type: "number" },
          ...bodyAttributes,
          createdBy: { type: "string", required: true },
          createdAt: { type: "string", required: true, readOnly: true },
        },
        indexes: {
          byContent: {
            pk: { field: "pk", composite: ["accountId", "contentId"] },
            sk: { field: "sk", composite: ["versionSort"] },
          },
        },
      },
      config,
    ),
);

/** A content run of a site: which tasks, how, and the execution that carries it out. */
export const contentRunEntity = lazyEntity(
  (config) =>
    new Entity(
      {
        model: { entity: "contentRun", version: "1", service: "igny8" },
        attributes: {
          accountId: { type: "string", required: true, readOnly: true },
          siteId: { type: "string", required: true, readOnly: true },
          runId: { type: "string", required: true, readOnly: true },
          executionId: { type: "string", required: true },
          mode: { type: ["full", "images"] as const, required: true, readOnly: true },
          taskIds: { type: "list", items: { type: "string" }, required: true, readOnly: true },
          runCap: { type: "number" },
          estimate: { type: "number", required: true, readOnly: true },
          maxConcurrency: { type: "number", required: true, readOnly: true },
          /** Where the run publishes each task's content as its last step, if anywhere. */
          publish: {
            type: "map",
            readOnly: true,
            properties: {
              connectionId: { type: "string", required: true },
              status: { type: ["draft", "publish", "future"] as const, required: true },
              scheduledAt: { type: "string" },
            },
          },
          createdBy: { type: "string", required: true, readOnly: true },
          createdAt: { type: "string", required: true, readOnly: true },
        },
        indexes: {
          bySite: {
            pk: { field: "pk", composite: ["accountId", "siteId"] },
            sk: { field: "sk", composite: ["runId"] },
          },
        },
      },
      config,
    ),
);
