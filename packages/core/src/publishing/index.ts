export * as Publishing from "./index";

import { z } from "zod";
import { useAccount } from "../actor";
import { Authz } from "../authz";
import { Connection } from "../connection";
import { Page } from "../pagination";
import { Execution, Pipelines } from "../pipelines";
import { Site, SiteId } from "../site";
import { Task } from "../task";
import { VisibleError } from "../util/error";
import { fn } from "../util/fn";
import { idPattern } from "../util/id";
import { loadContent, setDefaultContentSource } from "./content";
import { ContentPublished } from "./events";
import { toPublishInput } from "./input";
import { writerContentSource } from "./writer-source";
import { publishingRecordEntity } from "./record.entity";
import { createDynamoPublishingStore, toRecord } from "./store";
import {
  deleteFromWordPress,
  historyLimit,
  isVersionConflict,
  type PublishPhase,
  type PublishingRecord,
  type PublishWarning,
  publishToWordPress,
  resyncFromWordPress,
  unpublish as unpublishFromWordPress,
} from "./wordpress";

export { WordPress } from "./wordpress";
export * from "./content";
export { ContentPublished } from "./events";
export { mappedTerms, placeImages, toPublishInput } from "./input";
export { createDynamoPublishingStore } from "./store";
export { writerContentSource } from "./writer-source";

setDefaultContentSource(writerContentSource);

/**
 * Publishing as a product feature: a content item goes to a connection (a WordPress site)
 * exactly once per (content, destination), through the record in DynamoDB. Publishing,
 * unpublishing, deleting and re-syncing run here; the pipeline content-publish runs publish()
 * for many items with retries. `content.published` is announced after the record committed.
 */

export const ContentId = z
  .string()
  .regex(idPattern("content"), "not a content id")
  .meta({ example: "cnt_01hz3v5k8q2w4e6r8t0y2u4i6o" });
export const RecordId = z
  .string()
  .regex(idPattern("publishing"), "not a publishing record id")
  .meta({ example: "pub_01hz3v5k8q2w4e6r8t0y2u4i6o" });

const postTypeSlug = z
  .string()
  .regex(/^[a-z0-9_-]{1,20}$/, "a post type slug such as post or page")
  .meta({ description: "WordPress post type: post, page or a custom type the site exposes (default: from the content type)" });

const requestFields = {
  status: z.enum(["draft", "publish", "future"]).meta({ description: "future needs scheduledAt" }),
  scheduledAt: z.iso.datetime({ offset: true }).optional().meta({ description: "When WordPress publishes it (status future)" }),
  postType: postTypeSlug.optional(),
  categories: z.array(Connection.TermRef).max(20).optional().meta({ description: "Instead of the mapped ones" }),
  tags: z.array(Connection.TermRef).max(50).optional().meta({ description: "Instead of the mapped ones" }),
  authorId: z.number().int().positive().optional(),
};

const futureNeedsDate = (value: { status: string; scheduledAt?: string }) =>
  value.status !== "future" || value.scheduledAt !== undefined;
const futureNeedsDateError = { message: "required for status future", path: ["scheduledAt"] };

export const PublishBody = z
  .strictObject({ contentId: ContentId, connectionId: Connection.ConnectionId, ...requestFields })
  .refine(futureNeedsDate, futureNeedsDateError)
  .meta({ id: "PublishRequest" });

export const PublishInput = z
  .strictObject({ siteId: SiteId, contentId: ContentId, connectionId: Connection.ConnectionId, ...requestFields })
  .refine(futureNeedsDate, futureNeedsDateError);
export type PublishInput = z.input<typeof PublishInput>;

// ---------------------------------------------------------------- the record as the API shows it

export const RecordInfo = z
  .object({
    recordId: RecordId,
    siteId: SiteId,
    contentId: z.string(),
    connectionId: z.string(),
    version: z.number().int(),
    status: z.enum(["publishing", "published", "scheduled", "draft", "failed", "unpublished", "trashed", "deleted", "gone"]),
    requestedStatus: z.enum(["draft", "publish", "future"]).nullable(),
    postType: z.string(),
    remote: z
      .object({
        id: z.number().int(),
        slug: z.string().nullable(),
        link: z.string().nullable(),
        status: z.string().nullable(),
        modifiedGmt: z.string().nullable(),
      })
      .nullable()
      .meta({ description: "The WordPress post, when there is one" }),
    media: z.array(z.object({ key: z.string(), remoteId: z.number().int(), url: z.string(), alt: z.string() })),
    attempt: z
      .object({ key: z.string(), step: z.string(), startedAt: z.string(), leaseUntil: z.string() })
      .nullable()
      .meta({ description: "A run in progress (or one that crashed and will be resumed)" }),
    lastError: z.object({ code: z.string(), message: z.string(), at: z.string() }).nullable(),
    publishedAt: z.string().nullable(),
    history: z.array(
      z.object({ at: z.string(), event: z.string(), attempt: z.string().optional(), detail: z.record(z.string(), z.unknown()).optional() }),
    ),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "PublishingRecord" });
export type RecordInfo = z.infer<typeof RecordInfo>;

export function serializeRecord(siteId: string, record: PublishingRecord): RecordInfo {
  return {
    recordId: record.id,
    siteId,
    contentId: record.contentId,
    connectionId: record.destinationId,
    version: record.version,
    status: record.status,
    requestedStatus: record.requestedStatus ?? null,
    postType: record.postType,
    remote: record.remoteId
      ? {
          id: record.remoteId,
          slug: record.remoteSlug ?? null,
          link: record.remoteLink ?? null,
          status: record.remoteStatus ?? null,
          modifiedGmt: record.remoteModifiedGmt ?? null,
        }
      : null,
    media: record.media.map(({ key, remoteId, url, alt }) => ({ key, remoteId, url, alt })),
    attempt: record.attempt
      ? {
          key: record.attempt.key,
          step: record.attempt.step,
          startedAt: record.attempt.startedAt,
          leaseUntil: record.attempt.leaseUntil,
        }
      : null,
    lastError: record.lastError
      ? { code: record.lastError.code, message: record.lastError.message, at: record.lastError.at }
      : null,
    publishedAt: record.publishedAt ?? null,
    history: record.history,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

export const Published = z
  .object({
    record: RecordInfo,
    post: z.object({ id: z.number().int(), slug: z.string(), status: z.string(), link: z.string() }),
    warnings: z.array(z.object({ code: z.string(), message: z.string() })),
  })
  .meta({ id: "Published" });
export type Published = z.infer<typeof Published>;

// ---------------------------------------------------------------- step observers (fault injection)

export type StepObserver = (
  step: string,
  phase: PublishPhase,
  context: { contentId: string; connectionId: string; attemptKey?: string },
) => void | Promise<void>;

const observers = new Set<StepObserver>();

/**
 * Sees every step of every publication in this process (see PublishOptions.afterStep). A throw
 * from an observer acts as a crash at that point: nothing is cleaned up, the next run resumes.
 * Tests inject crashes with it; returns a function that removes the observer.
 */
export function observeSteps(observer: StepObserver): () => void {
  observers.add(observer);
  return () => {
    observers.delete(observer);
  };
}

// ---------------------------------------------------------------- publish

export interface PublishOptions {
  /** The run's key: a retry of the same run passes the same one (the pipeline: its execution id). */
  attemptKey?: string;
  /** The pipeline execution publishing this, if any: the event is then announced once per execution. */
  executionId?: string;
}

async function announce(siteId: string, result: Awaited<ReturnType<typeof publishToWordPress>>, executionId?: string) {
  const { record, post } = result;
  const status = post.status === "future" ? "future" : post.status === "publish" ? "publish" : "draft";
  const send = () =>
    ContentPublished.publish({
      siteId,
      contentId: record.contentId,
      connectionId: record.destinationId,
      recordId: record.id,
      version: record.version,
      remoteId: post.id,
      url: post.link,
      status,
      postType: record.postType,
      executionId,
    });
  if (!executionId) {
    await send();
    return;
  }
  try {
    await Execution.once(executionId, `content.published:${record.contentId}:${record.destinationId}`, send);
  } catch (error) {
    // An execution without a record (started outside Pipelines.start and never begun): announce.
    if (error instanceof VisibleError && error.code === "execution.not_found") await send();
    else throw error;
  }
}

/**
 * Publishes one content item to one connection of its site: creates the post the first time,
 * updates the same post after. All or nothing: a failed image upload leaves nothing published.
 */
export async function publishContent(input: z.output<typeof PublishInput>, options: PublishOptions = {}): Promise<Published> {
  await Authz.assert("publisher.write", { siteId: input.siteId });
  const { connection, client } = await Connection.open(input.siteId, input.connectionId);
  const content = await loadContent(input.siteId, input.contentId);
  const publishInput = await toPublishInput(connection, content, input);
  const store = createDynamoPublishingStore(input.siteId);
  const context = { contentId: input.contentId, connectionId: input.connectionId, attemptKey: options.attemptKey };
  let result: Awaited<ReturnType<typeof publishToWordPress>>;
  try {
    result = await publishToWordPress(client, publishInput, {
      store,
      attemptKey: options.attemptKey,
      afterStep: observers.size
        ? async (step, phase) => {
            for (const observer of observers) await observer(step, phase, context);
          }
        : undefined,
    });
  } catch (error) {
    throw Connection.fromWordPress(error);
  }
  await announce(input.siteId, result, options.executionId);
  if (content.taskId && (result.post.status === "publish" || result.post.status === "future")) {
    await markTaskPublished(input.siteId, content.taskId);
  }
  const warnings = result.warnings.map((warning: PublishWarning) => ({ code: warning.code as string, message: warning.message }));
  if (content.offline) {
    warnings.push({ code: "offline_draft", message: "This content is an offline draft (written without an AI provider)" });
  }
  return { record: serializeRecord(input.siteId, result.record), post: result.post, warnings };
}

/** The Writer's task is published once its content is live; a task in another state is left as it is. */
async function markTaskPublished(siteId: string, taskId: string) {
  try {
    await Task.markPublished({ siteId, taskId });
  } catch (error) {
    if (!(error instanceof VisibleError) || (error.kind !== "conflict" && error.kind !== "not_found")) throw error;
  }
}

/** Publishes now (the route); a batch goes through startRun and the pipeline instead. */
export const publish = fn(PublishInput, (input) => publishContent(input));

// ---------------------------------------------------------------- records

export const RecordKey = z.strictObject({ siteId: SiteId, recordId: RecordId });

async function loadRecord(siteId: string, recordId: string): Promise<PublishingRecord> {
  const result = await publishingRecordEntity().query.bySite({ accountId: useAccount(), siteId, recordId }).go();
  const item = result.data.find((candidate) => candidate.recordId === recordId);
  if (!item) {
    throw new VisibleError("not_found", "publishing.record_not_found", "No such publishing record in this site", { recordId });
  }
  return toRecord(item);
}

export const get = fn(RecordKey, async ({ siteId, recordId }) => {
  await Authz.assert("publisher.read", { siteId });
  return serializeRecord(siteId, await loadRecord(siteId, recordId));
});

export const ListInput = z
  .strictObject({
    siteId: SiteId,
    contentId: ContentId.optional().meta({ description: "Records of one content item (one per destination)" }),
    connectionId: Connection.ConnectionId.optional().meta({ description: "Records of one destination" }),
    ...Page.Query,
  })
  .meta({ id: "PublishingListQuery" });

/** The site's publishing records, newest first; by content or by destination. */
export const list = fn(ListInput, async ({ siteId, contentId, connectionId, cursor, limit }): Promise<Page.Result<RecordInfo>> => {
  await Authz.assert("publisher.read", { siteId });
  const accountId = useAccount();
  const scope = JSON.stringify(["publishing", accountId, siteId, contentId, connectionId]);
  const entity = publishingRecordEntity();
  const options = { cursor: Page.decode(cursor, scope) ?? null, count: limit, order: "desc" as const };
  // By content or destination the index spans the account: keep this site's records only.
  const result = contentId
    ? await entity.query
        .byContent({ accountId, contentId, ...(connectionId ? { destinationId: connectionId } : {}) })
        .where((attr, op) => op.eq(attr.siteId, siteId))
        .go(options)
    : connectionId
      ? await entity.query
          .byDestination({ accountId, destinationId: connectionId })
          .where((attr, op) => op.eq(attr.siteId, siteId))
          .go(options)
      : await entity.query.bySite({ accountId, siteId }).go(options);
  return {
    items: result.data.map((item) => serializeRecord(siteId, toRecord(item))),
    cursor: Page.encode(result.cursor, scope),
  };
});

async function clientFor(siteId: string, record: PublishingRecord) {
  return (await Connection.open(siteId, record.destinationId)).client;
}

/** Switches the post back to draft on WordPress; publishing again puts it back. */
export const unpublish = fn(RecordKey, async ({ siteId, recordId }) => {
  await Authz.assert("publisher.write", { siteId });
  const record = await loadRecord(siteId, recordId);
  const client = await clientFor(siteId, record);
  try {
    const stored = await unpublishFromWordPress(client, record, { store: createDynamoPublishingStore(siteId) });
    return serializeRecord(siteId, stored);
  } catch (error) {
    throw Connection.fromWordPress(error);
  }
});

export const DeleteInput = RecordKey.extend({
  force: z.boolean().optional().meta({ description: "true: delete for good; default: move to the WordPress trash" }),
});

/** The query of DELETE .../publishing/{recordId}. */
export const DeleteQuery = z
  .strictObject({
    force: z
      .enum(["true", "false"])
      .optional()
      .meta({ description: "true: delete for good; default: move to the WordPress trash" }),
  })
  .meta({ id: "PublishingDeleteQuery" });

/** Deletes the post on WordPress (to the trash, or for good with force); the record keeps the history. */
export const remove = fn(DeleteInput, async ({ siteId, recordId, force }) => {
  await Authz.assert("publisher.write", { siteId });
  const record = await loadRecord(siteId, recordId);
  const client = await clientFor(siteId, record);
  try {
    const stored = await deleteFromWordPress(client, record, { store: createDynamoPublishingStore(siteId), force });
    return serializeRecord(siteId, stored);
  } catch (error) {
    throw Connection.fromWordPress(error);
  }
});

export const ResyncState = z.enum(["in_sync", "edited_remotely", "status_changed", "trashed", "deleted", "not_published"]);

export const Resynced = z
  .object({
    state: ResyncState.meta({ description: "What WordPress shows compared with our last write; nothing is re-published" }),
    record: RecordInfo,
  })
  .meta({ id: "PublishingResync" });

async function resyncRecord(siteId: string, record: PublishingRecord) {
  const client = await clientFor(siteId, record);
  try {
    const result = await resyncFromWordPress(client, record, { store: createDynamoPublishingStore(siteId) });
    return { state: result.state, record: serializeRecord(siteId, result.record ?? record) };
  } catch (error) {
    throw Connection.fromWordPress(error);
  }
}

/** Compares the record with the post on WordPress: edited, status changed, trashed or deleted there. */
export const resync = fn(RecordKey, async ({ siteId, recordId }) => {
  await Authz.assert("publisher.write", { siteId });
  return resyncRecord(siteId, await loadRecord(siteId, recordId));
});

export const ResyncAllInput = z
  .strictObject({
    siteId: SiteId,
    connectionId: Connection.ConnectionId,
    cursor: Page.Cursor.optional().meta({ description: "The cursor of the previous call, to go on with the next records" }),
  })
  .meta({ id: "PublishingResyncAll" });

/** At most this many records are re-synced by one call; the answer's cursor goes on from there. */
const resyncBatch = 100;

/** Re-syncs the records of one destination, newest first, 100 per call; counts by state. */
export const resyncConnection = fn(ResyncAllInput, async ({ siteId, connectionId, cursor }) => {
  await Authz.assert("publisher.write", { siteId });
  await Connection.open(siteId, connectionId);
  const accountId = useAccount();
  const scope = JSON.stringify(["publishing-resync", accountId, siteId, connectionId]);
  const page = await publishingRecordEntity()
    .query.byDestination({ accountId, destinationId: connectionId })
    .where((attr, op) => op.eq(attr.siteId, siteId))
    .go({ count: resyncBatch, order: "desc", cursor: Page.decode(cursor, scope) ?? null });
  const counts: Record<string, number> = {};
  const changed: RecordInfo[] = [];
  for (const item of page.data) {
    const { state, record } = await resyncRecord(siteId, toRecord(item));
    counts[state] = (counts[state] ?? 0) + 1;
    if (state !== "in_sync" && state !== "not_published") changed.push(record);
  }
  return { checked: page.data.length, counts, changed, cursor: Page.encode(page.cursor, scope) };
});

/**
 * The pipeline gave up on an item: the record notes why, and a lease its crashed run still held
 * is released so the next run resumes at once instead of waiting for it to expire.
 */
export async function recordFailure(input: {
  siteId: string;
  contentId: string;
  connectionId: string;
  executionId: string;
  reason: string;
}): Promise<RecordInfo | undefined> {
  const store = createDynamoPublishingStore(input.siteId);
  for (let attempt = 0; attempt < 5; attempt++) {
    const record = await store.get({ contentId: input.contentId, destinationId: input.connectionId });
    if (!record) return undefined;
    const at = new Date().toISOString();
    const next: PublishingRecord = structuredClone(record);
    const crashedHere = record.attempt?.key === input.executionId;
    if (crashedHere || record.status === "publishing") {
      next.status = "failed";
      next.lastError = { code: "publishing.pipeline_failed", message: input.reason.slice(0, 2000), at };
      if (crashedHere && next.attempt) next.attempt.leaseUntil = at;
    }
    next.updatedAt = at;
    next.history = [
      ...record.history,
      { at, event: "pipeline_gave_up", attempt: input.executionId, detail: { reason: input.reason.slice(0, 500) } },
    ].slice(-historyLimit);
    try {
      return serializeRecord(input.siteId, await store.put(next, record.version));
    } catch (error) {
      if (!isVersionConflict(error)) throw error;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------- runs (the pipeline)

export const pipelineName = "content-publish";

export const RunItem = z
  .strictObject({
    contentId: ContentId,
    connectionId: Connection.ConnectionId,
    status: requestFields.status,
    scheduledAt: requestFields.scheduledAt,
    postType: requestFields.postType,
  })
  .refine(futureNeedsDate, futureNeedsDateError)
  .meta({ id: "PublishingRunItem" });
export type RunItem = z.output<typeof RunItem>;

const unique = (items: RunItem[]) =>
  new Set(items.map((item) => `${item.contentId}:${item.connectionId}`)).size === items.length;

export const RunBody = z
  .strictObject({ items: z.array(RunItem).min(1).max(500).refine(unique, "each (contentId, connectionId) at most once") })
  .meta({ id: "PublishingRunRequest" });

export const RunInput = RunBody.extend({ siteId: SiteId });

/** The execution item naming one (content, destination) pair. */
export const itemName = (item: { contentId: string; connectionId: string }) => `${item.contentId}@${item.connectionId}`;

/**
 * Starts the content-publish pipeline over the items (each publishes with retries; a failure is
 * recorded on its item and the others go on). Follow it at GET /v1/executions/{executionId}.
 */
export const startRun = fn(RunInput, async ({ siteId, items }) => {
  await Authz.assert("publisher.write", { siteId });
  for (const connectionId of new Set(items.map((item) => item.connectionId))) {
    await Connection.open(siteId, connectionId);
  }
  const executionId = await Pipelines.start(pipelineName, { siteId, items });
  return { executionId, pipeline: pipelineName, status: "running" as const, items: items.length };
});

// A deleted site takes its publishing records with it (the posts on WordPress stay).
Site.onDelete(async ({ accountId, siteId }) => {
  const records = await publishingRecordEntity().query.bySite({ accountId, siteId }).go({ pages: "all", attributes: ["contentId", "destinationId"] });
  if (records.data.length) {
    await publishingRecordEntity()
      .delete(records.data.map((r) => ({ accountId, contentId: r.contentId, destinationId: r.destinationId })))
      .go();
  }
});
