import { useAccount } from "../actor";
import { Content } from "../content";
import { imageEntity } from "../image/image.entity";
import { Task } from "../task";
import type { ContentSource, PublishableContent, PublishableImage } from "./content";

/**
 * The ContentSource over the Writer's records: the content's current version, its featured and
 * in-article images (S3 keys, alt text, captions) and its task's sector and cluster.
 */

/** How the body shows an image: `/media/<imageId>.<ext>` whatever extension it was written with. */
function srcIn(html: string, imageId: string): string | undefined {
  const match = new RegExp(`/media/${imageId}\\.(png|jpe?g|webp)`).exec(html);
  return match?.[0];
}

/** Content types that are pages on WordPress; the others are posts (a request may name a custom type). */
const pageTypes = new Set(["page"]);

export const writerContentSource: ContentSource = {
  async load({ siteId, contentId }): Promise<PublishableContent | undefined> {
    const content = await Content.find(siteId, contentId);
    if (!content) return undefined;
    const task = content.taskId ? await Task.find(siteId, content.taskId) : undefined;
    const wanted = [content.featuredImageId, ...(content.imageIds ?? [])].filter((id): id is string => !!id);
    const rows = wanted.length
      ? (
          await imageEntity()
            .query.byContent({ accountId: useAccount(), siteId, contentId })
            .go({ pages: "all" })
        ).data
      : [];
    const byId = new Map(rows.map((row) => [row.imageId, row]));
    const images: PublishableImage[] = [];
    for (const imageId of wanted) {
      const row = byId.get(imageId);
      if (!row) continue; // an image record removed since: publish without it rather than fail
      const featured = imageId === content.featuredImageId;
      images.push({
        key: imageId,
        s3Key: row.key,
        alt: row.alt ?? "",
        caption: row.caption || undefined,
        contentType: row.contentType,
        role: featured ? "featured" : "inline",
        src: featured ? undefined : (srcIn(content.html, imageId) ?? Content.mediaSrc(imageId)),
      });
    }
    return {
      contentId,
      siteId,
      taskId: content.taskId,
      title: content.title,
      slug: content.slug,
      html: content.html,
      excerpt: content.excerpt || undefined,
      metaTitle: content.metaTitle || undefined,
      metaDescription: content.metaDescription || undefined,
      focusKeyword: task?.primaryKeyword || undefined,
      images,
      sectorId: task?.sectorId,
      clusterId: task?.clusterId,
      clusterName: task?.clusterName,
      postType: pageTypes.has(content.contentType) ? "page" : "post",
      offline: content.offline,
    };
  },
};
