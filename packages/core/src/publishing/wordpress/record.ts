import { VisibleError } from "../../util/error";

/**
 * The publishing record: one per (content, destination). It is the memory that makes publishing
 * exactly-once: the remote post id, the media uploaded for it, the attempt in progress (what it
 * created so far) and the history. It is written after every step, before the next one starts.
 */

export type PublishingStatus =
  /** an attempt is running (or crashed: the next attempt resumes it) */
  | "publishing"
  | "published"
  | "scheduled"
  | "draft"
  | "failed"
  | "unpublished"
  | "trashed"
  | "deleted"
  /** the remote post disappeared (deleted or trashed on the WordPress side) */
  | "gone";

export type RequestedStatus = "draft" | "publish" | "future";

export interface PublishedMedia {
  /** The image's key in the content (e.g. "featured" or an image id). */
  key: string;
  /** Deterministic media slug (content id + key + bytes): finds an upload a crash left unrecorded. */
  slug: string;
  remoteId: number;
  url: string;
  alt: string;
}

export interface PublishingAttempt {
  /** The caller's key for this run; a retry of the same run passes the same key. */
  key: string;
  startedAt: string;
  /** Another run may take over after this instant (the holder crashed). */
  leaseUntil: string;
  /** Last step recorded. */
  step: string;
  /** A post this attempt created (removed if the attempt fails). */
  createdPostId?: number;
  /** The remote status before this attempt changed it (restored if the attempt fails). */
  previousStatus?: string;
  /** Media uploaded by this attempt (removed if the attempt fails). */
  uploaded: PublishedMedia[];
}

export interface PublishingHistoryEntry {
  at: string;
  event: string;
  attempt?: string;
  detail?: Record<string, unknown>;
}

export interface PublishingError {
  code: string;
  message: string;
  at: string;
  details?: Record<string, unknown>;
}

export interface PublishingRecord {
  /** `pub_<ulid>` */
  id: string;
  contentId: string;
  destinationId: string;
  /** Optimistic-concurrency version: 1 after the first write. */
  version: number;
  postType: string;
  restBase: string;
  status: PublishingStatus;
  requestedStatus?: RequestedStatus;
  remoteId?: number;
  remoteSlug?: string;
  remoteLink?: string;
  /** The post's status on WordPress when last seen. */
  remoteStatus?: string;
  /** `modified_gmt` of our last write: a later value means someone edited the post in WordPress. */
  remoteModifiedGmt?: string;
  /** sha256 of title + content as saved by our last write (a second check for remote edits). */
  remoteContentHash?: string;
  /** Media of the published version. */
  media: PublishedMedia[];
  attempt?: PublishingAttempt;
  lastError?: PublishingError;
  publishedAt?: string;
  /** Most recent last; capped so a record stays small. */
  history: PublishingHistoryEntry[];
  createdAt: string;
  updatedAt: string;
}

export interface PublishingKey {
  contentId: string;
  destinationId: string;
}

/**
 * Where records live (DynamoDB in the product; the account id from the actor leads the key).
 * `put` is a compare-and-set on `version`.
 */
export interface PublishingStore {
  get(key: PublishingKey): Promise<PublishingRecord | undefined>;
  /**
   * Stores `record` only if the stored version equals `expectedVersion` (0: no record may exist
   * yet) and returns it with `version` = expectedVersion + 1. Otherwise throws a VisibleError with
   * code `publishing.version_conflict`.
   */
  put(record: PublishingRecord, expectedVersion: number): Promise<PublishingRecord>;
}

export const historyLimit = 100;

export function versionConflict(key: PublishingKey, expected: number, actual: number | undefined) {
  return new VisibleError(
    "conflict",
    "publishing.version_conflict",
    "The publishing record changed while this run was writing it",
    { ...key, expectedVersion: expected, actualVersion: actual ?? 0 },
  );
}

export function isVersionConflict(error: unknown): boolean {
  return error instanceof VisibleError && error.code === "publishing.version_conflict";
}

/**
 * A store in memory with the same compare-and-set contract (records are copied in and out, as a
 * database would). For tests and single-process tools.
 */
export function createMemoryPublishingStore(): PublishingStore & {
  all(): PublishingRecord[];
} {
  const records = new Map<string, PublishingRecord>();
  const keyOf = (key: PublishingKey) => `${key.contentId}\u0000${key.destinationId}`;
  return {
    async get(key) {
      const record = records.get(keyOf(key));
      return record ? structuredClone(record) : undefined;
    },
    async put(record, expectedVersion) {
      const key = keyOf(record);
      const current = records.get(key);
      if ((current?.version ?? 0) !== expectedVersion) {
        throw versionConflict(record, expectedVersion, current?.version);
      }
      const stored = structuredClone({ ...record, version: expectedVersion + 1 });
      records.set(key, stored);
      return structuredClone(stored);
    },
    all() {
      return [...records.values()].map((record) => structuredClone(record));
    },
  };
}
