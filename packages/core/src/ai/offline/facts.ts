/**
 * The facts an offline draft is built from: the structured `inputs` a caller passes, completed by
 * what can be read from the rendered prompt ("Title: …" lines, bullet lists, frequent terms).
 */

export interface OutlineSection {
  heading: string;
  subheadings: string[];
}

export interface Facts {
  title?: string;
  /** The keyword the piece is about; the title's subject when no title was given. */
  primaryKeyword: string;
  /** Primary first, then the others, de-duplicated. */
  keywords: string[];
  cluster?: string;
  outline: OutlineSection[];
  audience?: string;
  tone?: string;
  readingLevel?: string;
  authorName?: string;
  brandFacts: string[];
  rules: string[];
  contentType: string;
  wordCount: number;
  /** How many items a list request asked for (ideas, image prompts). */
  count?: number;
  site?: string;
  sector?: string;
  /** Section headings of an existing article (image prompts). */
  headings: string[];
  topic: string;
}

const stopwords = new Set(
  `a about above after again all also an and any are as at be because been before being below
  between both but by can could did do does doing down during each few for from further had has
  have having he her here hers him his how i if in into is it its itself just me more most my no
  nor not now of off on once only or other our ours out over own same she should so some such than
  that the their them then there these they this those through to too under until up very was we
  were what when where which while who whom why will with would you your yours write article post
  page content json schema reply return output following given use using include includes based
  must each please make create generate words word section sections title keyword keywords`
    .split(/\s+/)
    .filter(Boolean),
);

type Dict = Record<string, unknown>;

const norm = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, "");

/** Looks `names` up in `source` ignoring case, `_`, `-` and spaces. */
function lookup(source: Dict | undefined, ...names: string[]): unknown {
  if (!source) return undefined;
  const wanted = new Set(names.map(norm));
  for (const [key, value] of Object.entries(source)) {
    if (wanted.has(norm(key)) && value !== undefined && value !== null && value !== "")
      return value;
  }
  return undefined;
}

function asText(value: unknown): string | undefined {
  if (typeof value === "string") return clean(value) || undefined;
  if (typeof value === "number") return String(value);
  if (value && typeof value === "object") {
    const named = lookup(
      value as Dict,
      "name",
      "title",
      "keyword",
      "term",
      "text",
      "heading",
      "label",
    );
    return typeof named === "string" ? clean(named) || undefined : undefined;
  }
  return undefined;
}

function asList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(asText).filter((v): v is string => Boolean(v));
  if (typeof value === "string") {
    return value
      .split(/[,;\n]/)
      .map(clean)
      .filter(Boolean);
  }
  const single = asText(value);
  return single ? [single] : [];
}

function asNumber(value: unknown): number | undefined {
  const n = typeof value === "string" ? Number.parseInt(value.replace(/[^\d]/g, ""), 10) : value;
  return typeof n === "number" && Number.isFinite(n) && n > 0 ? n : undefined;
}

function clean(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function asOutline(value: unknown): OutlineSection[] {
  if (!Array.isArray(value)) {
    if (value && typeof value === "object") {
      return asOutline(lookup(value as Dict, "sections", "items", "headings", "outline"));
    }
    return asList(value).map((heading) => ({ heading, subheadings: [] }));
  }
  return value
    .map((item): OutlineSection | undefined => {
      if (typeof item === "string")
        return clean(item) ? { heading: clean(item), subheadings: [] } : undefined;
      if (!item || typeof item !== "object") return undefined;
      const heading = asText(lookup(item as Dict, "heading", "title", "h2", "name", "text"));
      if (!heading) return undefined;
      const subheadings = asList(
        lookup(item as Dict, "subheadings", "children", "h3", "points", "subsections", "items"),
      );
      return { heading, subheadings };
    })
    .filter((s): s is OutlineSection => Boolean(s));
}

interface PromptFields {
  labels: Map<string, string>;
  lists: Map<string, { text: string; depth: number }[]>;
}

/** Reads "Label: value" lines and the bullet lists that follow a bare "Label:" line. */
function readPrompt(prompt: string): PromptFields {
  const labels = new Map<string, string>();
  const lists = new Map<string, { text: string; depth: number }[]>();
  let current: string | undefined;
  for (const line of prompt.split(/\r?\n/)) {
    const bullet = /^(\s*)(?:[-*•]|\d+[.)])\s+(.+)$/.exec(line);
    if (bullet && current) {
      lists.get(current)!.push({ text: clean(bullet[2]!), depth: bullet[1]!.length });
      continue;
    }
    const labelled = /^\s*#*\s*([A-Za-z][A-Za-z /_-]{1,40}):\s*(.*)$/.exec(line);
    if (labelled) {
      const label = norm(labelled[1]!);
      const value = clean(labelled[2]!);
      if (value) {
        labels.set(label, value);
        current = undefined;
      } else {
        current = label;
        lists.set(label, []);
      }
      continue;
    }
    if (line.trim() === "") continue;
    current = undefined;
  }
  return { labels, lists };
}

function fromPrompt(fields: PromptFields, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = fields.labels.get(norm(name));
    if (value) return value;
  }
  return undefined;
}

function listFromPrompt(
  fields: PromptFields,
  ...names: string[]
): { text: string; depth: number }[] {
  for (const name of names) {
    const list = fields.lists.get(norm(name));
    if (list && list.length > 0) return list;
  }
  return [];
}

/** The most frequent meaningful words and word pairs of a text, for prompts that name no keyword. */
export function frequentTerms(text: string, limit: number): string[] {
  const words = text
    .toLowerCase()
    .normalize("NFKC")
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 2 && !stopwords.has(w) && !/^\d+$/.test(w));
  const counts = new Map<string, number>();
  words.forEach((word, i) => {
    counts.set(word, (counts.get(word) ?? 0) + 1);
    const next = words[i + 1];
    if (next) counts.set(`${word} ${next}`, (counts.get(`${word} ${next}`) ?? 0) + 1.5);
  });
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([term]) => term)
    .slice(0, limit);
}

function dedupe(items: string[]): string[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = item.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function extractFacts(prompt: string, inputs: Dict = {}): Facts {
  const fields = readPrompt(prompt);
  const author = lookup(inputs, "author", "authorProfile", "profile") as Dict | undefined;
  const strategy = lookup(inputs, "strategy", "contentStrategy") as Dict | undefined;

  const title =
    asText(lookup(inputs, "title", "headline", "ideaTitle")) ??
    fromPrompt(fields, "title", "headline");
  const listed = dedupe([
    ...asList(lookup(inputs, "keywords", "targetKeywords", "secondaryKeywords", "keywordList")),
    ...listFromPrompt(fields, "keywords", "target keywords", "secondary keywords").map(
      (i) => i.text,
    ),
    ...asList(fromPrompt(fields, "keywords", "target keywords", "secondary keywords")),
  ]);
  const primary =
    asText(lookup(inputs, "primaryKeyword", "focusKeyword", "mainKeyword", "keyword")) ??
    fromPrompt(fields, "primary keyword", "focus keyword", "main keyword", "keyword") ??
    listed[0] ??
    asText(lookup(inputs, "topic", "subject")) ??
    fromPrompt(fields, "topic", "subject") ??
    title ??
    frequentTerms(prompt, 1)[0] ??
    "untitled topic";
  const keywords = dedupe([primary, ...listed]);
  if (keywords.length < 3)
    keywords.push(
      ...frequentTerms(prompt, 6)
        .filter((t) => !keywords.includes(t))
        .slice(0, 3 - keywords.length),
    );

  const outline = asOutline(lookup(inputs, "outline", "structure", "sections"));
  if (outline.length === 0) {
    const items = listFromPrompt(fields, "outline", "structure", "sections", "headings");
    const minDepth = Math.min(...items.map((i) => i.depth));
    for (const item of items) {
      if (item.depth > minDepth && outline.length > 0) outline.at(-1)!.subheadings.push(item.text);
      else outline.push({ heading: item.text, subheadings: [] });
    }
  }
  const headings = dedupe([
    ...asList(lookup(inputs, "headings", "sectionHeadings")),
    ...listFromPrompt(fields, "headings", "section headings").map((i) => i.text),
    ...outline.map((s) => s.heading),
  ]);

  return {
    title,
    primaryKeyword: primary,
    keywords,
    cluster:
      asText(lookup(inputs, "cluster", "clusterName", "topicCluster")) ??
      fromPrompt(fields, "cluster"),
    outline,
    audience:
      asText(lookup(author, "audience")) ??
      asText(lookup(inputs, "audience")) ??
      fromPrompt(fields, "audience", "target audience"),
    tone:
      asText(lookup(author, "tone", "voice")) ??
      asText(lookup(inputs, "tone")) ??
      fromPrompt(fields, "tone", "voice"),
    readingLevel: asText(lookup(author, "readingLevel")) ?? fromPrompt(fields, "reading level"),
    authorName: asText(lookup(author, "name")),
    brandFacts: asList(lookup(author, "brandFacts", "facts") ?? lookup(strategy, "brandFacts")),
    rules: asList(lookup(author, "rules") ?? lookup(strategy, "rules")),
    contentType:
      asText(lookup(inputs, "contentType", "type")) ??
      fromPrompt(fields, "content type", "type") ??
      "post",
    wordCount: Math.min(
      4000,
      Math.max(
        150,
        asNumber(lookup(inputs, "wordCount", "targetWordCount", "words")) ??
          asNumber(fromPrompt(fields, "word count", "target word count", "length")) ??
          900,
      ),
    ),
    count:
      asNumber(lookup(inputs, "count", "ideaCount", "numberOfIdeas", "promptCount", "n")) ??
      asNumber(fromPrompt(fields, "count", "number of ideas", "ideas", "number of images")),
    site: asText(lookup(inputs, "site", "siteName", "brand")),
    sector:
      asText(lookup(inputs, "sector", "industry", "niche")) ??
      fromPrompt(fields, "sector", "industry"),
    headings,
    topic: title ?? primary,
  };
}
