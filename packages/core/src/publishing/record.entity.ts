import { Entity } from "electrodb";
import { lazyEntity } from "../db";

/**
 * The publishing record of one (content, destination) pair: what makes publishing exactly once
 * (see wordpress/record.ts). Written with a compare-and-set on `version`.
 */
export const publishingRecordEntity = lazyEntity(
  (config) =>
    new Entity(
      {
        model: { entity: "publishingRecord", version: "1", service: "igny8" },
        attributes: {
          accountId: { type: "string", required: true, readOnly: true },
          siteId: { type: "string", required: true, readOnly: true },
          recordId: { type: "string", required: true, readOnly: true },
          contentId: { type: "string", required: true, readOnly: true },
          /** The connection id. */
          destinationId: { type: "string", required: true, readOnly: true },
          version: { type: "number", required: true },
          postType: { type: "string", required: true },
          restBase: { type: "string", required: true },
          status: { type: "string", required: true },
          requestedStatus: { type: "string" },
          remoteId: { type: "number" },
          remoteSlug: { type: "string" },
          remoteLink: { type: "string" },
          remoteStatus: { type: "string" },
          remoteModifiedGmt: { type: "string" },
          remoteContentHash: { type: "string" },
          media: { type: "any", required: true },
          attempt: { type: "any" },
          lastError: { type: "any" },
          publishedAt: { type: "string" },
          history: { type: "any", required: true },
          createdAt: { type: "string", required: true, readOnly: true },
          updatedAt: { type: "string", required: true },
        },
        indexes: {
          byContent: {
            pk: { field: "pk", composite: ["accountId", "contentId"] },
            sk: { field: "sk", composite: ["destinationId"] },
          },
          bySite: {
            index: "gsi1",
            pk: { field: "gsi1pk", composite: ["accountId", "siteId"] },
            sk: { field: "gsi1sk", composite: ["recordId"] },
          },
          byDestination: {
            index: "gsi2",
            pk: { field: "gsi2pk", composite: ["accountId", "destinationId"] },
            sk: { field: "gsi2sk", composite: ["recordId"] },
          },
        },
      },
      config,
    ),
);
