import type { Page, Post, SiteDefinition } from "../schema";
import { absoluteUrl, imageUrl, pagePath, postPath } from "./routes";

type Node = Record<string, unknown>;

const context = "https://schema.org";

function websiteId(definition: SiteDefinition) {
  return `${absoluteUrl(definition.site, "/")}#website`;
}

function website(definition: SiteDefinition): Node {
  const { site } = definition;
  return {
    "@type": "WebSite",
    "@id": websiteId(definition),
    url: absoluteUrl(site, "/"),
    name: site.name,
    inLanguage: site.language,
    ...(site.description ? { description: site.description } : {}),
  };
}

/**
 * The JSON-LD documents of a page: our graph (WebPage, the WebSite on the home page, one
 * FAQPage gathering the page's FAQ blocks), then the definition's own nodes as they are.
 */
export function pageJsonLd(definition: SiteDefinition, page: Page): Node[] {
  const { site } = definition;
  const url = absoluteUrl(site, pagePath(page.slug));
  const graph: Node[] = [
    {
      "@type": "WebPage",
      "@id": url,
      url,
      name: page.metaTitle,
      description: page.metaDescription,
      inLanguage: site.language,
      isPartOf: { "@id": websiteId(definition) },
    },
  ];
  if (page.slug === "") graph.push(website(definition));
  const questions = page.blocks.flatMap((block) => (block.type === "faq" ? block.items : []));
  if (questions.length > 0) {
    graph.push({
      "@type": "FAQPage",
      "@id": `${url}#faq`,
      mainEntity: questions.map((item) => ({
        "@type": "Question",
        name: item.question,
        acceptedAnswer: { "@type": "Answer", text: item.answer },
      })),
    });
  }
  const own = page.jsonLd === undefined ? [] : [page.jsonLd].flat();
  return [
    { "@context": context, "@graph": graph },
    ...own.map((node) => ({ "@context": context, ...node })),
  ];
}

export function postJsonLd(definition: SiteDefinition, post: Post): Node[] {
  const { site } = definition;
  const url = absoluteUrl(site, postPath(post.slug));
  return [
    {
      "@context": context,
      "@type": "BlogPosting",
      "@id": url,
      url,
      mainEntityOfPage: url,
      headline: post.title,
      description: post.excerpt,
      datePublished: post.publishedAt,
      dateModified: post.updatedAt ?? post.publishedAt,
      inLanguage: site.language,
      isPartOf: { "@id": websiteId(definition) },
      publisher: { "@type": "Organization", name: site.name, url: absoluteUrl(site, "/") },
      ...(post.image ? { image: imageUrl(site, post.image.src) } : {}),
    },
  ];
}
