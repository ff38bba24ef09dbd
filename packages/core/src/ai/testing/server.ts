import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { formatDuration } from "../backoff";
import { ngramVector } from "../offline/embed";
import { frequentTerms } from "../offline/facts";
import { sampleJsonSchema } from "../offline/sample";
import { rngFrom } from "../offline/seed";
import { encodePng } from "../png";
import type { JsonSchema } from "../structured";

/**
 * An OpenAI-compatible HTTP server for tests and benchmarks: chat completions (with
 * `response_format: json_schema` it answers JSON valid for the schema), embeddings and image
 * generation (base64 PNG). It enforces its own requests/tokens limits like OpenAI (continuously
 * refilling buckets, `x-ratelimit-*` headers, 429 with `retry-after` / `retry-after-ms`) and
 * injects faults per request, by script or by rule.
 */

export type Endpoint = "chat" | "embeddings" | "images";

export type Fault =
  /** 429 before admission; headers: which retry-after headers to send (default both). */
  | { type: "rate_limit"; retryAfterMs?: number; headers?: "both" | "seconds" | "ms" | "none" }
  /** Any HTTP error status with an OpenAI-style error body. */
  | { type: "status"; status: number; message?: string }
  /** A correct answer after `ms` (headers are held back too). */
  | { type: "delay"; ms: number }
  /** Headers at once, the body after `ms`. */
  | { type: "slow_body"; ms: number }
  /** Never answers (until the client gives up or the server closes). */
  | { type: "hang" }
  /** Closes the connection without an answer. */
  | { type: "reset" }
  /** Chat: a reply that is not JSON. */
  | { type: "invalid_json" }
  /** Chat: JSON of the wrong shape for the schema. */
  | { type: "schema_invalid" }
  /** Chat: half a reply with finish_reason "length". */
  | { type: "truncated" }
  /** Chat: this exact content. */
  | { type: "reply"; content: string; finishReason?: string };

export interface RecordedRequest {
  id: string;
  endpoint: Endpoint | "other";
  body: Record<string, unknown>;
  at: number;
  status?: number;
  fault?: Fault;
  usage?: { promptTokens: number; completionTokens: number; totalTokens: number };
}

export interface AiTestServerOptions {
  /** Requests admitted per window (unset: unlimited). */
  requestsPerWindow?: number;
  /** Tokens admitted per window, counted like OpenAI: prompt characters / 4 + max tokens. */
  tokensPerWindow?: number;
  /** The limits' window; 60 000 like OpenAI's per-minute limits, shorter to compress time. */
  windowMs?: number;
  /** Added to every answer. */
  latencyMs?: number;
  /** Required bearer key; unset accepts any. */
  apiKey?: string;
  /** Dimensions of embeddings when the request names none. */
  embeddingDims?: number;
}

export interface AiTestServerStats {
  requests: number;
  byEndpoint: Record<string, number>;
  byStatus: Record<string, number>;
  /** 429s from the server's own limiter (not injected). */
  rateLimited: number;
  injected: number;
  /** Usage billed on answered (200) calls. */
  usage: { promptTokens: number; completionTokens: number; totalTokens: number };
}

export interface AiTestServer {
  /** Base URL including `/v1`, for the SDK's `baseURL`. */
  url: string;
  port: number;
  faults: {
    /** Queues faults for the next matching requests (one each), in order. */
    next(fault: Fault | Fault[], options?: { endpoint?: Endpoint }): void;
    /** A rule consulted for every request; return a fault or undefined. Rules run before the queue. */
    rule(decide: (request: RecordedRequest) => Fault | undefined): void;
    clear(): void;
  };
  requests: RecordedRequest[];
  stats(): AiTestServerStats;
  /** Changes the limits (buckets start full again). */
  setLimits(
    limits: Pick<AiTestServerOptions, "requestsPerWindow" | "tokensPerWindow" | "windowMs">,
  ): void;
  /** Forgets requests, stats and faults; refills the buckets. */
  reset(): void;
  close(): Promise<void>;
}

class ServerBucket {
  private level: number;
  private updatedAt = Date.now();

  constructor(
    readonly capacity: number,
    private readonly windowMs: number,
  ) {
    this.level = capacity;
  }

  private refill() {
    const now = Date.now();
    this.level = Math.min(
      this.capacity,
      this.level + ((now - this.updatedAt) * this.capacity) / this.windowMs,
    );
    this.updatedAt = now;
  }

  msUntil(cost: number): number {
    this.refill();
    const need = Math.min(cost, this.capacity) - this.level;
    return need <= 0 ? 0 : Math.ceil((need * this.windowMs) / this.capacity);
  }

  take(cost: number) {
    this.refill();
    this.level -= cost;
  }

  give(amount: number) {
    this.refill();
    this.level = Math.min(this.capacity, this.level + amount);
  }

  remaining(): number {
    this.refill();
    return Math.max(0, Math.floor(this.level));
  }

  /** OpenAI's reset header: time until the bucket is full again. */
  resetMs(): number {
    this.refill();
    return Math.max(0, ((this.capacity - this.level) * this.windowMs) / this.capacity);
  }
}

const tokensOf = (chars: number) => Math.ceil(chars / 4);

function messageChars(body: Record<string, unknown>): number {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  return messages.reduce((sum: number, m) => {
    const content = (m as { content?: unknown })?.content;
    return sum + (typeof content === "string" ? content.length : 0);
  }, 0);
}

function promptText(body: Record<string, unknown>): string {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  return messages
    .map((m) => (m as { content?: unknown })?.content)
    .filter((c): c is string => typeof c === "string")
    .join("\n");
}

function maxTokensOf(body: Record<string, unknown>): number | undefined {
  const value = body.max_completion_tokens ?? body.max_tokens;
  return typeof value === "number" && value > 0 ? value : undefined;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A picture of the prompt for the fake image model: bands of colour from a hash. */
function fakeImage(prompt: string, width: number, height: number): Uint8Array {
  const rng = rngFrom("test-server-image", prompt);
  const colours = Array.from({ length: 4 }, () => [
    rng.int(0, 255),
    rng.int(0, 255),
    rng.int(0, 255),
  ]);
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const band = colours[Math.floor((y / height) * colours.length)]!;
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const shade = 0.75 + 0.25 * (x / width);
      rgb[i] = band[0]! * shade;
      rgb[i + 1] = band[1]! * shade;
      rgb[i + 2] = band[2]! * shade;
    }
  }
  return encodePng(width, height, rgb);
}

/** Breaks one required field of a valid answer, so the JSON parses but fails the schema. */
function breakShape(value: unknown, schema: JsonSchema): unknown {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const required = (schema.required as string[] | undefined) ?? Object.keys(value);
    const key = required[0];
    if (key !== undefined) {
      const current = (value as Record<string, unknown>)[key];
      return { ...value, [key]: typeof current === "number" ? "not a number" : 12345 };
    }
  }
  return "not the requested object";
}

export async function startAiTestServer(options: AiTestServerOptions = {}): Promise<AiTestServer> {
  let limits = {
    requestsPerWindow: options.requestsPerWindow,
    tokensPerWindow: options.tokensPerWindow,
    windowMs: options.windowMs ?? 60_000,
  };
  let requestBucket: ServerBucket | undefined;
  let tokenBucket: ServerBucket | undefined;
  const makeBuckets = () => {
    requestBucket = limits.requestsPerWindow
      ? new ServerBucket(limits.requestsPerWindow, limits.windowMs)
      : undefined;
    tokenBucket = limits.tokensPerWindow
      ? new ServerBucket(limits.tokensPerWindow, limits.windowMs)
      : undefined;
  };
  makeBuckets();

  const requests: RecordedRequest[] = [];
  let queue: { fault: Fault; endpoint?: Endpoint }[] = [];
  let rules: ((request: RecordedRequest) => Fault | undefined)[] = [];
  let stats: AiTestServerStats;
  const resetStats = () => {
    stats = {
      requests: 0,
      byEndpoint: {},
      byStatus: {},
      rateLimited: 0,
      injected: 0,
      usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 },
    };
  };
  resetStats();

  const limitHeaders = (): Record<string, string> => {
    const headers: Record<string, string> = {};
    if (requestBucket) {
      headers["x-ratelimit-limit-requests"] = String(requestBucket.capacity);
      headers["x-ratelimit-remaining-requests"] = String(requestBucket.remaining());
      headers["x-ratelimit-reset-requests"] = formatDuration(requestBucket.resetMs());
    }
    if (tokenBucket) {
      headers["x-ratelimit-limit-tokens"] = String(tokenBucket.capacity);
      headers["x-ratelimit-remaining-tokens"] = String(tokenBucket.remaining());
      headers["x-ratelimit-reset-tokens"] = formatDuration(tokenBucket.resetMs());
    }
    return headers;
  };

  const send = (
    res: ServerResponse,
    record: RecordedRequest,
    status: number,
    body: unknown,
    extraHeaders: Record<string, string> = {},
  ) => {
    record.status = status;
    stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
    if (res.writableEnded || res.destroyed) return;
    const text = JSON.stringify(body);
    if (!res.headersSent) {
      res.writeHead(status, {
        "content-type": "application/json",
        "x-request-id": `req_${record.id}`,
        "openai-processing-ms": String(Date.now() - record.at),
        ...limitHeaders(),
        ...extraHeaders,
      });
    }
    res.end(text);
  };

  const errorBody = (
    message: string,
    type: string,
    code: string | null,
    param: string | null = null,
  ) => ({
    error: { message, type, param, code },
  });

  const pickFault = (record: RecordedRequest, req: IncomingMessage): Fault | undefined => {
    const fromHeader = req.headers["x-test-fault"];
    if (typeof fromHeader === "string") return JSON.parse(fromHeader) as Fault;
    for (const rule of rules) {
      const fault = rule(record);
      if (fault) return fault;
    }
    const index = queue.findIndex((q) => !q.endpoint || q.endpoint === record.endpoint);
    if (index >= 0) return queue.splice(index, 1)[0]!.fault;
    return undefined;
  };

  /** Admission like OpenAI's: one request and the estimated tokens, or a 429 naming the wait. */
  const admit = (estimate: number): { ok: true } | { ok: false; waitMs: number; kind: string } => {
    const requestWait = requestBucket?.msUntil(1) ?? 0;
    const tokenWait = tokenBucket?.msUntil(estimate) ?? 0;
    if (requestWait > 0 || tokenWait > 0) {
      return {
        ok: false,
        waitMs: Math.max(requestWait, tokenWait),
        kind: requestWait >= tokenWait ? "requests" : "tokens",
      };
    }
    requestBucket?.take(1);
    tokenBucket?.take(estimate);
    return { ok: true };
  };

  const chatAnswer = (
    body: Record<string, unknown>,
    record: RecordedRequest,
    fault: Fault | undefined,
  ) => {
    const format = body.response_format as
      | { type?: string; json_schema?: { name?: string; schema?: JsonSchema } }
      | undefined;
    const prompt = promptText(body);
    const terms = frequentTerms(prompt, 12);
    const rng = rngFrom("test-server-chat", body);
    let content: string;
    let finishReason = "stop";
    const schema = format?.type === "json_schema" ? format.json_schema?.schema : undefined;
    const valid = () =>
      schema
        ? sampleJsonSchema(schema, {
            rng,
            text: (ctx) =>
              `${terms[ctx.index % Math.max(1, terms.length)] ?? "sample"} ${ctx.key ?? "item"}`,
          })
        : format?.type === "json_object"
          ? { answer: terms[0] ?? "ok" }
          : undefined;
    const answer = valid();
    content =
      answer === undefined
        ? `A reply about ${terms.slice(0, 3).join(", ") || "the prompt"}.`
        : JSON.stringify(answer);
    if (fault?.type === "invalid_json")
      content = `Here is the JSON you asked for: ${content.slice(0, Math.max(1, Math.floor(content.length / 2)))}`;
    if (fault?.type === "schema_invalid")
      content = JSON.stringify(breakShape(answer, schema ?? {}));
    if (fault?.type === "truncated") {
      content = content.slice(0, Math.max(1, Math.floor(content.length / 2)));
      finishReason = "length";
    }
    if (fault?.type === "reply") {
      content = fault.content;
      finishReason = fault.finishReason ?? "stop";
    }
    const maxTokens = maxTokensOf(body);
    if (maxTokens !== undefined && tokensOf(content.length) > maxTokens) {
      content = content.slice(0, maxTokens * 4);
      finishReason = "length";
    }
    const promptTokens = tokensOf(messageChars(body));
    const completionTokens = tokensOf(content.length);
    record.usage = { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
    return {
      id: `chatcmpl-${record.id}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: typeof body.model === "string" ? body.model : "test-model",
      system_fingerprint: "fp_test",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content, refusal: null },
          logprobs: null,
          finish_reason: finishReason,
        },
      ],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      },
    };
  };

  const embeddingsAnswer = (body: Record<string, unknown>, record: RecordedRequest) => {
    const inputs = typeof body.input === "string" ? [body.input] : (body.input as string[]);
    const dims =
      typeof body.dimensions === "number" ? body.dimensions : (options.embeddingDims ?? 64);
    const base64 = body.encoding_format === "base64";
    const promptTokens = tokensOf(inputs.reduce((sum, text) => sum + text.length, 0));
    record.usage = { promptTokens, completionTokens: 0, totalTokens: promptTokens };
    return {
      object: "list",
      model: typeof body.model === "string" ? body.model : "test-embedding",
      data: inputs.map((text, index) => {
        const vector = ngramVector(text, dims);
        return {
          object: "embedding",
          index,
          embedding: base64
            ? Buffer.from(new Float32Array(vector).buffer).toString("base64")
            : vector,
        };
      }),
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    };
  };

  const imagesAnswer = (body: Record<string, unknown>, record: RecordedRequest) => {
    const [width, height] = String(body.size ?? "1024x1024")
      .split("x")
      .map(Number) as [number, number];
    const prompt = String(body.prompt);
    const gptImage = String(body.model ?? "").startsWith("gpt-image");
    const promptTokens = tokensOf(prompt.length);
    const completionTokens = gptImage ? Math.ceil((width * height) / 1024) : 0;
    record.usage = gptImage
      ? { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens }
      : undefined;
    return {
      created: Math.floor(Date.now() / 1000),
      data: [
        {
          b64_json: Buffer.from(fakeImage(prompt, width, height)).toString("base64"),
          ...(gptImage ? {} : { revised_prompt: `${prompt} (as drawn by the test server)` }),
        },
      ],
      ...(gptImage
        ? {
            usage: {
              input_tokens: promptTokens,
              input_tokens_details: { image_tokens: 0, text_tokens: promptTokens },
              output_tokens: completionTokens,
              total_tokens: promptTokens + completionTokens,
            },
          }
        : {}),
    };
  };

  /** Returns a 400 message when the body is not a valid request for the endpoint. */
  const validate = (endpoint: Endpoint, body: Record<string, unknown>): string | undefined => {
    if (typeof body.model !== "string" || body.model === "")
      return "you must provide a model parameter";
    if (endpoint === "chat") {
      if (!Array.isArray(body.messages) || body.messages.length === 0)
        return "messages must be a non-empty array";
      const format = body.response_format as
        | { type?: string; json_schema?: { name?: unknown; schema?: unknown } }
        | undefined;
      if (
        format?.type === "json_schema" &&
        (typeof format.json_schema?.name !== "string" || !format.json_schema.schema)
      ) {
        return "response_format.json_schema needs a name and a schema";
      }
    }
    if (endpoint === "embeddings") {
      const input = body.input;
      const ok =
        typeof input === "string" ||
        (Array.isArray(input) && input.length > 0 && input.every((i) => typeof i === "string"));
      if (!ok) return "input must be a string or an array of strings";
    }
    if (endpoint === "images") {
      if (typeof body.prompt !== "string" || body.prompt === "") return "prompt is required";
      if (!/^\d{2,4}x\d{2,4}$/.test(String(body.size ?? "1024x1024")))
        return `Invalid size ${String(body.size)}`;
      if (body.response_format === "url") return "the test server only answers b64_json";
    }
    return undefined;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "/").split("?")[0]!;
    const endpoint: Endpoint | "other" =
      path === "/v1/chat/completions"
        ? "chat"
        : path === "/v1/embeddings"
          ? "embeddings"
          : path === "/v1/images/generations"
            ? "images"
            : "other";
    const raw = await readBody(req);
    const record: RecordedRequest = {
      id: randomUUID().replace(/-/g, "").slice(0, 24),
      endpoint,
      body: {},
      at: Date.now(),
    };
    requests.push(record);
    stats.requests++;
    stats.byEndpoint[endpoint] = (stats.byEndpoint[endpoint] ?? 0) + 1;

    if (req.method === "GET" && path === "/v1/models") {
      return send(res, record, 200, {
        object: "list",
        data: [{ id: "test-model", object: "model", owned_by: "test" }],
      });
    }
    if (endpoint === "other" || req.method !== "POST") {
      return send(
        res,
        record,
        404,
        errorBody(
          `Unknown request URL: ${req.method} ${path}`,
          "invalid_request_error",
          "unknown_url",
        ),
      );
    }
    if (options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      return send(
        res,
        record,
        401,
        errorBody("Incorrect API key provided", "invalid_request_error", "invalid_api_key"),
      );
    }
    try {
      record.body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return send(
        res,
        record,
        400,
        errorBody(
          "We could not parse the JSON body of your request.",
          "invalid_request_error",
          null,
        ),
      );
    }
    const problem = validate(endpoint, record.body);
    if (problem) return send(res, record, 400, errorBody(problem, "invalid_request_error", null));

    const fault = pickFault(record, req);
    record.fault = fault;
    if (fault) stats.injected++;
    if (options.latencyMs) await wait(options.latencyMs);

    // Failures that happen before the provider admits the request: nothing is counted or billed.
    switch (fault?.type) {
      case "rate_limit": {
        const ms = fault.retryAfterMs ?? 1000;
        const which = fault.headers ?? "both";
        const headers: Record<string, string> = {};
        if (which === "both" || which === "seconds")
          headers["retry-after"] = String(Math.ceil(ms / 1000));
        if (which === "both" || which === "ms") headers["retry-after-ms"] = String(ms);
        return send(
          res,
          record,
          429,
          errorBody("Rate limit reached (injected)", "requests", "rate_limit_exceeded"),
          headers,
        );
      }
      case "status":
        return send(
          res,
          record,
          fault.status,
          errorBody(
            fault.message ??
              `The server had an error while processing your request (HTTP ${fault.status}).`,
            fault.status >= 500 ? "server_error" : "invalid_request_error",
            null,
          ),
        );
      case "hang":
        record.status = 0;
        return; // the socket stays open until the client aborts or the server closes
      case "reset":
        record.status = 0;
        req.socket.destroy();
        return;
    }

    const estimate =
      endpoint === "chat"
        ? tokensOf(messageChars(record.body)) + (maxTokensOf(record.body) ?? 0)
        : endpoint === "embeddings"
          ? tokensOf(
              (typeof record.body.input === "string"
                ? [record.body.input]
                : (record.body.input as string[])
              ).join("").length,
            )
          : tokensOf(String(record.body.prompt).length);
    const admission = admit(estimate);
    if (!admission.ok) {
      stats.rateLimited++;
      return send(
        res,
        record,
        429,
        errorBody(
          `Rate limit reached for ${admission.kind} on test-model. Please try again in ${formatDuration(admission.waitMs)}.`,
          admission.kind,
          "rate_limit_exceeded",
        ),
        {
          "retry-after": String(Math.ceil(admission.waitMs / 1000)),
          "retry-after-ms": String(admission.waitMs),
        },
      );
    }

    if (fault?.type === "delay") await wait(fault.ms);
    const body =
      endpoint === "chat"
        ? chatAnswer(record.body, record, fault)
        : endpoint === "embeddings"
          ? embeddingsAnswer(record.body, record)
          : imagesAnswer(record.body, record);
    // Like OpenAI: the admission estimate is replaced by the tokens actually used.
    if (tokenBucket && record.usage) tokenBucket.give(estimate - record.usage.totalTokens);
    if (record.usage) {
      stats.usage.promptTokens += record.usage.promptTokens;
      stats.usage.completionTokens += record.usage.completionTokens;
      stats.usage.totalTokens += record.usage.totalTokens;
    }
    if (fault?.type === "slow_body") {
      record.status = 200;
      stats.byStatus[200] = (stats.byStatus[200] ?? 0) + 1;
      res.writeHead(200, {
        "content-type": "application/json",
        "x-request-id": `req_${record.id}`,
        ...limitHeaders(),
      });
      res.flushHeaders();
      await wait(fault.ms);
      if (!res.destroyed) res.end(JSON.stringify(body));
      return;
    }
    send(res, record, 200, body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(
          JSON.stringify(errorBody(`test server error: ${String(error)}`, "server_error", null)),
        );
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    faults: {
      next(fault, opts = {}) {
        for (const f of Array.isArray(fault) ? fault : [fault])
          queue.push({ fault: f, endpoint: opts.endpoint });
      },
      rule(decide) {
        rules.push(decide);
      },
      clear() {
        queue = [];
        rules = [];
      },
    },
    stats: () => structuredClone(stats),
    setLimits(next) {
      limits = { ...limits, ...next };
      makeBuckets();
    },
    reset() {
      requests.length = 0;
      queue = [];
      rules = [];
      resetStats();
      makeBuckets();
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}
