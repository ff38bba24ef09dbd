import { VisibleError } from "../../util/error";
import type { WordPressClient } from "./client";
import {
  contentHash,
  getPost,
  inProgress,
  remoteStatusToRecord,
  type WordPressPost,
} from "./publish";
import {
  historyLimit,
  type PublishingKey,
  type PublishingRecord,
  type PublishingStore,
} from "./record";

/** What happens to a published post afterwards: unpublish, delete, and resync with WordPress. */

export interface ManageOptions {
  store: PublishingStore;
  now?: () => Date;
}

async function loadPublished(store: PublishingStore, key: PublishingKey, now: () => Date) {
  const record = await store.get(key);
  if (!record?.remoteId) {
    throw new VisibleError(
      "not_found",
      "publishing.not_published",
      "This content has no post on this site",
      {
        ...key,
      },
    );
  }
  if (record.attempt && Date.parse(record.attempt.leaseUntil) > now().getTime()) {
    throw inProgress(key, record.attempt);
  }
  return record;
}

function withHistory(
  record: PublishingRecord,
  at: string,
  event: string,
  detail?: Record<string, unknown>,
): PublishingRecord {
  return {
    ...record,
    updatedAt: at,
    history: [...record.history, { at, event, detail }].slice(-historyLimit),
  };
}

/** Takes a post off the site by switching it back to draft; publishing again puts it back. */
export async function unpublish(
  client: WordPressClient,
  key: PublishingKey,
  options: ManageOptions,
): Promise<PublishingRecord> {
  const now = options.now ?? (() => new Date());
  const record = await loadPublished(options.store, key, now);
  const { data: post } = await client.post<WordPressPost>(
    `/wp/v2/${record.restBase}/${record.remoteId}`,
    { status: "draft" },
    { query: { context: "edit" } },
  );
  if (post.status !== "draft") {
    throw new VisibleError(
      "conflict",
      "wordpress.status_mismatch",
      `WordPress kept the post "${post.status}"`,
      {
        remoteId: post.id,
        actual: post.status,
      },
    );
  }
  const at = now().toISOString();
  return options.store.put(
    withHistory(
      {
        ...record,
        status: "unpublished",
        remoteStatus: post.status,
        remoteModifiedGmt: post.modified_gmt,
        remoteContentHash: contentHash(post),
      },
      at,
      "unpublished",
      { remoteId: post.id },
    ),
    record.version,
  );
}

/** Deletes the remote post: to the trash by default, for good with `force`. */
export async function deleteFromWordPress(
  client: WordPressClient,
  key: PublishingKey,
  options: ManageOptions & { force?: boolean },
): Promise<PublishingRecord> {
  const now = options.now ?? (() => new Date());
  const record = await loadPublished(options.store, key, now);
  await client.delete(
    `/wp/v2/${record.restBase}/${record.remoteId}`,
    options.force ? { force: true } : undefined,
    { allow: [404, 410] },
  );
  const at = now().toISOString();
  const next: PublishingRecord = options.force
    ? {
        ...record,
        status: "deleted",
        remoteId: undefined,
        remoteStatus: undefined,
        remoteSlug: undefined,
        remoteLink: undefined,
      }
    : { ...record, status: "trashed", remoteStatus: "trash" };
  return options.store.put(
    withHistory(next, at, options.force ? "deleted" : "trashed", { remoteId: record.remoteId }),
    record.version,
  );
}

export type ResyncState =
  | "in_sync"
  | "edited_remotely"
  | "status_changed"
  | "trashed"
  | "deleted"
  | "not_published";

export interface ResyncResult {
  state: ResyncState;
  record?: PublishingRecord;
  remote?: { id: number; status: string; modifiedGmt: string; link: string };
}

/**
 * Compares the record with the remote post, without writing to WordPress: a post edited there
 * (`modified_gmt` or content changed since our last write), its status changed, trashed or deleted.
 * The record notes what was found; re-publishing is a separate, explicit call.
 */
export async function resyncFromWordPress(
  client: WordPressClient,
  key: PublishingKey,
  options: ManageOptions,
): Promise<ResyncResult> {
  const now = options.now ?? (() => new Date());
  const record = await options.store.get(key);
  if (!record?.remoteId) return { state: "not_published", record };
  const post = await getPost(client, record.restBase, record.remoteId);
  const at = now().toISOString();
  let state: ResyncState;
  let next: PublishingRecord;
  if (!post || post.status === "trash") {
    state = post ? "trashed" : "deleted";
    next = { ...record, status: "gone", remoteStatus: post?.status };
  } else {
    const edited =
      post.modified_gmt !== record.remoteModifiedGmt ||
      (record.remoteContentHash !== undefined && contentHash(post) !== record.remoteContentHash);
    const statusChanged = post.status !== record.remoteStatus;
    state = edited ? "edited_remotely" : statusChanged ? "status_changed" : "in_sync";
    next = {
      ...record,
      remoteStatus: post.status,
      remoteLink: post.link,
      status: statusChanged
        ? post.status === "draft" || post.status === "pending"
          ? "unpublished"
          : (remoteStatusToRecord[post.status] ?? record.status)
        : record.status,
    };
  }
  const remote = post
    ? { id: post.id, status: post.status, modifiedGmt: post.modified_gmt, link: post.link }
    : undefined;
  const event = `resync_${state}`;
  const last = record.history.at(-1);
  // Nothing new since the last resync noted the same thing: keep the history short.
  const alreadyNoted =
    last?.event === event && last.detail?.remoteModifiedGmt === post?.modified_gmt;
  if (state === "in_sync" || alreadyNoted) return { state, record, remote };
  const stored = await options.store.put(
    withHistory(next, at, event, {
      remoteId: record.remoteId,
      remoteStatus: post?.status,
      remoteModifiedGmt: post?.modified_gmt,
      recordedModifiedGmt: record.remoteModifiedGmt,
    }),
    record.version,
  );
  return { state, record: stored, remote };
}
