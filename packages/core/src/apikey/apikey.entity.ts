import { Entity } from "electrodb";
import { lazyEntity } from "../db";

/**
 * A machine client's key: only its SHA-256 is stored. Tenant-owned (`byAccount`); `byHash`
 * is the global lookup used to authenticate a presented key.
 */
export const apiKeyEntity = lazyEntity(
  (config) =>
    new Entity(
      {
        model: { entity: "apiKey", version: "1", service: "igny8" },
        attributes: {
          accountId: { type: "string", required: true, readOnly: true },
          keyId: { type: "string", required: true, readOnly: true },
          keyHash: { type: "string", required: true, readOnly: true },
          /** The first characters of the key, to recognise it in a list. */
          prefix: { type: "string", required: true, readOnly: true },
          name: { type: "string", required: true },
          role: { type: ["admin", "editor", "viewer"] as const, required: true },
          siteIds: { type: "list", items: { type: "string" } },
          createdBy: { type: "string", required: true, readOnly: true },
          createdAt: { type: "string", required: true, readOnly: true, default: () => new Date().toISOString() },
          expiresAt: { type: "string" },
          revokedAt: { type: "string" },
          /** Updated at most every few minutes (not on every request). */
          lastUsedAt: { type: "string" },
        },
        indexes: {
          byAccount: {
            pk: { field: "pk", composite: ["accountId"] },
            sk: { field: "sk", composite: ["keyId"] },
          },
          byHash: {
            index: "gsi1",
            pk: { field: "gsi1pk", composite: ["keyHash"] },
            sk: { field: "gsi1sk", composite: [] },
          },
        },
      },
      config,
    ),
);
