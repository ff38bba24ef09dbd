import sanitizeHtml from "sanitize-html";

/**
 * The HTML a rich-text block or a post body may hold on a rendered site: text structure, tables,
 * figures, links with safe schemes and images over http(s) or from the site itself. Scripts,
 * styles, iframes, forms, event handlers, inline styles and `javascript:`/`data:` URLs go.
 */
const options: sanitizeHtml.IOptions = {
  allowedTags: [
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
  ],
  allowedAttributes: {
    a: ["href", "title", "rel", "target"],
    // loading and decoding are set by the img transform below.
    img: ["src", "alt", "width", "height", "loading", "decoding"],
    th: ["scope", "colspan", "rowspan"],
    td: ["colspan", "rowspan"],
    ol: ["start", "reversed"],
    abbr: ["title"],
    q: ["cite"],
    blockquote: ["cite"],
    "*": ["id"],
  },
  allowedSchemes: ["https", "http", "mailto", "tel"],
  allowedSchemesByTag: { img: ["https", "http"] },
  allowedSchemesAppliedToAttributes: ["href", "src", "cite"],
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  nonTextTags: [
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
  ],
  transformTags: {
    // The page's <h1> is its title; headings inside content start at <h2>.
    h1: "h2",
    a: (tagName, attribs) => {
      const next = { ...attribs };
      if (next.target && next.target !== "_blank") delete next.target;
      if (next.target === "_blank") next.rel = "noopener noreferrer";
      return { tagName, attribs: next };
    },
    img: (tagName, attribs) => ({
      tagName,
      attribs: { ...attribs, loading: "lazy", decoding: "async" },
    }),
  },
  exclusiveFilter: (frame) => {
    // Images load over http(s) or from the site's root (a relative src breaks under /blog/);
    // a link that lost its href (unsafe scheme) keeps only its text.
    if (frame.tag === "img") return !/^(?:https?:\/\/|\/(?!\/))/i.test(frame.attribs.src ?? "");
    if (frame.tag === "a" && !frame.attribs.href) return "excludeTag";
    return false;
  },
};

export function sanitizeRichText(html: string): string {
  return sanitizeHtml(html, options).trim();
}

/**
 * JSON-LD for a `<script type="application/ld+json">`: JSON whose `<`, `>`, `&` and line
 * separators are escaped, so no string in the data can close the script element.
 */
export function serializeJsonLd(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}
