import type { ZodType } from "zod";

/** Every job the product gives a model; prompts, models, limits and credit rates are keyed by it. */
export const aiFunctions = [
  "ideas",
  "content",
  "image_prompts",
  "images",
  "optimize",
  "site_structure",
  "clustering",
] as const;

export type AiFunction = (typeof aiFunctions)[number];

export type ProviderName = "openai" | "offline";

/** Token counts as the provider reported them (the offline adapter counts characters / 4). */
export interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface ChatRequest<T> {
  function: AiFunction;
  /** Overrides the model configured for `function`. */
  model?: string;
  system: string;
  prompt: string;
  /** The reply must parse with this schema; it is sent to the provider as a JSON schema. */
  schema: ZodType<T>;
  /** Name of the JSON schema sent to the provider (letters, digits, `_` and `-`). */
  schemaName: string;
  /** Cap on completion tokens; also part of the rate limiter's estimate. */
  maxTokens?: number;
  temperature?: number;
  signal?: AbortSignal;
  /**
   * The structured facts the prompt was rendered from (keywords, title, outline, author profile…).
   * Providers with a real model ignore it; the offline adapter builds its draft from it.
   */
  inputs?: Record<string, unknown>;
}

export interface ChatResult<T> {
  data: T;
  /** Sum over every successful HTTP call this request made (including a repair call). */
  usage: Usage;
  model: string;
  provider: ProviderName;
  /** HTTP calls made, counting retries and the repair call; 1 for the offline adapter. */
  attempts: number;
}

export interface EmbedRequest {
  texts: string[];
  model?: string;
  signal?: AbortSignal;
}

export interface EmbedResult {
  vectors: number[][];
  usage: Usage;
  model: string;
  provider: ProviderName;
  attempts: number;
}

export const imageSizes = [
  "256x256",
  "512x512",
  "1024x1024",
  "1792x1024",
  "1024x1792",
  "1536x1024",
  "1024x1536",
] as const;

export type ImageSize = (typeof imageSizes)[number];

export interface ImageRequest {
  prompt: string;
  size: ImageSize;
  model?: string;
  /** Passed through to the provider ("standard", "hd", "low", "medium", "high"…). */
  quality?: string;
  signal?: AbortSignal;
}

export interface ImageResult {
  /** PNG bytes (signature checked); width and height are read from its IHDR chunk. */
  png: Uint8Array;
  width: number;
  height: number;
  model: string;
  provider: ProviderName;
  revisedPrompt?: string;
  /** Only image models that bill by tokens report usage. */
  usage?: Usage;
  attempts: number;
}

/** The port every AI caller uses; adapters: OpenAI-compatible (`openai.ts`) and offline. */
export interface AiProvider {
  readonly name: ProviderName;
  chat<T>(req: ChatRequest<T>): Promise<ChatResult<T>>;
  embed(req: EmbedRequest): Promise<EmbedResult>;
  image(req: ImageRequest): Promise<ImageResult>;
}

/**
 * How to reach one OpenAI-compatible endpoint. Callers resolve it per account (account settings,
 * then the product default); `resolveProvider` turns it into an adapter.
 */
export interface AiProviderConfig {
  /** e.g. https://api.openai.com/v1 or a self-hosted server's /v1; default OpenAI's. */
  baseUrl?: string;
  apiKey?: string;
  /** Chat model per AI function; `defaultModel` for the rest. */
  models?: Partial<Record<AiFunction, string>>;
  defaultModel?: string;
  embeddingModel?: string;
  imageModel?: string;
  /** Client-side limits shared by every caller of the same endpoint and key in this process. */
  requestsPerMinute?: number;
  tokensPerMinute?: number;
  /**
   * Length of the limits' window. 60 000 (a minute) for real providers; tests and benchmarks
   * compress time by pairing a short window with the test server's own.
   */
  rateWindowMs?: number;
  /** Burst kept below the limits, in ms of refill, against arrival jitter (default 1000). */
  rateHeadroomMs?: number;
  /** Per HTTP call; the call is aborted and retried (as `ai.timeout`) after this long. */
  timeoutMs?: number;
  /** Image generation is slower than chat; defaults to max(timeoutMs, 120 s). */
  imageTimeoutMs?: number;
  /** HTTP calls per logical call, counting the first (default 6). */
  maxAttempts?: number;
  /** Backoff for 5xx and timeouts: full jitter on min(maxDelay, base * 2^n). */
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  /** Most OpenAI models take `max_completion_tokens`; some self-hosted servers only `max_tokens`. */
  maxTokensParam?: "max_completion_tokens" | "max_tokens";
  /** Completion budget assumed by the limiter when a request sets no maxTokens. */
  defaultCompletionEstimate?: number;
}
