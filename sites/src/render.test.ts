import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type HTMLElement, parse } from "node-html-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleDefinitionPath } from "./definition";
import { type RenderedSite, renderSite } from "./render";

/**
 * One real Astro build of the sample site, with hostile content injected where a definition
 * carries text or HTML, then checks on the files it wrote.
 */
const origin = "https://www.northside-plumbing.example";
const sample = JSON.parse(await readFile(sampleDefinitionPath, "utf8"));

function hostile() {
  const definition = structuredClone(sample);
  const about = definition.pages.find((page: { slug: string }) => page.slug === "about");
  about.title = 'About <script>window.injectedTitle = 1</script> "us"';
  about.blocks[0].html +=
    '<script>window.injectedScript = 1</script><img src="/x.png" alt="" onerror="window.injectedHandler = 1"><a href="javascript:window.injectedHref = 1">click</a>';
  definition.posts[0].html += '<iframe src="https://evil.example/"></iframe><p style="x">ok</p>';
  const contact = definition.pages.find((page: { slug: string }) => page.slug === "contact");
  contact.jsonLd.description = "</script><script>window.injectedJsonLd = 1</script>";
  definition.pages[0].blocks[3].items[0].answer = "Prices <b>start</b> at £85 & up.";
  return definition;
}

let outDir: string;
let site: RenderedSite;
const documents = new Map<string, HTMLElement>();
const file = (path: string) => readFile(join(outDir, path), "utf8");
const html = (path: string) => {
  const document = documents.get(path);
  if (!document) throw new Error(`${path} was not built`);
  return document;
};
const pagePaths = ["", "services/", "services/drain-cleaning/", "about/", "contact/", "blog/"];
const postPaths = ["blog/frozen-pipes/", "blog/boiler-pressure/", "blog/prevent-blocked-drains/"];

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), "igny8-sites-build-"));
  site = await renderSite({ definition: hostile(), outDir, logLevel: "error" });
  for (const path of site.files.filter((name) => name.endsWith(".html"))) {
    documents.set(path, parse(await file(path)));
  }
}, 120_000);
afterAll(async () => {
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

describe("renderSite on the sample definition", () => {
  it("writes the home page, every page and post, and the site files", () => {
    expect(site.files).toEqual(
      expect.arrayContaining([
        ...[...pagePaths, ...postPaths].map((path) => `${path}index.html`),
        "404.html",
        "sitemap.xml",
        "robots.txt",
        "favicon.svg",
      ]),
    );
    expect(site.files.filter((name) => name.endsWith(".html"))).toHaveLength(
      pagePaths.length + postPaths.length + 1,
    );
  });

  it("gives every document a canonical URL, Open Graph tags and JSON-LD in its head", () => {
    for (const path of [...pagePaths, ...postPaths]) {
      const document = html(`${path}index.html`);
      const head = document.querySelector("head")!;
      expect(head.querySelector('link[rel="canonical"]')?.getAttribute("href"), path).toBe(
        `${origin}/${path}`,
      );
      expect(head.querySelector('meta[property="og:url"]')?.getAttribute("content")).toBe(
        `${origin}/${path}`,
      );
      expect(head.querySelector('meta[property="og:title"]')?.getAttribute("content")).toBe(
        head.querySelector("title")?.text,
      );
      expect(head.querySelector('link[rel="sitemap"]')?.getAttribute("href")).toBe("/sitemap.xml");
      const jsonLd = head.querySelectorAll('script[type="application/ld+json"]');
      expect(jsonLd.length, path).toBeGreaterThan(0);
      for (const script of jsonLd)
        expect(JSON.parse(script.innerHTML)["@context"]).toBe("https://schema.org");
    }
  });

  it("describes pages and posts in JSON-LD", () => {
    const ld = (path: string) =>
      html(path)
        .querySelectorAll('script[type="application/ld+json"]')
        .map((script) => JSON.parse(script.innerHTML));
    const home = ld("index.html")[0];
    expect(home["@graph"].map((node: { "@type": string }) => node["@type"])).toEqual([
      "WebPage",
      "WebSite",
      "FAQPage",
    ]);
    expect(home["@graph"][2].mainEntity[0].acceptedAnswer.text).toBe(
      "Prices <b>start</b> at £85 & up.",
    );
    const contact = ld("contact/index.html");
    expect(contact[1]).toMatchObject({ "@type": "Plumber", telephone: "+44 113 496 0000" });
    expect(ld("blog/boiler-pressure/index.html")[0]).toMatchObject({
      "@type": "BlogPosting",
      headline: "Boiler pressure too low? What the gauge is telling you",
      datePublished: "2025-11-03",
      dateModified: "2025-12-01",
      url: `${origin}/blog/boiler-pressure/`,
    });
    expect(ld("blog/frozen-pipes/index.html")[0].image).toBe(`${origin}/media/frozen-pipe.jpg`);
  });

  it("lists every page and post in sitemap.xml with absolute URLs", async () => {
    const xml = await file("sitemap.xml");
    const locs = [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((match) => match[1]);
    expect(locs.sort()).toEqual(
      [...pagePaths, ...postPaths].map((path) => `${origin}/${path}`).sort(),
    );
    expect(await file("robots.txt")).toContain(`Sitemap: ${origin}/sitemap.xml`);
  });

  it("ships no client JavaScript and lets no injected script through", async () => {
    for (const [path, document] of documents) {
      for (const script of document.querySelectorAll("script")) {
        expect(script.getAttribute("type"), path).toBe("application/ld+json");
      }
      const source = document.toString();
      expect(source, path).not.toMatch(
        /window\.injected(Script|Handler|Href|Title|JsonLd) = 1<|onerror|javascript:|<iframe/,
      );
    }
    expect(site.files.filter((name) => /\.(js|mjs)$/.test(name))).toEqual([]);
  });

  it("sanitizes rich text and escapes plain text", () => {
    const about = html("about/index.html");
    const prose = about.querySelector("main .prose")!;
    expect(prose.querySelector("script")).toBeNull();
    expect(prose.querySelector("img")?.getAttribute("src")).toBe("/x.png");
    expect(prose.querySelector("img")?.getAttribute("onerror")).toBeUndefined();
    expect(prose.innerHTML).toContain("click");
    expect(prose.innerHTML).not.toContain("injectedScript");
    // The title is text: its markup shows, escaped, and never runs.
    expect(about.querySelector("h1")?.text).toBe(
      'About <script>window.injectedTitle = 1</script> "us"',
    );
    expect(about.querySelector("h1")?.innerHTML).toContain("&lt;script&gt;");
    const post = html("blog/frozen-pipes/index.html").querySelector(".prose")!;
    expect(post.querySelector("iframe")).toBeNull();
    expect(post.innerHTML).toContain("<p>ok</p>");
    const faq = html("index.html").querySelector(".faq__answer")!;
    expect(faq.querySelector("b")).toBeNull();
    expect(faq.text).toContain("Prices <b>start</b> at £85 & up.");
  });

  it("renders an accessible document: language, skip link, one h1, labelled images", () => {
    for (const [path, document] of documents) {
      expect(document.querySelector("html")?.getAttribute("lang"), path).toBe("en-GB");
      expect(document.querySelector("a.skip-link")?.getAttribute("href")).toBe("#main");
      expect(document.querySelector("main#main")).not.toBeNull();
      expect(document.querySelectorAll("h1"), path).toHaveLength(1);
      for (const image of document.querySelectorAll("img")) {
        expect(image.getAttribute("alt"), path).toBeDefined();
        // Images of blocks and posts reserve their space; rich text may carry others.
        if (!image.closest(".prose")) expect(image.getAttribute("width"), path).toMatch(/^\d+$/);
      }
    }
    const nav = html("services/index.html").querySelector('nav a[aria-current="page"]');
    expect(nav?.getAttribute("href")).toBe("/services/");
  });

  it("renders every block type and themes with CSS variables", () => {
    const home = html("index.html");
    expect(home.querySelector(".hero h1")?.text).toBe(
      "Plumbers and heating engineers in North Leeds",
    );
    expect(home.querySelector(".hero img")?.getAttribute("fetchpriority")).toBe("high");
    expect(home.querySelectorAll(".feature-grid li")).toHaveLength(4);
    expect(home.querySelectorAll(".post-list li")).toHaveLength(3);
    expect(home.querySelectorAll("details.faq__item")).toHaveLength(3);
    expect(home.querySelector(".cta a")?.getAttribute("href")).toBe("/contact/");
    const drains = html("services/drain-cleaning/index.html");
    expect(drains.querySelector("figure img")?.getAttribute("loading")).toBe("lazy");
    expect(drains.querySelector("figcaption")?.text).toContain("High-pressure jetting");
    expect(drains.querySelector("table caption")?.text).toBe("Fixed prices");
    expect(html("blog/index.html").querySelectorAll(".post-list li")).toHaveLength(3);
    // The posts index opens with the list: its first image is the largest paint, loaded at once.
    expect(html("blog/index.html").querySelector(".post-list img")?.getAttribute("loading")).toBe(
      "eager",
    );
    expect(home.querySelector(".post-list img")?.getAttribute("loading")).toBe("lazy");
    const style = home.querySelector("html")?.getAttribute("style") ?? "";
    expect(style).toContain("--color-primary:#0b5394");
    expect(style).toContain("--color-on-accent:#111111");
  });

  it("writes a 404 page that is not indexed and has no canonical URL", () => {
    const notFound = html("404.html");
    expect(notFound.querySelector("h1")?.text).toBe("Page not found");
    expect(notFound.querySelector('meta[name="robots"]')?.getAttribute("content")).toContain(
      "noindex",
    );
    expect(notFound.querySelector('link[rel="canonical"]')).toBeNull();
  });

  it("refuses a bad definition before building, naming the field", async () => {
    const definition = structuredClone(sample);
    definition.pages[2].blocks[1].alt = undefined;
    await expect(renderSite({ definition, outDir: join(outDir, "never") })).rejects.toMatchObject({
      code: "site_definition.invalid",
      details: { fields: [{ path: "pages.2.blocks.1.alt" }] },
    });
  });
});
