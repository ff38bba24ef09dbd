import { VisibleError } from "../../util/error";
import { type ClusterRequest, type Granularity, intents } from "./types";

const invalid = (code: string, message: string, details: Record<string, unknown> = {}) =>
  new VisibleError("input", code, message, details);

/** "low" 0.25, "medium" 0.5, "high" 0.75, or a number in 0..1. */
export function granularityValue(granularity: Granularity | undefined): number {
  if (granularity === undefined || granularity === "medium") return 0.5;
  if (granularity === "low") return 0.25;
  if (granularity === "high") return 0.75;
  if (
    typeof granularity !== "number" ||
    !Number.isFinite(granularity) ||
    granularity < 0 ||
    granularity > 1
  ) {
    throw invalid(
      "cluster.granularity.invalid",
      'granularity must be a number in 0..1 or "low", "medium", "high"',
      {
        fields: [{ path: "granularity", message: "out of range" }],
      },
    );
  }
  return granularity;
}

/** Checks a request before any work: every problem is a VisibleError whose code names the field. */
export function validateRequest(request: ClusterRequest) {
  if (!request || !Array.isArray(request.keywords)) {
    throw invalid("cluster.keywords.invalid", "keywords must be a list", {
      fields: [{ path: "keywords", message: "expected an array" }],
    });
  }
  const seen = new Set<string>();
  request.keywords.forEach((k, i) => {
    if (!k || typeof k.id !== "string" || k.id.length === 0) {
      throw invalid("cluster.keywords.id.invalid", `keywords[${i}].id must be a non-empty string`, {
        fields: [{ path: `keywords.${i}.id`, message: "required" }],
      });
    }
    if (seen.has(k.id)) {
      throw invalid("cluster.keywords.id.duplicate", `keyword id ${k.id} appears twice`, {
        fields: [{ path: `keywords.${i}.id`, message: "duplicate" }],
      });
    }
    seen.add(k.id);
    if (typeof k.keyword !== "string") {
      throw invalid("cluster.keywords.keyword.invalid", `keywords[${i}].keyword must be a string`, {
        fields: [{ path: `keywords.${i}.keyword`, message: "expected a string" }],
      });
    }
    const list = k.intent == null ? [] : Array.isArray(k.intent) ? k.intent : [k.intent];
    for (const intent of list) {
      if (!(intents as readonly string[]).includes(intent as string)) {
        throw invalid(
          "cluster.keywords.intent.invalid",
          `keywords[${i}].intent ${String(intent)} is not an intent`,
          {
            fields: [{ path: `keywords.${i}.intent`, message: `one of ${intents.join(", ")}` }],
          },
        );
      }
    }
    if (
      k.serpUrls != null &&
      (!Array.isArray(k.serpUrls) || k.serpUrls.some((u) => typeof u !== "string"))
    ) {
      throw invalid(
        "cluster.keywords.serp_urls.invalid",
        `keywords[${i}].serpUrls must be a list of URLs`,
        {
          fields: [{ path: `keywords.${i}.serpUrls`, message: "expected an array of strings" }],
        },
      );
    }
  });
  const minSize = request.minClusterSize ?? 2;
  if (!Number.isInteger(minSize) || minSize < 1) {
    throw invalid("cluster.min_cluster_size.invalid", "minClusterSize must be an integer >= 1", {
      fields: [{ path: "minClusterSize", message: "integer >= 1" }],
    });
  }
  granularityValue(request.granularity);
  const method = request.method;
  if (!method || !["offline", "embeddings", "serp"].includes(method.kind)) {
    throw invalid(
      "cluster.method.invalid",
      'method.kind must be "offline", "embeddings" or "serp"',
      {
        fields: [{ path: "method.kind", message: "unknown method" }],
      },
    );
  }
  if (method.kind === "embeddings") {
    if (typeof method.embed !== "function") {
      throw invalid(
        "cluster.method.embed.invalid",
        "the embeddings method needs an embed function",
        {
          fields: [{ path: "method.embed", message: "required" }],
        },
      );
    }
    if (
      method.batchSize !== undefined &&
      (!Number.isInteger(method.batchSize) || method.batchSize < 1)
    ) {
      throw invalid("cluster.method.batch_size.invalid", "batchSize must be an integer >= 1", {
        fields: [{ path: "method.batchSize", message: "integer >= 1" }],
      });
    }
  }
  if (method.kind === "serp") {
    const top = method.topUrls ?? 10;
    if (!Number.isInteger(top) || top < 1) {
      throw invalid("cluster.method.top_urls.invalid", "topUrls must be an integer >= 1", {
        fields: [{ path: "method.topUrls", message: "integer >= 1" }],
      });
    }
    for (const field of ["minSharedUrls", "topicMinSharedUrls"] as const) {
      const value = method[field];
      if (value !== undefined && (!Number.isInteger(value) || value < 1 || value > top)) {
        throw invalid(
          `cluster.method.${field === "minSharedUrls" ? "min_shared_urls" : "topic_min_shared_urls"}.invalid`,
          `${field} must be an integer in 1..${top}`,
          {
            fields: [{ path: `method.${field}`, message: `integer in 1..${top}` }],
          },
        );
      }
    }
    if (method.mode !== undefined && !["soft", "moderate", "hard"].includes(method.mode)) {
      throw invalid("cluster.method.mode.invalid", 'mode must be "soft", "moderate" or "hard"', {
        fields: [{ path: "method.mode", message: "unknown mode" }],
      });
    }
  }
  const lockedOwner = new Map<string, string>();
  (request.existingClusters ?? []).forEach((cluster, c) => {
    if (!cluster || typeof cluster.id !== "string" || !Array.isArray(cluster.keywordIds)) {
      throw invalid(
        "cluster.existing_clusters.invalid",
        `existingClusters[${c}] needs an id and keywordIds`,
        {
          fields: [
            { path: `existingClusters.${c}`, message: "expected { id, locked, keywordIds }" },
          ],
        },
      );
    }
    if (!cluster.locked) return;
    for (const id of cluster.keywordIds) {
      const owner = lockedOwner.get(id);
      if (owner !== undefined && owner !== cluster.id) {
        throw invalid(
          "cluster.existing_clusters.keyword_ids.conflict",
          `keyword ${id} is in two locked clusters (${owner}, ${cluster.id})`,
          {
            fields: [
              {
                path: `existingClusters.${c}.keywordIds`,
                message: "keyword already in another locked cluster",
              },
            ],
          },
        );
      }
      lockedOwner.set(id, cluster.id);
    }
  });
}
