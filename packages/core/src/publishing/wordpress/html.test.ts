import { describe, expect, it } from "vitest";
import {
  contentMarker,
  filteredContent,
  hasContentMarker,
  htmlReferences,
  rewriteImageUrls,
} from "./html";

describe("rewriteImageUrls", () => {
  const images = new Map([
    [
      "https://cdn.example.com/a.png?x=1&y=2",
      { id: 41, url: "http://wp.test/uploads/a.png", alt: "Alt A" },
    ],
    ["images/b.jpg", { id: 42, url: "http://wp.test/uploads/b.jpg", alt: "Alt B" }],
  ]);

  it("points img src (entity-encoded or not) and wrapping links at the media copies", () => {
    const html = [
      '<p><a href="images/b.jpg"><img src="images/b.jpg" srcset="images/b-2x.jpg 2x" sizes="100vw" class="hero wp-image-7"></a></p>',
      "<img alt='kept' src='https://cdn.example.com/a.png?x=1&amp;y=2' />",
      '<img src="https://other.example.com/c.png">',
      "<abbr>a</abbr><area href='images/b.jpg'>",
    ].join("\n");
    const { html: out, missing } = rewriteImageUrls(html, images);
    expect(missing).toEqual([]);
    expect(out).toContain(
      '<a href="http://wp.test/uploads/b.jpg"><img src="http://wp.test/uploads/b.jpg" class="hero wp-image-42" alt="Alt B" /></a>',
    );
    expect(out).toContain(
      '<img alt="kept" src="http://wp.test/uploads/a.png" class="wp-image-41" />',
    );
    expect(out).toContain('<img src="https://other.example.com/c.png">');
    expect(out).toContain("<area href='images/b.jpg'>");
    expect(out).not.toContain("srcset");
  });

  it("reports images the html does not use", () => {
    const { missing } = rewriteImageUrls('<img src="images/b.jpg">', images);
    expect(missing).toEqual(["https://cdn.example.com/a.png?x=1&y=2"]);
    expect(htmlReferences('<p><img src="x.png"></p>', "x.png")).toBe(true);
    expect(htmlReferences("<p>x.png</p>", "x.png")).toBe(false);
  });
});

describe("content marker and filtering", () => {
  it("recognises the marker of one content only", () => {
    const html = `${contentMarker("cnt_1")}\n<p>x</p>`;
    expect(hasContentMarker(html, "cnt_1")).toBe(true);
    expect(hasContentMarker(html, "cnt_2")).toBe(false);
    expect(hasContentMarker(undefined, "cnt_1")).toBe(false);
  });

  it("names what kses removed", () => {
    const sent = '<p onclick="x()">a</p><script>x()</script><iframe src="y"></iframe>';
    expect(filteredContent(sent, "<p>a</p>x()")).toEqual([
      "<script>",
      "<iframe>",
      "on* event attributes",
    ]);
    expect(filteredContent(sent, sent)).toEqual([]);
  });
});
