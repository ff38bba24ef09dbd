import { fieldErrors, VisibleError } from "@igny8/core/util";
import { z } from "zod";
import { contrastRatio, minimumTextContrast } from "./lib/color";
import { postsBase } from "./lib/routes";

/**
 * The site definition the renderer builds from: one JSON document per site, written by the
 * publishing pipeline (or by hand for the sample). Everything a page shows comes from here, so
 * every string that ends up in a URL, a colour or raw HTML is checked or sanitized on the way.
 */

export { postsBase };

const segment = "[a-z0-9]+(?:-[a-z0-9]+)*";
const pageSlugPattern = new RegExp(`^(?:${segment}(?:/${segment})*)?$`);
const postSlugPattern = new RegExp(`^${segment}$`);
/** Paths the renderer writes itself. */
const reservedSlugs = new Set(["404"]);

const text = (max: number) => z.string().trim().min(1).max(max);

const hexColor = z
  .string()
  .regex(/^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i, "must be a hex colour such as #1d4ed8");

/** A link target: a root-relative path, an in-page anchor, or an http(s), mailto or tel URL. */
const href = z
  .string()
  .trim()
  .refine(
    (value) =>
      /^\/(?!\/)[^\s]*$/.test(value) ||
      /^#[\w-]+$/.test(value) ||
      /^https?:\/\/[^\s/]+[^\s]*$/i.test(value) ||
      /^(mailto|tel):[^\s]+$/i.test(value),
    "must be a path starting with /, an #anchor, or an http(s), mailto or tel URL",
  );

/** An image source: a root-relative path or an http(s) URL (never data: or javascript:). */
const imageSrc = z
  .string()
  .trim()
  .refine(
    (value) => /^\/(?!\/)[^\s]*$/.test(value) || /^https?:\/\/[^\s/]+[^\s]*$/i.test(value),
    "must be a path starting with / or an http(s) URL",
  );

const dimension = z.number().int().min(1).max(10_000);

export const Image = z.strictObject({
  src: imageSrc,
  /** Required so that no image is silently unlabelled; "" marks a decorative image. */
  alt: z.string().trim().max(300),
  width: dimension,
  height: dimension,
});

const Link = z.strictObject({ label: text(80), href });

/** A JSON-LD node given by the definition; it is serialized as is, after escaping for HTML. */
const JsonLdNode = z
  .record(z.string(), z.unknown())
  .refine((node) => typeof node["@type"] === "string" || Array.isArray(node["@type"]), {
    message: 'a JSON-LD node needs an "@type"',
  });

export const HeroBlock = z.strictObject({
  type: z.literal("hero"),
  heading: text(160),
  subheading: text(400).optional(),
  cta: Link.optional(),
  image: Image.optional(),
});

export const RichTextBlock = z.strictObject({
  type: z.literal("rich-text"),
  /** Sanitized at render time: whatever arrives here, only an allow-list of tags survives. */
  html: z.string().max(200_000),
});

export const FeatureGridBlock = z.strictObject({
  type: z.literal("feature-grid"),
  heading: text(160).optional(),
  features: z
    .array(z.strictObject({ title: text(120), text: text(600) }))
    .min(1)
    .max(12),
});

export const FaqBlock = z.strictObject({
  type: z.literal("faq"),
  heading: text(160).optional(),
  items: z
    .array(z.strictObject({ question: text(300), answer: text(3_000) }))
    .min(1)
    .max(50),
});

export const CtaBlock = z.strictObject({
  type: z.literal("cta"),
  heading: text(160),
  text: text(600).optional(),
  button: Link,
});

export const ImageBlock = Image.extend({
  type: z.literal("image"),
  caption: text(300).optional(),
});

export const PostListBlock = z.strictObject({
  type: z.literal("post-list"),
  heading: text(160).optional(),
  limit: z.number().int().min(1).max(100).default(6),
});

export const Block = z.discriminatedUnion("type", [
  HeroBlock,
  RichTextBlock,
  FeatureGridBlock,
  FaqBlock,
  CtaBlock,
  ImageBlock,
  PostListBlock,
]);

export const Page = z.strictObject({
  /** "" is the home page; nested pages use "/": `services/drain-cleaning`. */
  slug: z
    .string()
    .regex(pageSlugPattern, 'must be "" (home) or lower-case words joined by - and /')
    .refine((slug) => !reservedSlugs.has(slug), "is reserved"),
  title: text(160),
  metaTitle: text(120),
  metaDescription: text(320),
  jsonLd: z.union([JsonLdNode, z.array(JsonLdNode).max(20)]).optional(),
  blocks: z.array(Block).max(60),
});

export const Post = z.strictObject({
  slug: z.string().regex(postSlugPattern, "must be lower-case words joined by -"),
  title: text(160),
  html: z.string().max(500_000),
  excerpt: text(320),
  publishedAt: z.union([z.iso.datetime({ offset: true }), z.iso.date()]),
  updatedAt: z.union([z.iso.datetime({ offset: true }), z.iso.date()]).optional(),
  image: Image.optional(),
});

const Theme = z
  .strictObject({
    mode: z.enum(["light", "dark"]).default("light"),
    /** Brand colours; background and text default to the mode's palette. */
    colors: z
      .strictObject({
        primary: hexColor,
        accent: hexColor.optional(),
        background: hexColor.optional(),
        text: hexColor.optional(),
      })
      .optional(),
  })
  .superRefine((theme, ctx) => {
    const colors = theme.colors;
    if (colors?.background && colors.text) {
      const ratio = contrastRatio(colors.text, colors.background);
      if (ratio < minimumTextContrast) {
        ctx.addIssue({
          code: "custom",
          path: ["colors", "text"],
          message: `contrast with the background is ${ratio.toFixed(2)}:1, below ${minimumTextContrast}:1`,
        });
      }
    }
  });

const Labels = z.strictObject({
  skipToContent: text(60).default("Skip to content"),
  mainNavigation: text(60).default("Main"),
  posts: text(60).default("Blog"),
  readMore: text(60).default("Read more"),
  noPosts: text(160).default("No posts yet."),
  backToPosts: text(60).default("All posts"),
  notFoundTitle: text(120).default("Page not found"),
  notFoundText: text(300).default("The page you asked for does not exist or has moved."),
  backHome: text(60).default("Back to the home page"),
});

const Site = z.strictObject({
  name: text(120),
  /** The public origin; canonical URLs, Open Graph and the sitemap are built from it. */
  url: z
    .string()
    .trim()
    .regex(/^https?:\/\//i, "must be an http(s) URL")
    .refine((value) => URL.canParse(value), "must be a URL")
    .refine((value) => {
      const url = new URL(value);
      return url.pathname === "/" && !url.search && !url.hash && !url.username;
    }, "must be an origin only, such as https://example.com")
    .transform((value) => new URL(value).origin),
  /** A BCP 47 language tag: `en`, `en-GB`, `pt-BR`. */
  language: z
    .string()
    .regex(/^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/, "must be a language tag such as en or en-GB"),
  description: text(320).optional(),
  theme: Theme.default({ mode: "light" }),
  navigation: z.array(Link).max(12).default([]),
  /** false for previews: robots.txt disallows everything and pages say noindex. */
  indexable: z.boolean().default(true),
  labels: Labels.default(Labels.parse({})),
});

export const SiteDefinition = z
  .strictObject({
    site: Site,
    pages: z.array(Page).min(1).max(5_000),
    posts: z.array(Post).max(20_000).default([]),
  })
  .superRefine((definition, ctx) => {
    const seenPages = new Map<string, number>();
    definition.pages.forEach((page, index) => {
      if (seenPages.has(page.slug)) {
        ctx.addIssue({
          code: "custom",
          path: ["pages", index, "slug"],
          message: `duplicates pages.${seenPages.get(page.slug)}.slug "${page.slug}"`,
        });
      } else seenPages.set(page.slug, index);
      if (page.slug.startsWith(`${postsBase}/`)) {
        ctx.addIssue({
          code: "custom",
          path: ["pages", index, "slug"],
          message: `is under /${postsBase}/, where posts live`,
        });
      }
    });
    if (!seenPages.has("")) {
      ctx.addIssue({ code: "custom", path: ["pages"], message: 'needs a home page (slug "")' });
    }
    const seenPosts = new Map<string, number>();
    definition.posts.forEach((post, index) => {
      if (seenPosts.has(post.slug)) {
        ctx.addIssue({
          code: "custom",
          path: ["posts", index, "slug"],
          message: `duplicates posts.${seenPosts.get(post.slug)}.slug "${post.slug}"`,
        });
      } else seenPosts.set(post.slug, index);
    });
  });

export type SiteDefinition = z.output<typeof SiteDefinition>;
export type SiteDefinitionInput = z.input<typeof SiteDefinition>;
export type Site = SiteDefinition["site"];
export type Theme = Site["theme"];
export type Labels = Site["labels"];
export type Page = z.output<typeof Page>;
export type Post = z.output<typeof Post>;
export type Block = z.output<typeof Block>;
export type HeroBlock = z.output<typeof HeroBlock>;
export type RichTextBlock = z.output<typeof RichTextBlock>;
export type FeatureGridBlock = z.output<typeof FeatureGridBlock>;
export type FaqBlock = z.output<typeof FaqBlock>;
export type CtaBlock = z.output<typeof CtaBlock>;
export type ImageBlock = z.output<typeof ImageBlock>;
export type PostListBlock = z.output<typeof PostListBlock>;
export type Image = z.output<typeof Image>;

/**
 * Validates a definition. A bad one is a VisibleError `site_definition.invalid` whose
 * `details.fields` name every offending field by its dotted path (`pages.2.blocks.0.alt`).
 */
export function parseSiteDefinition(input: unknown): SiteDefinition {
  const parsed = SiteDefinition.safeParse(input);
  if (parsed.success) return parsed.data;
  const fields = fieldErrors(parsed.error);
  const shown = fields.slice(0, 5).map((field) => `${field.path}: ${field.message}`);
  const more = fields.length > shown.length ? ` (and ${fields.length - shown.length} more)` : "";
  throw new VisibleError(
    "input",
    "site_definition.invalid",
    `Invalid site definition: ${shown.join("; ")}${more}`,
    { fields },
  );
}
