import type { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { Storage } from "../storage";
import { VisibleError } from "../util/error";

/**
 * Streamed reads and writes of large objects (keyword files, import reports, exports) on the
 * storage port's client. Nothing here holds a whole object: reads are streams, writes are
 * multipart uploads of PART_BYTES parts (a small object is one PUT).
 */

/** S3's smallest part (all parts but the last must be at least this). */
export const PART_BYTES = 5 * 1024 * 1024;

function requireOwned(key: string) {
  if (!Storage.ownsKey(key)) {
    throw new VisibleError("forbidden", "storage.key_forbidden", "That file belongs to another account");
  }
}

/**
 * The object's bytes as a stream, optionally only its first bytes (`range`), and only if it is
 * still the version seen before (`ifMatch`: a re-upload between two passes fails instead of
 * mixing two files).
 */
export async function openRead(
  key: string,
  options: { range?: [number, number]; ifMatch?: string } = {},
): Promise<AsyncIterable<Uint8Array>> {
  requireOwned(key);
  const result = await Storage.useClient().send(
    new GetObjectCommand({
      Bucket: Storage.bucket(),
      Key: key,
      ...(options.range ? { Range: `bytes=${options.range[0]}-${options.range[1]}` } : {}),
      ...(options.ifMatch ? { IfMatch: options.ifMatch } : {}),
    }),
  );
  return result.Body as Readable;
}

/** Reads up to `bytes` leading bytes (for detection). */
export async function readHead(key: string, bytes: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of await openRead(key, { range: [0, bytes - 1] })) {
    chunks.push(Buffer.from(chunk));
    size += chunk.length;
    if (size >= bytes) break;
  }
  return Buffer.concat(chunks).subarray(0, bytes);
}

export interface ObjectWriter {
  write(text: string): Promise<void>;
  /** Completes the upload; returns the size written. */
  end(): Promise<{ bytes: number }>;
  /** Gives up: a multipart upload in progress is aborted. */
  abort(): Promise<void>;
}

/** Writes an object from text pieces, uploading 5 MB parts as they fill. */
export function createObjectWriter(key: string, options: { contentType: string }): ObjectWriter {
  requireOwned(key);
  const client = Storage.useClient();
  const Bucket = Storage.bucket();
  let buffered: Buffer[] = [];
  let bufferedBytes = 0;
  let total = 0;
  let uploadId: string | undefined;
  const parts: { ETag: string; PartNumber: number }[] = [];

  async function flushPart() {
    if (!uploadId) {
      const created = await client.send(new CreateMultipartUploadCommand({ Bucket, Key: key, ContentType: options.contentType }));
      uploadId = created.UploadId;
    }
    const body = Buffer.concat(buffered);
    buffered = [];
    bufferedBytes = 0;
    const PartNumber = parts.length + 1;
    const part = await client.send(new UploadPartCommand({ Bucket, Key: key, UploadId: uploadId, PartNumber, Body: body }));
    parts.push({ ETag: part.ETag as string, PartNumber });
  }

  return {
    async write(text) {
      const bytes = Buffer.from(text, "utf8");
      buffered.push(bytes);
      bufferedBytes += bytes.length;
      total += bytes.length;
      if (bufferedBytes >= PART_BYTES) await flushPart();
    },
    async end() {
      if (!uploadId) {
        await client.send(new PutObjectCommand({ Bucket, Key: key, Body: Buffer.concat(buffered), ContentType: options.contentType }));
        return { bytes: total };
      }
      if (bufferedBytes > 0) await flushPart();
      await client.send(
        new CompleteMultipartUploadCommand({ Bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } }),
      );
      return { bytes: total };
    },
    async abort() {
      buffered = [];
      if (uploadId) {
        await client.send(new AbortMultipartUploadCommand({ Bucket, Key: key, UploadId: uploadId })).catch(() => undefined);
      }
    },
  };
}
