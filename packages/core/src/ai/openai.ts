import OpenAI, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from "openai";
import type { ChatCompletion, ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { logger } from "../log";
import type { VisibleError } from "../util/error";
import { backoffDelay, rateLimitHeaders, retryAfterMs, sleep } from "./backoff";
import { aiError } from "./errors";
import { estimateTokens, type RateLimiter, sharedLimiter } from "./limiter";
import { readPngInfo } from "./png";
import { parseReply, repairMessage, responseFormat } from "./structured";
import type {
  AiFunction,
  AiProvider,
  AiProviderConfig,
  ChatRequest,
  ChatResult,
  EmbedRequest,
  EmbedResult,
  ImageRequest,
  ImageResult,
  Usage,
} from "./types";

export const defaults = {
  baseUrl: "https://api.openai.com/v1",
  chatModel: "gpt-4o-mini",
  embeddingModel: "text-embedding-3-small",
  imageModel: "gpt-image-1",
  timeoutMs: 60_000,
  imageTimeoutMs: 120_000,
  maxAttempts: 6,
  retryBaseDelayMs: 500,
  retryMaxDelayMs: 20_000,
  rateWindowMs: 60_000,
  defaultCompletionEstimate: 1_000,
} as const;

/** One HTTP call as it happened: for metrics, tests and (later) reconciling credits. */
export interface AiCallRecord {
  operation: "chat" | "embed" | "image";
  function?: AiFunction;
  model: string;
  attempt: number;
  /** HTTP status, or "timeout" / "network" when no answer came. */
  status: number | "timeout" | "network";
  ok: boolean;
  usage?: Usage;
  durationMs: number;
  /** The wait a 429 asked for, or the backoff before the next attempt. */
  waitMs?: number;
}

export interface OpenAiProviderOptions {
  /** Defaults to the process-wide limiter of this endpoint and key. */
  limiter?: RateLimiter;
  onCall?: (record: AiCallRecord) => void;
  /** Jitter source; tests may fix it. */
  random?: () => number;
}

const zeroUsage = (): Usage => ({ promptTokens: 0, completionTokens: 0, totalTokens: 0 });

function addUsage(a: Usage, b: Usage | undefined): Usage {
  if (!b) return a;
  return {
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    totalTokens: a.totalTokens + b.totalTokens,
  };
}

interface Exchange<R> {
  data: R;
  usage?: Usage;
  attempts: number;
}

/** The adapter for OpenAI and any OpenAI-compatible server (vLLM, Ollama, LiteLLM, …). */
export function createOpenAiProvider(
  config: AiProviderConfig,
  options: OpenAiProviderOptions = {},
): AiProvider {
  const baseUrl = (config.baseUrl ?? defaults.baseUrl).replace(/\/+$/, "");
  // Self-hosted servers often take no key; the SDK insists on one.
  const apiKey = config.apiKey ?? "none";
  const timeoutMs = config.timeoutMs ?? defaults.timeoutMs;
  const imageTimeoutMs = config.imageTimeoutMs ?? Math.max(timeoutMs, defaults.imageTimeoutMs);
  const maxAttempts = Math.max(1, config.maxAttempts ?? defaults.maxAttempts);
  const baseDelay = config.retryBaseDelayMs ?? defaults.retryBaseDelayMs;
  const maxDelay = config.retryMaxDelayMs ?? defaults.retryMaxDelayMs;
  const random = options.random ?? Math.random;
  const limiter =
    options.limiter ??
    sharedLimiter(baseUrl, apiKey, {
      requestsPerWindow: config.requestsPerMinute,
      tokensPerWindow: config.tokensPerMinute,
      windowMs: config.rateWindowMs ?? defaults.rateWindowMs,
      headroomMs: config.rateHeadroomMs,
    });
  // Retries are ours (shared limiter, retry-after, jitter); the SDK's timeout is only a backstop.
  const client = new OpenAI({
    apiKey,
    baseURL: baseUrl,
    maxRetries: 0,
    timeout: Math.max(timeoutMs, imageTimeoutMs) + 5_000,
  });

  /**
   * One logical HTTP call with limiter, timeout and retries. 429: the whole key pauses for the
   * retry-after; 5xx, 408/409, timeouts and connection failures: backoff with full jitter;
   * other 4xx: `ai.bad_request` at once.
   */
  async function exchange<R>(op: {
    operation: AiCallRecord["operation"];
    function?: AiFunction;
    model: string;
    estimate: number;
    timeoutMs: number;
    signal?: AbortSignal;
    send: (signal: AbortSignal) => Promise<{ data: R; response: Response }>;
    usageOf: (data: R) => Usage | undefined;
  }): Promise<Exchange<R>> {
    let lastError: VisibleError | undefined;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const permit = await limiter.acquire({ tokens: op.estimate }, op.signal);
      const controller = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort(new Error("timeout"));
      }, op.timeoutMs);
      const onCallerAbort = () => controller.abort(op.signal?.reason);
      op.signal?.addEventListener("abort", onCallerAbort, { once: true });
      const started = Date.now();
      const record = (status: AiCallRecord["status"], extra: Partial<AiCallRecord> = {}) =>
        options.onCall?.({
          operation: op.operation,
          function: op.function,
          model: op.model,
          attempt,
          status,
          ok: false,
          durationMs: Date.now() - started,
          ...extra,
        });
      try {
        const { data, response } = await op.send(controller.signal);
        limiter.observe(rateLimitHeaders(response.headers));
        const usage = op.usageOf(data);
        permit.settle(usage?.totalTokens ?? op.estimate);
        record(response.status, { ok: true, usage });
        return { data, usage, attempts: attempt };
      } catch (error) {
        if (op.signal?.aborted) {
          permit.refund();
          throw op.signal.reason;
        }
        const isLast = attempt === maxAttempts;
        const backoff = backoffDelay(attempt - 1, baseDelay, maxDelay, random);
        if (timedOut || error instanceof APIConnectionTimeoutError) {
          // The server may have done (and counted) the work: keep the estimate charged.
          permit.settle(op.estimate);
          record("timeout", { waitMs: isLast ? undefined : backoff });
          lastError = aiError(
            "ai.timeout",
            `The AI provider did not answer within ${op.timeoutMs} ms`,
            { attempts: attempt, timeoutMs: op.timeoutMs },
            error,
          );
          if (!isLast) await sleep(backoff, op.signal);
          continue;
        }
        if (error instanceof APIUserAbortError) throw error;
        if (error instanceof APIError && typeof error.status === "number") {
          const status = error.status;
          const headers = error.headers;
          limiter.observe(rateLimitHeaders(headers));
          const providerCode = error.code ?? undefined;
          if (status === 429) {
            permit.refund();
            const waitMs = retryAfterMs(headers) ?? backoff;
            limiter.pauseUntil(Date.now() + waitMs);
            record(status, { waitMs });
            lastError = aiError(
              "ai.rate_limited",
              "The AI provider is rate limiting this key",
              { status, retryAfterMs: waitMs, attempts: attempt, providerCode },
              error,
            );
            logger.debug({ status, waitMs, attempt }, "ai: rate limited, pausing the key");
            continue;
          }
          if (status >= 500 || status === 408 || status === 409) {
            permit.settle(0);
            record(status, { waitMs: isLast ? undefined : backoff });
            lastError = aiError(
              status === 408 ? "ai.timeout" : "ai.provider_error",
              `The AI provider failed (HTTP ${status})`,
              { status, attempts: attempt, providerCode },
              error,
            );
            if (!isLast) await sleep(backoff, op.signal);
            continue;
          }
          permit.settle(0);
          record(status);
          throw aiError(
            "ai.bad_request",
            `The AI provider rejected the request (HTTP ${status}): ${providerMessage(error)}`,
            { status, attempts: attempt, providerCode, param: error.param ?? undefined },
            error,
          );
        }
        if (error instanceof APIConnectionError) {
          permit.refund();
          record("network", { waitMs: isLast ? undefined : backoff });
          lastError = aiError(
            "ai.provider_error",
            `Could not reach the AI provider: ${error.message}`,
            { attempts: attempt },
            error,
          );
          if (!isLast) await sleep(backoff, op.signal);
          continue;
        }
        permit.refund();
        throw error;
      } finally {
        clearTimeout(timer);
        op.signal?.removeEventListener("abort", onCallerAbort);
      }
    }
    throw lastError ?? aiError("ai.provider_error", "The AI provider call failed");
  }

  const chatModel = (fn: AiFunction, override?: string) =>
    override ?? config.models?.[fn] ?? config.defaultModel ?? defaults.chatModel;

  async function complete<T>(
    req: ChatRequest<T>,
    model: string,
    messages: ChatCompletionMessageParam[],
  ): Promise<Exchange<ChatCompletion>> {
    const format = responseFormat(req.schema, req.schemaName);
    const budget =
      req.maxTokens ?? config.defaultCompletionEstimate ?? defaults.defaultCompletionEstimate;
    const maxTokensParam = config.maxTokensParam ?? "max_completion_tokens";
    const body = {
      model,
      messages,
      response_format: format,
      ...(req.maxTokens ? { [maxTokensParam]: req.maxTokens } : {}),
      ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
    };
    return exchange({
      operation: "chat",
      function: req.function,
      model,
      estimate: estimateTokens(
        messages.map((m) => (typeof m.content === "string" ? m.content : "")),
        budget,
      ),
      timeoutMs,
      signal: req.signal,
      send: (signal) =>
        client.chat.completions
          .create(body as OpenAI.ChatCompletionCreateParamsNonStreaming, { signal })
          .withResponse(),
      usageOf: (data) => chatUsage(data, messages),
    });
  }

  return {
    name: "openai",

    async chat<T>(req: ChatRequest<T>): Promise<ChatResult<T>> {
      const model = chatModel(req.function, req.model);
      const messages: ChatCompletionMessageParam[] = [
        { role: "system", content: req.system },
        { role: "user", content: req.prompt },
      ];
      let usage = zeroUsage();
      let attempts = 0;
      let problem = "";
      let issues: string[] = [];
      // The first answer, then at most one repair call that shows the model its mistake.
      for (let round = 0; round < 2; round++) {
        const answer = await complete(req, model, messages);
        usage = addUsage(usage, answer.usage);
        attempts += answer.attempts;
        const choice = answer.data.choices?.[0];
        const content = choice?.message?.content ?? "";
        if (choice?.finish_reason === "length") {
          throw aiError(
            "ai.truncated",
            `The reply hit the token limit (${req.maxTokens ?? "provider default"}) before it ended`,
            { attempts, usage, maxTokens: req.maxTokens },
          );
        }
        if (choice?.message?.refusal || choice?.finish_reason === "content_filter") {
          throw aiError("ai.invalid_output", "The model refused or was filtered", {
            attempts,
            usage,
            refusal: choice?.message?.refusal ?? undefined,
            finishReason: choice?.finish_reason,
          });
        }
        const parsed = parseReply(content, req.schema);
        if (parsed.ok) {
          return {
            data: parsed.data,
            usage,
            model: answer.data.model || model,
            provider: "openai",
            attempts,
          };
        }
        problem = parsed.problem;
        issues = parsed.issues;
        messages.push(
          { role: "assistant", content },
          { role: "user", content: repairMessage(parsed.problem, req.schemaName) },
        );
      }
      throw aiError(
        "ai.invalid_output",
        `The model's reply did not match ${req.schemaName}, even after a repair attempt`,
        { attempts, usage, issues, problem },
      );
    },

    async embed(req: EmbedRequest): Promise<EmbedResult> {
      const model = req.model ?? config.embeddingModel ?? defaults.embeddingModel;
      if (req.texts.length === 0) {
        return { vectors: [], usage: zeroUsage(), model, provider: "openai", attempts: 0 };
      }
      const answer = await exchange({
        operation: "embed",
        model,
        estimate: estimateTokens(req.texts, 0),
        timeoutMs,
        signal: req.signal,
        send: (signal) =>
          client.embeddings
            .create({ model, input: req.texts, encoding_format: "float" }, { signal })
            .withResponse(),
        usageOf: (data) =>
          data.usage
            ? {
                promptTokens: data.usage.prompt_tokens,
                completionTokens: 0,
                totalTokens: data.usage.total_tokens,
              }
            : undefined,
      });
      const rows = [...answer.data.data].sort((a, b) => a.index - b.index);
      if (rows.length !== req.texts.length) {
        throw aiError(
          "ai.invalid_output",
          "The provider returned a different number of embeddings",
          {
            expected: req.texts.length,
            received: rows.length,
          },
        );
      }
      return {
        vectors: rows.map((row) => Array.from(row.embedding as ArrayLike<number>)),
        usage: answer.usage ?? {
          ...zeroUsage(),
          promptTokens: answer.data.usage?.prompt_tokens ?? 0,
        },
        model: answer.data.model || model,
        provider: "openai",
        attempts: answer.attempts,
      };
    },

    async image(req: ImageRequest): Promise<ImageResult> {
      const model = req.model ?? config.imageModel ?? defaults.imageModel;
      const gptImage = model.startsWith("gpt-image");
      const body = {
        model,
        prompt: req.prompt,
        n: 1,
        size: gptImage ? gptImageSize(req.size) : req.size,
        // GPT image models always answer in base64 and reject the parameter.
        ...(gptImage ? { output_format: "png" } : { response_format: "b64_json" }),
        ...(req.quality ? { quality: req.quality } : {}),
      };
      const answer = await exchange({
        operation: "image",
        function: "images",
        model,
        estimate: estimateTokens([req.prompt], 0),
        timeoutMs: imageTimeoutMs,
        signal: req.signal,
        send: (signal) =>
          client.images
            .generate(body as OpenAI.ImageGenerateParamsNonStreaming, { signal })
            .withResponse(),
        usageOf: (data) =>
          data.usage
            ? {
                promptTokens: data.usage.input_tokens,
                completionTokens: data.usage.output_tokens,
                totalTokens: data.usage.total_tokens,
              }
            : undefined,
      });
      const first = answer.data.data?.[0];
      if (!first?.b64_json) {
        throw aiError("ai.invalid_output", "The provider returned no base64 image", {
          attempts: answer.attempts,
        });
      }
      const png = new Uint8Array(Buffer.from(first.b64_json, "base64"));
      const info = readPngInfo(png);
      if (!info) {
        throw aiError("ai.invalid_output", "The provider's image is not a PNG", {
          attempts: answer.attempts,
        });
      }
      return {
        png,
        width: info.width,
        height: info.height,
        model,
        provider: "openai",
        revisedPrompt: first.revised_prompt ?? undefined,
        usage: answer.usage,
        attempts: answer.attempts,
      };
    },
  };
}

/** GPT image models know 1024x1024, 1536x1024 and 1024x1536: map the wide and tall sizes. */
function gptImageSize(size: ImageRequest["size"]): string {
  if (size === "1792x1024") return "1536x1024";
  if (size === "1024x1792") return "1024x1536";
  if (size === "256x256" || size === "512x512") return "1024x1024";
  return size;
}

/** Usage as reported; servers that omit it are estimated at characters / 4. */
function chatUsage(data: ChatCompletion, messages: ChatCompletionMessageParam[]): Usage {
  if (data.usage) {
    return {
      promptTokens: data.usage.prompt_tokens,
      completionTokens: data.usage.completion_tokens,
      totalTokens: data.usage.total_tokens,
    };
  }
  const promptTokens = estimateTokens(
    messages.map((m) => (typeof m.content === "string" ? m.content : "")),
    0,
  );
  const completionTokens = Math.ceil((data.choices?.[0]?.message?.content ?? "").length / 4);
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
}

function providerMessage(error: APIError): string {
  const body = error.error as { message?: unknown } | undefined;
  return typeof body?.message === "string" ? body.message : error.message;
}
