import { Entity } from "electrodb";
import { lazyEntity } from "../db";

/**
 * A tenant. Its own key is the account id; `all` is a global index only superusers read
 * (the admin account list).
 */
export const accountEntity = lazyEntity(
  (config) =>
    new Entity(
      {
        model: { entity: "account", version: "1", service: "igny8" },
        attributes: {
          accountId: { type: "string", required: true, readOnly: true },
          name: { type: "string", required: true },
          planId: { type: "string", required: true },
          status: { type: ["active", "suspended"] as const, required: true, default: "active" },
          /** The operator's own account; only created by the bootstrap, never by sign-up. */
          system: { type: "boolean", required: true, default: false, readOnly: true },
          ownerId: { type: "string", required: true },
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
          byId: { pk: { field: "pk", composite: ["accountId"] }, sk: { field: "sk", composite: [] } },
          all: {
            index: "gsi1",
            pk: { field: "gsi1pk", composite: [] },
            sk: { field: "gsi1sk", composite: ["accountId"] },
          },
        },
      },
      config,
    ),
);
