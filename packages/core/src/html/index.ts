import type sanitizeHtml from "sanitize-html";

/**
 * The one HTML allowlist of the product: what a content body may hold wherever it is cleaned
 * (the Writer's bodies in core/content, the rendered sites in sites/). It is a security
 * boundary, so it is stated once; each place adds only what differs (which image sources it
 * accepts, ids for anchors). Headings start at <h2> (the page's <h1> is its title); links keep
 * safe schemes and open new tabs only with noopener; scripts, styles, iframes, forms, event
 * handlers, inline styles and `javascript:`/`data:` URLs go.
 */
export const allowedTags = [
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "p",
  "br",
  "hr",
  "strong",
  "b",
  "em",
  "i",
  "u",
  "s",
  "sub",
  "sup",
  "small",
  "mark",
  "abbr",
  "blockquote",
  "q",
  "cite",
  "code",
  "pre",
  "ul",
  "ol",
  "li",
  "dl",
  "dt",
  "dd",
  "table",
  "thead",
  "tbody",
  "tfoot",
  "tr",
  "th",
  "td",
  "caption",
  "a",
  "img",
  "figure",
  "figcaption",
];

const allowedAttributes: Record<string, string[]> = {
  a: ["href", "title", "rel", "target"],
  img: ["src", "alt", "width", "height", "loading"],
  th: ["scope", "colspan", "rowspan"],
  td: ["colspan", "rowspan"],
  ol: ["start", "reversed"],
  abbr: ["title"],
  q: ["cite"],
  blockquote: ["cite"],
};

/** Elements removed together with their text. */
const nonTextTags = [
  "script",
  "style",
  "textarea",
  "option",
  "noscript",
  "title",
  "template",
  "iframe",
  "object",
  "svg",
  "math",
];

const safeLink: sanitizeHtml.Transformer = (tagName, attribs) => {
  const next = { ...attribs };
  if (next.target && next.target !== "_blank") delete next.target;
  if (next.target === "_blank") next.rel = "noopener noreferrer";
  return { tagName, attribs: next };
};

export interface AllowlistOptions {
  /** Whether an image source is acceptable here. */
  imageSource: (src: string) => boolean;
  /** URL schemes of links (https, http and mailto by default). */
  linkSchemes?: string[];
  /** URL schemes of image sources ([] for relative paths only). */
  imageSchemes: string[];
  /** More attributes per tag ("*" for every tag). */
  extraAttributes?: Record<string, string[]>;
  /** Attributes every image gets (loading="lazy" and the like). */
  imageAttributes: Record<string, string>;
}

/** sanitize-html options from the shared allowlist and what differs at one place. */
export function allowlist(options: AllowlistOptions): sanitizeHtml.IOptions {
  const attributes: Record<string, string[]> = { ...allowedAttributes };
  for (const [tag, extra] of Object.entries(options.extraAttributes ?? {})) {
    attributes[tag] = [...(attributes[tag] ?? []), ...extra];
  }
  return {
    allowedTags,
    allowedAttributes: attributes,
    allowedSchemes: options.linkSchemes ?? ["https", "http", "mailto"],
    allowedSchemesByTag: { img: options.imageSchemes },
    allowedSchemesAppliedToAttributes: ["href", "src", "cite"],
    allowProtocolRelative: false,
    disallowedTagsMode: "discard",
    nonTextTags,
    transformTags: {
      h1: "h2",
      a: safeLink,
      img: (tagName, attribs) => ({ tagName, attribs: { ...attribs, ...options.imageAttributes } }),
    },
    exclusiveFilter: (frame) => {
      if (frame.tag === "img") return !options.imageSource(frame.attribs.src ?? "");
      // A link that lost its href (unsafe scheme) keeps its text but not the tag.
      if (frame.tag === "a" && !frame.attribs.href) return "excludeTag";
      return false;
    },
  };
}
