import type { AiFunction } from "../ai/types";

/**
 * The default prompts, one per prompt key: an AI function, and for content one per content type.
 * Accounts override them (versioned), tasks override the account's. `variables` is what a
 * template may use; the author profile and content strategy are added by the renderer, whatever
 * the template says: to the system message of every chat function, and (the parts a picture can
 * carry: audience, mood, visual rules, brand facts) to the end of the image model's prompt.
 */

export const promptKeys = [
  "ideas",
  "content.post",
  "content.page",
  "content.product",
  "content.service",
  "content.taxonomy",
  "image_prompts",
  "images",
  "optimize",
  "site_structure",
] as const;
export type PromptKey = (typeof promptKeys)[number];

export function functionOf(key: PromptKey): AiFunction {
  return key.split(".")[0] as AiFunction;
}

const siteVariables = ["site_name", "site_url", "language", "country", "sector"] as const;

const contentVariables = [
  ...siteVariables,
  "title",
  "content_type",
  "structure",
  "structure_guidance",
  "primary_keyword",
  "keywords",
  "word_count",
  "outline",
  "brief",
  "cluster",
] as const;

export const variablesByFunction: Record<string, readonly string[]> = {
  // content_type: the content types the ideas may take (comma-separated); existing_ideas: titles
  // already proposed for the cluster (not to repeat); instructions: the request's own instructions.
  ideas: [...siteVariables, "cluster", "primary_keyword", "keywords", "count", "content_type", "existing_ideas", "instructions"],
  content: contentVariables,
  image_prompts: [...siteVariables, "title", "primary_keyword", "headings", "in_article_count", "featured"],
  images: [...siteVariables, "prompt", "alt", "placement", "title"],
  optimize: [...siteVariables, "title", "primary_keyword", "keywords", "html", "issues"],
  site_structure: [...siteVariables, "brief", "pages"],
};

export interface PromptText {
  system: string;
  template: string;
}

const contentSystem =
  "You are a senior content writer and SEO editor. You write accurate, specific, helpful content for people first, " +
  "in the site's language. You never invent statistics, quotes, prices or sources. You answer with JSON only, matching the schema.";

const contentCommon = `Site: {{site_name}} ({{site_url}}), language {{language}}, country {{country}}
{{#sector}}Sector: {{sector}}
{{/sector}}Title: {{title}}
Content type: {{content_type}}
Structure: {{structure}}
Primary keyword: {{primary_keyword}}
{{#keywords}}Keywords:
{{keywords}}
{{/keywords}}{{#cluster}}Cluster: {{cluster}}
{{/cluster}}Word count: {{word_count}}
{{#outline}}Outline:
{{outline}}
{{/outline}}{{#brief}}Brief: {{brief}}
{{/brief}}
{{structure_guidance}}`;

const contentRules = `Rules for the JSON fields:
- html: the body only (no <h1>, no <html>/<body>), using <h2>/<h3> headings, <p>, <ul>/<ol>, <table> where a comparison helps, <a href> only to real https URLs you are sure of.
- Use the primary keyword in the title, the first paragraph and one <h2>; use the other keywords where they read naturally.
- metaTitle at most 60 characters, metaDescription 120-155 characters, slug lower-case words joined by hyphens.
- outline: the <h2> sections in order with their <h3> subheadings.
- faq: 3-6 questions real readers ask, with short complete answers.
- keywordsCovered: the keywords the text actually uses.`;

export const defaultPrompts: Record<PromptKey, PromptText> = {
  ideas: {
    system:
      "You are an SEO content strategist. From a topic cluster's keywords you propose distinct content pieces that together cover the topic " +
      "and match search intent: each with a specific angle, the right content type, an H2/H3 outline, the cluster keywords it targets " +
      "(used exactly as given) and a realistic length. You write in the site's language. You answer with JSON only, matching the schema.",
    template: `Site: {{site_name}} ({{site_url}}), language {{language}}, country {{country}}
{{#sector}}Sector: {{sector}}
{{/sector}}Cluster: {{cluster}}
Primary keyword: {{primary_keyword}}
Number of ideas: {{count}}
Content types allowed: {{content_type}}
Keywords (monthly volume, intent):
{{keywords}}
{{#existing_ideas}}
Ideas already proposed for this cluster (do not repeat them or compete with them for the same query):
{{existing_ideas}}
{{/existing_ideas}}{{#instructions}}
Instructions: {{instructions}}
{{/instructions}}
Propose {{count}} ideas. For each: a working title; the angle (what makes it worth reading: the take, the reader, the promise); one of the allowed content types; an outline of H2 sections with their H3s; the target keywords, taken from the keywords above as written, the main one first; and the estimated length in words. Do not propose two ideas that would compete for the same query.`,
  },
  "content.post": {
    system: contentSystem,
    template: `Write a blog post.
${contentCommon}

${contentRules}`,
  },
  "content.page": {
    system: contentSystem,
    template: `Write a website page.
${contentCommon}

A page states what the visitor gets and what to do next; keep paragraphs short and end with a clear next step.
${contentRules}`,
  },
  "content.product": {
    system: contentSystem,
    template: `Write a product page.
${contentCommon}

Describe the product from the buyer's side: what it is, who it is for, features and the benefit of each, and what to check before buying. Fill the product fields (name, summary, features, benefits). Do not state prices, stock or ratings.
${contentRules}`,
  },
  "content.service": {
    system: contentSystem,
    template: `Write a service page.
${contentCommon}

Say what the service covers, for whom, how it works step by step, and what the client gets. Fill the service fields (name, serviceType, areaServed, steps).
${contentRules}`,
  },
  "content.taxonomy": {
    system: contentSystem,
    template: `Write the introduction of a category (taxonomy) page.
${contentCommon}

Explain what the category holds and help visitors choose within it; keep it short and scannable.
${contentRules}`,
  },
  image_prompts: {
    system:
      "You are an art director. You write prompts for an image model: concrete scenes, editorial photography or clean illustration, never text, logos, watermarks or real people's faces. Scenes suit the audience, brand facts and rules of the author profile and strategy below, when there are any. You answer with JSON only.",
    template: `Site: {{site_name}}
Title: {{title}}
Primary keyword: {{primary_keyword}}
Headings:
{{headings}}
Count: {{in_article_count}}

Write {{#featured}}one featured image prompt for the top of the article and {{/featured}}{{in_article_count}} in-article image prompts, each for one of the headings (name it in "section"). Each prompt describes one concrete scene; alt text describes the image for screen readers in under 120 characters; the caption is one short line.`,
  },
  images: {
    system: "Image generation for an article.",
    template: `{{prompt}}
Style: natural light, realistic detail, no text, no letters, no logos, no watermarks.`,
  },
  optimize: {
    system: contentSystem,
    template: `Improve this page for the primary keyword without changing its facts.
Title: {{title}}
Primary keyword: {{primary_keyword}}
{{#keywords}}Keywords:
{{keywords}}
{{/keywords}}{{#issues}}Issues found:
{{issues}}
{{/issues}}
Current HTML:
{{html}}

${contentRules}`,
  },
  site_structure: {
    system:
      "You are an information architect. You plan small, clear websites: pages, their purpose and how they link. You answer with JSON only.",
    template: `Site: {{site_name}} ({{site_url}}), language {{language}}
{{#sector}}Sector: {{sector}}
{{/sector}}Brief: {{brief}}
{{#pages}}Pages wanted:
{{pages}}
{{/pages}}
Plan the site's pages with a title, slug, purpose and the sections of each.`,
  },
};

/** What each structure asks of the writer (the structure_guidance variable). */
export const structureGuidance: Record<string, string> = {
  article: "Structure: an introduction that answers the query, 4-7 sections that each settle one question, and a short conclusion.",
  how_to: "Structure: what the reader needs first, then numbered steps (an <ol>) with one action per step, then common mistakes.",
  listicle: "Structure: a short introduction, then one <h2> per list item with what it is and why it made the list.",
  guide: "Structure: a complete guide from basics to advanced, with a summary table near the top.",
  comparison: "Structure: who each option suits, a comparison <table>, then the differences that matter, and a verdict by use case.",
  review: "Structure: verdict first, then what was looked at, strengths, weaknesses, and who should choose something else.",
  news: "Structure: what happened first, then context, what it means for the reader, and what comes next.",
  landing: "Structure: the promise, the problem, how it is solved, proof points the brief gives, and the call to action.",
  pillar: "Structure: a hub that covers every subtopic briefly and points to deeper pieces.",
  about: "Structure: who we are, what we do, for whom, and how to reach us.",
  resource: "Structure: what the resource is, who it helps, and how to use it.",
  product_page: "Structure: summary, features with benefits, who it is for, what to check, FAQ.",
  buying_guide: "Structure: what matters when choosing, the options by need, a checklist, FAQ.",
  service_page: "Structure: the outcome, what is included, the process in steps, who it suits, FAQ.",
  location_page: "Structure: the service in this area, what is local about it, the process, how to get in touch.",
  faq_page: "Structure: the questions clients ask, grouped by topic, each answered completely.",
  category: "Structure: what the category holds, how to choose within it, links to the main subtopics.",
  hub: "Structure: an overview of the topic and a guide to the pieces under it.",
  tag: "Structure: one paragraph on what ties these items together.",
};
