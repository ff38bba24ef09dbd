import { Entity } from "electrodb";
import { lazyEntity } from "../db";
import { limitNames } from "./limits";

/**
 * Plans are global data (not tenant-owned): keyed by their slug, listed through `all`.
 * Limits are stored as numbers with -1 for unlimited (DynamoDB maps drop nulls).
 */
export const planEntity = lazyEntity(
  (config) =>
    new Entity(
      {
        model: { entity: "plan", version: "1", service: "igny8" },
        attributes: {
          planId: { type: "string", required: true, readOnly: true },
          name: { type: "string", required: true },
          description: { type: "string", required: true, default: "" },
          priceMonthlyCents: { type: "number", required: true, default: 0 },
          sortOrder: { type: "number", required: true, default: 0 },
          public: { type: "boolean", required: true, default: true },
          limits: {
            type: "map",
            required: true,
            properties: Object.fromEntries(
              limitNames.map((name) => [name, { type: "number", required: true }] as const),
            ),
          },
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
          byId: { pk: { field: "pk", composite: ["planId"] }, sk: { field: "sk", composite: [] } },
          all: {
            index: "gsi1",
            pk: { field: "gsi1pk", composite: [] },
            sk: { field: "gsi1sk", composite: ["planId"] },
          },
        },
      },
      config,
    ),
);
