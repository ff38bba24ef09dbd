import { Entity } from "electrodb";
import { lazyEntity } from "../db";

/** A person. Global identity (a user may belong to several accounts through memberships). */
export const userEntity = lazyEntity(
  (config) =>
    new Entity(
      {
        model: { entity: "user", version: "1", service: "igny8" },
        attributes: {
          userId: { type: "string", required: true, readOnly: true },
          email: { type: "string", required: true },
          name: { type: "string", required: true },
          passwordHash: { type: "string", required: true },
          /** Operators of the installation; never set by sign-up or any tenant route. */
          superuser: { type: "boolean", required: true, default: false },
          status: { type: ["active", "disabled"] as const, required: true, default: "active" },
          passwordChangedAt: { type: "string" },
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
          byId: { pk: { field: "pk", composite: ["userId"] }, sk: { field: "sk", composite: [] } },
        },
      },
      config,
    ),
);

/**
 * The global e-mail → user lookup. A separate item keyed by the normalized address so
 * uniqueness is a condition on one key (created in the same transaction as the user).
 */
export const userEmailEntity = lazyEntity(
  (config) =>
    new Entity(
      {
        model: { entity: "userEmail", version: "1", service: "igny8" },
        attributes: {
          email: { type: "string", required: true, readOnly: true },
          userId: { type: "string", required: true, readOnly: true },
        },
        indexes: {
          byEmail: { pk: { field: "pk", composite: ["email"] }, sk: { field: "sk", composite: [] } },
        },
      },
      config,
    ),
);
