import { Entity } from "electrodb";
import { lazyEntity } from "../db";

/**
 * One saved version of a prompt override. `owner` is "account" for the account's override or a
 * task id for one task's. Versions are never changed: every save (and every restore or reset)
 * adds the next version, created only if that number is free.
 */
export const promptVersionEntity = lazyEntity(
  (config) =>
    new Entity(
      {
        model: { entity: "promptVersion", version: "1", service: "igny8" },
        attributes: {
          accountId: { type: "string", required: true, readOnly: true },
          owner: { type: "string", required: true, readOnly: true },
          key: { type: "string", required: true, readOnly: true },
          version: { type: "number", required: true, readOnly: true },
          versionSort: { type: "string", required: true, readOnly: true },
          /** A reset: from this version on, the next level (account or default) applies. */
          cleared: { type: "boolean", required: true, default: false, readOnly: true },
          system: { type: "string", required: true, default: "", readOnly: true },
          template: { type: "string", required: true, default: "", readOnly: true },
          note: { type: "string", required: true, default: "", readOnly: true },
          createdBy: { type: "string", required: true, readOnly: true },
          createdAt: { type: "string", required: true, readOnly: true },
        },
        indexes: {
          byKey: {
            pk: { field: "pk", composite: ["accountId"] },
            sk: { field: "sk", composite: ["owner", "key", "versionSort"] },
          },
        },
      },
      config,
    ),
);
