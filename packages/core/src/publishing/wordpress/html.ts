/**
 * HTML handling for publishing: the marker that proves a remote post is ours, and the rewrite of
 * image URLs to the copies in the site's media library.
 */

/**
 * An HTML comment naming the content: WordPress keeps comments for every role, so a draft found by
 * slug after a crash can be told apart from someone else's post with the same slug.
 */
export function contentMarker(contentId: string): string {
  return `<!-- igny8:${contentId} -->`;
}

export function hasContentMarker(html: string | undefined, contentId: string): boolean {
  return !!html && html.includes(contentMarker(contentId));
}

export interface UploadedImage {
  id: number;
  url: string;
  alt: string;
}

const attributePattern = /([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>`]+)))?/g;

interface Attribute {
  name: string;
  value: string | undefined;
}

function parseAttributes(source: string): Attribute[] {
  const attributes: Attribute[] = [];
  for (const match of source.matchAll(attributePattern)) {
    attributes.push({
      name: match[1]!,
      value: match[2] ?? match[3] ?? match[4],
    });
  }
  return attributes;
}

function decodeEntities(value: string): string {
  return value
    .replace(/&amp;/g, "&")
    .replace(/&quot;/g, '"')
    .replace(/&#0*39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">");
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
}

function render(tag: string, attributes: Attribute[], selfClosing: boolean): string {
  const parts = attributes.map(({ name, value }) =>
    value === undefined ? name : `${name}="${escapeAttribute(value)}"`,
  );
  return `<${tag}${parts.length ? ` ${parts.join(" ")}` : ""}${selfClosing ? " />" : ">"}`;
}

/**
 * Points every `<img src>` (and `<a href>` around an image) that names one of `images` (keyed by
 * the src as written in the HTML) at its media-library copy: srcset/sizes are dropped (they name
 * the old files), `wp-image-<id>` is added so WordPress knows the attachment, and an empty alt is
 * filled. Returns the new HTML and the keys that were not found.
 */
export function rewriteImageUrls(
  html: string,
  images: Map<string, UploadedImage>,
): { html: string; missing: string[] } {
  const used = new Set<string>();
  const out = html.replace(
    /<(img|a)\b((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>/gi,
    (whole, tagName: string, rawAttributes: string, slash: string) => {
      const tag = tagName.toLowerCase();
      const attributes = parseAttributes(rawAttributes);
      const urlAttribute = tag === "img" ? "src" : "href";
      const target = attributes.find((a) => a.name.toLowerCase() === urlAttribute);
      const key = target?.value === undefined ? undefined : decodeEntities(target.value);
      const image = key === undefined ? undefined : images.get(key);
      if (!target || !image || key === undefined) return whole;
      used.add(key);
      target.value = image.url;
      if (tag === "a") return render(tagName, attributes, slash === "/");
      const kept = attributes.filter((a) => !["srcset", "sizes"].includes(a.name.toLowerCase()));
      const className = kept.find((a) => a.name.toLowerCase() === "class");
      const wpClass = `wp-image-${image.id}`;
      if (!className) kept.push({ name: "class", value: wpClass });
      else {
        const classes = (className.value ?? "")
          .split(/\s+/)
          .filter((c) => c && !/^wp-image-\d+$/.test(c));
        className.value = [...classes, wpClass].join(" ");
      }
      const alt = kept.find((a) => a.name.toLowerCase() === "alt");
      if (!alt) kept.push({ name: "alt", value: image.alt });
      else if (!alt.value) alt.value = image.alt;
      return render(tagName, kept, true);
    },
  );
  return { html: out, missing: [...images.keys()].filter((key) => !used.has(key)) };
}

/** Whether `src` appears as an image source (or link) in `html`. */
export function htmlReferences(html: string, src: string): boolean {
  return (
    rewriteImageUrls(html, new Map([[src, { id: 0, url: src, alt: "" }]])).missing.length === 0
  );
}

/**
 * What WordPress's HTML filter (kses) removed when the saved content differs from what was sent:
 * roles without unfiltered_html lose scripts, iframes and on* attributes.
 */
export function filteredContent(sent: string, saved: string): string[] {
  const count = (html: string, pattern: RegExp) => (html.match(pattern) ?? []).length;
  const checks: Array<[string, RegExp]> = [
    ["<script>", /<script\b/gi],
    ["<iframe>", /<iframe\b/gi],
    ["<embed>/<object>", /<(embed|object)\b/gi],
    ["on* event attributes", /<[^>]+\son[a-z]+\s*=/gi],
    ["<style>", /<style\b/gi],
    ["<form>/<input>", /<(form|input)\b/gi],
  ];
  return checks
    .filter(([, pattern]) => count(saved, pattern) < count(sent, pattern))
    .map(([what]) => what);
}
