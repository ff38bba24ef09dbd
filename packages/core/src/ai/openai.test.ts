import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { isVisibleError, type VisibleError } from "../util/error";
import { aiErrorName, isRetryable, toPipelineError } from "./errors";
import { providerConfigFromEnv, resolveProvider } from "./index";
import { TokenBucketLimiter } from "./limiter";
import { type AiCallRecord, createOpenAiProvider } from "./openai";
import { readPngInfo } from "./png";
import { type AiTestServer, startAiTestServer } from "./testing";
import type { AiProviderConfig } from "./types";

const article = z.object({
  title: z.string().min(3),
  slug: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/),
  sections: z
    .array(z.object({ heading: z.string(), paragraphs: z.array(z.string()).min(1) }))
    .min(1),
  tone: z.enum(["plain", "friendly"]),
  score: z.number().int().min(1).max(10),
  subtitle: z.string().nullable(),
});

let server: AiTestServer;
let keyCounter = 0;

/** A config with its own key, so every test gets a fresh shared limiter. */
function config(extra: Partial<AiProviderConfig> = {}): AiProviderConfig {
  keyCounter++;
  return {
    baseUrl: server.url,
    apiKey: `sk-test-${keyCounter}-${Date.now()}`,
    models: { content: "content-model" },
    defaultModel: "default-model",
    timeoutMs: 2_000,
    maxAttempts: 4,
    retryBaseDelayMs: 20,
    retryMaxDelayMs: 100,
    ...extra,
  };
}

const ask = (
  provider: ReturnType<typeof resolveProvider>,
  prompt = "Write about trail running shoes",
) =>
  provider.chat({
    function: "content",
    system: "You are a careful writer.",
    prompt,
    schema: article,
    schemaName: "article",
  });

async function failure(promise: Promise<unknown>): Promise<VisibleError> {
  try {
    await promise;
  } catch (error) {
    if (isVisibleError(error)) return error;
    throw error;
  }
  throw new Error("expected the call to fail");
}

async function until(condition: () => boolean, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

beforeAll(async () => {
  server = await startAiTestServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.reset();
});

describe("structured chat", () => {
  it("sends a strict json_schema and returns validated data with the provider's usage", async () => {
    const calls: AiCallRecord[] = [];
    const provider = createOpenAiProvider(config(), { onCall: (c) => calls.push(c) });
    const result = await ask(provider);
    expect(() => article.parse(result.data)).not.toThrow();
    expect(result.provider).toBe("openai");
    expect(result.model).toBe("content-model");
    expect(result.attempts).toBe(1);

    const [request] = server.requests;
    const format = request!.body.response_format as {
      type: string;
      json_schema: { name: string; strict: boolean };
    };
    expect(format.type).toBe("json_schema");
    expect(format.json_schema.name).toBe("article");
    expect(format.json_schema.strict).toBe(true);
    expect(request!.body.model).toBe("content-model");
    expect(result.usage).toEqual(request!.usage);
    expect(result.usage.totalTokens).toBeGreaterThan(0);
    expect(calls).toMatchObject([
      { operation: "chat", function: "content", ok: true, status: 200, attempt: 1 },
    ]);
  });

  it("falls back to a non-strict schema the SDK cannot make strict, and still validates", async () => {
    const loose = z.object({
      name: z.string(),
      note: z.string().optional(),
      tags: z.record(z.string(), z.number()),
    });
    const provider = createOpenAiProvider(config());
    const result = await provider.chat({
      function: "ideas",
      system: "s",
      prompt: "p",
      schema: loose,
      schemaName: "loose",
    });
    expect(loose.safeParse(result.data).success).toBe(true);
    const format = server.requests[0]!.body.response_format as { json_schema: { strict: boolean } };
    expect(format.json_schema.strict).toBe(false);
    expect(server.requests[0]!.body.model).toBe("default-model");
  });

  it("repairs invalid JSON with one follow-up call that shows the model its error", async () => {
    server.faults.next({ type: "invalid_json" });
    const provider = createOpenAiProvider(config());
    const result = await ask(provider);
    expect(article.safeParse(result.data).success).toBe(true);
    expect(result.attempts).toBe(2);
    expect(server.requests).toHaveLength(2);
    const messages = server.requests[1]!.body.messages as { role: string; content: string }[];
    expect(messages.map((m) => m.role)).toEqual(["system", "user", "assistant", "user"]);
    expect(messages[2]!.content).toContain("Here is the JSON you asked for");
    expect(messages[3]!.content).toContain("not valid JSON");
    // Both billed calls are in the usage.
    const billed = server.stats().usage;
    expect(result.usage).toEqual(billed);
  });

  it("repairs a schema mismatch", async () => {
    server.faults.next({ type: "schema_invalid" });
    const result = await ask(createOpenAiProvider(config()));
    expect(result.attempts).toBe(2);
    const repair = (server.requests[1]!.body.messages as { content: string }[])[3]!.content;
    expect(repair).toContain("does not match the schema");
    expect(repair).toContain("title");
  });

  it("gives up with ai.invalid_output when the repair is invalid too", async () => {
    server.faults.next([{ type: "schema_invalid" }, { type: "invalid_json" }]);
    const error = await failure(ask(createOpenAiProvider(config())));
    expect(error.code).toBe("ai.invalid_output");
    expect(error.details.retryable).toBe(false);
    expect(error.details.attempts).toBe(2);
    expect(aiErrorName(error)).toBe("AiInvalidOutput");
    expect((error.details.usage as { totalTokens: number }).totalTokens).toBe(
      server.stats().usage.totalTokens,
    );
    expect(server.requests).toHaveLength(2);
  });

  it("reports a reply cut at the token limit as ai.truncated, without retrying", async () => {
    server.faults.next({ type: "truncated" });
    const error = await failure(ask(createOpenAiProvider(config())));
    expect(error.code).toBe("ai.truncated");
    expect(aiErrorName(error)).toBe("AiTruncated");
    expect(server.requests).toHaveLength(1);
  });

  it("sends maxTokens and turns the server's own length cut into ai.truncated", async () => {
    const provider = createOpenAiProvider(config({ maxTokensParam: "max_tokens" }));
    const error = await failure(
      provider.chat({
        function: "content",
        system: "s",
        prompt: "p",
        schema: article,
        schemaName: "article",
        maxTokens: 5,
      }),
    );
    expect(error.code).toBe("ai.truncated");
    expect(server.requests[0]!.body.max_tokens).toBe(5);
  });
});

describe("retries", () => {
  it("honours retry-after on 429 and then succeeds", async () => {
    server.faults.next({ type: "rate_limit", retryAfterMs: 400, headers: "ms" });
    const calls: AiCallRecord[] = [];
    const started = Date.now();
    const result = await ask(createOpenAiProvider(config(), { onCall: (c) => calls.push(c) }));
    const elapsed = Date.now() - started;
    expect(result.attempts).toBe(2);
    expect(elapsed).toBeGreaterThanOrEqual(390);
    expect(calls[0]).toMatchObject({ status: 429, waitMs: 400 });
    expect(server.requests[1]!.at - server.requests[0]!.at).toBeGreaterThanOrEqual(390);
  });

  it("reads a retry-after in seconds", async () => {
    server.faults.next({ type: "rate_limit", retryAfterMs: 1000, headers: "seconds" });
    const result = await ask(createOpenAiProvider(config()));
    expect(result.attempts).toBe(2);
    expect(server.requests[1]!.at - server.requests[0]!.at).toBeGreaterThanOrEqual(990);
  });

  it("pauses every caller of the key while a 429's retry-after runs", async () => {
    const shared = config();
    server.faults.next({ type: "rate_limit", retryAfterMs: 500, headers: "ms" });
    let limited = false;
    const first = ask(
      resolveProvider(shared, { onCall: (call) => (limited ||= call.status === 429) }),
    );
    await until(() => limited);
    const second = ask(resolveProvider(shared));
    await Promise.all([first, second]);
    const [throttled, ...rest] = server.requests;
    expect(throttled!.status).toBe(429);
    expect(rest).toHaveLength(2);
    for (const request of rest) expect(request.at - throttled!.at).toBeGreaterThanOrEqual(490);
  });

  it("fails with ai.rate_limited after the last attempt", async () => {
    server.faults.rule(() => ({ type: "rate_limit", retryAfterMs: 30 }));
    const error = await failure(ask(createOpenAiProvider(config({ maxAttempts: 3 }))));
    expect(error.code).toBe("ai.rate_limited");
    expect(error.kind).toBe("rate_limit");
    expect(error.details).toMatchObject({
      retryAfterMs: 30,
      retryable: true,
      attempts: 3,
      status: 429,
    });
    expect(aiErrorName(error)).toBe("AiThrottled");
    expect(server.requests).toHaveLength(3);
  });

  it("retries 5xx with backoff and succeeds", async () => {
    server.faults.next([
      { type: "status", status: 500 },
      { type: "status", status: 502 },
    ]);
    const result = await ask(createOpenAiProvider(config()));
    expect(result.attempts).toBe(3);
    expect(server.requests.map((r) => r.status)).toEqual([500, 502, 200]);
  });

  it("fails with ai.provider_error after max attempts of 5xx", async () => {
    server.faults.rule(() => ({ type: "status", status: 503 }));
    const error = await failure(ask(createOpenAiProvider(config({ maxAttempts: 3 }))));
    expect(error.code).toBe("ai.provider_error");
    expect(error.details).toMatchObject({ status: 503, attempts: 3, retryable: true });
    expect(aiErrorName(error)).toBe("AiProviderError");
    expect(isRetryable(error)).toBe(true);
    expect(server.requests).toHaveLength(3);
  });

  it("retries a dropped connection", async () => {
    server.faults.next({ type: "reset" });
    const result = await ask(createOpenAiProvider(config()));
    expect(result.attempts).toBe(2);
  });

  it("does not retry a 4xx other than 429", async () => {
    server.faults.next({
      type: "status",
      status: 400,
      message: "Invalid schema for response_format",
    });
    const error = await failure(ask(createOpenAiProvider(config())));
    expect(error.code).toBe("ai.bad_request");
    expect(error.message).toContain("Invalid schema for response_format");
    expect(error.details).toMatchObject({ status: 400, retryable: false });
    expect(server.requests).toHaveLength(1);
  });

  it("reports a wrong key as ai.bad_request at once", async () => {
    const guarded = await startAiTestServer({ apiKey: "sk-right" });
    try {
      const error = await failure(
        ask(createOpenAiProvider({ ...config(), baseUrl: guarded.url, apiKey: "sk-wrong" })),
      );
      expect(error.code).toBe("ai.bad_request");
      expect(error.details).toMatchObject({ status: 401, providerCode: "invalid_api_key" });
      expect(guarded.requests).toHaveLength(1);
      const ok = await ask(
        createOpenAiProvider({ ...config(), baseUrl: guarded.url, apiKey: "sk-right" }),
      );
      expect(ok.provider).toBe("openai");
    } finally {
      await guarded.close();
    }
  });
});

describe("timeouts", () => {
  it("aborts a hanging call after timeoutMs, retries, then fails with ai.timeout", async () => {
    server.faults.rule(() => ({ type: "hang" }));
    const started = Date.now();
    const error = await failure(
      ask(createOpenAiProvider(config({ timeoutMs: 250, maxAttempts: 2 }))),
    );
    expect(error.code).toBe("ai.timeout");
    expect(error.details).toMatchObject({ attempts: 2, retryable: true });
    expect(aiErrorName(error)).toBe("AiTimeout");
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    expect(server.requests).toHaveLength(2);
  });

  it("recovers when the retry answers", async () => {
    server.faults.next({ type: "hang" });
    const result = await ask(createOpenAiProvider(config({ timeoutMs: 250 })));
    expect(result.attempts).toBe(2);
  });

  it("times out a body that arrives too late", async () => {
    server.faults.next([
      { type: "slow_body", ms: 800 },
      { type: "slow_body", ms: 800 },
    ]);
    const error = await failure(
      ask(createOpenAiProvider(config({ timeoutMs: 250, maxAttempts: 2 }))),
    );
    expect(error.code).toBe("ai.timeout");
  });

  it("waits for a slow answer within the timeout", async () => {
    server.faults.next({ type: "delay", ms: 300 });
    const result = await ask(createOpenAiProvider(config({ timeoutMs: 1_500 })));
    expect(result.attempts).toBe(1);
  });

  it("stops at once when the caller aborts, without retrying", async () => {
    server.faults.rule(() => ({ type: "hang" }));
    const controller = new AbortController();
    const provider = createOpenAiProvider(config({ timeoutMs: 5_000 }));
    const pending = provider.chat({
      function: "content",
      system: "s",
      prompt: "p",
      schema: article,
      schemaName: "a",
      signal: controller.signal,
    });
    await until(() => server.requests.length === 1);
    const aborted = Date.now();
    controller.abort(new Error("caller gave up"));
    await expect(pending).rejects.toThrow("caller gave up");
    expect(Date.now() - aborted).toBeLessThan(1_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(server.requests).toHaveLength(1);
  });
});

describe("rate limiting shared by concurrent callers", () => {
  it("50 parallel callers sharing the limiter stay within the server's limit", async () => {
    // 3-second windows keep the test meaningful on a loaded machine: event-loop stalls of a few
    // hundred milliseconds are small against the window. Without the shared limiter about 20 of
    // these 50 calls are refused; with it at most a stall-induced straggler may be.
    server.setLimits({ requestsPerWindow: 30, tokensPerWindow: undefined, windowMs: 3_000 });
    const shared = config({ requestsPerMinute: 30, rateWindowMs: 3_000, timeoutMs: 15_000 });
    const started = Date.now();
    // A provider per caller, like independent pipeline steps: the limiter is shared by key.
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        ask(resolveProvider(shared), `Task ${i} about hiking boots`),
      ),
    );
    const elapsed = Date.now() - started;
    expect(results).toHaveLength(50);
    expect(server.stats().rateLimited).toBeLessThanOrEqual(2);
    expect(results.filter((r) => r.attempts > 1).length).toBeLessThanOrEqual(2);
    // 30 at once, then 10 per second: the last 20 need about 2 s.
    expect(elapsed).toBeGreaterThanOrEqual(1_800);
  });

  it("shares the token budget too, correcting estimates with real usage", async () => {
    server.setLimits({ requestsPerWindow: undefined, tokensPerWindow: 4_000, windowMs: 1_000 });
    const shared = config({ tokensPerMinute: 4_000, rateWindowMs: 1_000 });
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        resolveProvider(shared).chat({
          function: "content",
          system: "You are a careful writer.",
          prompt: `Task ${i}: ${"Describe the route in detail. ".repeat(20)}`,
          schema: article,
          schemaName: "article",
          maxTokens: 400,
        }),
      ),
    );
    expect(results).toHaveLength(30);
    expect(server.stats().rateLimited).toBe(0);
  });

  it("without client limits the server's 429s are absorbed: every call still succeeds", async () => {
    server.setLimits({ requestsPerWindow: 10, tokensPerWindow: undefined, windowMs: 1_000 });
    const shared = config({ maxAttempts: 8 });
    const results = await Promise.all(
      Array.from({ length: 30 }, () => ask(resolveProvider(shared))),
    );
    expect(results).toHaveLength(30);
    expect(server.stats().rateLimited).toBeGreaterThan(0);
    expect(server.stats().byStatus["200"]).toBe(30);
  });

  it("accepts an injected limiter (the seam for a cross-process store)", async () => {
    const limiter = new TokenBucketLimiter({ requestsPerWindow: 2, windowMs: 1_000 });
    const provider = createOpenAiProvider(config(), { limiter });
    const started = Date.now();
    await Promise.all([ask(provider), ask(provider), ask(provider)]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(limiter.stats().granted).toBe(3);
  });
});

describe("embeddings and images", () => {
  it("embeds texts in order with usage", async () => {
    const provider = createOpenAiProvider(config({ embeddingModel: "embed-model" }));
    const result = await provider.embed({ texts: ["running shoes", "trail shoes", "tax law"] });
    expect(result.vectors).toHaveLength(3);
    expect(result.vectors[0]).toHaveLength(64);
    expect(result.model).toBe("embed-model");
    expect(result.usage.promptTokens).toBe(server.requests[0]!.usage!.promptTokens);
    const cos = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);
    expect(cos(result.vectors[0]!, result.vectors[1]!)).toBeGreaterThan(
      cos(result.vectors[0]!, result.vectors[2]!),
    );
  });

  it("generates a base64 PNG with the requested size (dall-e style)", async () => {
    const provider = createOpenAiProvider(config({ imageModel: "dall-e-3" }));
    const result = await provider.image({ prompt: "A trail at dawn", size: "1792x1024" });
    expect(readPngInfo(result.png)).toMatchObject({ width: 1792, height: 1024 });
    expect(result).toMatchObject({
      width: 1792,
      height: 1024,
      model: "dall-e-3",
      provider: "openai",
    });
    expect(result.revisedPrompt).toContain("A trail at dawn");
    expect(server.requests[0]!.body.response_format).toBe("b64_json");
  });

  it("maps sizes for GPT image models and reports their token usage", async () => {
    const provider = createOpenAiProvider(config({ imageModel: "gpt-image-1" }));
    const result = await provider.image({ prompt: "A tall waterfall", size: "1024x1792" });
    expect(server.requests[0]!.body.size).toBe("1024x1536");
    expect(server.requests[0]!.body.response_format).toBeUndefined();
    expect(result).toMatchObject({ width: 1024, height: 1536 });
    expect(result.usage?.totalTokens).toBe(server.requests[0]!.usage!.totalTokens);
  });
});

describe("resolution and error names", () => {
  it("resolves the offline adapter without a key or URL, the OpenAI adapter otherwise", () => {
    expect(resolveProvider(undefined).name).toBe("offline");
    expect(resolveProvider({}).name).toBe("offline");
    expect(resolveProvider({ apiKey: "sk-x" }).name).toBe("openai");
    expect(resolveProvider({ baseUrl: "http://127.0.0.1:1/v1" }).name).toBe("openai");
  });

  it("reads the default provider from the environment", () => {
    expect(providerConfigFromEnv({})).toBeUndefined();
    expect(
      providerConfigFromEnv({
        IGNY8_AI_BASE_URL: "http://127.0.0.1:8080/v1",
        IGNY8_AI_MODEL_CONTENT: "big",
        IGNY8_AI_RPM: "120",
      }),
    ).toMatchObject({
      baseUrl: "http://127.0.0.1:8080/v1",
      models: { content: "big" },
      requestsPerMinute: 120,
    });
    expect(() => providerConfigFromEnv({ IGNY8_AI_BASE_URL: "not a url" })).toThrow(
      /IGNY8_AI_BASE_URL/,
    );
  });

  it("renames AI errors for Step Functions and leaves others alone", async () => {
    server.faults.rule(() => ({ type: "status", status: 500 }));
    const error = await failure(ask(createOpenAiProvider(config({ maxAttempts: 1 }))));
    const renamed = toPipelineError(error) as Error;
    expect(renamed.name).toBe("AiProviderError");
    expect((renamed as VisibleError).code).toBe("ai.provider_error");
    const plain = new Error("x");
    expect(toPipelineError(plain)).toBe(plain);
  });
});
