import { randomUUID } from "node:crypto";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NotFound,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { useAccount } from "../actor";
import { settings } from "../config";
import { VisibleError } from "../util/error";

/**
 * The one S3 bucket. Tenant files live under `sites/<accountId>/<siteId>/<kind>/...`; uploads and
 * exports in flight live under `tmp/<accountId>/...`, which the bucket's lifecycle rule expires.
 * The account always comes from the actor (`useAccount()`), never from a caller.
 */

let client: S3Client | undefined;

/** The one S3 client; path-style and checksums-when-required when pointed at an emulator. */
export function useClient(): S3Client {
  if (client) return client;
  const { IGNY8_S3_ENDPOINT, IGNY8_REGION } = settings();
  client = new S3Client({
    region: IGNY8_REGION,
    ...(IGNY8_S3_ENDPOINT
      ? {
          endpoint: IGNY8_S3_ENDPOINT,
          forcePathStyle: true,
          // s3rver stores aws-chunked framing verbatim unless checksums are only sent when required.
          requestChecksumCalculation: "WHEN_REQUIRED",
          responseChecksumValidation: "WHEN_REQUIRED",
          credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
        }
      : {}),
  });
  return client;
}

/** Forget the client (tests and the local cloud re-point it at a fresh emulator). */
export function reset() {
  client?.destroy();
  client = undefined;
}

export function bucket(): string {
  return settings().IGNY8_BUCKET;
}

/** The temporary prefix the bucket's lifecycle rule expires (uploads, exports). */
export const tmpPrefix = "tmp/";

/** Folders of a site's prefix. New kinds are added here so every reader knows them. */
export const siteFolders = [
  "images",
  "content",
  "exports",
  "imports",
  "rendered",
  "media",
] as const;
export type SiteFolder = (typeof siteFolders)[number];

const segment = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function checkSegment(value: string, field: string) {
  if (!segment.test(value) || value.length > 128) {
    throw new VisibleError(
      "input",
      `storage.${field}_invalid`,
      `${field} "${value}" is not a valid key segment`,
      {
        fields: [
          { path: field, message: "letters, digits, '.', '_' or '-', not starting with a symbol" },
        ],
      },
    );
  }
}

function checkPath(parts: string[]) {
  for (const part of parts) {
    if (part === "" || part === "." || part === ".." || part.includes("\\")) {
      throw new VisibleError(
        "input",
        "storage.path_invalid",
        `Path part "${part}" is not allowed`,
        {
          fields: [{ path: "path", message: "no empty, '.', '..' or backslash parts" }],
        },
      );
    }
  }
}

/** The prefix of one site, ending in `/`: `sites/<accountId>/<siteId>/`. */
export function sitePrefix(siteId: string): string {
  checkSegment(siteId, "siteId");
  return `sites/${useAccount()}/${siteId}/`;
}

/** A key inside a site's folder: `sites/<accountId>/<siteId>/<kind>/<...path>`. */
export function siteKey(siteId: string, kind: SiteFolder, ...path: string[]): string {
  if (!siteFolders.includes(kind)) {
    throw new VisibleError("input", "storage.kind_invalid", `Unknown site folder "${kind}"`, {
      fields: [{ path: "kind", message: `one of ${siteFolders.join(", ")}` }],
    });
  }
  const parts = path.flatMap((part) => part.split("/"));
  checkPath(parts);
  return `${sitePrefix(siteId)}${kind}/${parts.join("/")}`;
}

/**
 * A fresh key under `tmp/<accountId>/<uuid>/<fileName>`; it expires by the lifecycle rule. The
 * name is reduced to a safe last segment (uploads bring whatever names people give files).
 */
export function tmpKey(fileName: string): string {
  const last = fileName.split(/[/\\]/).pop() ?? "";
  const safe =
    last
      .replace(/[^A-Za-z0-9._-]/g, "_")
      .replace(/^[._-]+/, "")
      .slice(0, 128) || "file";
  return `${tmpPrefix}${useAccount()}/${randomUUID()}/${safe}`;
}

/** True when `key` belongs to the current account (site or tmp prefix). */
export function ownsKey(key: string): boolean {
  const account = useAccount();
  return key.startsWith(`sites/${account}/`) || key.startsWith(`${tmpPrefix}${account}/`);
}

function requireOwned(key: string) {
  if (!ownsKey(key)) {
    throw new VisibleError(
      "forbidden",
      "storage.key_forbidden",
      "That file belongs to another account",
    );
  }
}

export interface PutOptions {
  contentType?: string;
  cacheControl?: string;
  metadata?: Record<string, string>;
}

export async function put(
  key: string,
  body: string | Uint8Array | Buffer,
  options: PutOptions = {},
): Promise<{ etag?: string }> {
  requireOwned(key);
  const result = await useClient().send(
    new PutObjectCommand({
      Bucket: bucket(),
      Key: key,
      Body: body,
      ContentType: options.contentType,
      CacheControl: options.cacheControl,
      Metadata: options.metadata,
    }),
  );
  return { etag: result.ETag };
}

/** The object's bytes, or undefined when there is no such key. */
export async function get(
  key: string,
): Promise<
  { body: Uint8Array; contentType?: string; metadata: Record<string, string> } | undefined
> {
  requireOwned(key);
  try {
    const result = await useClient().send(new GetObjectCommand({ Bucket: bucket(), Key: key }));
    return {
      body: await result.Body!.transformToByteArray(),
      contentType: result.ContentType,
      metadata: result.Metadata ?? {},
    };
  } catch (error) {
    if (error instanceof NoSuchKey) return undefined;
    throw error;
  }
}

export async function getText(key: string): Promise<string | undefined> {
  const object = await get(key);
  return object && Buffer.from(object.body).toString("utf8");
}

/** Size and type without the body, or undefined when there is no such key. */
export async function head(
  key: string,
): Promise<{ size: number; contentType?: string; etag?: string; lastModified?: Date } | undefined> {
  requireOwned(key);
  try {
    const result = await useClient().send(new HeadObjectCommand({ Bucket: bucket(), Key: key }));
    return {
      size: result.ContentLength ?? 0,
      contentType: result.ContentType,
      etag: result.ETag,
      lastModified: result.LastModified,
    };
  } catch (error) {
    if (
      error instanceof NotFound ||
      (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404)
    ) {
      return undefined;
    }
    throw error;
  }
}

/** Deletes the key; deleting a missing key succeeds (as S3 does). */
export async function remove(key: string): Promise<void> {
  requireOwned(key);
  await useClient().send(new DeleteObjectCommand({ Bucket: bucket(), Key: key }));
}

export interface ListedObject {
  key: string;
  size: number;
  lastModified?: Date;
}

/** One page of objects under `prefix`; pass the returned cursor to get the next page. */
export async function list(
  prefix: string,
  options: { cursor?: string; limit?: number } = {},
): Promise<{ objects: ListedObject[]; cursor?: string }> {
  requireOwned(prefix);
  const result = await useClient().send(
    new ListObjectsV2Command({
      Bucket: bucket(),
      Prefix: prefix,
      ContinuationToken: options.cursor,
      MaxKeys: options.limit ?? 1000,
    }),
  );
  return {
    objects: (result.Contents ?? []).map((object) => ({
      key: object.Key!,
      size: object.Size ?? 0,
      lastModified: object.LastModified,
    })),
    cursor: result.IsTruncated ? result.NextContinuationToken : undefined,
  };
}

/** The "folders" directly under `prefix` (common prefixes with a `/` delimiter), each ending in `/`. */
export async function listFolders(prefix: string): Promise<string[]> {
  requireOwned(prefix);
  const folders: string[] = [];
  let cursor: string | undefined;
  do {
    const result = await useClient().send(
      new ListObjectsV2Command({
        Bucket: bucket(),
        Prefix: prefix,
        Delimiter: "/",
        ContinuationToken: cursor,
      }),
    );
    for (const common of result.CommonPrefixes ?? []) {
      if (common.Prefix) folders.push(common.Prefix);
    }
    cursor = result.IsTruncated ? result.NextContinuationToken : undefined;
  } while (cursor);
  return folders;
}

/** Total bytes and object count under `prefix`, paging through every object. */
export async function prefixSize(
  prefix: string,
  options: { pageSize?: number } = {},
): Promise<{ bytes: number; objects: number }> {
  let bytes = 0;
  let objects = 0;
  let cursor: string | undefined;
  do {
    const page = await list(prefix, { cursor, limit: options.pageSize });
    for (const object of page.objects) {
      bytes += object.size;
      objects += 1;
    }
    cursor = page.cursor;
  } while (cursor);
  return { bytes, objects };
}

const maxExpiry = 7 * 24 * 3600;

function expiry(seconds: number | undefined) {
  const value = seconds ?? 900;
  if (!Number.isInteger(value) || value < 1 || value > maxExpiry) {
    throw new VisibleError(
      "input",
      "storage.expires_invalid",
      "expiresIn must be 1 second to 7 days",
      {
        fields: [{ path: "expiresIn", message: `an integer from 1 to ${maxExpiry}` }],
      },
    );
  }
  return value;
}

/** A URL the browser can PUT the file to directly; the content type must match on upload. */
export async function presignPut(
  key: string,
  options: { contentType?: string; expiresIn?: number } = {},
): Promise<string> {
  requireOwned(key);
  return getSignedUrl(
    useClient(),
    new PutObjectCommand({ Bucket: bucket(), Key: key, ContentType: options.contentType }),
    { expiresIn: expiry(options.expiresIn) },
  );
}

/** A URL to read the file; `downloadName` makes browsers save it under that name. */
export async function presignGet(
  key: string,
  options: { expiresIn?: number; downloadName?: string } = {},
): Promise<string> {
  requireOwned(key);
  return getSignedUrl(
    useClient(),
    new GetObjectCommand({
      Bucket: bucket(),
      Key: key,
      ResponseContentDisposition: options.downloadName
        ? `attachment; filename="${options.downloadName.replace(/["\\\r\n]/g, "_")}"`
        : undefined,
    }),
    { expiresIn: expiry(options.expiresIn) },
  );
}

/** Reachability of the bucket, for /health. */
export async function ping(): Promise<{ bucket: string; endpoint: string }> {
  await useClient().send(new HeadBucketCommand({ Bucket: bucket() }));
  return { bucket: bucket(), endpoint: settings().IGNY8_S3_ENDPOINT ?? "aws" };
}
