import { Entity } from "electrodb";
import { timestamps } from "../billing/records";
import { lazyEntity } from "../db";

/**
 * A generated image of a piece of content, stored in S3 under the site's prefix. `slot`
 * (`g0003#01`: generation and prompt index) is unique per content, and the record is written
 * create-only in the same transaction as the charge: one image per slot, paid once.
 */
export const imageEntity = lazyEntity(
  (config) =>
    new Entity(
      {
        model: { entity: "image", version: "1", service: "igny8" },
        attributes: {
          accountId: { type: "string", required: true, readOnly: true },
          siteId: { type: "string", required: true, readOnly: true },
          contentId: { type: "string", required: true, readOnly: true },
          slot: { type: "string", required: true, readOnly: true },
          imageId: { type: "string", required: true, readOnly: true },
          taskId: { type: "string", required: true, readOnly: true },
          generation: { type: "number", required: true, readOnly: true },
          index: { type: "number", required: true, readOnly: true },
          placement: { type: ["featured", "in-article"] as const, required: true, readOnly: true },
          section: { type: "string", required: true, default: "" },
          alt: { type: "string", required: true, default: "" },
          caption: { type: "string", required: true, default: "" },
          /** The S3 key under sites/<account>/<site>/images/. */
          key: { type: "string", required: true, readOnly: true },
          contentType: { type: "string", required: true, readOnly: true },
          bytes: { type: "number", required: true, readOnly: true },
          width: { type: "number", required: true, readOnly: true },
          height: { type: "number", required: true, readOnly: true },
          /** { aiGenerated, provider, model, prompt, revisedPrompt, generatedAt, offline } */
          provenance: { type: "any", required: true, readOnly: true },
          ...timestamps,
        },
        indexes: {
          byContent: {
            pk: { field: "pk", composite: ["accountId", "siteId"] },
            sk: { field: "sk", composite: ["contentId", "slot"] },
          },
          byId: {
            index: "gsi1",
            pk: { field: "gsi1pk", composite: ["accountId", "siteId"] },
            sk: { field: "gsi1sk", composite: ["imageId"] },
          },
        },
      },
      config,
    ),
);
