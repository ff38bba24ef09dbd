import { z } from "zod";
import type { ContentType } from "../task";

/**
 * What a model must answer for each content type. Every field is required (nullable where it may
 * be empty) so the schema fits OpenAI's strict structured outputs; lengths are checked loosely
 * here and normalised afterwards (a meta title of 64 characters is clipped, not refused).
 */

const Text = z.string().max(2000);

const base = {
  title: z.string().min(1).max(300),
  slug: z.string().max(300),
  metaTitle: z.string().max(300),
  metaDescription: z.string().max(1000),
  excerpt: z.string().max(2000),
  outline: z.array(z.object({ heading: z.string().max(300), subheadings: z.array(z.string().max(300)) })).max(40),
  html: z.string().min(1).max(400_000),
  faq: z.array(z.object({ question: z.string().min(1).max(500), answer: z.string().min(1).max(3000) })).max(20),
  keywordsCovered: z.array(z.string().max(200)).max(100),
};

export const articleSchema = z.object(base);

export const productSchema = z.object({
  ...base,
  product: z.object({ name: z.string().min(1).max(200), summary: Text, features: z.array(Text).max(30), benefits: z.array(Text).max(30) }),
});

export const serviceSchema = z.object({
  ...base,
  service: z.object({
    name: z.string().min(1).max(200),
    serviceType: z.string().max(200),
    areaServed: z.string().max(200),
    steps: z.array(Text).max(20),
  }),
});

export const taxonomySchema = z.object({ ...base, subtopics: z.array(z.string().max(200)).max(30) });

export type GeneratedContent = z.infer<typeof articleSchema> & {
  product?: z.infer<typeof productSchema>["product"];
  service?: z.infer<typeof serviceSchema>["service"];
  subtopics?: string[];
};

export function outputSchema(type: ContentType): { schema: z.ZodType<GeneratedContent>; name: string } {
  switch (type) {
    case "product":
      return { schema: productSchema as z.ZodType<GeneratedContent>, name: "product_content" };
    case "service":
      return { schema: serviceSchema as z.ZodType<GeneratedContent>, name: "service_content" };
    case "taxonomy":
      return { schema: taxonomySchema as z.ZodType<GeneratedContent>, name: "taxonomy_content" };
    default:
      return { schema: articleSchema as z.ZodType<GeneratedContent>, name: `${type}_content` };
  }
}

const ImagePrompt = z.object({ prompt: z.string().min(1).max(2000), alt: z.string().max(500), caption: z.string().max(500) });

export const imagePromptsSchema = z.object({
  featured: ImagePrompt,
  inArticle: z.array(ImagePrompt.extend({ section: z.string().max(300) })).max(20),
});
export type GeneratedImagePrompts = z.infer<typeof imagePromptsSchema>;
