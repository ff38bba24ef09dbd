import type { Publishing } from "@igny8/core/publishing";
import { Storage } from "@igny8/core/storage";
import { createId } from "@igny8/core/util";
import { png } from "./fixtures";

/**
 * A ContentSource for tests of the product's publishing: content kept in memory (what the
 * Writer's module would answer), its images as real PNG files in S3 under the site's prefix.
 * Install it with `Publishing.useContentSource(source)`.
 */
export function createTestContentSource() {
  const items = new Map<string, Publishing.PublishableContent>();
  const source: Publishing.ContentSource & {
    seed(siteId: string, options?: SeedOptions): Promise<Publishing.PublishableContent>;
    update(contentId: string, patch: Partial<Publishing.PublishableContent>): void;
  } = {
    async load({ siteId, contentId }) {
      const content = items.get(contentId);
      return content && content.siteId === siteId ? structuredClone(content) : undefined;
    },
    /** A content item with a featured image and two in-article images (one not placed in the HTML). */
    async seed(siteId, options = {}) {
      const contentId = createId("content");
      const tag = contentId.slice(-10);
      const color = options.color ?? contentId.charCodeAt(contentId.length - 1);
      const image = async (name: string, rgb: [number, number, number]) => {
        const s3Key = Storage.siteKey(siteId, "images", contentId, `${name}.png`);
        await Storage.put(s3Key, png(32, 24, rgb), { contentType: "image/png" });
        return s3Key;
      };
      const images: Publishing.PublishableImage[] = options.withoutImages
        ? []
        : [
            { key: `${tag}-cover`, role: "featured", alt: "A garden in spring", s3Key: await image("cover", [color, 90, 40]) },
            {
              key: `${tag}-one`,
              role: "inline",
              alt: "Pruning shears on a bench",
              src: `/media/${tag}-one.png`,
              s3Key: await image("one", [40, color, 90]),
            },
            { key: `${tag}-two`, role: "inline", alt: "A rose after pruning", s3Key: await image("two", [90, 40, color]) },
          ];
      const content: Publishing.PublishableContent = {
        contentId,
        siteId,
        title: options.title ?? `How to prune roses ${tag}`,
        slug: options.slug ?? `how-to-prune-roses-${tag}`,
        html: [
          "<h2>When to prune</h2>",
          "<p>Late winter, before the buds open.</p>",
          ...(options.withoutImages ? [] : [`<p><img src="/media/${tag}-one.png" alt=""></p>`]),
          "<h2>How to cut</h2>",
          "<p>Cut above an outward-facing bud at an angle.</p>",
          "<h2>Aftercare</h2>",
          "<p>Feed and mulch.</p>",
        ].join("\n"),
        excerpt: "Prune roses in late winter, above an outward bud.",
        metaTitle: `Rose pruning guide ${tag}`,
        metaDescription: "When and how to prune roses, step by step.",
        focusKeyword: "prune roses",
        images,
        sectorId: options.sectorId,
        sectorName: options.sectorName,
        clusterId: options.clusterId ?? createId("cluster"),
        clusterName: options.clusterName ?? "Rose Pruning",
        postType: options.postType,
      };
      items.set(contentId, content);
      return structuredClone(content);
    },
    update(contentId, patch) {
      const content = items.get(contentId);
      if (!content) throw new Error(`no content ${contentId}`);
      items.set(contentId, { ...content, ...patch });
    },
  };
  return source;
}

export interface SeedOptions {
  title?: string;
  slug?: string;
  sectorId?: string;
  sectorName?: string;
  clusterId?: string;
  clusterName?: string;
  postType?: string;
  withoutImages?: boolean;
  color?: number;
}
