import { z } from "zod";
import { resolveProvider } from "../index";
import { type RateLimiter, TokenBucketLimiter } from "../limiter";
import { rngFrom } from "../offline/seed";
import type { AiProviderConfig, Usage } from "../types";
import { type AiTestServerStats, type Fault, startAiTestServer } from "./server";

/**
 * A throughput run of the content pipeline's AI calls against the rate-limited test server, for
 * the benchmark (bench/ai-throughput.ts) and for pipeline tests that want the same load. A task
 * is what the pipeline does per article: content (chat), image prompts (chat), one image. Workers
 * pull tasks like a Map state with MaxConcurrency.
 */

const article = z.object({
  title: z.string(),
  slug: z.string(),
  metaTitle: z.string(),
  metaDescription: z.string(),
  outline: z.array(z.object({ heading: z.string(), subheadings: z.array(z.string()) })),
  html: z.string(),
  faq: z.array(z.object({ question: z.string(), answer: z.string() })),
});

const imagePrompts = z.object({
  prompts: z.array(
    z.object({
      placement: z.enum(["featured", "in-article"]),
      prompt: z.string(),
      alt: z.string(),
    }),
  ),
});

export const callsPerTask = 3;

/**
 * Where every successful call's usage goes. The credits module takes this over (a debit per
 * task, step and attempt key, in one transaction with its ledger entry); the default keeps sums.
 */
export interface UsageLedger {
  debit(taskId: string, step: string, usage: Usage | undefined): void | Promise<void>;
  /** Tokens debited so far. */
  total(): number | Promise<number>;
}

export function memoryLedger(): UsageLedger {
  const entries = new Map<string, number>();
  return {
    debit(taskId, step, usage) {
      const key = `${taskId}#${step}`;
      if (entries.has(key)) throw new Error(`double debit for ${key}`);
      entries.set(key, usage?.totalTokens ?? 0);
    },
    total: () => [...entries.values()].reduce((a, b) => a + b, 0),
  };
}

export interface ThroughputScenario {
  name: string;
  tasks: number;
  workers: number;
  /** The server's limits per window. */
  requestLimit: number;
  tokenLimit: number;
  windowMs: number;
  /** Client configured with the server's limits; false: it learns them from headers. */
  clientLimits: boolean;
  /** Independent limiters on one key (Lambda containers without a shared store). */
  processes: number;
  /** Share of calls answered 429 (retry-after 200 ms) and 5xx before admission. */
  faults?: { rateLimit: number; serverError: number };
  /** Added latency of a content call (the slow one), ms. */
  contentLatencyMs?: number;
  ledger?: UsageLedger;
}

export interface ThroughputResult {
  completed: number;
  lost: string[];
  durationMs: number;
  /** Most tasks the server's limits allow in durationMs, and which limit binds. */
  bound: number;
  binding: "requests" | "tokens";
  ratio: number;
  server: AiTestServerStats;
  /** Failed HTTP attempts the client retried (or gave up on). */
  clientFailures: number;
  ledgerTotal: number;
}

const prompt = (i: number) =>
  [
    `Write the article for task ${i}.`,
    "Primary keyword: trail running shoes",
    "Keywords:",
    "- shoe cushioning",
    "- rock plates",
    "- heel drop",
    "Outline:",
    "- How trail shoes differ",
    "- Finding the right fit",
    "- Caring for your shoes",
    `Audience: new trail runners. ${"Keep sentences short and concrete. ".repeat(30)}`,
  ].join("\n");

export async function runThroughput(scenario: ThroughputScenario): Promise<ThroughputResult> {
  const { windowMs, requestLimit, tokenLimit } = scenario;
  const server = await startAiTestServer({
    requestsPerWindow: requestLimit,
    tokensPerWindow: tokenLimit,
    windowMs,
    latencyMs: 40,
  });
  const rng = rngFrom("ai-throughput", scenario.name);
  server.faults.rule((request): Fault | undefined => {
    const roll = rng.next();
    const faults = scenario.faults;
    if (faults && roll < faults.rateLimit) return { type: "rate_limit", retryAfterMs: 200 };
    if (faults && roll < faults.rateLimit + faults.serverError) {
      return { type: "status", status: rng.pick([500, 502, 503]) };
    }
    const isContent = JSON.stringify(request.body.response_format ?? "").includes('"article"');
    return isContent ? { type: "delay", ms: scenario.contentLatencyMs ?? 250 } : undefined;
  });
  const config: AiProviderConfig = {
    baseUrl: server.url,
    apiKey: `sk-throughput-${scenario.name}-${Date.now()}`,
    requestsPerMinute: scenario.clientLimits ? requestLimit : undefined,
    tokensPerMinute: scenario.clientLimits ? tokenLimit : undefined,
    rateWindowMs: windowMs,
    imageModel: "dall-e-2",
    maxAttempts: 8,
    retryBaseDelayMs: 100,
    retryMaxDelayMs: 2_000,
  };
  const limiters: RateLimiter[] | undefined =
    scenario.processes > 1
      ? Array.from(
          { length: scenario.processes },
          () =>
            new TokenBucketLimiter({
              requestsPerWindow: config.requestsPerMinute,
              tokensPerWindow: config.tokensPerMinute,
              windowMs,
            }),
        )
      : undefined;

  const ledger = scenario.ledger ?? memoryLedger();
  let next = 0;
  let completed = 0;
  let clientFailures = 0;
  const lost: string[] = [];
  const started = performance.now();
  let finished = started;

  const worker = async (w: number) => {
    // A provider per step, as separate pipeline steps would build it; the limiter is per key.
    const provider = () =>
      resolveProvider(config, {
        limiter: limiters?.[w % limiters.length],
        onCall: (call) => {
          if (!call.ok) clientFailures++;
        },
      });
    while (next < scenario.tasks) {
      const i = next++;
      const taskId = `task_${i}`;
      try {
        const content = await provider().chat({
          function: "content",
          system: "You write helpful, accurate articles.",
          prompt: prompt(i),
          schema: article,
          schemaName: "article",
          maxTokens: 1_500,
        });
        await ledger.debit(taskId, "content", content.usage);
        const headings = content.data.outline.map((s) => `- ${s.heading}`).join("\n");
        const prompts = await provider().chat({
          function: "image_prompts",
          system: "You write image prompts.",
          prompt: `Title: ${content.data.title}\nHeadings:\n${headings}`,
          schema: imagePrompts,
          schemaName: "image_prompts",
          maxTokens: 400,
        });
        await ledger.debit(taskId, "image_prompts", prompts.usage);
        const image = await provider().image({
          prompt: prompts.data.prompts[0]?.prompt ?? content.data.title,
          size: "256x256",
        });
        await ledger.debit(taskId, "image", image.usage);
        completed++;
        finished = performance.now();
      } catch (error) {
        lost.push(`${taskId}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: scenario.workers }, (_, w) => worker(w)));

  const durationMs = finished - started;
  const stats = server.stats();
  await server.close();
  // What the server's buckets can admit in the run: a full bucket plus the refill.
  const requestBound = (requestLimit * (1 + durationMs / windowMs)) / callsPerTask;
  const tokensPerTask = stats.usage.totalTokens / Math.max(1, completed);
  const tokenBound = (tokenLimit * (1 + durationMs / windowMs)) / tokensPerTask;
  const bound = Math.min(requestBound, tokenBound);
  return {
    completed,
    lost,
    durationMs,
    bound,
    binding: tokenBound < requestBound ? "tokens" : "requests",
    ratio: completed / bound,
    server: stats,
    clientFailures,
    ledgerTotal: await ledger.total(),
  };
}
