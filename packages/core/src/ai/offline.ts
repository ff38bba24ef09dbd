import { aiError } from "./errors";
import { draftChildHint, draftFor, fallbackNumber, fallbackText } from "./offline/drafts";
import { ngramVector, offlineEmbeddingDims } from "./offline/embed";
import { extractFacts } from "./offline/facts";
import { renderOfflineImage } from "./offline/image";
import { sampleJsonSchema } from "./offline/sample";
import { rngFrom } from "./offline/seed";
import { inputJsonSchema } from "./structured";
import type {
  AiProvider,
  ChatRequest,
  ChatResult,
  EmbedRequest,
  EmbedResult,
  ImageRequest,
  ImageResult,
} from "./types";

export const offlineModels = {
  chat: "offline-draft",
  embedding: `offline-ngram-${offlineEmbeddingDims}`,
  image: "offline-image",
} as const;

const tokens = (text: string) => Math.ceil(text.length / 4);

/**
 * The provider used when no key is configured. Deterministic (seeded by the request), never
 * pretending: results say `provider: "offline"`, objects carry `offline: true` where the schema
 * lets them, texts carry an "Offline draft" notice and images are stamped "OFFLINE DRAFT".
 * Usage is counted as characters / 4 so credits and limits behave as with a real provider.
 */
export function createOfflineProvider(): AiProvider {
  return {
    name: "offline",

    async chat<T>(req: ChatRequest<T>): Promise<ChatResult<T>> {
      if (req.signal?.aborted) throw req.signal.reason;
      const facts = extractFacts(req.prompt, req.inputs ?? {});
      const rng = rngFrom(
        "chat",
        req.function,
        req.schemaName,
        req.system,
        req.prompt,
        req.inputs ?? null,
      );
      const textRng = rng.fork("text");
      const value = sampleJsonSchema(inputJsonSchema(req.schema), {
        rng: rng.fork("sample"),
        hint: draftFor(req.function, facts, rng),
        childHint: draftChildHint,
        text: (ctx) => fallbackText(facts, ctx, textRng),
        number: (ctx) => fallbackNumber(facts, ctx),
        mark: true,
      });
      const parsed = req.schema.safeParse(value);
      if (!parsed.success) {
        // A refinement JSON schema cannot express (a custom check) is the usual cause.
        throw aiError(
          "ai.invalid_output",
          `The offline adapter could not satisfy ${req.schemaName}`,
          {
            provider: "offline",
            issues: parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`),
          },
        );
      }
      const promptTokens = tokens(req.system) + tokens(req.prompt);
      const completionTokens = tokens(JSON.stringify(value));
      return {
        data: parsed.data,
        usage: { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens },
        model: offlineModels.chat,
        provider: "offline",
        attempts: 1,
      };
    },

    async embed(req: EmbedRequest): Promise<EmbedResult> {
      if (req.signal?.aborted) throw req.signal.reason;
      const promptTokens = req.texts.reduce((sum, text) => sum + tokens(text), 0);
      return {
        vectors: req.texts.map((text) => ngramVector(text)),
        usage: { promptTokens, completionTokens: 0, totalTokens: promptTokens },
        model: offlineModels.embedding,
        provider: "offline",
        attempts: 1,
      };
    },

    async image(req: ImageRequest): Promise<ImageResult> {
      if (req.signal?.aborted) throw req.signal.reason;
      const match = /^(\d{2,4})x(\d{2,4})$/.exec(req.size);
      if (!match) {
        throw aiError("ai.bad_request", `Unknown image size ${req.size}`, {
          fields: [{ path: "size", message: "expected WIDTHxHEIGHT" }],
        });
      }
      const width = Number(match[1]);
      const height = Number(match[2]);
      return {
        png: renderOfflineImage(req.prompt, width, height),
        width,
        height,
        model: offlineModels.image,
        provider: "offline",
        attempts: 1,
      };
    },
  };
}
