import { Entity } from "electrodb";
import { lazyEntity } from "../db";

/**
 * One fixed window of a rate counter (API requests per IP or account, failed log-ins per
 * e-mail or IP). Keys are the bucket and a subject hash, not tenant data; items expire.
 */
export const windowEntity = lazyEntity(
  (config) =>
    new Entity(
      {
        model: { entity: "rateWindow", version: "1", service: "igny8" },
        attributes: {
          bucket: { type: "string", required: true, readOnly: true },
          subject: { type: "string", required: true, readOnly: true },
          window: { type: "number", required: true, readOnly: true },
          count: { type: "number", required: true, default: 0 },
          expiresAt: { type: "number", required: true },
        },
        indexes: {
          bySubject: {
            pk: { field: "pk", composite: ["bucket", "subject"] },
            sk: { field: "sk", composite: ["window"] },
          },
        },
      },
      config,
    ),
);
