import { Entity } from "electrodb";
import { lazyEntity } from "../db";

/** A customer's website. Tenant-owned: every key leads with the account id. */
export const siteEntity = lazyEntity(
  (config) =>
    new Entity(
      {
        model: { entity: "site", version: "1", service: "igny8" },
        attributes: {
          accountId: { type: "string", required: true, readOnly: true },
          siteId: { type: "string", required: true, readOnly: true },
          name: { type: "string", required: true },
          url: { type: "string", required: true },
          kind: { type: ["wordpress", "igny8"] as const, required: true },
          language: { type: "string", required: true },
          country: { type: "string", required: true },
          industryId: { type: "string" },
          settings: { type: "any", required: true, default: () => ({}) },
          /** Lower-cased name and URL, for the list filter. */
          search: {
            type: "string",
            watch: ["name", "url"],
            set: (_, item) => `${item.name ?? ""} ${item.url ?? ""}`.toLowerCase(),
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
          byId: {
            pk: { field: "pk", composite: ["accountId"] },
            sk: { field: "sk", composite: ["siteId"] },
          },
          byName: {
            index: "gsi1",
            pk: { field: "gsi1pk", composite: ["accountId"] },
            sk: { field: "gsi1sk", composite: ["name", "siteId"] },
          },
        },
      },
      config,
    ),
);
