export * as Connection from "./index";

import { isIP } from "node:net";
import { z } from "zod";
import { useAccount } from "../actor";
import { Authz } from "../authz";
import { settings } from "../config";
import { Crypto } from "../crypto";
import { Page } from "../pagination";
import {
  type ConnectionReport,
  listPostTypes,
  syncAuthors,
  syncCategories,
  syncTags,
  validateConnection,
  WordPressClient,
  type WordPressPostType,
} from "../publishing/wordpress";
import { Site, SiteId } from "../site";
import { VisibleError } from "../util/error";
import { fn } from "../util/fn";
import { createId, idPattern } from "../util/id";
import { catalogEntryEntity, connectionEntity } from "./connection.entity";

/**
 * Connections: where a site publishes to. Connecting checks the WordPress site end to end
 * (REST API, Application Passwords, the user's role and capabilities) before anything is stored;
 * the Application Password is stored sealed (Crypto) and never answered. A connection also keeps
 * the site's post types, its catalog of categories, tags and authors (synced on request) and the
 * mapping of sectors and clusters to categories and tags.
 */

export const ConnectionId = z
  .string()
  .regex(idPattern("connection"), "not a connection id")
  .meta({ example: "con_01hz3v5k8q2w4e6r8t0y2u4i6o" });

/** At most this many destinations per site. */
export const MAX_PER_SITE = 20;

const termSlug = z
  .string()
  .min(1)
  .max(190)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "lower-case letters, digits and single dashes");

/** A category or tag: the id of one the site has, or a name to find (by slug) or create. */
export const TermRef = z
  .union([
    z.strictObject({ id: z.number().int().positive() }),
    z.strictObject({
      name: z.string().trim().min(1).max(200),
      slug: termSlug.optional(),
      parentId: z.number().int().positive().optional(),
    }),
  ])
  .meta({ id: "TermRef", description: "{ id } of an existing term, or { name } to find or create" });
export type TermRef = z.infer<typeof TermRef>;

const Terms = z.strictObject({
  categories: z.array(TermRef).max(20).optional(),
  tags: z.array(TermRef).max(50).optional(),
});

const SectorKey = z.string().regex(idPattern("sector"), "not a sector id");
const ClusterKey = z.string().regex(idPattern("cluster"), "not a cluster id");

const mappingFields = {
  sectors: z
    .enum(["category", "tag", "none"])
    .meta({ description: "What a content's sector becomes (its name): default category" }),
  clusters: z
    .enum(["tag", "category", "none"])
    .meta({ description: "What a content's cluster becomes (its name): default tag" }),
  sectorTerms: z
    .record(SectorKey, Terms)
    .refine((value) => Object.keys(value).length <= 200, "at most 200 sectors")
    .meta({ description: "Terms to use for a sector instead of its name" }),
  clusterTerms: z
    .record(ClusterKey, Terms)
    .refine((value) => Object.keys(value).length <= 500, "at most 500 clusters")
    .meta({ description: "Terms to use for a cluster instead of its name" }),
  defaultCategories: z
    .array(TermRef)
    .max(20)
    .meta({ description: "Categories every post gets when nothing else names one" }),
  authorId: z
    .number()
    .int()
    .positive()
    .meta({ description: "The WordPress user posts are attributed to (default: the connected user)" }),
};

/** How sectors and clusters become categories and tags on this destination. */
export const MappingInput = z
  .strictObject({
    sectors: mappingFields.sectors.optional(),
    clusters: mappingFields.clusters.optional(),
    sectorTerms: mappingFields.sectorTerms.optional(),
    clusterTerms: mappingFields.clusterTerms.optional(),
    defaultCategories: mappingFields.defaultCategories.optional(),
    authorId: mappingFields.authorId.nullable().optional(),
  })
  .meta({ id: "ConnectionMappingInput" });

export const Mapping = z
  .object({
    sectors: mappingFields.sectors,
    clusters: mappingFields.clusters,
    sectorTerms: z.record(z.string(), Terms),
    clusterTerms: z.record(z.string(), Terms),
    defaultCategories: z.array(TermRef),
    authorId: z.number().int().nullable(),
  })
  .meta({ id: "ConnectionMapping" });
export type Mapping = z.infer<typeof Mapping>;

function mappingOf(stored: unknown): Mapping {
  const value = (stored ?? {}) as Partial<Mapping>;
  return {
    sectors: value.sectors ?? "category",
    clusters: value.clusters ?? "tag",
    sectorTerms: value.sectorTerms ?? {},
    clusterTerms: value.clusterTerms ?? {},
    defaultCategories: value.defaultCategories ?? [],
    authorId: value.authorId ?? null,
  };
}

export const Report = z
  .object({
    site: z.object({
      name: z.string(),
      url: z.string(),
      home: z.string(),
      gmtOffset: z.number(),
      timezone: z.string(),
      namespaces: z.array(z.string()),
      restMode: z.enum(["pretty", "query"]),
    }),
    user: z.object({
      id: z.number().int(),
      username: z.string(),
      name: z.string(),
      roles: z.array(z.string()),
      role: z.string(),
    }),
    can: z.object({
      publishPosts: z.boolean(),
      publishPages: z.boolean(),
      createCategories: z.boolean(),
      uploadMedia: z.boolean(),
      unfilteredHtml: z.boolean(),
      editOthersPosts: z.boolean(),
    }),
    limitations: z.array(z.object({ code: z.string(), message: z.string() })),
  })
  .meta({ id: "ConnectionReport", description: "What the connected WordPress user can and cannot do" });

export const PostType = z
  .object({
    slug: z.string(),
    name: z.string(),
    restBase: z.string(),
    hierarchical: z.boolean(),
    taxonomies: z.array(z.string()),
    supports: z.array(z.string()),
  })
  .meta({ id: "WordPressPostType" });

const ErrorInfo = z.object({ code: z.string(), message: z.string(), at: z.string() });

export const CatalogSummary = z
  .object({
    syncedAt: z.string(),
    categories: z.number().int(),
    tags: z.number().int(),
    authors: z.number().int(),
  })
  .meta({ id: "ConnectionCatalogSummary" });

export const Info = z
  .object({
    connectionId: ConnectionId,
    siteId: SiteId,
    kind: z.literal("wordpress"),
    name: z.string(),
    url: z.string(),
    username: z.string(),
    status: z.enum(["connected", "failed"]).meta({ description: "The last validation's outcome" }),
    report: Report.nullable(),
    lastError: ErrorInfo.nullable(),
    validatedAt: z.string().nullable(),
    postTypes: z.array(PostType).meta({ description: "Posts, pages and the custom post types the site exposes" }),
    catalog: CatalogSummary.nullable(),
    mapping: Mapping,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Connection", description: "A publishing destination; the Application Password is never returned" });
export type Info = z.infer<typeof Info>;

type Stored = {
  accountId: string;
  connectionId: string;
  siteId: string;
  kind: "wordpress";
  name: string;
  url: string;
  username: string;
  secret: string;
  status: "connected" | "failed";
  report?: unknown;
  lastError?: unknown;
  validatedAt?: string;
  postTypes?: unknown;
  catalog?: unknown;
  mapping?: unknown;
  createdAt: string;
  updatedAt: string;
};

function serialize(connection: Stored): Info {
  return {
    connectionId: connection.connectionId,
    siteId: connection.siteId,
    kind: connection.kind,
    name: connection.name,
    url: connection.url,
    username: connection.username,
    status: connection.status,
    report: (connection.report as Info["report"]) ?? null,
    lastError: (connection.lastError as Info["lastError"]) ?? null,
    validatedAt: connection.validatedAt ?? null,
    postTypes: (connection.postTypes as Info["postTypes"]) ?? [],
    catalog: (connection.catalog as Info["catalog"]) ?? null,
    mapping: mappingOf(connection.mapping),
    createdAt: connection.createdAt,
    updatedAt: connection.updatedAt,
  };
}

const notFound = (connectionId: string) =>
  new VisibleError("not_found", "connection.not_found", "No such connection in this site", {
    connectionId,
  });

/** What the sealed password is bound to: it opens only on this record of this tenant. */
function secretContext(connection: { accountId: string; siteId: string; connectionId: string }) {
  return {
    purpose: "wordpress-application-password",
    accountId: connection.accountId,
    siteId: connection.siteId,
    connectionId: connection.connectionId,
  };
}

// ---------------------------------------------------------------- destination checks

function privateIPv4(address: string): boolean {
  const [a, b] = address.split(".").map(Number) as [number, number];
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    a >= 224
  );
}

function privateAddress(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (bare === "localhost" || bare.endsWith(".localhost") || bare.endsWith(".internal")) return true;
  const version = isIP(bare);
  if (version === 4) return privateIPv4(bare);
  if (version === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
    if (mapped) return privateIPv4(mapped[1]!);
    // URL() writes an IPv4-mapped address in hex (::ffff:a00:1).
    const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(bare);
    if (hex) {
      const high = Number.parseInt(hex[1]!, 16);
      const low = Number.parseInt(hex[2]!, 16);
      return privateIPv4(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`);
    }
    return bare === "::" || bare === "::1" || /^f[cd]/.test(bare) || /^fe[89ab]/.test(bare);
  }
  return false;
}

/**
 * A destination the product may call: http(s), and outside the local stage never a loopback,
 * private or link-local address (the functions run inside AWS: such a URL would reach inside it).
 */
export function checkDestinationUrl(url: string): void {
  const parsed = new URL(url);
  if (parsed.username || parsed.password) {
    throw new VisibleError("input", "connection.url_invalid", "Give the user name and password in their own fields, not in the URL", {
      fields: [{ path: "url", message: "no credentials in the URL" }],
    });
  }
  if (settings().IGNY8_STAGE !== "local" && privateAddress(parsed.hostname)) {
    throw new VisibleError("input", "connection.url_private", "The site's address must be reachable on the internet, not a private or local address", {
      fields: [{ path: "url", message: "a public address" }],
    });
  }
}

/**
 * WordPress's own errors, made safe to answer: WordPress's HTTP status is not ours (a 401 from
 * WordPress must not look like the caller's session ending), so it is kept as `wpStatus` only.
 * `whileConnecting`: the credentials in the request are at fault, so it is an input error naming the field.
 */
export function fromWordPress(error: unknown, options: { whileConnecting?: boolean } = {}): unknown {
  if (!(error instanceof VisibleError) || !error.code.startsWith("wordpress.")) return error;
  const { status, fields: _fields, ...details } = error.details;
  const field =
    error.code === "wordpress.auth_failed"
      ? "appPassword"
      : error.code === "wordpress.cannot_publish"
        ? "username"
        : "url";
  const hints = Array.isArray(details.hints) ? (details.hints as string[]) : [];
  let kind = error.kind;
  if (options.whileConnecting && (kind === "auth" || kind === "forbidden" || kind === "not_found" || kind === "unavailable")) {
    kind = "input";
  } else if (kind === "auth") {
    // The stored credentials stopped working: the connection must be renewed.
    kind = "conflict";
  }
  return new VisibleError(
    kind,
    error.code,
    error.message,
    {
      ...details,
      wpStatus: status,
      ...(options.whileConnecting || kind === "input"
        ? { fields: [{ path: field, message: hints.length ? hints.join(" ") : error.message }] }
        : {}),
    },
    { cause: error },
  );
}

// ---------------------------------------------------------------- operations

const connectionFields = {
  url: z
    .url({ protocol: /^https?$/, error: "a http(s) URL" })
    .max(2048)
    .meta({ description: "The WordPress site's address (a sub-directory install keeps its path)" }),
  username: z.string().trim().min(1).max(200).meta({ description: "The WordPress user name or e-mail" }),
  appPassword: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .meta({ description: "An Application Password of that user (Users → Profile), never the login password" }),
  name: z.string().trim().min(1).max(100),
};

function newClient(input: { url: string; username: string; appPassword: string; restMode?: "pretty" | "query" }) {
  checkDestinationUrl(input.url);
  try {
    return new WordPressClient(input);
  } catch (error) {
    throw fromWordPress(error, { whileConnecting: true });
  }
}

/** Validates credentials and reads the post types; throws an input error naming the field at fault. */
async function check(client: WordPressClient): Promise<{ report: ConnectionReport; postTypes: WordPressPostType[] }> {
  try {
    const report = await validateConnection(client);
    const postTypes = await listPostTypes(client);
    return { report, postTypes };
  } catch (error) {
    throw fromWordPress(error, { whileConnecting: true });
  }
}

export const CreateBody = z
  .strictObject({
    url: connectionFields.url,
    username: connectionFields.username,
    appPassword: connectionFields.appPassword,
    name: connectionFields.name.optional().meta({ description: "Default: the WordPress site's name" }),
    mapping: MappingInput.optional(),
  })
  .meta({ id: "ConnectionCreate" });

export const CreateInput = CreateBody.extend({ siteId: SiteId });

/**
 * Connects a WordPress site: validates it (REST API, Application Passwords, role) and stores the
 * report and the sealed password. Nothing is stored when validation fails.
 */
export const create = fn(CreateInput, async ({ siteId, url, username, appPassword, name, mapping }) => {
  await Authz.assert("integration.write", { siteId });
  const accountId = useAccount();
  const client = newClient({ url, username, appPassword });
  const existing = await connectionEntity().query.bySite({ accountId, siteId }).go({ pages: "all" });
  if (existing.data.length >= MAX_PER_SITE) {
    throw new VisibleError("limit", "connection.too_many", `A site has at most ${MAX_PER_SITE} connections`, {
      limit: "connections_per_site",
      max: MAX_PER_SITE,
      current: existing.data.length,
    });
  }
  const duplicate = existing.data.find(
    (c) => c.url === client.siteUrl && c.username.toLowerCase() === username.toLowerCase(),
  );
  if (duplicate) {
    throw new VisibleError("conflict", "connection.exists", "This site is already connected as this user", {
      fields: [{ path: "url", message: "already connected" }],
    });
  }
  const { report, postTypes } = await check(client);
  const connectionId = createId("connection");
  return insert({
    accountId,
    siteId,
    connectionId,
    name: name ?? (report.site.name || new URL(client.siteUrl).host),
    url: client.siteUrl,
    username,
    appPassword,
    report,
    postTypes,
    mapping: mapping ?? {},
  });
});

/**
 * Stores a connection whose report is already known (create() after validating; imports and
 * test fixtures that bring their own report). Seals the password.
 */
export async function insert(input: {
  accountId: string;
  siteId: string;
  connectionId: string;
  name: string;
  url: string;
  username: string;
  appPassword: string;
  report: ConnectionReport;
  postTypes: WordPressPostType[];
  mapping: z.infer<typeof MappingInput>;
}): Promise<Info> {
  if (input.accountId !== useAccount()) throw new Error("insert() runs inside the connection's account");
  const now = new Date().toISOString();
  const stored: Stored = {
    accountId: input.accountId,
    siteId: input.siteId,
    connectionId: input.connectionId,
    kind: "wordpress",
    name: input.name,
    url: input.url,
    username: input.username,
    secret: await Crypto.seal(input.appPassword, secretContext(input)),
    status: "connected",
    report: input.report,
    validatedAt: now,
    postTypes: input.postTypes,
    mapping: mergeMapping(mappingOf({}), input.mapping),
    createdAt: now,
    updatedAt: now,
  };
  await connectionEntity().create(stored).go();
  return serialize(stored);
}

function mergeMapping(current: Mapping, patch: z.infer<typeof MappingInput>): Mapping {
  return {
    sectors: patch.sectors ?? current.sectors,
    clusters: patch.clusters ?? current.clusters,
    sectorTerms: patch.sectorTerms ?? current.sectorTerms,
    clusterTerms: patch.clusterTerms ?? current.clusterTerms,
    defaultCategories: patch.defaultCategories ?? current.defaultCategories,
    authorId: patch.authorId === undefined ? current.authorId : patch.authorId,
  };
}

export const Key = z.strictObject({ siteId: SiteId, connectionId: ConnectionId });

async function load(siteId: string, connectionId: string): Promise<Stored> {
  const result = await connectionEntity().get({ accountId: useAccount(), connectionId }).go();
  // An id of another site of the same account is not found here either.
  if (!result.data || result.data.siteId !== siteId) throw notFound(connectionId);
  return result.data as Stored;
}

export const get = fn(Key, async ({ siteId, connectionId }) => {
  await Authz.assert("publisher.read", { siteId });
  return serialize(await load(siteId, connectionId));
});

export const ListInput = z
  .strictObject({ siteId: SiteId, ...Page.Query })
  .meta({ id: "ConnectionListQuery" });

export const list = fn(ListInput, async ({ siteId, cursor, limit }): Promise<Page.Result<Info>> => {
  await Authz.assert("publisher.read", { siteId });
  const accountId = useAccount();
  const scope = JSON.stringify(["connections", accountId, siteId]);
  const result = await connectionEntity()
    .query.bySite({ accountId, siteId })
    .go({ cursor: Page.decode(cursor, scope) ?? null, count: limit });
  return { items: result.data.map((c) => serialize(c as Stored)), cursor: Page.encode(result.cursor, scope) };
});

/**
 * A ready client for a stored connection (the password opened from its seal), for publishing.
 * The caller has checked the actor's right to the site.
 */
export async function open(siteId: string, connectionId: string): Promise<{ connection: Info; client: WordPressClient }> {
  const stored = await load(siteId, connectionId);
  const appPassword = await Crypto.open(stored.secret, secretContext(stored));
  const report = stored.report as ConnectionReport | undefined;
  const client = new WordPressClient({
    url: stored.url,
    username: stored.username,
    appPassword,
    restMode: report?.site.restMode,
  });
  return { connection: serialize(stored), client };
}

export const UpdateBody = z
  .strictObject({
    name: connectionFields.name.optional(),
    url: connectionFields.url.optional(),
    username: connectionFields.username.optional(),
    appPassword: connectionFields.appPassword.optional(),
    mapping: MappingInput.optional(),
  })
  .meta({ id: "ConnectionUpdate" });

export const UpdateInput = UpdateBody.extend({ siteId: SiteId, connectionId: ConnectionId });

/** Renames, re-maps, or changes the credentials (validated again before they are stored). */
export const update = fn(UpdateInput, async ({ siteId, connectionId, name, url, username, appPassword, mapping }) => {
  await Authz.assert("integration.write", { siteId });
  const stored = await load(siteId, connectionId);
  const changes: Partial<Stored> = { updatedAt: new Date().toISOString() };
  if (name !== undefined) changes.name = name;
  if (mapping !== undefined) changes.mapping = mergeMapping(mappingOf(stored.mapping), mapping);
  if (url !== undefined || username !== undefined || appPassword !== undefined) {
    const password = appPassword ?? (await Crypto.open(stored.secret, secretContext(stored)));
    const client = newClient({ url: url ?? stored.url, username: username ?? stored.username, appPassword: password });
    const { report, postTypes } = await check(client);
    Object.assign(changes, {
      url: client.siteUrl,
      username: username ?? stored.username,
      secret: await Crypto.seal(password, secretContext(stored)),
      status: "connected",
      report,
      postTypes,
      validatedAt: changes.updatedAt,
    });
  }
  const patch = connectionEntity().patch({ accountId: stored.accountId, connectionId }).set(changes);
  const result = await (changes.report ? patch.remove(["lastError"]) : patch).go({ response: "all_new" });
  return serialize(result.data as Stored);
});

/**
 * Checks the stored connection again and records the outcome: a connection whose password was
 * revoked, or whose user lost the right to publish, is marked failed with the reason.
 */
export const validate = fn(Key, async ({ siteId, connectionId }) => {
  await Authz.assert("integration.write", { siteId });
  const { client } = await open(siteId, connectionId);
  const now = new Date().toISOString();
  const patch = connectionEntity().patch({ accountId: useAccount(), connectionId });
  let checked: Awaited<ReturnType<typeof check>> | undefined;
  let failure: VisibleError | undefined;
  try {
    checked = await check(client);
  } catch (error) {
    if (!(error instanceof VisibleError)) throw error;
    failure = error;
  }
  const result = await (
    checked
      ? patch
          .set({ status: "connected", report: checked.report, postTypes: checked.postTypes, validatedAt: now, updatedAt: now })
          .remove(["lastError"])
      : patch.set({
          status: "failed",
          validatedAt: now,
          updatedAt: now,
          lastError: { code: failure!.code, message: failure!.message, at: now },
        })
  ).go({ response: "all_new" });
  return serialize(result.data as Stored);
});

/** Deletes a connection and its catalog. Publishing records keep their history. */
export const remove = fn(Key, async ({ siteId, connectionId }) => {
  await Authz.assert("integration.write", { siteId });
  const stored = await load(siteId, connectionId);
  await removeCatalog(stored.accountId, connectionId);
  await connectionEntity().delete({ accountId: stored.accountId, connectionId }).go();
});

// ---------------------------------------------------------------- catalog

export const CatalogKind = z.enum(["category", "tag", "author"]);
export type CatalogKind = z.infer<typeof CatalogKind>;

export const CatalogEntry = z
  .object({
    kind: CatalogKind,
    id: z.number().int().meta({ description: "The WordPress id" }),
    name: z.string(),
    slug: z.string(),
    parent: z.number().int().nullable(),
    count: z.number().int().nullable(),
    syncedAt: z.string(),
  })
  .meta({ id: "ConnectionCatalogEntry" });
export type CatalogEntry = z.infer<typeof CatalogEntry>;

const remoteKey = (id: number) => String(id).padStart(12, "0");

async function removeCatalog(accountId: string, connectionId: string, keep?: Set<string>) {
  const existing = await catalogEntryEntity()
    .query.byConnection({ accountId, connectionId })
    .go({ pages: "all", attributes: ["kind", "remoteKey"] });
  const stale = existing.data.filter((entry) => !keep?.has(`${entry.kind}:${entry.remoteKey}`));
  if (stale.length) {
    await catalogEntryEntity()
      .delete(stale.map((entry) => ({ accountId, connectionId, kind: entry.kind, remoteKey: entry.remoteKey })))
      .go();
  }
  return stale.length;
}

/**
 * Reads the site's categories, tags, authors and post types and stores them as the connection's
 * catalog (entries gone from the site are removed). Writes nothing to WordPress.
 */
export const sync = fn(Key, async ({ siteId, connectionId }) => {
  await Authz.assert("integration.write", { siteId });
  const { client } = await open(siteId, connectionId);
  const accountId = useAccount();
  let fetched: { categories: Awaited<ReturnType<typeof syncCategories>>; tags: Awaited<ReturnType<typeof syncTags>>; authors: Awaited<ReturnType<typeof syncAuthors>>; postTypes: WordPressPostType[] };
  try {
    fetched = {
      categories: await syncCategories(client),
      tags: await syncTags(client),
      authors: await syncAuthors(client),
      postTypes: await listPostTypes(client),
    };
  } catch (error) {
    throw fromWordPress(error);
  }
  const syncedAt = new Date().toISOString();
  const entries = [
    ...fetched.categories.map((t) => ({ kind: "category" as const, remoteId: t.id, name: t.name, slug: t.slug, parent: t.parent, count: t.count })),
    ...fetched.tags.map((t) => ({ kind: "tag" as const, remoteId: t.id, name: t.name, slug: t.slug, parent: t.parent, count: t.count })),
    ...fetched.authors.map((a) => ({ kind: "author" as const, remoteId: a.id, name: a.name, slug: a.slug })),
  ].map((entry) => ({ ...entry, accountId, connectionId, remoteKey: remoteKey(entry.remoteId), syncedAt }));
  if (entries.length) {
    const { unprocessed } = await catalogEntryEntity().put(entries).go();
    if (unprocessed.length) {
      throw new VisibleError("unavailable", "connection.sync_incomplete", "Some catalog entries could not be stored; sync again");
    }
  }
  const removed = await removeCatalog(accountId, connectionId, new Set(entries.map((e) => `${e.kind}:${e.remoteKey}`)));
  const catalog = {
    syncedAt,
    categories: fetched.categories.length,
    tags: fetched.tags.length,
    authors: fetched.authors.length,
  };
  const result = await connectionEntity()
    .patch({ accountId, connectionId })
    .set({ catalog, postTypes: fetched.postTypes, updatedAt: syncedAt })
    .go({ response: "all_new" });
  return { connection: serialize(result.data as Stored), removed };
});

export const CatalogInput = z
  .strictObject({
    siteId: SiteId,
    connectionId: ConnectionId,
    kind: CatalogKind,
    q: z.string().trim().min(1).max(100).optional().meta({ description: "Matches the name or slug, case-insensitive" }),
    ...Page.Query,
  })
  .meta({ id: "ConnectionCatalogQuery" });

/** The synced categories, tags or authors of a connection, paged. */
export const catalog = fn(CatalogInput, async ({ siteId, connectionId, kind, q, cursor, limit }): Promise<Page.Result<CatalogEntry>> => {
  await Authz.assert("publisher.read", { siteId });
  await load(siteId, connectionId);
  const accountId = useAccount();
  const scope = JSON.stringify(["catalog", accountId, connectionId, kind, q]);
  const query = catalogEntryEntity().query.byConnection({ accountId, connectionId, kind });
  const needle = q?.toLowerCase();
  const filtered = needle
    ? query.where((attr, op) => `${op.contains(attr.slug, needle)} OR ${op.contains(attr.name, q!)}`)
    : query;
  const result = await filtered.go({ cursor: Page.decode(cursor, scope) ?? null, count: limit });
  return {
    items: result.data.map((entry) => ({
      kind: entry.kind,
      id: entry.remoteId,
      name: entry.name,
      slug: entry.slug,
      parent: entry.parent ?? null,
      count: entry.count ?? null,
      syncedAt: entry.syncedAt,
    })),
    cursor: Page.encode(result.cursor, scope),
  };
});

// A deleted site takes its connections and their catalogs with it.
Site.onDelete(async ({ accountId, siteId }) => {
  const connections = await connectionEntity().query.bySite({ accountId, siteId }).go({ pages: "all" });
  for (const connection of connections.data) {
    await removeCatalog(accountId, connection.connectionId);
    await connectionEntity().delete({ accountId, connectionId: connection.connectionId }).go();
  }
});
