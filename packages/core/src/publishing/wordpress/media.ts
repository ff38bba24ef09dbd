import { createHash } from "node:crypto";
import { VisibleError } from "../../util/error";
import { isNotFound, type WordPressClient } from "./client";

export interface WordPressMedia {
  id: number;
  slug: string;
  source_url: string;
  alt_text: string;
  mime_type?: string;
  post?: number | null;
}

export interface MediaUpload {
  bytes: Uint8Array;
  filename: string;
  contentType: string;
  alt: string;
  title?: string;
  caption?: string;
  /** See mediaSlug(). */
  slug: string;
  /** Attach to this post (the media library shows it as "uploaded to"). */
  postId?: number;
}

/**
 * A media slug derived from the content, the image's key and its bytes: the same image of the same
 * content always gets the same slug, so an upload whose id a crash kept from the record is found
 * again by slug instead of being uploaded twice.
 */
export function mediaSlug(contentId: string, key: string, bytes: Uint8Array): string {
  const hash = createHash("sha256")
    .update(contentId)
    .update("\u0000")
    .update(key)
    .update("\u0000")
    .update(bytes)
    .digest("hex");
  return `igny8-${hash.slice(0, 24)}`;
}

export async function findMediaBySlug(
  client: WordPressClient,
  slug: string,
): Promise<WordPressMedia | undefined> {
  const { data } = await client.get<WordPressMedia[]>("/wp/v2/media", {
    slug,
    context: "edit",
    _fields: "id,slug,source_url,alt_text,mime_type,post",
  });
  return data.find((media) => media.slug === slug);
}

export async function getMedia(
  client: WordPressClient,
  id: number,
): Promise<WordPressMedia | undefined> {
  try {
    const { data } = await client.get<WordPressMedia>(`/wp/v2/media/${id}`, {
      context: "edit",
      _fields: "id,slug,source_url,alt_text,mime_type,post",
    });
    return data;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Uploads one image (multipart, with alt text, title and slug in the same request). */
export async function uploadMedia(
  client: WordPressClient,
  upload: MediaUpload,
): Promise<WordPressMedia> {
  const form = new FormData();
  form.set("file", new Blob([upload.bytes], { type: upload.contentType }), upload.filename);
  form.set("alt_text", upload.alt);
  form.set("slug", upload.slug);
  form.set("title", upload.title ?? upload.alt);
  if (upload.caption) form.set("caption", upload.caption);
  if (upload.postId) form.set("post", String(upload.postId));
  let media: WordPressMedia;
  try {
    ({ data: media } = await client.request<WordPressMedia>("POST", "/wp/v2/media", {
      body: form,
    }));
  } catch (error) {
    // An answer from WordPress with its own error code is a refusal of this file (it answers 500
    // rest_upload_sideload_error for a file it cannot take). Not so bad credentials, a network
    // failure, or a gateway's 502/503/504 (a proxy, a host in maintenance): those are worth retrying.
    const wpCode = error instanceof VisibleError ? error.details.wpCode : undefined;
    const gateway = error instanceof VisibleError && [502, 503, 504].includes(Number(error.details.status));
    const refused = error instanceof VisibleError && error.kind !== "auth" && !gateway;
    if (error instanceof VisibleError && refused && wpCode && wpCode !== "unknown") {
      const reason = (error.details.wpMessage as string) || error.message;
      throw new VisibleError(
        error.kind === "forbidden" ? "forbidden" : "input",
        "wordpress.media_rejected",
        `WordPress refused the image "${upload.filename}": ${reason}`,
        { ...error.details, filename: upload.filename, contentType: upload.contentType },
        { cause: error },
      );
    }
    throw error;
  }
  if (media.alt_text !== upload.alt) {
    // Some sites drop fields of a multipart upload; set the alt text explicitly then.
    ({ data: media } = await client.post<WordPressMedia>(`/wp/v2/media/${media.id}`, {
      alt_text: upload.alt,
    }));
  }
  return media;
}

/** Media cannot be trashed (WordPress answers 501): deleting is always for good. */
export async function deleteMedia(client: WordPressClient, id: number): Promise<void> {
  try {
    await client.delete(`/wp/v2/media/${id}`, { force: true });
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}
