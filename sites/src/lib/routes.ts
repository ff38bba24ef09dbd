import type { Page, Post, Site, SiteDefinition } from "../schema";

/** Posts live under `/blog/<slug>/`; a page with the slug `blog` replaces the generated index. */
export const postsBase = "blog";

/** Astro writes `<path>/index.html`; links and canonical URLs use the trailing-slash form. */
export function pagePath(slug: string): string {
  return slug === "" ? "/" : `/${slug}/`;
}

export function postPath(slug: string): string {
  return `/${postsBase}/${slug}/`;
}

export const postsIndexPath = pagePath(postsBase);

export function absoluteUrl(site: Site, path: string): string {
  return new URL(path, site.url).href;
}

/** The URL an image is published under: site-relative sources are resolved against the site. */
export function imageUrl(site: Site, src: string): string {
  return src.startsWith("/") ? absoluteUrl(site, src) : src;
}

/**
 * Every page the site has: the definition's pages, plus a posts index at `/blog/` when there are
 * posts and no page of the definition takes that slug.
 */
export function allPages(definition: SiteDefinition): Page[] {
  const { site, pages, posts } = definition;
  if (posts.length === 0 || pages.some((page) => page.slug === postsBase)) return pages;
  const postsIndex: Page = {
    slug: postsBase,
    title: site.labels.posts,
    metaTitle: `${site.labels.posts} | ${site.name}`,
    metaDescription: site.description ?? `${site.labels.posts} | ${site.name}`,
    blocks: [{ type: "post-list", limit: posts.length }],
  };
  return [...pages, postsIndex];
}

const time = (date: string) => Date.parse(date);

/** Posts, newest first. */
export function latestPosts(definition: SiteDefinition, limit = Number.POSITIVE_INFINITY): Post[] {
  return [...definition.posts]
    .sort((a, b) => time(b.publishedAt) - time(a.publishedAt) || a.slug.localeCompare(b.slug))
    .slice(0, limit);
}

export interface SitemapEntry {
  loc: string;
  lastmod?: string;
}

export function sitemapEntries(definition: SiteDefinition): SitemapEntry[] {
  const { site } = definition;
  return [
    ...allPages(definition).map((page) => ({ loc: absoluteUrl(site, pagePath(page.slug)) })),
    ...latestPosts(definition).map((post) => ({
      loc: absoluteUrl(site, postPath(post.slug)),
      lastmod: post.updatedAt ?? post.publishedAt,
    })),
  ];
}

const xmlEscapes: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
};
const escapeXml = (value: string) => value.replace(/[&<>"']/g, (char) => xmlEscapes[char]!);

export function sitemapXml(definition: SiteDefinition): string {
  const urls = sitemapEntries(definition).map(
    ({ loc, lastmod }) =>
      `<url><loc>${escapeXml(loc)}</loc>${lastmod ? `<lastmod>${escapeXml(lastmod)}</lastmod>` : ""}</url>`,
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ...urls,
    "</urlset>",
    "",
  ].join("\n");
}

export function robotsTxt(definition: SiteDefinition): string {
  const { site } = definition;
  // A preview must not be indexed; it still names its sitemap for tools that read it.
  const rule = site.indexable ? "Allow: /" : "Disallow: /";
  return `User-agent: *\n${rule}\n\nSitemap: ${absoluteUrl(site, "/sitemap.xml")}\n`;
}
