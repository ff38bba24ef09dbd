import sanitizeHtml from "sanitize-html";
import { allowlist } from "../html";

/**
 * The HTML a content body may hold, whoever wrote it (a model or a person): headings, text,
 * lists, tables, quotes and code, links with safe schemes, and images from our own storage only.
 * Everything else is removed: scripts and styles with their text, event handlers, iframes, forms,
 * inline styles, `javascript:` and `data:` URLs, images from other hosts.
 */

/** How a body points at an image of ours: `/media/<imageId>.png`; publishers rewrite it. */
export const mediaSrcPattern = /^\/media\/img_[0-9a-hjkmnp-tv-z]{26}\.(png|jpe?g|webp)$/;

export function mediaSrc(imageId: string, extension = "png"): string {
  return `/media/${imageId}.${extension}`;
}

// Images: no scheme at all, so only our relative /media/ paths survive.
const options = allowlist({
  imageSchemes: [],
  imageSource: (src) => mediaSrcPattern.test(src),
  imageAttributes: { loading: "lazy" },
});

export function sanitize(html: string): string {
  return sanitizeHtml(html, options).trim();
}

/** Text without tags, entities decoded, whitespace folded (word counts, diffs, keyword checks). */
export function textOf(html: string): string {
  return sanitizeHtml(html.replace(/<\/(p|h[1-6]|li|td|th|dd|dt|figcaption|blockquote|pre)>/gi, "$& "), {
    allowedTags: [],
    allowedAttributes: {},
    nonTextTags: ["script", "style", "textarea", "noscript", "template"],
  })
    .replace(/&nbsp;/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, " ")
    .trim();
}

export function countWords(text: string): number {
  return text.split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word)).length;
}

/** The keywords a text uses (case-insensitive, whole words). */
export function keywordsIn(text: string, keywords: string[]): string[] {
  const haystack = ` ${text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ")} `;
  return keywords.filter((keyword) => {
    const needle = keyword.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();
    return needle !== "" && haystack.includes(` ${needle} `);
  });
}

/** A URL slug: lower-case ASCII words joined by hyphens, at most 80 characters. */
export function slugify(text: string): string {
  return (
    text
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 80)
      .replace(/-+$/, "") || "untitled"
  );
}

/** Text cut at a word boundary to `max` characters. */
export function clip(text: string, max: number): string {
  const clean = text.replace(/\s+/g, " ").trim();
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:.-]+$/, "")}…`;
}
