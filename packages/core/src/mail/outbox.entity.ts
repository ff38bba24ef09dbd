import { Entity } from "electrodb";
import { lazyEntity } from "../db";

/**
 * Mail kept instead of sent (the "outbox" adapter, for `pnpm dev` and tests). Global and
 * short-lived; read only through the development route GET /v1/dev/outbox.
 */
export const outboxEntity = lazyEntity(
  (config) =>
    new Entity(
      {
        model: { entity: "outboxMessage", version: "1", service: "igny8" },
        attributes: {
          messageId: { type: "string", required: true, readOnly: true },
          to: { type: "string", required: true, readOnly: true },
          subject: { type: "string", required: true },
          text: { type: "string", required: true },
          html: { type: "string" },
          kind: { type: "string", required: true },
          createdAt: { type: "string", required: true, default: () => new Date().toISOString() },
          expiresAt: { type: "number", required: true },
        },
        indexes: {
          byMessage: {
            pk: { field: "pk", composite: [] },
            sk: { field: "sk", composite: ["messageId"] },
          },
          byRecipient: {
            index: "gsi1",
            pk: { field: "gsi1pk", composite: ["to"] },
            sk: { field: "gsi1sk", composite: ["messageId"] },
          },
        },
      },
      config,
    ),
);
