import { analyze, analyzerFor } from "../../packages/core/src/cluster/engine/index";

/**
 * The naive baseline: keywords with identical sets of stemmed content words form a group
 * ("ai tools for marketing" = "marketing ai tools"). Same normalization, stop words and stemmer
 * as the engine, so the difference measured is the engine's similarity and clustering.
 */
export function stemmedTokenSetGroups(texts: string[], language = "en"): string[] {
  const analyzer = analyzerFor({ language });
  return texts.map((text) => [...new Set(analyze(text, analyzer).stems)].sort().join(" "));
}
