import { Entity } from "electrodb";
import { lazyEntity } from "../db";

/** A topical area of a site. Keys lead with the account id, then the site. */
export const sectorEntity = lazyEntity(
  (config) =>
    new Entity(
      {
        model: { entity: "sector", version: "1", service: "igny8" },
        attributes: {
          accountId: { type: "string", required: true, readOnly: true },
          siteId: { type: "string", required: true, readOnly: true },
          sectorId: { type: "string", required: true, readOnly: true },
          name: { type: "string", required: true },
          description: { type: "string", required: true, default: "" },
          presetId: { type: "string" },
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
          bySite: {
            pk: { field: "pk", composite: ["accountId"] },
            sk: { field: "sk", composite: ["siteId", "sectorId"] },
          },
        },
      },
      config,
    ),
);
