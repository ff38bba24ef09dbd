import { createHash, randomUUID } from "node:crypto";
import { z } from "zod";
import { VisibleError } from "../../util/error";
import { fn } from "../../util/fn";
import { createId } from "../../util/id";
import {
  detectSeoFields,
  missingTerms,
  resolvePostType,
  resolveTerms,
  type TermRef,
  type WordPressPostType,
} from "./catalog";
import { isNotFound, type WordPressClient } from "./client";
import {
  contentMarker,
  filteredContent,
  hasContentMarker,
  htmlReferences,
  rewriteImageUrls,
} from "./html";
import { deleteMedia, findMediaBySlug, getMedia, mediaSlug, uploadMedia } from "./media";
import {
  historyLimit,
  isVersionConflict,
  type PublishedMedia,
  type PublishingKey,
  type PublishingRecord,
  type PublishingStatus,
  type PublishingStore,
} from "./record";

/**
 * Publishing one content item to one WordPress site, exactly once and all or nothing.
 *
 * Steps, each recorded in the PublishingRecord before the next starts:
 *   begin → locate → resolve_terms → create_draft (new posts) → upload_media:<key> (each image)
 *   → update_content → set_status (when the status changes) → finish
 * A retry after a crash anywhere resumes from the record: the recorded remote id is looked up
 * first, then the slug (a draft we created carries an HTML-comment marker naming the content), and
 * media are found again by a deterministic slug. A new post is staged as a draft and gets the
 * requested status only when everything else succeeded; a failed attempt removes what it created.
 */

const slugSchema = z
  .string()
  .min(1)
  .max(190)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "lower-case letters, digits and single dashes");

const termRefSchema = z.union([
  z.object({ id: z.number().int().positive() }),
  z.object({
    name: z.string().trim().min(1).max(200),
    slug: slugSchema.optional(),
    parentId: z.number().int().positive().optional(),
  }),
]);

const imageData = z.custom<Uint8Array | (() => Promise<Uint8Array>)>(
  (value) => value instanceof Uint8Array || typeof value === "function",
  "image bytes or a function that loads them",
);

const imageFields = {
  filename: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[^/\\]+\.[A-Za-z0-9]+$/, "a file name with an extension"),
  contentType: z.string().regex(/^image\/[a-z0-9.+-]+$/, "an image/* type"),
  alt: z.string().max(500),
  title: z.string().max(500).optional(),
  caption: z.string().max(2000).optional(),
  data: imageData,
};

const imageKey = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_.:-]+$/);

export const PublishInput = z
  .object({
    contentId: z.string().min(1).max(100),
    destinationId: z.string().min(1).max(100),
    /** WordPress post type: "post", "page" or a custom type the site exposes. */
    postType: z.string().min(1).max(50).default("post"),
    title: z.string().trim().min(1).max(1000),
    html: z.string().max(2_000_000),
    excerpt: z.string().max(5000).optional(),
    slug: slugSchema,
    status: z.enum(["draft", "publish", "future"]),
    /** Required for "future": when WordPress publishes it. */
    scheduledAt: z.iso.datetime({ offset: true }).optional(),
    categories: z.array(termRefSchema).max(50).default([]),
    tags: z.array(termRefSchema).max(100).default([]),
    authorId: z.number().int().positive().optional(),
    featuredImage: z.object({ key: imageKey.default("featured"), ...imageFields }).optional(),
    /** In-article images; `src` is the URL as written in `html`, rewritten after the upload. */
    images: z
      .array(z.object({ key: imageKey, src: z.string().min(1), ...imageFields }))
      .max(100)
      .default([]),
    seo: z
      .object({
        title: z.string().max(300).optional(),
        description: z.string().max(1000).optional(),
        focusKeyword: z.string().max(200).optional(),
      })
      .optional(),
  })
  .superRefine((input, ctx) => {
    if (input.status === "future" && !input.scheduledAt) {
      ctx.addIssue({
        code: "custom",
        path: ["scheduledAt"],
        message: "required for status future",
      });
    }
    const keys = [
      ...(input.featuredImage ? [input.featuredImage.key] : []),
      ...input.images.map((image) => image.key),
    ];
    const duplicate = keys.find((key, index) => keys.indexOf(key) !== index);
    if (duplicate) {
      ctx.addIssue({
        code: "custom",
        path: ["images"],
        message: `duplicate image key ${duplicate}`,
      });
    }
    input.images.forEach((image, index) => {
      if (!htmlReferences(input.html, image.src)) {
        ctx.addIssue({
          code: "custom",
          path: ["images", index, "src"],
          message: "not used by an <img src> in html",
        });
      }
    });
  });

export type PublishInput = z.input<typeof PublishInput>;
type ParsedInput = z.output<typeof PublishInput>;

const parsePublishInput = fn(PublishInput, (input) => input);

export type PublishPhase = "remote" | "recorded";

export interface PublishOptions {
  store: PublishingStore;
  /**
   * Names this run. A retry of the same run (e.g. the same pipeline execution) passes the same key
   * and resumes at once; another key waits for the lease of a live run to expire.
   */
  attemptKey?: string;
  /** How long a run owns the record after its last write. Default 10 minutes. */
  leaseMs?: number;
  now?: () => Date;
  /**
   * Called after each step: with "remote" once WordPress has done the step (not yet recorded),
   * with "recorded" once the record is stored. Tests throw here to simulate a crash: nothing is
   * cleaned up after a throw from this hook, exactly as after a real crash.
   */
  afterStep?: (step: string, phase: PublishPhase) => void | Promise<void>;
}

export interface PublishWarning {
  code: "content_filtered" | "seo_fields_unavailable" | "excerpt_unsupported";
  message: string;
  details?: Record<string, unknown>;
}

export interface PublishResult {
  record: PublishingRecord;
  post: { id: number; slug: string; status: string; link: string };
  warnings: PublishWarning[];
}

/** A post as the REST API answers it with context=edit. */
export interface WordPressPost {
  id: number;
  slug: string;
  status: string;
  type: string;
  link: string;
  date_gmt: string | null;
  modified_gmt: string;
  title: { raw?: string; rendered: string };
  content: { raw?: string; rendered: string };
  excerpt?: { raw?: string; rendered: string };
  categories?: number[];
  tags?: number[];
  featured_media?: number;
  author?: number;
  meta?: Record<string, unknown>;
}

export const remoteStatusToRecord: Record<string, PublishingStatus> = {
  publish: "published",
  future: "scheduled",
  draft: "draft",
  pending: "draft",
  private: "published",
};

export function contentHash(post: Pick<WordPressPost, "title" | "content">): string {
  return createHash("sha256")
    .update(post.title.raw ?? post.title.rendered)
    .update("\u0000")
    .update(post.content.raw ?? post.content.rendered)
    .digest("hex");
}

/** `date_gmt` as WordPress wants it: UTC without a zone. */
function wpGmt(iso: string): string {
  return new Date(iso).toISOString().slice(0, 19);
}

export async function getPost(
  client: WordPressClient,
  restBase: string,
  id: number,
): Promise<WordPressPost | undefined> {
  try {
    const { data } = await client.get<WordPressPost>(`/wp/v2/${restBase}/${id}`, {
      context: "edit",
    });
    return data;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

function slugCollision(
  slug: string,
  holder: { id: number; slug?: string; status?: string; link?: string },
) {
  return new VisibleError(
    "conflict",
    "wordpress.slug_collision",
    `Another post on the site already uses the slug "${slug}" (post ${holder.id}); WordPress would publish this one as "${slug}-2". Choose another slug or remove the other post.`,
    {
      slug,
      existingId: holder.id,
      existingSlug: holder.slug,
      existingStatus: holder.status,
      existingLink: holder.link,
    },
  );
}

export function inProgress(key: PublishingKey, attempt?: { key: string; leaseUntil: string }) {
  return new VisibleError(
    "conflict",
    "publishing.in_progress",
    "This content is being published to this destination by another run; try again when it ends",
    { ...key, attemptKey: attempt?.key, leaseUntil: attempt?.leaseUntil },
  );
}

/** Publishes (or re-publishes) one content item to one WordPress site; see the file comment. */
export async function publishToWordPress(
  client: WordPressClient,
  rawInput: PublishInput,
  options: PublishOptions,
): Promise<PublishResult> {
  const input = parsePublishInput(rawInput);
  const now = options.now ?? (() => new Date());
  if (input.status === "future" && Date.parse(input.scheduledAt!) <= now().getTime()) {
    throw new VisibleError(
      "input",
      "publishing.scheduled_at_past",
      "scheduledAt must be in the future",
      {
        fields: [{ path: "scheduledAt", message: "must be in the future" }],
      },
    );
  }
  const type = await resolvePostType(client, input.postType);
  for (const [field, taxonomy] of [
    ["categories", "category"],
    ["tags", "post_tag"],
  ] as const) {
    if (input[field].length > 0 && !type.taxonomies.includes(taxonomy)) {
      throw new VisibleError(
        "input",
        `publishing.${field}_unsupported`,
        `The post type "${type.slug}" has no ${field} on this site`,
        { fields: [{ path: field, message: `not supported by ${type.slug}` }] },
      );
    }
  }
  const run = new PublishRun(client, input, type, {
    ...options,
    now,
    attemptKey: options.attemptKey ?? randomUUID(),
    leaseMs: options.leaseMs ?? 10 * 60_000,
  });
  return run.execute();
}

type RunOptions = PublishOptions & Required<Pick<PublishOptions, "now" | "attemptKey" | "leaseMs">>;

class PublishRun {
  private record!: PublishingRecord;
  /** A throw from afterStep: behave like a dead process (no clean-up, no more writes). */
  private crashed = false;
  /** Another run owns the record now: leave it alone. */
  private lost = false;
  private readonly warnings: PublishWarning[] = [];
  private readonly key: PublishingKey;

  constructor(
    private readonly client: WordPressClient,
    private readonly input: ParsedInput,
    private readonly type: WordPressPostType,
    private readonly options: RunOptions,
  ) {
    this.key = { contentId: input.contentId, destinationId: input.destinationId };
  }

  private iso(offsetMs = 0) {
    return new Date(this.options.now().getTime() + offsetMs).toISOString();
  }

  private route(id?: number) {
    return `/wp/v2/${this.type.restBase}${id === undefined ? "" : `/${id}`}`;
  }

  /** Writes the record (compare-and-set), extending the lease, with a history entry. */
  private async save(
    mutate: (record: PublishingRecord) => void,
    event: string,
    detail?: Record<string, unknown>,
    { keepLease = false } = {},
  ) {
    const next = structuredClone(this.record);
    mutate(next);
    next.updatedAt = this.iso();
    if (next.attempt && !keepLease) next.attempt.leaseUntil = this.iso(this.options.leaseMs);
    next.history = [
      ...next.history,
      { at: next.updatedAt, event, attempt: this.options.attemptKey, detail },
    ].slice(-historyLimit);
    try {
      this.record = await this.options.store.put(next, this.record.version);
    } catch (error) {
      if (isVersionConflict(error)) {
        this.lost = true;
        throw inProgress(this.key);
      }
      throw error;
    }
  }

  private async checkpoint(step: string, phase: PublishPhase) {
    if (!this.options.afterStep) return;
    try {
      await this.options.afterStep(step, phase);
    } catch (error) {
      this.crashed = true;
      throw error;
    }
  }

  private attempt() {
    const attempt = this.record.attempt;
    if (!attempt) throw new Error("publishing attempt missing from the record");
    return attempt;
  }

  async execute(): Promise<PublishResult> {
    await this.begin();
    try {
      return await this.steps();
    } catch (error) {
      if (this.crashed || this.lost) throw error;
      await this.compensate(error);
      throw error;
    }
  }

  private async begin() {
    const existing = await this.options.store.get(this.key);
    const previous = existing?.attempt;
    if (
      previous &&
      previous.key !== this.options.attemptKey &&
      Date.parse(previous.leaseUntil) > this.options.now().getTime()
    ) {
      throw inProgress(this.key, previous);
    }
    if (existing?.remoteId && existing.restBase !== this.type.restBase) {
      throw new VisibleError(
        "input",
        "publishing.post_type_changed",
        `This content is already published as a ${existing.postType}; WordPress cannot change a post's type. Delete it first.`,
        { fields: [{ path: "postType", message: `was ${existing.postType}` }] },
      );
    }
    const createdAt = this.iso();
    this.record = existing ?? {
      id: createId("publishing"),
      ...this.key,
      version: 0,
      postType: this.type.slug,
      restBase: this.type.restBase,
      status: "publishing",
      media: [],
      history: [],
      createdAt,
      updatedAt: createdAt,
    };
    await this.save(
      (record) => {
        record.status = "publishing";
        record.requestedStatus = this.input.status;
        record.postType = this.type.slug;
        record.restBase = this.type.restBase;
        // A crashed attempt's work (its draft, its uploads) is inherited: reused or cleaned up.
        record.attempt = {
          key: this.options.attemptKey,
          startedAt: previous?.startedAt ?? createdAt,
          leaseUntil: createdAt,
          step: "begin",
          createdPostId: previous?.createdPostId,
          previousStatus: previous?.previousStatus,
          uploaded: previous?.uploaded ?? [],
        };
      },
      previous ? "attempt_resumed" : "attempt_started",
      previous ? { resumedAttempt: previous.key, lastStep: previous.step } : undefined,
    );
    await this.checkpoint("begin", "recorded");
  }

  private async steps(): Promise<PublishResult> {
    let post = await this.locate();

    const { categories, tags } = await this.resolveTerms();

    if (!post) post = await this.createDraft();

    const media = await this.uploadMedia(post.id);

    let saved = await this.updateContent(post, media, categories, tags);

    saved = await this.setStatus(saved);

    await this.save(
      (record) => {
        record.status = remoteStatusToRecord[saved.status] ?? "published";
        record.remoteId = saved.id;
        record.remoteSlug = saved.slug;
        record.remoteLink = saved.link;
        record.remoteStatus = saved.status;
        record.remoteModifiedGmt = saved.modified_gmt;
        record.remoteContentHash = contentHash(saved);
        record.media = media;
        record.attempt = undefined;
        record.lastError = undefined;
        if (saved.status === "publish" && !record.publishedAt) record.publishedAt = this.iso();
      },
      "published",
      { remoteId: saved.id, status: saved.status, link: saved.link },
    );
    await this.checkpoint("finish", "recorded");
    return {
      record: this.record,
      post: { id: saved.id, slug: saved.slug, status: saved.status, link: saved.link },
      warnings: this.warnings,
    };
  }

  /** The remote post this content already has: by recorded id, else ours by slug. */
  private async locate(): Promise<WordPressPost | undefined> {
    const { contentId, slug } = this.input;
    let post: WordPressPost | undefined;
    const recordedId = this.record.remoteId;
    if (recordedId) {
      post = await getPost(this.client, this.type.restBase, recordedId);
      if (post?.status === "trash") post = undefined;
      if (!post) {
        await this.save(
          (record) => {
            record.remoteId = undefined;
            record.remoteSlug = undefined;
            record.remoteStatus = undefined;
            if (record.attempt?.createdPostId === recordedId)
              record.attempt.createdPostId = undefined;
          },
          "remote_gone",
          { remoteId: recordedId },
        );
      }
    }
    // Who holds the slug? Our own draft (a crash kept its id from the record) or someone else.
    const { data: holders } = await this.client.get<WordPressPost[]>(this.route(), {
      slug,
      status: "any",
      context: "edit",
      per_page: 100,
    });
    let adopted = false;
    for (const holder of holders) {
      if (post && holder.id === post.id) continue;
      if (!post && hasContentMarker(holder.content.raw, contentId)) {
        post = holder;
        adopted = true;
        continue;
      }
      if (!hasContentMarker(holder.content.raw, contentId)) throw slugCollision(slug, holder);
    }
    const found = post;
    await this.save(
      (record) => {
        const attempt = record.attempt!;
        attempt.step = "locate";
        if (found) {
          record.remoteId = found.id;
          record.remoteSlug = found.slug;
          record.remoteStatus = found.status;
          // A draft we find by our marker without ever having recorded it was made by a crashed
          // attempt of this publication: it belongs to the attempt (removed if the attempt fails).
          if (adopted && found.status === "draft" && !record.publishedAt) {
            attempt.createdPostId = found.id;
          }
          if (attempt.createdPostId !== found.id) attempt.previousStatus ??= found.status;
        }
      },
      "located",
      { remoteId: found?.id, adopted, status: found?.status },
    );
    await this.checkpoint("locate", "recorded");
    return post;
  }

  private async resolveTerms() {
    const byId = (refs: TermRef[]) => refs.flatMap((ref) => ("id" in ref ? [ref.id] : []));
    // Ids given by the caller may be stale: check them before anything is created.
    const staleCategories = await missingTerms(
      this.client,
      "categories",
      byId(this.input.categories),
    );
    const staleTags = await missingTerms(this.client, "tags", byId(this.input.tags));
    if (staleCategories.length || staleTags.length) {
      throw referenceDropped({ categories: staleCategories, tags: staleTags }, "before publishing");
    }
    const categories = await resolveTerms(this.client, "categories", this.input.categories);
    const tags = await resolveTerms(this.client, "tags", this.input.tags);
    await this.checkpoint("resolve_terms", "remote");
    await this.save(
      (record) => {
        record.attempt!.step = "resolve_terms";
      },
      "terms_resolved",
      { categories, tags },
    );
    await this.checkpoint("resolve_terms", "recorded");
    return { categories, tags };
  }

  private async createDraft(): Promise<WordPressPost> {
    const { data: post } = await this.client.post<WordPressPost>(
      this.route(),
      {
        title: this.input.title,
        slug: this.input.slug,
        status: "draft",
        content: contentMarker(this.input.contentId),
        author: this.input.authorId,
      },
      { query: { context: "edit" } },
    );
    await this.checkpoint("create_draft", "remote");
    await this.save(
      (record) => {
        record.remoteId = post.id;
        record.remoteSlug = post.slug;
        record.remoteStatus = post.status;
        record.attempt!.createdPostId = post.id;
        record.attempt!.step = "create_draft";
      },
      "draft_created",
      { remoteId: post.id, slug: post.slug },
    );
    await this.checkpoint("create_draft", "recorded");
    // Slugs are unique even among drafts: a "-2" means a post we cannot see holds ours.
    if (post.slug !== this.input.slug)
      throw slugCollision(this.input.slug, { id: post.id, slug: post.slug });
    return post;
  }

  private async loadBytes(image: { key: string; data: Uint8Array | (() => Promise<Uint8Array>) }) {
    try {
      const bytes = typeof image.data === "function" ? await image.data() : image.data;
      if (!(bytes instanceof Uint8Array) || bytes.byteLength === 0) throw new Error("no bytes");
      return bytes;
    } catch (error) {
      throw new VisibleError(
        "unavailable",
        "publishing.image_unavailable",
        `The image "${image.key}" could not be read`,
        { key: image.key },
        { cause: error },
      );
    }
  }

  /** Each image once: reused when the record or the media library already has these bytes. */
  private async uploadMedia(postId: number): Promise<PublishedMedia[]> {
    const images = [
      ...(this.input.featuredImage ? [this.input.featuredImage] : []),
      ...this.input.images,
    ];
    const result: PublishedMedia[] = [];
    for (const image of images) {
      const step = `upload_media:${image.key}`;
      const bytes = await this.loadBytes(image);
      const slug = mediaSlug(this.input.contentId, image.key, bytes);
      const attempt = this.attempt();
      let media: PublishedMedia | undefined;
      let event = "media_reused";
      const known = [...attempt.uploaded, ...this.record.media].find((m) => m.slug === slug);
      const remote = known
        ? await getMedia(this.client, known.remoteId)
        : await findMediaBySlug(this.client, slug);
      if (remote) {
        media = {
          key: image.key,
          slug,
          remoteId: remote.id,
          url: remote.source_url,
          alt: remote.alt_text,
        };
        if (!known) event = "media_adopted"; // uploaded by a crashed attempt
        if (remote.alt_text !== image.alt) {
          await this.client.post(`/wp/v2/media/${remote.id}`, { alt_text: image.alt });
          media.alt = image.alt;
        }
      } else {
        const uploaded = await uploadMedia(this.client, {
          bytes,
          filename: image.filename,
          contentType: image.contentType,
          alt: image.alt,
          title: image.title,
          caption: image.caption,
          slug,
          postId,
        });
        await this.checkpoint(step, "remote");
        media = {
          key: image.key,
          slug,
          remoteId: uploaded.id,
          url: uploaded.source_url,
          alt: uploaded.alt_text,
        };
        event = "media_uploaded";
      }
      const final = media;
      const ownedByAttempt = !this.record.media.some((m) => m.remoteId === final.remoteId);
      await this.save(
        (record) => {
          const current = record.attempt!;
          current.step = step;
          current.uploaded = current.uploaded.filter((m) => m.slug !== slug);
          if (ownedByAttempt) current.uploaded.push(final);
        },
        event,
        { key: image.key, remoteId: final.remoteId },
      );
      await this.checkpoint(step, "recorded");
      result.push(final);
    }
    return result;
  }

  private async updateContent(
    post: WordPressPost,
    media: PublishedMedia[],
    categories: number[],
    tags: number[],
  ): Promise<WordPressPost> {
    const { input, type } = this;
    const featured = input.featuredImage
      ? media.find((m) => m.key === input.featuredImage!.key)
      : undefined;
    const inArticle = new Map(
      input.images.map((image) => {
        const m = media.find((candidate) => candidate.key === image.key)!;
        return [image.src, { id: m.remoteId, url: m.url, alt: m.alt }] as const;
      }),
    );
    const html = rewriteImageUrls(input.html, inArticle).html;
    const content = `${contentMarker(input.contentId)}\n${html}`;
    const body: Record<string, unknown> = { title: input.title, content, slug: input.slug };
    if (type.taxonomies.includes("category")) body.categories = categories;
    if (type.taxonomies.includes("post_tag")) body.tags = tags;
    if (type.supports.includes("thumbnail")) body.featured_media = featured?.remoteId ?? 0;
    if (input.authorId) body.author = input.authorId;
    if (input.excerpt !== undefined) {
      if (type.supports.includes("excerpt")) body.excerpt = input.excerpt;
      else {
        this.warnings.push({
          code: "excerpt_unsupported",
          message: `The post type "${type.slug}" has no excerpt on this site; it was not sent`,
        });
      }
    }
    const meta = await this.seoMeta();
    if (meta) body.meta = meta;

    const { data: saved } = await this.client.post<WordPressPost>(this.route(post.id), body, {
      query: { context: "edit" },
    });
    await this.checkpoint("update_content", "remote");
    const dropped = compareReferences(body, saved);
    await this.save(
      (record) => {
        record.remoteSlug = saved.slug;
        record.remoteStatus = saved.status;
        record.remoteModifiedGmt = saved.modified_gmt;
        record.attempt!.step = "update_content";
      },
      "content_updated",
      { remoteId: saved.id, ...(dropped ? { dropped } : {}) },
    );
    await this.checkpoint("update_content", "recorded");
    if (dropped) throw referenceDropped(dropped, "in WordPress's answer");
    if (saved.slug !== input.slug)
      throw slugCollision(input.slug, { id: saved.id, slug: saved.slug });
    const removed = filteredContent(content, saved.content.raw ?? "");
    if (removed.length) {
      this.warnings.push({
        code: "content_filtered",
        message: `WordPress removed ${removed.join(", ")} from the content: the connected user's role may not post unfiltered HTML`,
        details: { removed },
      });
    }
    return saved;
  }

  private async seoMeta(): Promise<Record<string, string> | undefined> {
    const seo = this.input.seo;
    if (!seo || (seo.title === undefined && seo.description === undefined && !seo.focusKeyword)) {
      return undefined;
    }
    const fields = await detectSeoFields(this.client, this.type.restBase);
    if (!fields) {
      this.warnings.push({
        code: "seo_fields_unavailable",
        message:
          "The site exposes no Yoast or Rank Math fields to the REST API, so the SEO title and description were not set",
      });
      return undefined;
    }
    const meta: Record<string, string> = {};
    if (seo.title !== undefined) meta[fields.titleKey] = seo.title;
    if (seo.description !== undefined) meta[fields.descriptionKey] = seo.description;
    if (seo.focusKeyword && fields.focusKeywordKey) meta[fields.focusKeywordKey] = seo.focusKeyword;
    return meta;
  }

  /** The requested status, switched on only now that everything else is in place. */
  private async setStatus(saved: WordPressPost): Promise<WordPressPost> {
    const { status, scheduledAt } = this.input;
    const wantDate = status === "future" ? wpGmt(scheduledAt!) : undefined;
    const sameDate = !wantDate || saved.date_gmt?.slice(0, 19) === wantDate;
    if (saved.status === status && sameDate) return saved;
    const body: Record<string, unknown> = { status };
    if (wantDate) body.date_gmt = wantDate;
    // A post dated in the future would become "future" again: publishing now means now.
    if (
      status === "publish" &&
      saved.date_gmt &&
      Date.parse(`${saved.date_gmt}Z`) > this.options.now().getTime()
    ) {
      body.date_gmt = wpGmt(this.iso());
    }
    const { data: final } = await this.client.post<WordPressPost>(this.route(saved.id), body, {
      query: { context: "edit" },
    });
    await this.checkpoint("set_status", "remote");
    await this.save(
      (record) => {
        record.remoteStatus = final.status;
        record.remoteSlug = final.slug;
        record.remoteModifiedGmt = final.modified_gmt;
        record.attempt!.step = "set_status";
      },
      "status_set",
      { remoteId: final.id, status: final.status },
    );
    await this.checkpoint("set_status", "recorded");
    if (final.status !== status) {
      throw new VisibleError(
        "conflict",
        "wordpress.status_mismatch",
        `WordPress set the post to "${final.status}" instead of "${status}"`,
        { requested: status, actual: final.status, remoteId: final.id },
      );
    }
    if (final.slug !== this.input.slug) {
      throw slugCollision(this.input.slug, { id: final.id, slug: final.slug });
    }
    return final;
  }

  /** A failed attempt removes its uploads and its draft (or restores the status), then records why. */
  private async compensate(error: unknown) {
    const attempt = this.record.attempt;
    const removed: { media: number[]; post?: number; restoredStatus?: string } = { media: [] };
    let cleanupError: unknown;
    if (attempt) {
      try {
        for (const media of attempt.uploaded) {
          if (this.record.media.some((m) => m.remoteId === media.remoteId)) continue;
          await deleteMedia(this.client, media.remoteId);
          removed.media.push(media.remoteId);
        }
        if (attempt.createdPostId) {
          await this.client.delete(
            this.route(attempt.createdPostId),
            { force: true },
            { allow: [404, 410] },
          );
          removed.post = attempt.createdPostId;
        } else if (
          this.record.remoteId &&
          attempt.previousStatus &&
          this.record.remoteStatus !== attempt.previousStatus
        ) {
          await this.client.post(this.route(this.record.remoteId), {
            status: attempt.previousStatus,
          });
          removed.restoredStatus = attempt.previousStatus;
        }
      } catch (cleanup) {
        cleanupError = cleanup;
      }
    }
    const visible =
      error instanceof VisibleError
        ? error
        : new VisibleError("internal", "publishing.failed", String(error));
    try {
      await this.save(
        (record) => {
          record.status = "failed";
          record.lastError = {
            code: visible.code,
            message: visible.message,
            at: this.iso(),
            details: JSON.parse(JSON.stringify(visible.details ?? {})),
          };
          if (cleanupError) {
            // Leave the attempt for the next run to resume and finish cleaning up.
            record.attempt!.leaseUntil = this.iso();
            return;
          }
          if (removed.post !== undefined && record.remoteId === removed.post) {
            record.remoteId = undefined;
            record.remoteSlug = undefined;
            record.remoteStatus = undefined;
            record.remoteLink = undefined;
          }
          if (removed.restoredStatus) record.remoteStatus = removed.restoredStatus;
          record.attempt = undefined;
        },
        "failed",
        {
          code: visible.code,
          removedMedia: removed.media,
          removedPost: removed.post,
          restoredStatus: removed.restoredStatus,
          cleanupError: cleanupError ? String(cleanupError) : undefined,
        },
        { keepLease: true },
      );
    } catch {
      // The original error matters more; a lost record write is resumed by the next run.
    }
  }
}

interface DroppedReferences {
  categories?: number[];
  tags?: number[];
  featuredMedia?: number;
  author?: number;
  meta?: string[];
}

/** What WordPress silently ignored: ids sent but absent from its answer. */
export function compareReferences(
  sent: Record<string, unknown>,
  saved: WordPressPost,
): DroppedReferences | undefined {
  const dropped: DroppedReferences = {};
  for (const field of ["categories", "tags"] as const) {
    const wanted = sent[field] as number[] | undefined;
    if (!wanted) continue;
    const got = new Set(saved[field] ?? []);
    const missing = wanted.filter((id) => !got.has(id));
    if (missing.length) dropped[field] = missing;
  }
  const featured = sent.featured_media as number | undefined;
  if (featured && saved.featured_media !== featured) dropped.featuredMedia = featured;
  const author = sent.author as number | undefined;
  if (author && saved.author !== author) dropped.author = author;
  const meta = sent.meta as Record<string, string> | undefined;
  if (meta) {
    const missing = Object.entries(meta)
      .filter(([key, value]) => saved.meta?.[key] !== value)
      .map(([key]) => key);
    if (missing.length) dropped.meta = missing;
  }
  return Object.keys(dropped).length ? dropped : undefined;
}

function referenceDropped(dropped: DroppedReferences, when: string) {
  const parts = [
    dropped.categories?.length ? `categories ${dropped.categories.join(", ")}` : "",
    dropped.tags?.length ? `tags ${dropped.tags.join(", ")}` : "",
    dropped.featuredMedia ? `featured image ${dropped.featuredMedia}` : "",
    dropped.author ? `author ${dropped.author}` : "",
    dropped.meta?.length ? `fields ${dropped.meta.join(", ")}` : "",
  ].filter(Boolean);
  return new VisibleError(
    "conflict",
    "wordpress.reference_dropped",
    `WordPress does not know ${parts.join("; ")} (${when}); nothing was published`,
    { ...dropped },
  );
}
