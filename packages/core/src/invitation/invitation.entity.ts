import { Entity } from "electrodb";
import { lazyEntity } from "../db";

/**
 * An invitation to join an account. The e-mailed token is stored only as its hash;
 * `byToken` is the global lookup the public accept route uses.
 */
export const invitationEntity = lazyEntity(
  (config) =>
    new Entity(
      {
        model: { entity: "invitation", version: "1", service: "igny8" },
        attributes: {
          accountId: { type: "string", required: true, readOnly: true },
          invitationId: { type: "string", required: true, readOnly: true },
          email: { type: "string", required: true, readOnly: true },
          role: { type: ["owner", "admin", "editor", "viewer"] as const, required: true, readOnly: true },
          siteIds: { type: "list", items: { type: "string" }, readOnly: true },
          tokenHash: { type: "string", required: true, readOnly: true },
          status: { type: ["pending", "accepted", "revoked"] as const, required: true, default: "pending" },
          invitedBy: { type: "string", required: true, readOnly: true },
          createdAt: { type: "string", required: true, readOnly: true, default: () => new Date().toISOString() },
          acceptedAt: { type: "string" },
          acceptedBy: { type: "string" },
          /** ISO time after which the link no longer works (checked in code). */
          expiresOn: { type: "string", required: true, readOnly: true },
        },
        indexes: {
          byAccount: {
            pk: { field: "pk", composite: ["accountId"] },
            sk: { field: "sk", composite: ["invitationId"] },
          },
          byToken: {
            index: "gsi1",
            pk: { field: "gsi1pk", composite: ["tokenHash"] },
            sk: { field: "gsi1sk", composite: [] },
          },
        },
      },
      config,
    ),
);
