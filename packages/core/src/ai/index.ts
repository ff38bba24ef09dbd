export * as Ai from "./index";

import { z } from "zod";
import { VisibleError } from "../util/error";
import { createOfflineProvider } from "./offline";
import { createOpenAiProvider, type OpenAiProviderOptions } from "./openai";
import { type AiFunction, type AiProvider, type AiProviderConfig, aiFunctions } from "./types";

export * from "./backoff";
export * from "./errors";
export * from "./limiter";
export { createOfflineProvider, offlineModels } from "./offline";
export { offlineNotice } from "./offline/drafts";
export {
  type AiCallRecord,
  createOpenAiProvider,
  defaults,
  type OpenAiProviderOptions,
} from "./openai";
export { crc32, encodePng, readPngChunks, readPngInfo } from "./png";
export { inputJsonSchema, parseReply, responseFormat } from "./structured";
export * from "./types";

/**
 * The adapter for a resolved configuration: OpenAI-compatible when it names a key or a base URL
 * (self-hosted servers may need no key), otherwise the offline adapter.
 */
export function resolveProvider(
  config: AiProviderConfig | undefined,
  options?: OpenAiProviderOptions,
): AiProvider {
  if (!config?.apiKey && !config?.baseUrl) return createOfflineProvider();
  return createOpenAiProvider(config, options);
}

const positive = z.coerce.number().int().positive().optional();

const envSchema = z.object({
  IGNY8_AI_BASE_URL: z.url().optional(),
  IGNY8_AI_API_KEY: z.string().min(1).optional(),
  IGNY8_AI_MODEL: z.string().min(1).optional(),
  IGNY8_AI_EMBEDDING_MODEL: z.string().min(1).optional(),
  IGNY8_AI_IMAGE_MODEL: z.string().min(1).optional(),
  IGNY8_AI_RPM: positive,
  IGNY8_AI_TPM: positive,
  IGNY8_AI_TIMEOUT_MS: positive,
});

/**
 * The product-wide default provider configuration from the environment (accounts may override
 * it). `IGNY8_AI_MODEL_<FUNCTION>` (e.g. IGNY8_AI_MODEL_CONTENT) picks a model per AI function.
 * Undefined when neither a key nor a base URL is set: the offline adapter applies.
 */
export function providerConfigFromEnv(
  env: Record<string, string | undefined> = process.env,
): AiProviderConfig | undefined {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new VisibleError(
      "input",
      "config.invalid",
      `Setting ${issue?.path.join(".")} is invalid: ${issue?.message}`,
    );
  }
  const e = parsed.data;
  if (!e.IGNY8_AI_API_KEY && !e.IGNY8_AI_BASE_URL) return undefined;
  const models: Partial<Record<AiFunction, string>> = {};
  for (const fn of aiFunctions) {
    const model = env[`IGNY8_AI_MODEL_${fn.toUpperCase()}`];
    if (model) models[fn] = model;
  }
  return {
    baseUrl: e.IGNY8_AI_BASE_URL,
    apiKey: e.IGNY8_AI_API_KEY,
    defaultModel: e.IGNY8_AI_MODEL,
    models,
    embeddingModel: e.IGNY8_AI_EMBEDDING_MODEL,
    imageModel: e.IGNY8_AI_IMAGE_MODEL,
    requestsPerMinute: e.IGNY8_AI_RPM,
    tokensPerMinute: e.IGNY8_AI_TPM,
    timeoutMs: e.IGNY8_AI_TIMEOUT_MS,
  };
}
