import { allowlist } from "@igny8/core/html";
import sanitizeHtml from "sanitize-html";

/**
 * The HTML a rich-text block or a post body may hold on a rendered site: the product's one
 * allowlist (core/html), with images over http(s) or from the site itself, `tel:` links and
 * ids for in-page anchors.
 */
const options = allowlist({
  linkSchemes: ["https", "http", "mailto", "tel"],
  imageSchemes: ["https", "http"],
  // Images load over http(s) or from the site's root (a relative src breaks under /blog/).
  imageSource: (src) => /^(?:https?:\/\/|\/(?!\/))/i.test(src),
  extraAttributes: { img: ["decoding"], "*": ["id"] },
  imageAttributes: { loading: "lazy", decoding: "async" },
});

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
