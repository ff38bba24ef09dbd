import { describe, expect, it } from "vitest";
import { analyze, analyzerFor, charGrams, normalizeKeyword, tokenize } from "./text";

describe("text analysis", () => {
  it("normalizes Unicode width, case, apostrophes and punctuation", () => {
    expect(normalizeKeyword("  Ｂｅｓｔ  AI-Tools, 2025!  ")).toBe("best ai tools 2025");
    expect(normalizeKeyword("McDonald’s menu")).toBe("mcdonalds menu");
    expect(tokenize(normalizeKeyword("C++ vs C# tutorial"))).toEqual([
      "c++",
      "vs",
      "c#",
      "tutorial",
    ]);
  });

  it("drops English stop words and stems with Porter", () => {
    const en = analyzerFor({ language: "en" });
    expect(analyze("What are the best tools for marketing?", en).stems).toEqual([
      "best",
      "tool",
      "market",
    ]);
    expect(analyze("generators", en).stems).toEqual(analyze("generator", en).stems);
  });

  it("keeps stop words when nothing else is left", () => {
    expect(analyze("how to", analyzerFor({ language: "en" })).stems).toEqual(["how", "to"]);
  });

  it("falls back to whole words for a language without a stemmer, or uses the one given", () => {
    const de = analyzerFor({ language: "de" });
    expect(analyze("Die besten Werkzeuge", de).stems).toEqual(["die", "besten", "werkzeuge"]);
    const custom = analyzerFor({ language: "de", stem: (w) => w.slice(0, 5) });
    expect(analyze("Werkzeuge", custom).stems).toEqual(["werkz"]);
    // Non-ASCII words pass through the English stemmer untouched.
    expect(analyze("café", analyzerFor({ language: "en-US" })).stems).toEqual(["café"]);
  });

  it("makes padded character trigrams per word", () => {
    expect(charGrams("ai seo")).toEqual([" ai", "ai ", " se", "seo", "eo "]);
    expect(charGrams("a")).toEqual([" a "]);
  });
});
