import { afterEach, describe, expect, it } from "vitest";
import { parseDuration } from "../backoff";
import { type AiTestServer, startAiTestServer } from "./server";

let server: AiTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const chatBody = (extra: Record<string, unknown> = {}) => ({
  model: "m",
  messages: [{ role: "user", content: "Write about alpine lakes" }],
  response_format: {
    type: "json_schema",
    json_schema: {
      name: "x",
      strict: true,
      schema: {
        type: "object",
        properties: { title: { type: "string" }, n: { type: "integer", minimum: 3 } },
        required: ["title", "n"],
        additionalProperties: false,
      },
    },
  },
  ...extra,
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server!.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer k", ...headers },
    body: JSON.stringify(body),
  });

describe("AI test server", () => {
  it("answers JSON valid for the requested schema, with usage and rate-limit headers", async () => {
    server = await startAiTestServer({
      requestsPerWindow: 3,
      tokensPerWindow: 10_000,
      windowMs: 60_000,
    });
    const res = await post("/chat/completions", chatBody());
    expect(res.status).toBe(200);
    expect(res.headers.get("x-ratelimit-limit-requests")).toBe("3");
    expect(res.headers.get("x-ratelimit-remaining-requests")).toBe("2");
    expect(parseDuration(res.headers.get("x-ratelimit-reset-requests")!)).toBeGreaterThan(19_000);
    const body = (await res.json()) as {
      choices: { message: { content: string }; finish_reason: string }[];
      usage: { prompt_tokens: number };
    };
    const content = JSON.parse(body.choices[0]!.message.content) as { title: string; n: number };
    expect(typeof content.title).toBe("string");
    expect(content.n).toBeGreaterThanOrEqual(3);
    expect(body.usage.prompt_tokens).toBe(Math.ceil("Write about alpine lakes".length / 4));
    // Tokens: the estimate is replaced by the real usage.
    const remaining = Number(res.headers.get("x-ratelimit-remaining-tokens"));
    expect(10_000 - remaining).toBeLessThanOrEqual(server.stats().usage.totalTokens + 1);
  });

  it("enforces its limit with 429, retry-after and retry-after-ms, billing nothing", async () => {
    server = await startAiTestServer({ requestsPerWindow: 2, windowMs: 10_000 });
    await post("/chat/completions", chatBody());
    await post("/chat/completions", chatBody());
    const res = await post("/chat/completions", chatBody());
    expect(res.status).toBe(429);
    const waitMs = Number(res.headers.get("retry-after-ms"));
    expect(waitMs).toBeGreaterThan(4_000);
    expect(Number(res.headers.get("retry-after"))).toBe(Math.ceil(waitMs / 1000));
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
      "rate_limit_exceeded",
    );
    expect(server.stats()).toMatchObject({ rateLimited: 1, byStatus: { "200": 2, "429": 1 } });
  });

  it("queues faults per endpoint and applies rules", async () => {
    server = await startAiTestServer();
    server.faults.next({ type: "status", status: 503 }, { endpoint: "embeddings" });
    expect((await post("/chat/completions", chatBody())).status).toBe(200);
    expect((await post("/embeddings", { model: "e", input: "x" })).status).toBe(503);
    server.faults.rule((req) =>
      JSON.stringify(req.body).includes("FAIL") ? { type: "status", status: 502 } : undefined,
    );
    expect((await post("/embeddings", { model: "e", input: "FAIL" })).status).toBe(502);
    expect((await post("/embeddings", { model: "e", input: "ok" })).status).toBe(200);
    const perRequest = await post("/chat/completions", chatBody(), {
      "x-test-fault": JSON.stringify({ type: "truncated" }),
    });
    expect(
      ((await perRequest.json()) as { choices: { finish_reason: string }[] }).choices[0]!
        .finish_reason,
    ).toBe("length");
    expect(server.stats().injected).toBe(3);
  });

  it("answers embeddings as floats or base64 float32", async () => {
    server = await startAiTestServer({ embeddingDims: 8 });
    const floats = (await (
      await post("/embeddings", { model: "e", input: ["a b", "c"] })
    ).json()) as { data: { embedding: number[]; index: number }[] };
    expect(floats.data.map((d) => d.index)).toEqual([0, 1]);
    expect(floats.data[0]!.embedding).toHaveLength(8);
    const b64 = (await (
      await post("/embeddings", { model: "e", input: "a b", encoding_format: "base64" })
    ).json()) as { data: { embedding: string }[] };
    const bytes = Buffer.from(b64.data[0]!.embedding, "base64");
    const decoded = Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4));
    for (const [i, v] of decoded.entries()) expect(v).toBeCloseTo(floats.data[0]!.embedding[i]!, 5);
  });

  it("rejects malformed requests like the real API", async () => {
    server = await startAiTestServer({ apiKey: "secret" });
    expect((await post("/chat/completions", chatBody())).status).toBe(401);
    const auth = { authorization: "Bearer secret" };
    expect((await post("/chat/completions", { messages: [] }, auth)).status).toBe(400);
    expect(
      (await post("/images/generations", { model: "i", prompt: "p", size: "huge" }, auth)).status,
    ).toBe(400);
    expect((await post("/nope", {}, auth)).status).toBe(404);
  });

  it("closes while a request hangs", async () => {
    server = await startAiTestServer();
    server.faults.next({ type: "hang" });
    const pending = post("/chat/completions", chatBody()).catch((error: unknown) => error);
    while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await server.close();
    server = undefined;
    expect(await pending).toBeInstanceOf(Error);
  });
});
