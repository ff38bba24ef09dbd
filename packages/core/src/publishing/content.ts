import { VisibleError } from "../util/error";

/**
 * What publishing reads of a content item: the article as written, its images (bytes in S3 under
 * the site's prefix, with alt text), and the sector and cluster it belongs to (they become a
 * category and a tag). The Writer's content module provides it; tests may install their own.
 */
export interface PublishableImage {
  /** Stable within the content (e.g. the image id); names the upload in the media library. */
  key: string;
  /** The object in S3 (`sites/<account>/<site>/images/...`). */
  s3Key: string;
  alt: string;
  role: "featured" | "inline";
  /** How `html` refers to it (`<img src="...">`); an inline image that `html` does not show is inserted. */
  src?: string;
  title?: string;
  caption?: string;
  /** Default: from the file extension. */
  contentType?: string;
}

export interface PublishableContent {
  contentId: string;
  siteId: string;
  /** The Writer's task that made it: marked published once the post is live. */
  taskId?: string;
  title: string;
  slug: string;
  html: string;
  excerpt?: string;
  metaTitle?: string;
  metaDescription?: string;
  focusKeyword?: string;
  images: PublishableImage[];
  sectorId?: string;
  /** Default: read from the sector. */
  sectorName?: string;
  clusterId?: string;
  clusterName?: string;
  /** The WordPress post type this content type maps to ("post", "page", ...). Default "post". */
  postType?: string;
  /** An offline draft (written without an AI provider): publishing warns. */
  offline?: boolean;
}

export interface ContentSource {
  /** The content of this site with this id, or undefined when there is none. */
  load(input: { siteId: string; contentId: string }): Promise<PublishableContent | undefined>;
}

let installed: ContentSource | undefined;
let fallback: ContentSource | undefined;

/** Installs the source publishing reads content from (undefined: back to the default). */
export function useContentSource(source: ContentSource | undefined): void {
  installed = source;
}

/** The Writer's module registers itself here as the default source. */
export function setDefaultContentSource(source: ContentSource): void {
  fallback = source;
}

export function contentSource(): ContentSource {
  const source = installed ?? fallback;
  if (!source) {
    throw new VisibleError(
      "unavailable",
      "publishing.content_source_missing",
      "No content source is installed: publishing cannot read content",
    );
  }
  return source;
}

export async function loadContent(siteId: string, contentId: string): Promise<PublishableContent> {
  const content = await contentSource().load({ siteId, contentId });
  if (!content || content.siteId !== siteId) {
    throw new VisibleError("not_found", "content.not_found", "No such content in this site", {
      contentId,
    });
  }
  return content;
}
