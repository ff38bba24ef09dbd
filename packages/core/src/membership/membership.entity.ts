import { Entity } from "electrodb";
import { lazyEntity } from "../db";

/**
 * A user's role in an account, optionally restricted to some sites (`siteIds` absent = all).
 * `byUser` is the user's own lookup (which accounts can I enter), read only with the user id
 * of an authenticated token; every tenant read goes through `byAccount`.
 */
export const membershipEntity = lazyEntity(
  (config) =>
    new Entity(
      {
        model: { entity: "membership", version: "1", service: "igny8" },
        attributes: {
          accountId: { type: "string", required: true, readOnly: true },
          userId: { type: "string", required: true, readOnly: true },
          role: { type: ["owner", "admin", "editor", "viewer"] as const, required: true },
          siteIds: { type: "list", items: { type: "string" } },
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
          byAccount: {
            pk: { field: "pk", composite: ["accountId"] },
            sk: { field: "sk", composite: ["userId"] },
          },
          byUser: {
            index: "gsi1",
            pk: { field: "gsi1pk", composite: ["userId"] },
            sk: { field: "gsi1sk", composite: ["accountId"] },
          },
        },
      },
      config,
    ),
);
