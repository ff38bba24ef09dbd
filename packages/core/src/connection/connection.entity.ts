import { Entity } from "electrodb";
import { lazyEntity } from "../db";

/**
 * A publishing destination of a site (a WordPress site and the user it publishes as). The
 * Application Password is stored sealed (`secret`, see Crypto) and never leaves the domain.
 */
export const connectionEntity = lazyEntity(
  (config) =>
    new Entity(
      {
        model: { entity: "connection", version: "1", service: "igny8" },
        attributes: {
          accountId: { type: "string", required: true, readOnly: true },
          connectionId: { type: "string", required: true, readOnly: true },
          siteId: { type: "string", required: true, readOnly: true },
          kind: { type: ["wordpress"] as const, required: true, readOnly: true },
          name: { type: "string", required: true },
          url: { type: "string", required: true },
          username: { type: "string", required: true },
          /** The sealed Application Password. */
          secret: { type: "string", required: true },
          status: { type: ["connected", "failed"] as const, required: true },
          /** The last validation's report (role, capabilities, limitations, site facts). */
          report: { type: "any" },
          lastError: { type: "any" },
          validatedAt: { type: "string" },
          postTypes: { type: "any" },
          /** Counts and time of the last catalog sync. */
          catalog: { type: "any" },
          /** How sectors and clusters become categories and tags. */
          mapping: { type: "any", required: true, default: () => ({}) },
          createdAt: { type: "string", required: true, readOnly: true },
          updatedAt: { type: "string", required: true },
        },
        indexes: {
          byId: {
            pk: { field: "pk", composite: ["accountId"] },
            sk: { field: "sk", composite: ["connectionId"] },
          },
          bySite: {
            index: "gsi1",
            pk: { field: "gsi1pk", composite: ["accountId", "siteId"] },
            sk: { field: "gsi1sk", composite: ["connectionId"] },
          },
        },
      },
      config,
    ),
);

/** One term or author of a connection's site, as last synced (the choice lists of the dashboard). */
export const catalogEntryEntity = lazyEntity(
  (config) =>
    new Entity(
      {
        model: { entity: "connectionCatalog", version: "1", service: "igny8" },
        attributes: {
          accountId: { type: "string", required: true, readOnly: true },
          connectionId: { type: "string", required: true, readOnly: true },
          kind: { type: ["category", "tag", "author"] as const, required: true, readOnly: true },
          /** The WordPress id, zero-padded so the sort key orders by it. */
          remoteKey: { type: "string", required: true, readOnly: true },
          remoteId: { type: "number", required: true },
          name: { type: "string", required: true },
          slug: { type: "string", required: true },
          parent: { type: "number" },
          count: { type: "number" },
          syncedAt: { type: "string", required: true },
        },
        indexes: {
          byConnection: {
            pk: { field: "pk", composite: ["accountId", "connectionId"] },
            sk: { field: "sk", composite: ["kind", "remoteKey"] },
          },
        },
      },
      config,
    ),
);
