import { Entity } from "electrodb";
import { lazyEntity } from "../db";
import { intentValues } from "../keyword/keyword.entity";

const summaryAttributes = {
  name: { type: "string", required: true },
  hubKeywordId: { type: "string" },
  hubKeyword: { type: "string" },
  totalVolume: { type: "number", required: true, default: 0 },
  meanDifficulty: { type: "number" },
  dominantIntent: { type: intentValues },
  keywordCount: { type: "number", required: true, default: 0 },
} as const;

const timestamps = {
  createdAt: {
    type: "string",
    required: true,
    readOnly: true,
    default: () => new Date().toISOString(),
  },
  updatedAt: {
    type: "string",
    required: true,
    watch: "*",
    default: () => new Date().toISOString(),
    set: () => new Date().toISOString(),
  },
} as const;

/**
 * A topic cluster (hub and spokes) of one sector. `locked` and `editedByUser` clusters are kept
 * as they are by clustering runs. Counted by the plan's max_clusters.
 */
export const clusterEntity = lazyEntity(
  (config) =>
    new Entity(
      {
        model: { entity: "cluster", version: "1", service: "igny8" },
        attributes: {
          accountId: { type: "string", required: true, readOnly: true },
          siteId: { type: "string", required: true, readOnly: true },
          clusterId: { type: "string", required: true, readOnly: true },
          sectorId: { type: "string", required: true, readOnly: true },
          ...summaryAttributes,
          pageGroupCount: { type: "number", required: true, default: 0 },
          locked: { type: "boolean", required: true, default: false },
          editedByUser: { type: "boolean", required: true, default: false },
          /** The clustering method of the run that made it, or "manual". */
          method: { type: "string", required: true, default: "manual" },
          /** The execution of the run that last wrote it. */
          runId: { type: "string" },
          /** Lower-cased name: the byName index and the search filter. */
          nameKey: {
            type: "string",
            watch: ["name"],
            set: (_, item) => (item.name ?? "").toLowerCase(),
          },
          volumeSort: { type: "string", required: true, default: "-" },
          ...timestamps,
        },
        indexes: {
          byId: {
            pk: { field: "pk", composite: ["accountId", "siteId"] },
            sk: { field: "sk", composite: ["clusterId"] },
          },
          bySector: {
            index: "gsi1",
            pk: { field: "gsi1pk", composite: ["accountId", "siteId", "sectorId"] },
            sk: { field: "gsi1sk", composite: ["clusterId"] },
          },
          byVolume: {
            index: "gsi2",
            pk: { field: "gsi2pk", composite: ["accountId", "siteId"] },
            sk: { field: "gsi2sk", composite: ["volumeSort", "clusterId"] },
          },
          byName: {
            index: "gsi3",
            pk: { field: "gsi3pk", composite: ["accountId", "siteId"] },
            sk: { field: "gsi3sk", composite: ["nameKey", "clusterId"] },
          },
        },
      },
      config,
    ),
);

/** Keywords one page can rank for, inside a topic cluster. Its members carry its id. */
export const pageGroupEntity = lazyEntity(
  (config) =>
    new Entity(
      {
        model: { entity: "pageGroup", version: "1", service: "igny8" },
        attributes: {
          accountId: { type: "string", required: true, readOnly: true },
          siteId: { type: "string", required: true, readOnly: true },
          clusterId: { type: "string", required: true, readOnly: true },
          pageGroupId: { type: "string", required: true, readOnly: true },
          sectorId: { type: "string", required: true, readOnly: true },
          ...summaryAttributes,
          ...timestamps,
        },
        indexes: {
          byCluster: {
            pk: { field: "pk", composite: ["accountId", "siteId"] },
            sk: { field: "sk", composite: ["clusterId", "pageGroupId"] },
          },
        },
      },
      config,
    ),
);

export type ClusterItem = NonNullable<
  Awaited<ReturnType<ReturnType<ReturnType<typeof clusterEntity>["get"]>["go"]>>["data"]
>;
export type PageGroupItem = NonNullable<
  Awaited<ReturnType<ReturnType<ReturnType<typeof pageGroupEntity>["get"]>["go"]>>["data"]
>;

/**
 * One clustering run at a time per sector: a lease the run's sector step takes and gives back.
 * A lease whose run died expires (checked in code: the emulator's TTL deletes nothing).
 */
export const runLeaseEntity = lazyEntity(
  (config) =>
    new Entity(
      {
        model: { entity: "clusterRunLease", version: "1", service: "igny8" },
        attributes: {
          accountId: { type: "string", required: true, readOnly: true },
          siteId: { type: "string", required: true, readOnly: true },
          sectorId: { type: "string", required: true, readOnly: true },
          runId: { type: "string", required: true },
          /** Epoch seconds. */
          expiresAt: { type: "number", required: true },
        },
        indexes: {
          bySector: {
            pk: { field: "pk", composite: ["accountId", "siteId"] },
            sk: { field: "sk", composite: ["sectorId"] },
          },
        },
      },
      config,
    ),
);
