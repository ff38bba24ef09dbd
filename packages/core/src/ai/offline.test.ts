import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createOfflineProvider } from "./offline";
import { extractFacts } from "./offline/facts";
import { readPngChunks, readPngInfo } from "./png";
import type { ChatRequest } from "./types";

const ai = createOfflineProvider();

const contentSchema = z.object({
  offline: z.boolean(),
  title: z.string().min(10).max(70),
  slug: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/),
  metaTitle: z.string().max(60),
  metaDescription: z.string().min(50).max(160),
  outline: z.array(z.object({ heading: z.string(), subheadings: z.array(z.string()) })).min(2),
  html: z.string(),
  faq: z.array(z.object({ question: z.string().endsWith("?"), answer: z.string().min(20) })).min(3),
  imagePrompts: z
    .array(
      z.object({
        placement: z.enum(["featured", "in-article"]),
        prompt: z.string(),
        alt: z.string().max(125),
      }),
    )
    .min(1),
  keywordsCovered: z.array(z.string()),
  wordCount: z.number().int().positive(),
});

const contentRequest: ChatRequest<z.infer<typeof contentSchema>> = {
  function: "content",
  system: "You write helpful articles.",
  prompt: [
    "Write the article.",
    "Title: Choosing Trail Running Shoes <for> Beginners",
    "Primary keyword: trail running shoes",
    "Keywords:",
    "- shoe cushioning",
    "- rock plates",
    "Outline:",
    "- How trail shoes differ",
    "  - Grip and lugs",
    "  - Rock plates",
    "- Finding the right fit",
    "- Caring for your shoes",
    "Audience: new trail runners",
  ].join("\n"),
  schema: contentSchema,
  schemaName: "article",
  inputs: {
    wordCount: 600,
    author: { tone: "Friendly", brandFacts: ["Trailhead Co. has tested shoes since 2009"] },
  },
};

describe("offline chat", () => {
  it("builds a complete, schema-valid article from the prompt's real inputs", async () => {
    const result = await ai.chat(contentRequest);
    const data = result.data;
    expect(result.provider).toBe("offline");
    expect(result.model).toBe("offline-draft");
    expect(data.offline).toBe(true);
    expect(data.title).toBe("Choosing Trail Running Shoes <for> Beginners");
    expect(data.slug).toBe("choosing-trail-running-shoes-for-beginners");
    expect(data.outline.map((s) => s.heading)).toEqual([
      "How trail shoes differ",
      "Finding the right fit",
      "Caring for your shoes",
    ]);
    expect(data.outline[0]!.subheadings).toEqual(["Grip and lugs", "Rock plates"]);
    expect(data.keywordsCovered).toEqual(["trail running shoes", "shoe cushioning", "rock plates"]);
    expect(data.metaDescription).toMatch(/^Offline draft/);
    // HTML: the notice first, real headings, lists, escaped input, no script.
    expect(data.html).toMatch(/^<p><strong>Offline draft/);
    expect(data.html).toContain("<h2>How trail shoes differ</h2>");
    expect(data.html).toContain("<h3>Grip and lugs</h3>");
    expect(data.html).toMatch(/<ul><li>.+<\/li><\/ul>/);
    expect(data.html).toContain("new trail runners");
    expect(data.html).not.toContain("<for>");
    expect(data.faq.some((f) => f.question.includes("shoe cushioning"))).toBe(true);
    expect(data.imagePrompts[0]!.placement).toBe("featured");
    expect(data.imagePrompts[0]!.prompt).toContain("trail running shoes");
    const text = data.html.replace(/<[^>]+>/g, " ");
    expect(text.split(/\s+/).filter(Boolean).length).toBeGreaterThanOrEqual(500);
    expect(result.usage.totalTokens).toBe(
      result.usage.promptTokens + result.usage.completionTokens,
    );
    expect(result.usage.promptTokens).toBe(
      Math.ceil(contentRequest.system.length / 4) + Math.ceil(contentRequest.prompt.length / 4),
    );
  });

  it("is deterministic: the same request gives the same result, another prompt another result", async () => {
    const a = await ai.chat(contentRequest);
    const b = await ai.chat(contentRequest);
    expect(b).toEqual(a);
    const c = await ai.chat({
      ...contentRequest,
      prompt: `${contentRequest.prompt}\nTone: formal`,
    });
    expect(c.data.html).not.toEqual(a.data.html);
  });

  it("uses structured inputs over the prompt, and invents no keyword", async () => {
    const result = await ai.chat({
      ...contentRequest,
      prompt: "Write it.",
      inputs: {
        primaryKeyword: "sourdough starter",
        keywords: [{ keyword: "rye flour" }, { keyword: "hydration" }],
        cluster: { name: "Home baking" },
        outline: [
          { heading: "Feeding schedule", subheadings: ["Morning", "Evening"] },
          { heading: "Troubleshooting" },
        ],
      },
    });
    expect(result.data.title).toBe("Sourdough Starter: a Practical Guide");
    expect(result.data.keywordsCovered).toEqual(["sourdough starter", "rye flour", "hydration"]);
    expect(result.data.html).toContain("<h3>Evening</h3>");
    expect(result.data.html).toContain("Home baking");
  });

  it("answers ideas with one idea per requested count, built from the keywords", async () => {
    const schema = z.object({
      ideas: z
        .array(
          z.object({
            title: z.string(),
            primaryKeyword: z.string(),
            description: z.string(),
            contentType: z.enum(["post", "page", "product"]),
            outline: z.array(z.string()).min(3),
          }),
        )
        .min(1),
    });
    const keywords = ["solar panels", "home battery", "net metering"];
    const result = await ai.chat({
      function: "ideas",
      system: "",
      prompt: "Suggest ideas.",
      schema,
      schemaName: "ideas",
      inputs: { keywords, cluster: "Home solar", count: 4 },
    });
    expect(result.data.ideas).toHaveLength(4);
    for (const idea of result.data.ideas) {
      expect(keywords).toContain(idea.primaryKeyword);
      expect(idea.description).toMatch(/^Offline draft/);
    }
    expect(new Set(result.data.ideas.map((i) => i.title)).size).toBe(4);
  });

  it("answers image prompts for the article's sections", async () => {
    const schema = z.object({
      featured: z.object({ prompt: z.string(), alt: z.string() }),
      inArticle: z.array(z.object({ prompt: z.string(), alt: z.string(), section: z.string() })),
    });
    const result = await ai.chat({
      function: "image_prompts",
      system: "",
      prompt: "Title: Winter Cycling\nHeadings:\n- Layering\n- Lights",
      schema,
      schemaName: "image_prompts",
    });
    expect(result.data.featured.prompt).toContain("Winter Cycling");
    expect(result.data.inArticle.map((i) => i.section)).toEqual(["Layering", "Lights"]);
  });

  it("satisfies arbitrary schemas: formats, patterns, bounds, unions, records, tuples, recursion", async () => {
    type Node = { name: string; children: Node[] };
    const node: z.ZodType<Node> = z.lazy(() =>
      z.object({ name: z.string(), children: z.array(node) }),
    );
    const schemas = [
      z.object({
        email: z.email(),
        site: z.url(),
        id: z.uuid(),
        when: z.iso.datetime(),
        day: z.iso.date(),
        code: z.string().regex(/^[A-Z]{3}-\d{4}$/),
        score: z.number().min(0.5).max(0.9),
        count: z.number().int().multipleOf(5).min(7).max(30),
        tags: z.array(z.string()).min(4).max(6),
        unique: z.array(z.enum(["a", "b", "c"])).length(3),
      }),
      z.object({
        kind: z.literal("summary"),
        choice: z.union([z.number(), z.boolean()]),
        shape: z.discriminatedUnion("type", [
          z.object({ type: z.literal("circle"), radius: z.number().positive() }),
          z.object({ type: z.literal("square"), side: z.number() }),
        ]),
        maybe: z.string().nullable(),
        optional: z.string().optional(),
        withDefault: z.number().default(3),
        scores: z.record(z.string(), z.number().int()),
        pair: z.tuple([z.string(), z.number()]),
      }),
      z.object({ tree: node }),
      z.object({
        strict: z.strictObject({ a: z.string().length(8) }),
        loose: z.looseObject({ b: z.boolean() }),
      }),
    ];
    for (const [i, schema] of schemas.entries()) {
      const result = await ai.chat({
        function: "site_structure",
        system: "",
        prompt: "Plan the hiking gear site",
        schema: schema as z.ZodType<unknown>,
        schemaName: `s${i}`,
      });
      expect(schema.safeParse(result.data).success, `schema ${i}`).toBe(true);
    }
    const loose = await ai.chat({
      function: "clustering",
      system: "",
      prompt: "Group hiking keywords",
      schema: z.looseObject({ groups: z.array(z.looseObject({ name: z.string() })) }),
      schemaName: "groups",
    });
    // Objects that accept extra keys carry the offline marker.
    expect(loose.data).toMatchObject({ offline: true });
    expect(loose.data.groups[0]).toMatchObject({ offline: true });
  });

  it("reports a custom refinement it cannot see as ai.invalid_output", async () => {
    const schema = z.object({
      even: z
        .number()
        .int()
        .refine((n) => n % 2 === 0 && n > 1000),
    });
    await expect(
      ai.chat({ function: "optimize", system: "", prompt: "x", schema, schemaName: "refined" }),
    ).rejects.toMatchObject({ code: "ai.invalid_output" });
  });
});

describe("facts from prompts", () => {
  it("reads labels, bullet lists and frequent terms", () => {
    const facts = extractFacts(
      "Keyword: espresso grinder\nWord count: 1,200\nSector: coffee\n\nSome text about burrs and burrs.",
    );
    expect(facts.primaryKeyword).toBe("espresso grinder");
    expect(facts.wordCount).toBe(1200);
    expect(facts.sector).toBe("coffee");
    const fallback = extractFacts(
      "Compare burr grinders and blade grinders for espresso. Burr grinders win.",
    );
    expect(fallback.primaryKeyword).toMatch(/burr|grinders/);
  });
});

describe("offline embeddings", () => {
  it("returns deterministic unit vectors where similar texts are closer", async () => {
    const texts = ["trail running shoes", "trail running shoe", "mortgage interest rates"];
    const a = await ai.embed({ texts });
    const b = await ai.embed({ texts });
    expect(a).toEqual(b);
    expect(a.provider).toBe("offline");
    expect(a.vectors).toHaveLength(3);
    for (const v of a.vectors) {
      expect(v).toHaveLength(256);
      expect(Math.hypot(...v)).toBeCloseTo(1, 6);
    }
    const cos = (x: number[], y: number[]) => x.reduce((s, v, i) => s + v * y[i]!, 0);
    expect(cos(a.vectors[0]!, a.vectors[1]!)).toBeGreaterThan(0.7);
    expect(cos(a.vectors[0]!, a.vectors[2]!)).toBeLessThan(0.3);
    expect(a.usage.promptTokens).toBe(texts.reduce((s, t) => s + Math.ceil(t.length / 4), 0));
  });
});

describe("offline images", () => {
  it("renders a valid PNG at the requested size, deterministic per prompt, stamped offline", async () => {
    const result = await ai.image({ prompt: "A trail at dawn", size: "1792x1024" });
    const again = await ai.image({ prompt: "A trail at dawn", size: "1792x1024" });
    const other = await ai.image({ prompt: "A desert road", size: "1792x1024" });
    expect(result).toMatchObject({
      width: 1792,
      height: 1024,
      provider: "offline",
      model: "offline-image",
    });
    expect(Buffer.from(result.png).equals(Buffer.from(again.png))).toBe(true);
    expect(Buffer.from(result.png).equals(Buffer.from(other.png))).toBe(false);

    expect(Buffer.from(result.png.subarray(0, 8)).toString("hex")).toBe("89504e470d0a1a0a");
    expect(readPngInfo(result.png)).toEqual({
      width: 1792,
      height: 1024,
      bitDepth: 8,
      colourType: 2,
    });
    const chunks = readPngChunks(result.png);
    expect(chunks.every((c) => c.crcOk)).toBe(true);
    expect(chunks.map((c) => c.type)).toEqual(["IHDR", "tEXt", "tEXt", "tEXt", "IDAT", "IEND"]);
    expect(
      chunks.some((c) => c.type === "tEXt" && c.data.toString("latin1").includes("Offline draft")),
    ).toBe(true);
    const raw = inflateSync(
      Buffer.concat(chunks.filter((c) => c.type === "IDAT").map((c) => c.data)),
    );
    expect(raw.length).toBe((1792 * 3 + 1) * 1024);
    // Each scanline starts with a valid filter type.
    for (let y = 0; y < 1024; y++) expect(raw[y * (1792 * 3 + 1)]).toBeLessThanOrEqual(4);
  });

  it("honours every listed size", async () => {
    for (const size of [
      "256x256",
      "512x512",
      "1024x1024",
      "1024x1792",
      "1536x1024",
      "1024x1536",
    ] as const) {
      const result = await ai.image({ prompt: "x", size });
      const [w, h] = size.split("x").map(Number);
      expect(readPngInfo(result.png)).toMatchObject({ width: w, height: h });
    }
  });
});
