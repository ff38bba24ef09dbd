import { z } from "zod";
import { useAccount } from "../actor";
import { type AiProvider, type EmbedResult, estimateTokens } from "../ai";
import { Authz } from "../authz";
import { Credits } from "../billing";
import * as Rates from "../billing/rates";
import { settings } from "../config";
import { forSector } from "../keyword/store";
import { logger } from "../log";
import { Execution, Pipelines } from "../pipelines";
import * as AiConfig from "../prompt/ai-config";
import { SectorId } from "../sector";
import { sectorEntity } from "../sector/sector.entity";
import { SiteId } from "../site";
import { VisibleError } from "../util/error";
import { fn } from "../util/fn";
import { type ApplyReport, applyResult } from "./apply";
import { clusterEntity, runLeaseEntity } from "./cluster.entity";
import { ClusterEngine } from "./engine";

/**
 * Clustering runs: the cluster-keywords pipeline (cluster-keywords.asl.json) clusters one sector
 * per Map iteration: it loads the sector's keywords and clusters, runs the engine (clusters people
 * locked or edited are passed as locked), and stores the result (apply.ts). Progress is recorded
 * per sector and phase on the execution.
 */

export const pipeline = "cluster-keywords";

export const Options = z
  .strictObject({
    method: z.enum(["offline", "embeddings", "serp"]).default("offline").meta({
      description:
        "offline: words and n-grams; embeddings: the AI provider's embeddings; serp: shared top-10 URLs",
    }),
    granularity: z
      .union([z.number().min(0).max(1), z.enum(["low", "medium", "high"])])
      .default("medium")
      .meta({ description: "0 = few broad clusters, 1 = many tight ones" }),
    minSize: z.number().int().min(1).max(100).default(2).meta({
      description: "Smaller topic clusters are dissolved (their keywords reported unclustered)",
    }),
    serpMode: z.enum(["soft", "moderate", "hard"]).default("moderate"),
    minSharedUrls: z.number().int().min(1).max(10).default(3),
  })
  .meta({ id: "ClusteringOptions" });
export type Options = z.output<typeof Options>;

export const StartInput = z
  .strictObject({ siteId: SiteId, sectorId: SectorId.optional(), ...Options.shape })
  .meta({ id: "ClusteringRunStart" });

const PHASES = [
  "load",
  "prepare",
  "embed",
  "index",
  "neighbours",
  "page_groups",
  "topics",
  "summarize",
  "store",
] as const;

/** A run's lease on a sector outlives a Lambda's 15 minutes only if the run died. */
const LEASE_SECONDS = 20 * 60;

async function activeLease(siteId: string, sectorId: string) {
  const lease = await runLeaseEntity()
    .get({ accountId: useAccount(), siteId, sectorId })
    .go({ consistent: true });
  if (!lease.data || lease.data.expiresAt < Date.now() / 1000) return undefined;
  return lease.data;
}

/** Starts a clustering run of one sector, or of every sector of the site. */
export const start = fn(StartInput, async ({ siteId, sectorId, ...options }) => {
  await Authz.assert("planner.write", { siteId, sectorId });
  const sectors = sectorId ? [sectorId] : await sectorIds(siteId);
  if (sectors.length === 0) {
    throw new VisibleError(
      "input",
      "cluster.no_sectors",
      "Add a sector with keywords before clustering",
      {
        fields: [{ path: "sectorId", message: "the site has no sectors" }],
      },
    );
  }
  await assertNoRunInProgress(siteId, sectors);
  // Stored with the execution: a granularity like 7e-323 is no number DynamoDB can hold.
  const granularity = typeof options.granularity === "number" ? Math.round(options.granularity * 1e4) / 1e4 : options.granularity;
  const executionId = await Pipelines.start(pipeline, { siteId, sectors, options: { ...options, granularity } });
  return { executionId, sectors };
});

/** Refuses before anything is written when runs cannot start (no local runner). */
export function assertRunnerAvailable() {
  if (settings().IGNY8_PIPELINES === "local" && !Pipelines.hasRunner()) {
    throw new VisibleError("unavailable", "pipeline.runner_missing", "No local pipeline runner is running; start the local cloud with `pnpm dev`");
  }
}

/** Refuses (409 cluster.run_in_progress) when a run is working on one of the sectors. */
export async function assertNoRunInProgress(siteId: string, sectors: string[]) {
  assertRunnerAvailable();
  for (const id of sectors) {
    const lease = await activeLease(siteId, id);
    if (lease) {
      throw new VisibleError(
        "conflict",
        "cluster.run_in_progress",
        "A clustering run is already working on this sector",
        { sectorId: id, executionId: lease.runId },
      );
    }
  }
}

async function sectorIds(siteId: string): Promise<string[]> {
  const result = await sectorEntity()
    .query.bySite({ accountId: useAccount(), siteId })
    .go({ pages: "all", attributes: ["sectorId"] });
  return result.data.map((s) => s.sectorId);
}

/** First step: records the execution and its total (sectors × phases). */
export async function prepare(input: {
  executionId: string;
  siteId: string;
  sectors: string[];
  options: Options;
}) {
  await Execution.begin({
    executionId: input.executionId,
    pipeline,
    input: { siteId: input.siteId, sectors: input.sectors, options: input.options },
  });
  await Execution.setTotal(input.executionId, input.sectors.length * PHASES.length);
}

/** Writes the phase items of one sector in order, without holding the engine up. */
function phaseTracker(executionId: string, sectorId: string) {
  const seen = new Set<string>();
  let current: string | undefined;
  let chain: Promise<unknown> = Promise.resolve();
  const item = (phase: string) => `${sectorId}:${phase}`;
  const enqueue = (work: () => Promise<unknown>) => {
    chain = chain
      .then(work)
      .catch((error) => logger.warn({ err: error, executionId }, "could not record progress"));
  };
  return {
    phase(phase: string) {
      if (phase === current) return;
      const previous = current;
      current = phase;
      seen.add(phase);
      enqueue(async () => {
        if (previous) await Execution.itemSucceeded(executionId, item(previous));
        await Execution.itemStarted(executionId, item(phase));
      });
    },
    async succeed(detail: unknown) {
      enqueue(async () => {
        for (const phase of PHASES) {
          if (phase === "store")
            await Execution.itemSucceeded(executionId, item(phase), { detail });
          else if (!seen.has(phase) || phase === current) {
            await Execution.itemSucceeded(
              executionId,
              item(phase),
              seen.has(phase) ? {} : { detail: { skipped: true } },
            );
          }
        }
      });
      await chain;
    },
    async fail(reason: string) {
      const phase = current ?? "load";
      enqueue(() => Execution.itemFailed(executionId, item(phase), reason));
      await chain;
    },
  };
}

export class RunBusyError extends Error {
  override name = "RunBusy";
}

export interface SectorResult extends ApplyReport {
  sectorId: string;
  keywords: number;
  method: string;
  stats: { similarityEvaluations: number; edges: number; engineMillis: number };
  /**
   * Tokens the embeddings used in this attempt, and the credits charged for them (batches an
   * earlier attempt of the run already paid for are not charged again).
   */
  aiUsage: { totalTokens: number; provider: string; model: string; credits: number } | null;
}

/** The ledger key of one embeddings batch: the run, the sector and the batch's place in it. */
export function embedChargeKey(executionId: string, sectorId: string, batch: number) {
  return { subject: executionId, step: `embed:${sectorId}`, version: `b${batch}` };
}

/** The most an embeddings batch may cost: twice the estimated tokens and a few per text (tokenizers differ). */
export function embedCredits(rates: Rates.Rates, texts: string[]): number {
  return Rates.cost(rates.clustering, { tokens: 2 * estimateTokens(texts, 0) + 4 * texts.length });
}

/**
 * One embeddings batch of a sector, paid for once per run. Credits are held (at the "clustering"
 * rate, with one daily_ai_requests, as every content and image call counts one) before the
 * provider is called: `credits.insufficient` stops the step with nothing called. The tokens the
 * provider measured are charged when it answers; a failed call gives the hold back.
 *
 * Retries: the pipeline retries a failed sector step from the start, and the vectors of the
 * earlier attempt were not kept, so its batches are embedded again. A batch is charged once per
 * run, sector and batch number (`embedChargeKey`, the ledger entry's key): a retry that finds its
 * batch already in the ledger asks the provider again without holding or charging (the account
 * paid for this batch once; the retry is the product's doing, not the account's), and a retry
 * racing an earlier attempt that is still running cannot pay twice either (the ledger entry is
 * create-only: the second settle fails with credits.entry_exists and its hold is given back). The
 * batches follow the sector's keywords in a fixed order, so a retry's batch N holds the same texts
 * unless people changed the sector's keywords in between; a retry with more keywords than before
 * pays for the batches it adds.
 */
async function paidEmbed(
  ai: AiProvider,
  rates: Rates.Rates,
  input: { executionId: string; siteId: string; sectorId: string; batch: number; texts: string[] },
): Promise<{ result: EmbedResult; credits: number }> {
  const key = embedChargeKey(input.executionId, input.sectorId, input.batch);
  if (await Credits.isCharged(key)) return { result: await ai.embed({ texts: input.texts }), credits: 0 };
  const held = await Credits.hold({
    ...key,
    function: "clustering",
    amount: embedCredits(rates, input.texts),
    siteId: input.siteId,
    limits: [{ limit: "daily_ai_requests" }],
  });
  let result: EmbedResult;
  try {
    result = await ai.embed({ texts: input.texts });
  } catch (error) {
    await Credits.release(held);
    throw error;
  }
  try {
    const credits = await Credits.settle(held, {
      credits: Rates.cost(rates.clustering, { tokens: Rates.usageTokens(result.usage) }),
      usage: result.usage,
      model: result.model,
      provider: result.provider,
      description: `Keyword clustering: embeddings of ${input.texts.length} keywords (batch ${input.batch + 1})`,
    });
    return { result, credits };
  } catch (error) {
    await Credits.release(held);
    if (error instanceof VisibleError && error.code === "credits.entry_exists") return { result, credits: 0 };
    throw error;
  }
}

/** One Map iteration: clusters one sector and stores the result. Idempotent: a retry re-runs it. */
export async function clusterSector(input: {
  executionId: string;
  siteId: string;
  sectorId: string;
  options: Options;
}): Promise<SectorResult> {
  const { executionId, siteId, sectorId, options } = input;
  const accountId = useAccount();
  const progress = phaseTracker(executionId, sectorId);
  const expiresAt = Math.floor(Date.now() / 1000) + LEASE_SECONDS;
  try {
    await runLeaseEntity()
      .upsert({ accountId, siteId, sectorId, runId: executionId, expiresAt })
      .where(
        (attr, op) =>
          `${op.notExists(attr.runId)} OR ${op.eq(attr.runId, executionId)} OR ${op.lt(attr.expiresAt, Math.floor(Date.now() / 1000))}`,
      )
      .go();
  } catch (error) {
    if (String(error).includes("conditional request failed")) {
      throw new RunBusyError(`Another clustering run holds sector ${sectorId}`);
    }
    throw error;
  }
  try {
    progress.phase("load");
    const keywords = await forSector(siteId, sectorId);
    const existing = (
      await clusterEntity().query.bySector({ accountId, siteId, sectorId }).go({ pages: "all" })
    ).data;
    const membersOf = new Map<string, string[]>();
    for (const k of keywords) {
      if (!k.clusterId) continue;
      const list = membersOf.get(k.clusterId);
      if (list) list.push(k.keywordId);
      else membersOf.set(k.clusterId, [k.keywordId]);
    }
    const candidates = keywords.filter((k) => k.status !== "ignored");
    let usage: SectorResult["aiUsage"] = null;
    let method: ClusterEngine.ClusterMethod;
    if (options.method === "embeddings") {
      // The account's AI provider (its endpoint, key and embedding model), else the product's.
      const [{ provider: ai }, rates] = await Promise.all([AiConfig.provider(), Rates.current()]);
      // Holds an earlier attempt of this step left open (its Lambda died) go back first.
      const charges = embedChargeKey(executionId, sectorId, 0);
      await Credits.releaseOpen(`${charges.subject}#${charges.step}#`);
      let batch = 0;
      method = {
        kind: "embeddings",
        embed: async (texts) => {
          const { result, credits } = await paidEmbed(ai, rates, { executionId, siteId, sectorId, batch: batch++, texts });
          usage = {
            totalTokens: (usage?.totalTokens ?? 0) + result.usage.totalTokens,
            provider: result.provider,
            model: result.model,
            credits: (usage?.credits ?? 0) + credits,
          };
          return result.vectors;
        },
      };
    } else {
      method =
        options.method === "serp"
          ? { kind: "serp", mode: options.serpMode, minSharedUrls: options.minSharedUrls }
          : { kind: "offline" };
    }
    const result: ClusterEngine.ClusterResult =
      candidates.length === 0
        ? {
            method: method.kind,
            clusters: [],
            unclustered: [],
            locked: [],
            stats: {
              keywords: 0,
              clustered: 0,
              similarityEvaluations: 0,
              edges: 0,
              tuning: ClusterEngine.tuningFor(method.kind, options.granularity),
              millis: 0,
            },
          }
        : await ClusterEngine.clusterKeywords({
            keywords: candidates.map((k) => ({
              id: k.keywordId,
              keyword: k.keyword,
              volume: k.volume ?? null,
              difficulty: k.difficulty ?? null,
              intent: (k.intents?.length
                ? k.intents
                : (k.intent ?? null)) as ClusterEngine.KeywordInput["intent"],
              serpUrls: k.serpUrls ?? null,
            })),
            method,
            granularity: options.granularity,
            minClusterSize: options.minSize,
            existingClusters: existing.map((c) => ({
              id: c.clusterId,
              locked: c.locked || c.editedByUser,
              keywordIds: membersOf.get(c.clusterId) ?? [],
            })),
            onProgress: (p) => progress.phase(p.phase),
          });
    progress.phase("store");
    const report = await applyResult({
      siteId,
      sectorId,
      runId: executionId,
      method: options.method,
      result,
      keywords,
      existing,
    });
    const sectorResult: SectorResult = {
      sectorId,
      keywords: candidates.length,
      method: options.method,
      ...report,
      stats: {
        similarityEvaluations: result.stats.similarityEvaluations,
        edges: result.stats.edges,
        engineMillis: result.stats.millis,
      },
      aiUsage: usage,
    };
    await progress.succeed({
      clusters: report.clusters,
      clustered: report.clustered,
      unclustered: report.unclustered.count,
    });
    return sectorResult;
  } catch (error) {
    await progress.fail(error instanceof Error ? error.message : String(error));
    throw error;
  } finally {
    await runLeaseEntity()
      .delete({ accountId, siteId, sectorId })
      .where((attr, op) => op.eq(attr.runId, executionId))
      .go()
      .catch(() => undefined);
  }
}

export interface RunResult {
  sectors: number;
  failedSectors: { sectorId: string; error: string }[];
  keywords: number;
  clustered: number;
  clusters: { created: number; updated: number; deleted: number; kept: number };
  pageGroups: number;
  unclustered: { count: number; byReason: Record<string, number>; sample: string[] };
  limitReached: { max: number; clustersLeftOut: number } | null;
}

/** Adds the sectors' results up and ends the execution (succeeded, listing failed sectors). */
export async function finish(
  executionId: string,
  results: (SectorResult | { sectorId: string; failed: true; error: string })[],
): Promise<RunResult> {
  const ok = results.filter((r): r is SectorResult => !("failed" in r));
  const byReason: Record<string, number> = {};
  for (const r of ok)
    for (const [reason, n] of Object.entries(r.unclustered.byReason))
      byReason[reason] = (byReason[reason] ?? 0) + n;
  const limited = ok.filter((r) => r.limitReached);
  const run: RunResult = {
    sectors: results.length,
    failedSectors: results
      .filter((r) => "failed" in r)
      .map((r) => ({ sectorId: r.sectorId, error: (r as { error: string }).error })),
    keywords: ok.reduce((s, r) => s + r.keywords, 0),
    clustered: ok.reduce((s, r) => s + r.clustered, 0),
    clusters: {
      created: ok.reduce((s, r) => s + r.clusters.created, 0),
      updated: ok.reduce((s, r) => s + r.clusters.updated, 0),
      deleted: ok.reduce((s, r) => s + r.clusters.deleted, 0),
      kept: ok.reduce((s, r) => s + r.clusters.kept, 0),
    },
    pageGroups: ok.reduce((s, r) => s + r.pageGroups, 0),
    unclustered: {
      count: ok.reduce((s, r) => s + r.unclustered.count, 0),
      byReason,
      sample: ok.flatMap((r) => r.unclustered.sample).slice(0, 50),
    },
    limitReached: limited.length
      ? {
          max: limited[0]!.limitReached!.max,
          clustersLeftOut: limited.reduce((s, r) => s + r.limitReached!.clustersLeftOut, 0),
        }
      : null,
  };
  await Execution.finish(executionId, "succeeded", { result: run });
  return run;
}

/** The failure path of the pipeline: the execution record says why. */
export async function fail(executionId: string, reason: string) {
  await Execution.begin({ executionId, pipeline });
  await Execution.finish(executionId, "failed", { error: reason });
}
