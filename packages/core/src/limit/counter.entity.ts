import { Entity } from "electrodb";
import { lazyEntity } from "../db";

/**
 * How much of one limit an account (or one of its sites) has used in one window.
 * `siteId` is "-" for account-wide limits; `window` is "all" for counts of what exists now,
 * `d2026-11-05` for a UTC day and `m2026-11` for a UTC month. Window counters expire.
 */
export const counterEntity = lazyEntity(
  (config) =>
    new Entity(
      {
        model: { entity: "limitCounter", version: "1", service: "igny8" },
        attributes: {
          accountId: { type: "string", required: true, readOnly: true },
          limit: { type: "string", required: true, readOnly: true },
          siteId: { type: "string", required: true, readOnly: true },
          window: { type: "string", required: true, readOnly: true },
          count: { type: "number", required: true, default: 0 },
          /** Epoch seconds after which DynamoDB may delete a finished window. */
          expiresAt: { type: "number" },
        },
        indexes: {
          byAccount: {
            pk: { field: "pk", composite: ["accountId"] },
            sk: { field: "sk", composite: ["limit", "siteId", "window"] },
          },
        },
      },
      config,
    ),
);
