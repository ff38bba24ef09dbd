import { Entity } from "electrodb";
import { lazyEntity } from "../db";

/**
 * A refresh-token family: one sign-in. Only the hash of the current refresh secret is kept,
 * with the hashes already rotated away (a reuse of one of those revokes the family).
 * Global keys (a user's own sessions); `byUser` lets a password change revoke them all.
 */
export const sessionEntity = lazyEntity(
  (config) =>
    new Entity(
      {
        model: { entity: "session", version: "1", service: "igny8" },
        attributes: {
          sessionId: { type: "string", required: true, readOnly: true },
          userId: { type: "string", required: true, readOnly: true },
          accountId: { type: "string", required: true },
          tokenHash: { type: "string", required: true },
          previousHashes: { type: "list", items: { type: "string" }, required: true, default: () => [] },
          generation: { type: "number", required: true, default: 0 },
          revokedAt: { type: "string" },
          revokedReason: { type: "string" },
          userAgent: { type: "string" },
          ip: { type: "string" },
          createdAt: { type: "string", required: true, readOnly: true, default: () => new Date().toISOString() },
          refreshedAt: { type: "string" },
          /** Epoch seconds: the refresh token's absolute end. */
          expiresAt: { type: "number", required: true },
        },
        indexes: {
          byId: { pk: { field: "pk", composite: ["sessionId"] }, sk: { field: "sk", composite: [] } },
          byUser: {
            index: "gsi1",
            pk: { field: "gsi1pk", composite: ["userId"] },
            sk: { field: "gsi1sk", composite: ["sessionId"] },
          },
        },
      },
      config,
    ),
);

/** A password-reset request, keyed by the hash of the e-mailed token (global, expiring). */
export const resetEntity = lazyEntity(
  (config) =>
    new Entity(
      {
        model: { entity: "passwordReset", version: "1", service: "igny8" },
        attributes: {
          tokenHash: { type: "string", required: true, readOnly: true },
          userId: { type: "string", required: true, readOnly: true },
          usedAt: { type: "string" },
          createdAt: { type: "string", required: true, readOnly: true, default: () => new Date().toISOString() },
          expiresAt: { type: "number", required: true },
        },
        indexes: {
          byToken: { pk: { field: "pk", composite: ["tokenHash"] }, sk: { field: "sk", composite: [] } },
        },
      },
      config,
    ),
);
