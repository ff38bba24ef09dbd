import { useAccount } from "../actor";
import { VisibleError } from "../util/error";
import {
  type PublishingKey,
  type PublishingRecord,
  type PublishingStore,
  versionConflict,
} from "./wordpress/record";
import { publishingRecordEntity } from "./record.entity";

/**
 * The PublishingStore contract on DynamoDB: keys lead with the actor's account, `put` is a
 * conditional write on `version` (create-only for version 0), so two runs can never both advance
 * the same record.
 */

function conditionFailed(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    if (current.name === "ConditionalCheckFailedException" || current.message.includes("conditional request failed")) {
      return true;
    }
    current = current.cause;
  }
  return false;
}

export function toRecord(value: Record<string, unknown>): PublishingRecord {
  return {
    id: value.recordId as string,
    contentId: value.contentId as string,
    destinationId: value.destinationId as string,
    version: value.version as number,
    postType: value.postType as string,
    restBase: value.restBase as string,
    status: value.status as PublishingRecord["status"],
    requestedStatus: value.requestedStatus as PublishingRecord["requestedStatus"],
    remoteId: value.remoteId as number | undefined,
    remoteSlug: value.remoteSlug as string | undefined,
    remoteLink: value.remoteLink as string | undefined,
    remoteStatus: value.remoteStatus as string | undefined,
    remoteModifiedGmt: value.remoteModifiedGmt as string | undefined,
    remoteContentHash: value.remoteContentHash as string | undefined,
    media: (value.media as PublishingRecord["media"]) ?? [],
    attempt: (value.attempt as PublishingRecord["attempt"]) ?? undefined,
    lastError: (value.lastError as PublishingRecord["lastError"]) ?? undefined,
    publishedAt: value.publishedAt as string | undefined,
    history: (value.history as PublishingRecord["history"]) ?? [],
    createdAt: value.createdAt as string,
    updatedAt: value.updatedAt as string,
  };
}

function toItem(accountId: string, siteId: string, record: PublishingRecord, version: number) {
  // DynamoDB keeps no undefined: drop them (a put replaces the whole item).
  const plain = JSON.parse(JSON.stringify(record)) as PublishingRecord;
  return {
    accountId,
    siteId,
    recordId: plain.id,
    contentId: plain.contentId,
    destinationId: plain.destinationId,
    version,
    postType: plain.postType,
    restBase: plain.restBase,
    status: plain.status,
    requestedStatus: plain.requestedStatus,
    remoteId: plain.remoteId,
    remoteSlug: plain.remoteSlug,
    remoteLink: plain.remoteLink,
    remoteStatus: plain.remoteStatus,
    remoteModifiedGmt: plain.remoteModifiedGmt,
    remoteContentHash: plain.remoteContentHash,
    media: plain.media,
    attempt: plain.attempt,
    lastError: plain.lastError,
    publishedAt: plain.publishedAt,
    history: plain.history,
    createdAt: plain.createdAt,
    updatedAt: plain.updatedAt,
  };
}

/** Records of one site, in the current account. */
export function createDynamoPublishingStore(siteId: string): PublishingStore & { siteId: string } {
  return {
    siteId,
    async get(key: PublishingKey) {
      const result = await publishingRecordEntity()
        .get({ accountId: useAccount(), contentId: key.contentId, destinationId: key.destinationId })
        .go();
      if (!result.data) return undefined;
      if (result.data.siteId !== siteId) {
        throw new VisibleError(
          "conflict",
          "publishing.site_mismatch",
          "This content was published to this destination from another site",
          { ...key },
        );
      }
      return toRecord(result.data);
    },
    async put(record: PublishingRecord, expectedVersion: number) {
      const accountId = useAccount();
      const item = toItem(accountId, siteId, record, expectedVersion + 1);
      try {
        if (expectedVersion === 0) {
          await publishingRecordEntity().create(item).go();
        } else {
          await publishingRecordEntity()
            .put(item)
            .where((attr, op) => op.eq(attr.version, expectedVersion))
            .go();
        }
      } catch (error) {
        if (!conditionFailed(error)) throw error;
        const current = await publishingRecordEntity()
          .get({ accountId, contentId: record.contentId, destinationId: record.destinationId })
          .go({ attributes: ["version"] });
        throw versionConflict(record, expectedVersion, current.data?.version);
      }
      return toRecord(item);
    },
  };
}
