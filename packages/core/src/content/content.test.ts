import { describe, expect, it } from "vitest";
import { blockLines, lineDiff, wordDiff } from "./diff";
import { placeImages } from "./generate";
import { buildJsonLd } from "./jsonld";
import { countWords, keywordsIn, sanitize, slugify, textOf } from "./sanitize";

const ours = "img_01hz3v5k8q2w4e6r8t0y2a4b6c";

describe("sanitize", () => {
  it.each([
    ['<p>Hi<script>alert(1)</script></p>', "<p>Hi</p>"],
    ['<img src="x" onerror="alert(1)">', ""],
    ['<a href="javascript:alert(1)">x</a>', "x"],
    ['<a href="JaVaScRiPt:alert(1)">x</a>', "x"],
    ['<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', "x"],
    ['<a href="//evil.example/x">x</a>', "x"],
    ['<svg><script>alert(1)</script></svg>', ""],
    ['<p style="background:url(javascript:x)">y</p>', "<p>y</p>"],
    ['<iframe srcdoc="<script>x</script>"></iframe>', ""],
    ['<math><mi xlink:href="javascript:x">m</mi></math>', ""],
    [`<img src="/media/${ours}.png?x=1">`, ""],
    [`<img src="https://cdn.example/${ours}.png">`, ""],
    ["<h1>T</h1>", "<h2>T</h2>"],
    ['<a href="mailto:hi@example.com">mail</a>', '<a href="mailto:hi@example.com">mail</a>'],
  ])("%s", (input, output) => {
    expect(sanitize(input)).toBe(output);
  });

  it("keeps our images and safe structure", () => {
    const html = `<h2>A</h2><figure><img src="/media/${ours}.png" alt="a" width="10" height="10"><figcaption>c</figcaption></figure><table><thead><tr><th scope="col">x</th></tr></thead></table>`;
    expect(sanitize(html)).toBe(
      `<h2>A</h2><figure><img src="/media/${ours}.png" alt="a" width="10" height="10" loading="lazy" /><figcaption>c</figcaption></figure><table><thead><tr><th scope="col">x</th></tr></thead></table>`,
    );
  });

  it("measures text, words, keywords and slugs", () => {
    const html = "<h2>Heel&nbsp;drop</h2><p>Trail running shoes &amp; rock plates.</p>";
    expect(textOf(html)).toBe("Heel drop Trail running shoes & rock plates.");
    expect(countWords(textOf(html))).toBe(7);
    expect(keywordsIn(textOf(html), ["trail running shoes", "rock plate", "heel drop"])).toEqual(["trail running shoes", "heel drop"]);
    expect(slugify("Ça va? Trail-Shoes — 2026 Guide!")).toBe("ca-va-trail-shoes-2026-guide");
  });
});

describe("images in the body", () => {
  it("places in-article images after their section, replacing earlier placements", () => {
    const html = "<h2>Intro</h2><p>a</p><h2>Fit</h2><p>b</p>";
    const image = { imageId: ours, index: 1, placement: "in-article" as const, section: "Fit", alt: 'A "fit" check', caption: "Fit <test>", width: 256, height: 256 };
    const once = placeImages(html, [image]);
    expect(once).toBe(
      `<h2>Intro</h2><p>a</p><h2>Fit</h2>\n<figure><img src="/media/${ours}.png" alt="A &quot;fit&quot; check" width="256" height="256" loading="lazy" /><figcaption>Fit &lt;test&gt;</figcaption></figure><p>b</p>`,
    );
    expect(placeImages(sanitize(once), [image])).toBe(placeImages(html, [image]).replace(/\n/g, "\n"));
    expect(placeImages(once, [])).toBe(html);
  });
});

describe("JSON-LD", () => {
  it("describes products and FAQs from the fields", () => {
    const ld = buildJsonLd({
      contentType: "product",
      title: "Shoe X",
      description: "A shoe",
      keywords: ["shoe"],
      language: "en",
      siteName: "Trail Co",
      siteUrl: "https://trail.example",
      slug: "shoe-x",
      modifiedAt: "2026-01-01T00:00:00.000Z",
      faq: [{ question: "Q?", answer: "A." }],
      product: { name: "Shoe X", summary: "Grippy", features: ["Lugs"] },
    });
    expect(ld).toMatchObject({
      "@context": "https://schema.org",
      "@graph": [
        { "@type": "Product", name: "Shoe X", description: "Grippy", url: "https://trail.example/shoe-x", brand: { name: "Trail Co" } },
        { "@type": "FAQPage", mainEntity: [{ "@type": "Question", name: "Q?", acceptedAnswer: { text: "A." } }] },
      ],
    });
  });
});

describe("diff", () => {
  it("word-diffs short fields and line-diffs bodies with context", () => {
    expect(wordDiff("title", "Trail shoes", "Trail shoes")).toMatchObject({ changed: false });
    expect(wordDiff("title", "Best trail shoes", "Trail shoes for beginners")).toMatchObject({ changed: true, inserted: 3, deleted: 2 });
    const before = Array.from({ length: 20 }, (_, i) => `<p>line ${i}</p>`).join("");
    const after = before.replace("<p>line 10</p>", "<p>line ten</p>");
    expect(blockLines(before).split("\n")).toHaveLength(21);
    const diff = lineDiff("html", before, after);
    expect(diff).toMatchObject({ changed: true, inserted: 1, deleted: 1 });
    expect(diff.parts.map((p) => p.op)).toEqual(["skip", "equal", "delete", "insert", "equal", "skip"]);
    expect(diff.parts[0]).toMatchObject({ skipped: 8 });
  });
});
