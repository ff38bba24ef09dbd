import { useAccount } from "../actor";
import type { Connection } from "../connection";
import { sectorEntity } from "../sector/sector.entity";
import { Storage } from "../storage";
import { VisibleError } from "../util/error";
import type { PublishableContent, PublishableImage } from "./content";
import { htmlReferences, type PublishInput, slugify, type TermRef } from "./wordpress";

/**
 * IGNY8 content → the WordPress publisher's input: terms from the request or from the
 * connection's mapping of sectors and clusters, images streamed from S3 with their alt text,
 * the SEO title and description.
 */

export interface PublishRequest {
  status: "draft" | "publish" | "future";
  scheduledAt?: string;
  postType?: string;
  /** Replace the mapped categories / tags. */
  categories?: TermRef[];
  tags?: TermRef[];
  authorId?: number;
}

const imageTypes: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  webp: "image/webp",
  gif: "image/gif",
  avif: "image/avif",
};
const extensionOf: Record<string, string> = {
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/webp": "webp",
  "image/gif": "gif",
  "image/avif": "avif",
};

function imageFile(siteId: string, image: PublishableImage) {
  if (!image.s3Key.startsWith(Storage.sitePrefix(siteId))) {
    throw new VisibleError("input", "publishing.image_outside_site", `The image "${image.key}" is not a file of this site`, {
      key: image.key,
    });
  }
  const last = image.s3Key.split("/").pop() ?? "";
  const dot = last.lastIndexOf(".");
  const extension = dot > 0 ? last.slice(dot + 1).toLowerCase() : "";
  const contentType = image.contentType ?? imageTypes[extension];
  if (!contentType || !/^image\/[a-z0-9.+-]+$/.test(contentType)) {
    throw new VisibleError("input", "publishing.image_type_unknown", `The image "${image.key}" is not a known image type`, {
      key: image.key,
    });
  }
  const base = (dot > 0 ? last.slice(0, dot) : last).replace(/[^A-Za-z0-9._-]/g, "-").slice(0, 150) || "image";
  const keep = imageTypes[extension] === contentType;
  const filename = `${base}.${keep ? extension : (extensionOf[contentType] ?? (extension || "img"))}`;
  return {
    filename,
    contentType,
    // Read when the upload needs it (a retry that finds the upload already done never reads it).
    data: async () => {
      const object = await Storage.get(image.s3Key);
      if (!object) throw new Error(`no object at ${image.s3Key}`);
      return object.body;
    },
  };
}

/**
 * Inline images `html` does not show are placed into it: one before each `<h2>` after the first,
 * the rest at the end, in the content's order.
 */
export function placeImages(html: string, images: Array<{ src: string; alt: string }>): string {
  if (images.length === 0) return html;
  const figure = (image: { src: string; alt: string }) =>
    `<figure class="wp-block-image"><img src="${image.src.replace(/"/g, "&quot;")}" alt="${image.alt.replace(/"/g, "&quot;")}" /></figure>\n`;
  const headings = [...html.matchAll(/<h2\b/gi)].map((match) => match.index!).slice(1);
  let out = "";
  let last = 0;
  let next = 0;
  for (const position of headings) {
    if (next >= images.length) break;
    out += html.slice(last, position) + figure(images[next++]!);
    last = position;
  }
  out += html.slice(last);
  while (next < images.length) out += `\n${figure(images[next++]!)}`;
  return out;
}

async function sectorName(siteId: string, content: PublishableContent): Promise<string | undefined> {
  if (content.sectorName || !content.sectorId) return content.sectorName;
  const sector = await sectorEntity()
    .get({ accountId: useAccount(), siteId, sectorId: content.sectorId })
    .go({ attributes: ["name"] });
  return sector.data?.name;
}

/** Categories and tags from the connection's mapping of the content's sector and cluster. */
export async function mappedTerms(
  connection: Connection.Info,
  content: PublishableContent,
): Promise<{ categories: TermRef[]; tags: TermRef[] }> {
  const mapping = connection.mapping;
  const categories: TermRef[] = [];
  const tags: TermRef[] = [];
  const add = (as: "category" | "tag" | "none", name: string | undefined) => {
    if (!name || as === "none") return;
    (as === "category" ? categories : tags).push({ name });
  };
  const sectorOverride = content.sectorId ? mapping.sectorTerms[content.sectorId] : undefined;
  if (sectorOverride) {
    categories.push(...(sectorOverride.categories ?? []));
    tags.push(...(sectorOverride.tags ?? []));
  } else {
    add(mapping.sectors, await sectorName(content.siteId, content));
  }
  const clusterOverride = content.clusterId ? mapping.clusterTerms[content.clusterId] : undefined;
  if (clusterOverride) {
    categories.push(...(clusterOverride.categories ?? []));
    tags.push(...(clusterOverride.tags ?? []));
  } else {
    add(mapping.clusters, content.clusterName);
  }
  if (categories.length === 0) categories.push(...mapping.defaultCategories);
  return { categories, tags };
}

export async function toPublishInput(
  connection: Connection.Info,
  content: PublishableContent,
  request: PublishRequest,
): Promise<PublishInput> {
  const postType = request.postType ?? content.postType ?? "post";
  const type = connection.postTypes.find((candidate) => candidate.slug === postType);
  const mapped = await mappedTerms(connection, content);
  // Mapped terms go only where the post type has them (pages have no categories); terms the
  // request names are sent as asked, and refused with a clear reason when the type lacks them.
  const categories =
    request.categories ?? (type && !type.taxonomies.includes("category") ? [] : mapped.categories);
  const tags = request.tags ?? (type && !type.taxonomies.includes("post_tag") ? [] : mapped.tags);

  const featured = content.images.find((image) => image.role === "featured");
  const inline = content.images.filter((image) => image.role === "inline");
  const srcOf = (image: PublishableImage) => image.src ?? `igny8-image:${image.key}`;
  const unplaced = inline.filter((image) => !htmlReferences(content.html, srcOf(image)));
  const html = placeImages(
    content.html,
    unplaced.map((image) => ({ src: srcOf(image), alt: image.alt })),
  );

  const seo =
    content.metaTitle || content.metaDescription || content.focusKeyword
      ? { title: content.metaTitle, description: content.metaDescription, focusKeyword: content.focusKeyword }
      : undefined;
  return {
    contentId: content.contentId,
    destinationId: connection.connectionId,
    postType,
    title: content.title,
    html,
    excerpt: content.excerpt,
    slug: slugify(content.slug) || slugify(content.title) || content.contentId.replace(/_/g, "-").toLowerCase(),
    status: request.status,
    scheduledAt: request.scheduledAt,
    categories,
    tags,
    authorId: request.authorId ?? connection.mapping.authorId ?? undefined,
    featuredImage: featured
      ? {
          key: featured.key,
          alt: featured.alt,
          title: featured.title,
          caption: featured.caption,
          ...imageFile(content.siteId, featured),
        }
      : undefined,
    images: inline.map((image) => ({
      key: image.key,
      src: srcOf(image),
      alt: image.alt,
      title: image.title,
      caption: image.caption,
      ...imageFile(content.siteId, image),
    })),
    seo,
  };
}
