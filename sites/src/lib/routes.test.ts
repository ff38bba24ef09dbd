import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { sampleDefinitionPath } from "../definition";
import { parseSiteDefinition } from "../schema";
import { allPages, latestPosts, robotsTxt, sitemapEntries, sitemapXml } from "./routes";

const sample = JSON.parse(await readFile(sampleDefinitionPath, "utf8"));

describe("routes", () => {
  it("adds a posts index at /blog/ unless a page takes it", () => {
    const definition = parseSiteDefinition(sample);
    const generated = allPages(definition).find((page) => page.slug === "blog");
    expect(generated).toMatchObject({ title: "Blog", blocks: [{ type: "post-list", limit: 3 }] });

    const own = structuredClone(sample);
    own.pages.push({
      slug: "blog",
      title: "Advice",
      metaTitle: "Advice",
      metaDescription: "Tips",
      blocks: [],
    });
    expect(allPages(parseSiteDefinition(own)).filter((page) => page.slug === "blog")).toEqual([
      expect.objectContaining({ title: "Advice" }),
    ]);

    const noPosts = parseSiteDefinition({ ...sample, posts: [] });
    expect(allPages(noPosts).some((page) => page.slug === "blog")).toBe(false);
  });

  it("orders posts newest first, dates and date-times alike", () => {
    const definition = parseSiteDefinition(sample);
    expect(latestPosts(definition).map((post) => post.slug)).toEqual([
      "frozen-pipes",
      "boiler-pressure",
      "prevent-blocked-drains",
    ]);
    expect(latestPosts(definition, 1)).toHaveLength(1);
  });

  it("lists every page and post with absolute URLs in the sitemap", () => {
    const definition = parseSiteDefinition(sample);
    const entries = sitemapEntries(definition);
    expect(entries).toHaveLength(definition.pages.length + 1 + definition.posts.length);
    for (const entry of entries)
      expect(entry.loc).toMatch(/^https:\/\/www\.northside-plumbing\.example\//);
    expect(entries).toContainEqual({
      loc: "https://www.northside-plumbing.example/blog/boiler-pressure/",
      lastmod: "2025-12-01",
    });
    expect(sitemapXml(definition)).toContain(
      "<url><loc>https://www.northside-plumbing.example/services/drain-cleaning/</loc></url>",
    );
  });

  it("escapes URLs in the sitemap XML", () => {
    const definition = parseSiteDefinition(sample);
    expect(
      sitemapXml({ ...definition, site: { ...definition.site, url: "https://a.example" } }),
    ).not.toContain("&");
    const entries = sitemapXml({
      ...definition,
      posts: [{ ...definition.posts[0]!, updatedAt: "2026-01-01T00:00:00+01:00" }],
    });
    expect(entries).toContain("<lastmod>2026-01-01T00:00:00+01:00</lastmod>");
  });

  it("writes robots.txt that names the sitemap, and closes previews", () => {
    const definition = parseSiteDefinition(sample);
    expect(robotsTxt(definition)).toBe(
      "User-agent: *\nAllow: /\n\nSitemap: https://www.northside-plumbing.example/sitemap.xml\n",
    );
    const preview = parseSiteDefinition({ ...sample, site: { ...sample.site, indexable: false } });
    expect(robotsTxt(preview)).toContain("Disallow: /");
  });
});
