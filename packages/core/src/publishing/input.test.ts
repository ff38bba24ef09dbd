import { describe, expect, it } from "vitest";
import type { Connection } from "../connection";
import { Sector } from "../sector";
import { Site } from "../site";
import { Storage } from "../storage";
import { useTestTable, withTestAccount } from "../testing";
import { createId } from "../util/id";
import type { PublishableContent } from "./content";
import { mappedTerms, placeImages, toPublishInput } from "./input";

useTestTable();

function connection(mapping: Partial<Connection.Mapping> = {}, postTypes?: Connection.Info["postTypes"]): Connection.Info {
  return {
    connectionId: createId("connection"),
    siteId: createId("site"),
    kind: "wordpress",
    name: "Blog",
    url: "https://blog.example",
    username: "editor",
    status: "connected",
    report: null,
    lastError: null,
    validatedAt: null,
    postTypes: postTypes ?? [
      { slug: "post", name: "Posts", restBase: "posts", hierarchical: false, taxonomies: ["category", "post_tag"], supports: [] },
      { slug: "page", name: "Pages", restBase: "pages", hierarchical: true, taxonomies: [], supports: [] },
    ],
    catalog: null,
    mapping: { sectors: "category", clusters: "tag", sectorTerms: {}, clusterTerms: {}, defaultCategories: [], authorId: null, ...mapping },
    createdAt: "",
    updatedAt: "",
  };
}

const content = (siteId: string, overrides: Partial<PublishableContent> = {}): PublishableContent => ({
  contentId: createId("content"),
  siteId,
  title: "Pruning roses",
  slug: "Pruning Roses in Winter!",
  html: "<h2>One</h2><p>a</p><h2>Two</h2><p>b</p><h2>Three</h2><p>c</p>",
  images: [],
  sectorName: "Garden Care",
  clusterId: createId("cluster"),
  clusterName: "Rose Pruning",
  ...overrides,
});

describe("mapping content to terms", () => {
  it("maps the sector to a category and the cluster to a tag by default", async () => {
    const terms = await mappedTerms(connection(), content("sit_x"));
    expect(terms).toEqual({ categories: [{ name: "Garden Care" }], tags: [{ name: "Rose Pruning" }] });
  });

  it("follows the connection's choices and overrides; falls back to the default categories", async () => {
    const item = content("sit_x", { sectorId: createId("sector") });
    expect(await mappedTerms(connection({ sectors: "tag", clusters: "category" }), item)).toEqual({
      categories: [{ name: "Rose Pruning" }],
      tags: [{ name: "Garden Care" }],
    });
    expect(
      await mappedTerms(
        connection({
          sectorTerms: { [item.sectorId!]: { categories: [{ id: 12 }] } },
          clusterTerms: { [item.clusterId!]: { tags: [{ name: "roses" }, { name: "winter" }] } },
        }),
        item,
      ),
    ).toEqual({ categories: [{ id: 12 }], tags: [{ name: "roses" }, { name: "winter" }] });
    expect(
      await mappedTerms(connection({ sectors: "none", clusters: "none", defaultCategories: [{ id: 3 }] }), item),
    ).toEqual({ categories: [{ id: 3 }], tags: [] });
  });

  it("reads the sector's name when the content names only its id", async () => {
    await withTestAccount(async () => {
      const { siteId } = await Site.create({ name: "Blog", url: "https://blog.example" });
      const sector = await Sector.create({ siteId, name: "Indoor Plants" });
      const terms = await mappedTerms(connection(), content(siteId, { sectorName: undefined, sectorId: sector.sectorId }));
      expect(terms.categories).toEqual([{ name: "Indoor Plants" }]);
    });
  });
});

describe("placing images the HTML does not show", () => {
  it("puts one before each section after the first, the rest at the end", () => {
    const html = "<h2>One</h2><p>a</p><h2>Two</h2><p>b</p>";
    const out = placeImages(html, [
      { src: "igny8-image:a", alt: "A" },
      { src: "igny8-image:b", alt: 'B "quoted"' },
    ]);
    expect(out.indexOf("igny8-image:a")).toBeLessThan(out.indexOf("<h2>Two"));
    expect(out.indexOf("igny8-image:b")).toBeGreaterThan(out.indexOf("<p>b</p>"));
    expect(out).toContain('alt="B &quot;quoted&quot;"');
    expect(placeImages(html, [])).toBe(html);
  });
});

describe("content to the publisher's input", () => {
  it("builds terms, images from S3 with alt text, SEO fields and a WordPress slug", async () => {
    await withTestAccount(async () => {
      const { siteId } = await Site.create({ name: "Blog", url: "https://blog.example" });
      const featuredKey = Storage.siteKey(siteId, "images", "cover.png");
      const inlineKey = Storage.siteKey(siteId, "images", "in.jpg");
      await Storage.put(featuredKey, Buffer.from("png bytes"));
      await Storage.put(inlineKey, Buffer.from("jpeg bytes"));
      const item = content(siteId, {
        metaTitle: "Meta title",
        metaDescription: "Meta description",
        focusKeyword: "prune roses",
        excerpt: "Short",
        html: '<h2>One</h2><p><img src="/media/in.jpg"></p>',
        images: [
          { key: "cover", role: "featured", alt: "Cover", s3Key: featuredKey },
          { key: "in", role: "inline", alt: "Inline", s3Key: inlineKey, src: "/media/in.jpg" },
        ],
      });
      const target = connection({ authorId: 7 });
      const input = await toPublishInput(target, item, { status: "publish" });
      expect(input).toMatchObject({
        contentId: item.contentId,
        destinationId: target.connectionId,
        postType: "post",
        slug: "pruning-roses-in-winter",
        status: "publish",
        categories: [{ name: "Garden Care" }],
        tags: [{ name: "Rose Pruning" }],
        authorId: 7,
        excerpt: "Short",
        seo: { title: "Meta title", description: "Meta description", focusKeyword: "prune roses" },
        featuredImage: { key: "cover", alt: "Cover", filename: "cover.png", contentType: "image/png" },
        images: [{ key: "in", src: "/media/in.jpg", alt: "Inline", filename: "in.jpg", contentType: "image/jpeg" }],
      });
      const bytes = await (input.featuredImage!.data as () => Promise<Uint8Array>)();
      expect(Buffer.from(bytes).toString()).toBe("png bytes");

      // Pages have no categories or tags: the mapped ones are left out; requested ones are kept (and refused later).
      const page = await toPublishInput(target, item, { status: "draft", postType: "page" });
      expect(page).toMatchObject({ postType: "page", categories: [], tags: [] });
      const asked = await toPublishInput(target, item, { status: "draft", postType: "page", tags: [{ name: "x" }] });
      expect(asked.tags).toEqual([{ name: "x" }]);
    });
  });

  it("refuses an image outside the site's files and one of an unknown type", async () => {
    await withTestAccount(async () => {
      const { siteId } = await Site.create({ name: "Blog", url: "https://blog.example" });
      const other = await Site.create({ name: "Other", url: "https://other.example" });
      const foreign = content(siteId, {
        images: [{ key: "x", role: "featured", alt: "", s3Key: Storage.siteKey(other.siteId, "images", "x.png") }],
      });
      await expect(toPublishInput(connection(), foreign, { status: "publish" })).rejects.toMatchObject({
        code: "publishing.image_outside_site",
      });
      const unknown = content(siteId, {
        images: [{ key: "x", role: "featured", alt: "", s3Key: Storage.siteKey(siteId, "images", "x.tiff") }],
      });
      await expect(toPublishInput(connection(), unknown, { status: "publish" })).rejects.toMatchObject({
        code: "publishing.image_type_unknown",
      });
    });
  });
});
