import { describe, expect, it } from "vitest";
import {
  numberLocaleVote,
  parseBoolean,
  parseIntents,
  parseNumber,
  parsePercent,
  parseSerpFeatures,
  parseTrend,
  parseUrlList,
  parseVolume,
} from "./values";

describe("parseNumber", () => {
  it.each([
    ["8,100", {}, 8100],
    ["1,234,567", {}, 1234567],
    ["1.2K", {}, 1200],
    ["1,2K", { locale: "eu" as const }, 1200],
    ["1.5M", {}, 1_500_000],
    ["2B", {}, 2e9],
    ["12,5", {}, 12.5],
    ["0,45", { locale: "eu" as const }, 0.45],
    ["1.234,56", {}, 1234.56],
    ["1,234.56", {}, 1234.56],
    ["1 200", {}, 1200],
    ["1'200", {}, 1200],
    ["$2.17", {}, 2.17],
    ["US$2.17", {}, 2.17],
    ["2,17 €", { locale: "eu" as const }, 2.17],
    ["-90%", {}, -90],
    ["+900%", {}, 900],
    ["<10", {}, 10],
    ["１２３", {}, 123],
    ["0.123", { kind: "integer" as const }, 0.123],
  ])("%s %j → %s", (text, options, expected) => {
    expect(parseNumber(text, options)).toBe(expected);
  });

  it("reads `1.200` by context: thousands in integer columns and European files, decimals otherwise", () => {
    expect(parseNumber("1.200", { kind: "integer" })).toBe(1200);
    expect(parseNumber("1.200", { locale: "eu", kind: "decimal" })).toBe(1200);
    expect(parseNumber("1.200", { locale: "en", kind: "decimal" })).toBe(1.2);
    expect(parseNumber("1,200", { locale: "eu", kind: "decimal" })).toBe(1.2);
    expect(parseNumber("1,200", { locale: "eu", kind: "integer" })).toBe(1200);
    expect(parseNumber("1.200.000")).toBe(1_200_000);
  });

  it.each([
    "",
    " ",
    "-",
    "—",
    "n/a",
    "N/A",
    "null",
    "none",
    "abc",
    "12 apples and pears",
    "1,2,3",
    "1.2.3",
  ])("%j is not a number", (text) => {
    expect(parseNumber(text)).toBeNull();
  });
});

describe("parseVolume", () => {
  it("keeps exact volumes exact", () => {
    expect(parseVolume("8,100")).toEqual({ volume: 8100, low: null, high: null });
    expect(parseVolume("1.2K")).toEqual({ volume: 1200, low: null, high: null });
    expect(parseVolume("1.200")).toEqual({ volume: 1200, low: null, high: null });
  });

  it("reads ranges with an en dash, a hyphen or `to`, keeping bounds and a midpoint", () => {
    expect(parseVolume("10K – 100K")).toEqual({ volume: 55_000, low: 10_000, high: 100_000 });
    expect(parseVolume("1K-10K")).toEqual({ volume: 5500, low: 1000, high: 10_000 });
    expect(parseVolume("100 - 1,000")).toEqual({ volume: 550, low: 100, high: 1000 });
    expect(parseVolume("851-1.7k")).toEqual({ volume: 1276, low: 851, high: 1700 });
    expect(parseVolume("0 – 10")).toEqual({ volume: 5, low: 0, high: 10 });
    expect(parseVolume("1M to 10M")).toEqual({
      volume: 5_500_000,
      low: 1_000_000,
      high: 10_000_000,
    });
  });

  it("reads bounds: `<10` and `>1M`", () => {
    expect(parseVolume("<10")).toEqual({ volume: 5, low: 0, high: 10 });
    expect(parseVolume(">1M")).toEqual({ volume: 1_000_000, low: 1_000_000, high: null });
  });

  it("gives nothing for empty, negative, percentage or reversed values", () => {
    for (const text of ["", "-", "n/a", "-5", "12%", "100 – 10", undefined]) {
      expect(parseVolume(text)).toEqual({ volume: null, low: null, high: null });
    }
  });
});

describe("parsePercent", () => {
  it("returns a share", () => {
    expect(parsePercent("33.33%")).toBe(0.3333);
    expect(parsePercent("0%")).toBe(0);
    expect(parsePercent("5,0 %", { locale: "eu" })).toBe(0.05);
    expect(parsePercent("45")).toBe(0.45);
    expect(parsePercent("0.25")).toBe(0.25);
    expect(parsePercent("")).toBeNull();
  });
});

describe("parseIntents", () => {
  it("reads Semrush words, letters and API codes, primary first", () => {
    expect(parseIntents("Informational, Commercial").intents).toEqual([
      "informational",
      "commercial",
    ]);
    expect(parseIntents("informational, transactional").intents).toEqual([
      "informational",
      "transactional",
    ]);
    expect(parseIntents("T, C").intents).toEqual(["transactional", "commercial"]);
    expect(parseIntents("1,0").intents).toEqual(["informational", "commercial"]);
    expect(parseIntents("Navigational").intents).toEqual(["navigational"]);
  });

  it("reads Ahrefs intents with branded and local flags", () => {
    expect(parseIntents("Informational,Commercial,Non-branded,Non-local")).toEqual({
      intents: ["informational", "commercial"],
      branded: false,
      local: false,
    });
    expect(parseIntents("Transactional,Branded,Local")).toEqual({
      intents: ["transactional"],
      branded: true,
      local: true,
    });
  });

  it("ignores unknown words and repeats", () => {
    expect(parseIntents("Unknown, informational, Informational").intents).toEqual([
      "informational",
    ]);
    expect(parseIntents("").intents).toEqual([]);
  });
});

describe("lists and flags", () => {
  it("slugs SERP features and drops repeats", () => {
    expect(parseSerpFeatures("AI Overview,Thumbnail,People also ask")).toEqual([
      "ai_overview",
      "thumbnail",
      "people_also_ask",
    ]);
    expect(parseSerpFeatures("Sitelinks, Video, Sitelinks")).toEqual(["sitelinks", "video"]);
    expect(parseSerpFeatures("")).toEqual([]);
  });

  it("reads trends in brackets or as a plain list", () => {
    expect(parseTrend("[0,0,3,100]")).toEqual([0, 0, 3, 100]);
    expect(parseTrend("0.81,1.00,0.67")).toEqual([0.81, 1, 0.67]);
    expect(parseTrend("2181, 1845")).toEqual([2181, 1845]);
    expect(parseTrend("")).toBeNull();
    expect(parseTrend("[1,x]")).toBeNull();
  });

  it("reads true/false flags and URL lists", () => {
    expect(parseBoolean("true")).toBe(true);
    expect(parseBoolean("FALSE")).toBe(false);
    expect(parseBoolean("")).toBeNull();
    expect(parseUrlList("https://a.example/x | https://b.example/y\nftp://c")).toEqual([
      "https://a.example/x",
      "https://b.example/y",
    ]);
  });

  it("votes a number locale only on unambiguous cells", () => {
    expect(numberLocaleVote("0,45")).toBe("eu");
    expect(numberLocaleVote("1.234,5")).toBe("eu");
    expect(numberLocaleVote("0.45")).toBe("en");
    expect(numberLocaleVote("1,234.5")).toBe("en");
    expect(numberLocaleVote("1,200")).toBeNull();
    expect(numberLocaleVote("1.200")).toBeNull();
  });
});
