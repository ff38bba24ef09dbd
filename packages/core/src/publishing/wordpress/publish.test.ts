import { describe, expect, it } from "vitest";
import { seoFieldsFromMetaKeys, slugify } from "./catalog";
import { compareReferences, PublishInput, type WordPressPost } from "./publish";

const saved = (fields: Partial<WordPressPost>): WordPressPost => ({
  id: 1,
  slug: "a",
  status: "draft",
  type: "post",
  link: "http://x/a",
  date_gmt: null,
  modified_gmt: "2026-01-01T00:00:00",
  title: { raw: "A", rendered: "A" },
  content: { raw: "", rendered: "" },
  ...fields,
});

describe("compareReferences", () => {
  it("names every id WordPress dropped silently", () => {
    const sent = {
      categories: [3, 4],
      tags: [7],
      featured_media: 99,
      author: 2,
      meta: { _yoast_wpseo_title: "T" },
    };
    expect(
      compareReferences(
        sent,
        saved({ categories: [3], tags: [], featured_media: 0, author: 1, meta: {} }),
      ),
    ).toEqual({
      categories: [4],
      tags: [7],
      featuredMedia: 99,
      author: 2,
      meta: ["_yoast_wpseo_title"],
    });
    expect(
      compareReferences(
        sent,
        saved({
          categories: [4, 3],
          tags: [7],
          featured_media: 99,
          author: 2,
          meta: { _yoast_wpseo_title: "T" },
        }),
      ),
    ).toBeUndefined();
    // No featured image sent (0 clears it): nothing to compare.
    expect(compareReferences({ featured_media: 0 }, saved({ featured_media: 0 }))).toBeUndefined();
  });
});

describe("catalog helpers", () => {
  it("slugs like WordPress for Latin text", () => {
    expect(slugify("Crème Brûlée & Friends")).toBe("creme-brulee-friends");
    expect(slugify("  Spring's Guides 2026 ")).toBe("springs-guides-2026");
  });

  it("prefers Yoast and needs both title and description keys", () => {
    expect(seoFieldsFromMetaKeys(["rank_math_title", "rank_math_description"])?.plugin).toBe(
      "rank-math",
    );
    expect(
      seoFieldsFromMetaKeys([
        "rank_math_title",
        "_yoast_wpseo_title",
        "_yoast_wpseo_metadesc",
        "rank_math_description",
      ])?.plugin,
    ).toBe("yoast");
    expect(seoFieldsFromMetaKeys(["_yoast_wpseo_title"])).toBeUndefined();
  });
});

describe("PublishInput", () => {
  const base = {
    contentId: "cnt_1",
    destinationId: "con_1",
    title: "T",
    html: "<p>x</p>",
    slug: "t",
  };

  it("requires a date for scheduled posts and unique image keys", () => {
    const future = PublishInput.safeParse({ ...base, status: "future" });
    expect(future.error?.issues.map((i) => i.path.join("."))).toEqual(["scheduledAt"]);
    const duplicate = PublishInput.safeParse({
      ...base,
      status: "publish",
      html: '<img src="a.png">',
      featuredImage: {
        key: "a",
        filename: "f.png",
        contentType: "image/png",
        alt: "",
        data: new Uint8Array([1]),
      },
      images: [
        {
          key: "a",
          src: "a.png",
          filename: "a.png",
          contentType: "image/png",
          alt: "",
          data: new Uint8Array([1]),
        },
      ],
    });
    expect(duplicate.error?.issues.map((i) => i.message)).toEqual(["duplicate image key a"]);
  });

  it("defaults the post type, terms and images", () => {
    expect(PublishInput.parse({ ...base, status: "draft" })).toMatchObject({
      postType: "post",
      categories: [],
      tags: [],
      images: [],
    });
  });
});
