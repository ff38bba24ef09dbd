import type { ContentType } from "../task";

/**
 * JSON-LD for a content version, built by us from its fields (never taken from a model): the
 * main entity by content type (Article, WebPage, Product, Service, CollectionPage) and a FAQPage
 * when there is a FAQ, in one @graph.
 */
export interface JsonLdInput {
  contentType: ContentType;
  title: string;
  description: string;
  keywords: string[];
  language: string;
  siteName: string;
  siteUrl: string;
  slug: string;
  authorName?: string;
  imageUrl?: string;
  modifiedAt: string;
  faq: { question: string; answer: string }[];
  product?: { name: string; summary: string; features: string[] };
  service?: { name: string; serviceType: string; areaServed: string };
}

export function buildJsonLd(input: JsonLdInput): Record<string, unknown> {
  const url = `${input.siteUrl.replace(/\/$/, "")}/${input.slug}`;
  const publisher = { "@type": "Organization", name: input.siteName, url: input.siteUrl };
  const common = {
    "@id": `${url}#main`,
    url,
    inLanguage: input.language,
    ...(input.imageUrl ? { image: input.imageUrl } : {}),
  };
  let main: Record<string, unknown>;
  switch (input.contentType) {
    case "product":
      main = {
        "@type": "Product",
        ...common,
        name: input.product?.name || input.title,
        description: input.product?.summary || input.description,
        brand: { "@type": "Brand", name: input.siteName },
        ...(input.product?.features.length ? { additionalProperty: input.product.features.slice(0, 10).map((value) => ({ "@type": "PropertyValue", name: "feature", value })) } : {}),
      };
      break;
    case "service":
      main = {
        "@type": "Service",
        ...common,
        name: input.service?.name || input.title,
        description: input.description,
        ...(input.service?.serviceType ? { serviceType: input.service.serviceType } : {}),
        ...(input.service?.areaServed ? { areaServed: input.service.areaServed } : {}),
        provider: publisher,
      };
      break;
    case "taxonomy":
      main = { "@type": "CollectionPage", ...common, name: input.title, description: input.description, isPartOf: { "@type": "WebSite", name: input.siteName, url: input.siteUrl } };
      break;
    case "page":
      main = { "@type": "WebPage", ...common, name: input.title, description: input.description, dateModified: input.modifiedAt, publisher };
      break;
    default:
      main = {
        "@type": "Article",
        ...common,
        headline: input.title.slice(0, 110),
        description: input.description,
        keywords: input.keywords.join(", "),
        dateModified: input.modifiedAt,
        ...(input.authorName ? { author: { "@type": "Person", name: input.authorName } } : { author: publisher }),
        publisher,
        mainEntityOfPage: url,
      };
  }
  const graph: Record<string, unknown>[] = [main];
  if (input.faq.length > 0) {
    graph.push({
      "@type": "FAQPage",
      "@id": `${url}#faq`,
      mainEntity: input.faq.map((item) => ({
        "@type": "Question",
        name: item.question,
        acceptedAnswer: { "@type": "Answer", text: item.answer },
      })),
    });
  }
  return { "@context": "https://schema.org", "@graph": graph };
}
