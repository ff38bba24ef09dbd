import type { AiFunction } from "../types";
import type { Facts, OutlineSection } from "./facts";
import type { SampleContext } from "./sample";
import { slug } from "./sample";
import type { Rng } from "./seed";

/**
 * Offline drafts: complete, structured, built only from the task's real inputs, and labelled as
 * offline drafts wherever a person could mistake them for a model's writing. They are templates
 * filled with facts, not prose; they exist so the product runs end to end without a provider.
 */

export const offlineNotice =
  "Offline draft: assembled from the task's inputs without an AI provider. Rewrite before publishing.";

const smallWords = new Set([
  "a",
  "an",
  "and",
  "as",
  "at",
  "but",
  "by",
  "for",
  "in",
  "of",
  "on",
  "or",
  "the",
  "to",
  "vs",
  "with",
]);

export function titleCase(text: string): string {
  return text
    .split(/\s+/)
    .filter(Boolean)
    .map((word, i) =>
      i > 0 && smallWords.has(word.toLowerCase())
        ? word.toLowerCase()
        : /[A-Z]/.test(word.slice(1))
          ? word
          : word.charAt(0).toUpperCase() + word.slice(1),
    )
    .join(" ");
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:.-]+$/, "")}…`;
}

const countWords = (text: string) => text.split(/\s+/).filter(Boolean).length;

/** Keyword i of the task, cycling, so every generated place names a real input. */
const kw = (facts: Facts, i: number) =>
  facts.keywords[i % facts.keywords.length] ?? facts.primaryKeyword;

function defaultOutline(facts: Facts): OutlineSection[] {
  const [primary, second, third, fourth] = [0, 1, 2, 3].map((i) => kw(facts, i));
  const audience = facts.audience ? ` for ${facts.audience}` : "";
  return [
    { heading: `What ${primary} means${audience}`, subheadings: [`Key terms around ${second}`] },
    { heading: `Why ${primary} matters`, subheadings: [`Where ${third} fits in`] },
    {
      heading: `How to get started with ${second}`,
      subheadings: [`A step-by-step approach`, `Tools and resources for ${third}`],
    },
    { heading: `Common mistakes with ${fourth}`, subheadings: [] },
    { heading: "Next steps", subheadings: [] },
  ];
}

const sentenceTemplates: ((f: {
  topic: string;
  heading: string;
  a: string;
  b: string;
  c: string;
  audience: string;
  cluster: string;
}) => string)[] = [
  (f) => `This part of the guide to ${f.topic} covers ${f.heading.toLowerCase()}.`,
  (f) => `For ${f.audience}, the practical question is how ${f.a} connects with ${f.b}.`,
  (f) =>
    `Start with the basics of ${f.a}: what it is, when it matters and what it takes to do well.`,
  (f) => `A common mistake is to treat ${f.a} in isolation from ${f.b}.`,
  (f) => `Compare the options for ${f.b} side by side before committing to one approach.`,
  (f) => `Within ${f.cluster}, ${f.a} and ${f.c} are usually decided together.`,
  (f) => `Keep notes on what worked with ${f.c}, so the next decision starts from evidence.`,
  (f) => `Check each claim about ${f.a} against a source you trust before acting on it.`,
  (f) => `Small, regular improvements to ${f.b} tend to beat one large change.`,
  (f) => `Ask what outcome ${f.audience} expect from ${f.a}, then work backwards from it.`,
];

function paragraph(
  facts: Facts,
  heading: string,
  rng: Rng,
  offset: number,
  sentences: number,
): string {
  const parts: string[] = [];
  // Distinct templates within a paragraph: a partial shuffle of the list.
  const order = sentenceTemplates.map((_, i) => i);
  for (let s = 0; s < sentences; s++) {
    const j = s + Math.floor(rng.next() * (order.length - s));
    [order[s], order[j]] = [order[j]!, order[s]!];
    const template = sentenceTemplates[order[s]!]!;
    parts.push(
      template({
        topic: facts.topic,
        heading,
        a: kw(facts, offset + s),
        b: kw(facts, offset + s + 1),
        c: kw(facts, offset + s + 2),
        audience: facts.audience ?? "readers",
        cluster: facts.cluster
          ? `the ${facts.cluster} topic`
          : `the wider subject of ${facts.primaryKeyword}`,
      }),
    );
  }
  if (facts.brandFacts.length > 0 && rng.next() < 0.4)
    parts.push(`${capitalize(rng.pick(facts.brandFacts).replace(/\.$/, ""))}.`);
  return parts.join(" ");
}

export interface FaqItem {
  question: string;
  answer: string;
}

function faqFor(facts: Facts, rng: Rng): FaqItem[] {
  const questions = [
    (k: string) => `What is ${k}?`,
    (k: string) => `How does ${k} relate to ${facts.primaryKeyword}?`,
    (k: string) => `How long does it take to see results from ${k}?`,
    (k: string) => `What should ${facts.audience ?? "beginners"} know about ${k}?`,
  ];
  const count = Math.min(5, Math.max(3, facts.keywords.length));
  return Array.from({ length: count }, (_, i) => {
    const k = kw(facts, i);
    const question = questions[i % questions.length]!(k);
    return { question: capitalize(question), answer: paragraph(facts, question, rng, i, 2) };
  });
}

export interface ImagePromptItem {
  placement: "featured" | "in-article";
  prompt: string;
  alt: string;
  caption: string;
  section?: string;
}

function imagePromptsFor(facts: Facts, count: number): ImagePromptItem[] {
  const style = facts.tone
    ? `${facts.tone.toLowerCase()} editorial style`
    : "clean editorial style";
  const sections = facts.headings.length > 0 ? facts.headings : facts.outline.map((s) => s.heading);
  const items: ImagePromptItem[] = [
    {
      placement: "featured",
      prompt: `Featured image for an article about ${facts.topic}: a scene showing ${facts.primaryKeyword}, ${style}, natural light, no text or logos.`,
      alt: clip(`Illustration of ${facts.primaryKeyword}`, 120),
      caption: clip(facts.topic, 120),
    },
  ];
  for (let i = 0; items.length < count; i++) {
    const section = sections[i % Math.max(1, sections.length)] ?? kw(facts, i + 1);
    items.push({
      placement: "in-article",
      prompt: `In-article image for the section "${section}": ${kw(facts, i + 1)} shown in context, ${style}, no text.`,
      alt: clip(`Illustration for ${section}`, 120),
      caption: clip(section, 120),
      section,
    });
  }
  return items;
}

export interface ContentDraft {
  offline: true;
  notice: string;
  title: string;
  slug: string;
  metaTitle: string;
  metaDescription: string;
  excerpt: string;
  primaryKeyword: string;
  keywords: string[];
  outline: { heading: string; level: number; subheadings: string[] }[];
  html: string;
  faq: FaqItem[];
  imagePrompts: ImagePromptItem[];
  wordCount: number;
  contentType: string;
  jsonLd: Record<string, unknown>;
}

export function contentDraft(facts: Facts, rng: Rng): ContentDraft {
  const title = facts.title ?? titleCase(`${facts.primaryKeyword}: a practical guide`);
  const outline = facts.outline.length > 0 ? facts.outline : defaultOutline(facts);
  const faq = faqFor(facts, rng.fork("faq"));
  const bodyRng = rng.fork("body");
  // Spread the target word count over the sections (the FAQ adds its own words).
  const perSection = Math.max(40, Math.floor(facts.wordCount / Math.max(1, outline.length)));
  const html: string[] = [`<p><strong>${escapeHtml(offlineNotice)}</strong></p>`];
  let words = 0;
  outline.forEach((section, s) => {
    html.push(`<h2>${escapeHtml(section.heading)}</h2>`);
    const parts = section.subheadings.length > 0 ? section.subheadings : [undefined];
    const perPart = Math.max(30, Math.floor(perSection / parts.length));
    parts.forEach((sub, p) => {
      if (sub) html.push(`<h3>${escapeHtml(sub)}</h3>`);
      let written = 0;
      while (written < perPart) {
        const text = paragraph(facts, sub ?? section.heading, bodyRng, s + p + written, 3);
        html.push(`<p>${escapeHtml(text)}</p>`);
        written += countWords(text);
      }
      words += written;
    });
    if (s === 0 || (s === outline.length - 2 && outline.length > 2)) {
      const items = facts.keywords
        .slice(0, 5)
        .map((k, i) =>
          i % 2 === 0
            ? `Check how ${k} applies to your situation`
            : `Write down one question about ${k}`,
        );
      html.push(`<ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join("")}</ul>`);
      words += countWords(items.join(" "));
    }
  });
  html.push("<h2>Frequently asked questions</h2>");
  for (const item of faq) {
    html.push(`<h3>${escapeHtml(item.question)}</h3>`, `<p>${escapeHtml(item.answer)}</p>`);
    words += countWords(`${item.question} ${item.answer}`);
  }
  const metaDescription = clip(
    `Offline draft about ${facts.primaryKeyword}: ${outline.map((s) => s.heading.toLowerCase()).join(", ")}.`,
    155,
  );
  const siteSuffix = facts.site ? ` | ${facts.site}` : "";
  return {
    offline: true,
    notice: offlineNotice,
    title,
    slug: slug(title).slice(0, 80).replace(/-+$/, "") || "offline-draft",
    metaTitle: clip(`${title}${siteSuffix}`, 60),
    metaDescription,
    excerpt: clip(paragraph(facts, title, rng.fork("excerpt"), 0, 2), 300),
    primaryKeyword: facts.primaryKeyword,
    keywords: facts.keywords,
    outline: outline.map((s) => ({ heading: s.heading, level: 2, subheadings: s.subheadings })),
    html: html.join("\n"),
    faq,
    imagePrompts: imagePromptsFor(facts, 3),
    wordCount: words,
    contentType: facts.contentType,
    jsonLd: {
      "@context": "https://schema.org",
      "@type": facts.contentType === "product" ? "Product" : "Article",
      headline: title,
      keywords: facts.keywords.join(", "),
      description: metaDescription,
    },
  };
}

export interface IdeaDraft {
  offline: true;
  title: string;
  slug: string;
  primaryKeyword: string;
  keywords: string[];
  description: string;
  contentType: string;
  outline: string[];
  wordCount: number;
  cluster?: string;
}

const ideaTitles = [
  (k: string) => `${k}: A Practical Guide`,
  (k: string) => `How to Choose the Right ${k}`,
  (k: string) => `Common Mistakes to Avoid With ${k}`,
  (k: string, b: string) => `${k} vs ${b}: Which Fits Your Needs`,
  (k: string) => `A Checklist for ${k}`,
  (k: string) => `What to Know Before You Start With ${k}`,
];

export function ideasDraft(facts: Facts, rng: Rng): { offline: true; ideas: IdeaDraft[] } {
  const count = Math.min(20, Math.max(1, facts.count ?? Math.min(5, facts.keywords.length + 2)));
  const ideas = Array.from({ length: count }, (_, i): IdeaDraft => {
    const primary = kw(facts, i);
    const other = kw(facts, i + 1);
    const title = titleCase(ideaTitles[i % ideaTitles.length]!(primary, other));
    const ideaFacts: Facts = {
      ...facts,
      primaryKeyword: primary,
      keywords: [primary, other, kw(facts, i + 2)],
      topic: title,
      outline: [],
    };
    return {
      offline: true,
      title,
      slug: slug(title).slice(0, 80).replace(/-+$/, ""),
      primaryKeyword: primary,
      keywords: [...new Set(ideaFacts.keywords)],
      description: clip(`Offline draft idea. ${paragraph(ideaFacts, title, rng, i, 2)}`, 400),
      contentType: facts.contentType,
      outline: defaultOutline(ideaFacts).map((s) => s.heading),
      wordCount: facts.wordCount,
      cluster: facts.cluster,
    };
  });
  return { offline: true, ideas };
}

export function imagePromptsDraft(facts: Facts): {
  offline: true;
  prompts: ImagePromptItem[];
  featured: ImagePromptItem;
  inArticle: ImagePromptItem[];
} {
  const count = Math.min(
    10,
    Math.max(1, facts.count ?? 1 + Math.min(3, facts.headings.length || 2)),
  );
  const prompts = imagePromptsFor(facts, count);
  return { offline: true, prompts, featured: prompts[0]!, inArticle: prompts.slice(1) };
}

/** The draft proposed for a chat request: a specialised one for known functions, else none. */
export function draftFor(fn: AiFunction, facts: Facts, rng: Rng): unknown {
  switch (fn) {
    case "content":
    case "optimize":
      return contentDraft(facts, rng.fork("content"));
    case "ideas":
      return ideasDraft(facts, rng.fork("ideas"));
    case "image_prompts":
      return imagePromptsDraft(facts);
    default:
      return undefined;
  }
}

/** Property names that mean the same thing in different schemas, normalised (lowercase, a-z0-9). */
const synonyms: Record<string, string[]> = {
  title: ["headline", "name", "h1", "heading", "ideatitle", "articletitle"],
  slug: ["urlslug", "permalink", "path"],
  metatitle: ["seotitle", "pagetitle"],
  metadescription: ["seodescription", "description", "summary", "excerpt", "metadesc"],
  excerpt: ["summary", "description", "intro", "lead"],
  description: ["summary", "excerpt", "brief", "rationale", "angle", "notes"],
  html: ["body", "bodyhtml", "contenthtml", "content", "article", "htmlbody"],
  outline: ["sections", "headings", "structure"],
  heading: ["title", "h2", "text", "name"],
  subheadings: ["children", "h3", "subsections", "points"],
  faq: ["faqs", "questions", "frequentlyaskedquestions"],
  question: ["q", "title"],
  answer: ["a", "text", "body"],
  imageprompts: ["images", "prompts", "imagepromptlist", "illustrations"],
  prompts: ["imageprompts", "images", "items"],
  prompt: ["imageprompt", "description", "text"],
  alt: ["alttext", "alternativetext"],
  caption: ["title"],
  placement: ["position", "type", "role", "kind"],
  keywords: ["keywordscovered", "secondarykeywords", "targetkeywords", "tags", "relatedkeywords"],
  primarykeyword: ["focuskeyword", "mainkeyword", "keyword", "targetkeyword"],
  wordcount: ["words", "estimatedwordcount", "targetwordcount", "length"],
  ideas: ["items", "suggestions", "contentideas"],
  contenttype: ["type", "format"],
  jsonld: ["schema", "structureddata", "schemaorg"],
  inarticle: ["inarticleimages", "sectionimages", "body"],
  featured: ["featuredimage", "hero", "cover"],
};

const norm = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, "");

/** Finds the draft's value for a schema property, by name or by a known synonym. */
export function draftChildHint(parent: unknown, key: string): unknown {
  if (!parent || typeof parent !== "object" || Array.isArray(parent)) return undefined;
  const byNorm = new Map(Object.entries(parent).map(([k, v]) => [norm(k), v]));
  const wanted = norm(key);
  if (byNorm.has(wanted)) return byNorm.get(wanted);
  for (const [canonical, alternatives] of Object.entries(synonyms)) {
    if (canonical !== wanted && !alternatives.includes(wanted)) continue;
    for (const candidate of [canonical, ...alternatives]) {
      if (byNorm.has(candidate)) return byNorm.get(candidate);
    }
  }
  return undefined;
}

/** A string for a place no draft covered, chosen by the property's name, built from the facts. */
export function fallbackText(facts: Facts, ctx: SampleContext, rng: Rng): string {
  const key = norm(ctx.key ?? "");
  const k = kw(facts, ctx.index);
  if (/slug|permalink/.test(key))
    return slug(`${facts.topic} ${ctx.index > 0 ? ctx.index + 1 : ""}`);
  if (/url|link|href|website/.test(key)) return `https://example.com/${slug(k)}`;
  if (/email/.test(key)) return "offline-draft@example.com";
  if (/html|body/.test(key))
    return `<p><strong>${escapeHtml(offlineNotice)}</strong></p>\n<p>${escapeHtml(paragraph(facts, k, rng, ctx.index, 2))}</p>`;
  if (/question/.test(key)) return `What should readers know about ${k}?`;
  if (/prompt/.test(key)) return `Image about ${k} for "${facts.topic}", editorial style, no text.`;
  if (/alt/.test(key)) return `Illustration of ${k}`;
  if (/title|headline|heading|name|label|cluster|group|category/.test(key)) return titleCase(k);
  if (/keyword|term|tag|topic|query|phrase|entity/.test(key)) return k;
  if (/colou?r/.test(key)) return `#${rng.int(0, 0xffffff).toString(16).padStart(6, "0")}`;
  if (/lang|locale/.test(key)) return "en";
  if (/date|time|at$/.test(key)) return new Date(Date.UTC(2026, 0, 1)).toISOString();
  if (/(^|[^a-z])id$|^id$|uuid/.test(key)) return `offline-${slug(k)}-${ctx.index + 1}`;
  if (/intent/.test(key))
    return rng.pick(["informational", "commercial", "transactional", "navigational"]);
  if (/status|state/.test(key)) return "offline_draft";
  if (/provider|source|generator|origin/.test(key)) return "offline";
  if (
    /description|summary|excerpt|reason|rationale|explanation|answer|text|notes?|content|angle|brief/.test(
      key,
    )
  ) {
    return `Offline draft. ${paragraph(facts, k, rng, ctx.index, 2)}`;
  }
  return `${capitalize(k)} (offline draft)`;
}

/** Numbers chosen by the property's name (counts, scores, word counts), inside the schema's bounds. */
export function fallbackNumber(facts: Facts, ctx: SampleContext): number | undefined {
  const key = norm(ctx.key ?? "");
  if (/wordcount|words|length/.test(key)) return facts.wordCount;
  if (/count|number|total/.test(key)) return facts.count ?? facts.keywords.length;
  if (/level/.test(key)) return 2;
  if (/priority|rank|order|position|index/.test(key)) return ctx.index + 1;
  return undefined;
}
