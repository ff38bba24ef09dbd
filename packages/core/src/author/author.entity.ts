import { Entity } from "electrodb";
import { timestamps } from "../billing/records";
import { lazyEntity } from "../db";

/** A brand voice: who writes, for whom, how, and the facts and rules every prompt carries. */
export const authorEntity = lazyEntity(
  (config) =>
    new Entity(
      {
        model: { entity: "author", version: "1", service: "igny8" },
        attributes: {
          accountId: { type: "string", required: true, readOnly: true },
          authorId: { type: "string", required: true, readOnly: true },
          name: { type: "string", required: true },
          bio: { type: "string", required: true, default: "" },
          tone: { type: "string", required: true, default: "" },
          audience: { type: "string", required: true, default: "" },
          readingLevel: { type: "string", required: true, default: "" },
          rules: { type: "list", items: { type: "string" }, required: true, default: () => [] },
          brandFacts: { type: "list", items: { type: "string" }, required: true, default: () => [] },
          ...timestamps,
        },
        indexes: {
          byId: { pk: { field: "pk", composite: ["accountId"] }, sk: { field: "sk", composite: ["authorId"] } },
        },
      },
      config,
    ),
);

/** What the content is for: goals, pillars, guidelines and the call to action. */
export const strategyEntity = lazyEntity(
  (config) =>
    new Entity(
      {
        model: { entity: "contentStrategy", version: "1", service: "igny8" },
        attributes: {
          accountId: { type: "string", required: true, readOnly: true },
          strategyId: { type: "string", required: true, readOnly: true },
          /** Set when the strategy belongs to one site only. */
          siteId: { type: "string" },
          name: { type: "string", required: true },
          goals: { type: "string", required: true, default: "" },
          audience: { type: "string", required: true, default: "" },
          pillars: { type: "list", items: { type: "string" }, required: true, default: () => [] },
          guidelines: { type: "list", items: { type: "string" }, required: true, default: () => [] },
          callToAction: { type: "string", required: true, default: "" },
          ...timestamps,
        },
        indexes: {
          byId: { pk: { field: "pk", composite: ["accountId"] }, sk: { field: "sk", composite: ["strategyId"] } },
        },
      },
      config,
    ),
);

/** The account's default author and strategy, used by tasks that name none. */
export const writerDefaultsEntity = lazyEntity(
  (config) =>
    new Entity(
      {
        model: { entity: "writerDefaults", version: "1", service: "igny8" },
        attributes: {
          accountId: { type: "string", required: true, readOnly: true },
          authorId: { type: "string" },
          strategyId: { type: "string" },
        },
        indexes: {
          byAccount: { pk: { field: "pk", composite: ["accountId"] }, sk: { field: "sk", composite: [] } },
        },
      },
      config,
    ),
);
