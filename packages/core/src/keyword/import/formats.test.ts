import { createReadStream } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { openKeywordFile } from "./parse";
import type { AcceptedRow, ImportItem } from "./rows";

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

async function read(name: string) {
  const file = await openKeywordFile(createReadStream(fixture(name), { highWaterMark: 1024 }));
  const items: ImportItem[] = [];
  const iterator = file.rows();
  let next = await iterator.next();
  while (!next.done) {
    items.push(next.value);
    next = await iterator.next();
  }
  const rows = items.filter((i): i is AcceptedRow => i.kind === "row");
  const byKeyword = (k: string) => {
    const row = rows.find((r) => r.keyword === k);
    if (!row) throw new Error(`no row ${k}`);
    return row;
  };
  return { detection: file.detection, items, rows, summary: next.value, byKeyword };
}

describe("Semrush Keyword Magic Tool", () => {
  it("reads the 9-column layout: trend, competitive density, empty intent and KD", async () => {
    const { detection, summary, byKeyword } = await read("semrush-keyword-magic.csv");
    expect(detection).toMatchObject({
      format: "semrush_keyword_magic",
      encoding: "utf-8",
      bom: false,
      delimiter: ",",
      headerLine: 1,
      needsConfirmation: false,
    });
    expect(detection.confidence).toBeGreaterThanOrEqual(0.9);
    expect(summary).toMatchObject({ dataRows: 8, accepted: 8, duplicates: 0, rejected: 0 });
    expect(byKeyword("best herbal tea for sleep")).toMatchObject({
      volume: 4400,
      difficulty: 39,
      cpc: 1.2,
      competition: 0.45,
      intent: "commercial",
      intents: ["commercial", "informational"],
      serpFeatures: ["image_pack", "people_also_ask", "popular_products"],
    });
    expect(byKeyword("herbal tea benefits").trend).toHaveLength(12);
    expect(byKeyword("herbal tea benefits").trend?.[4]).toBe(1);
    expect(byKeyword("hibiscus tea blood pressure study")).toMatchObject({
      volume: 30,
      difficulty: null,
      intent: null,
      intents: [],
      trend: null,
      serpFeatures: [],
    });
    expect(byKeyword("dandelion root tea taste").volume).toBe(0);
  });

  it("reads the compact 6-column layout (UTF-8 with BOM)", async () => {
    const { detection, summary, byKeyword } = await read("semrush-keyword-magic-compact.csv");
    expect(detection).toMatchObject({ format: "semrush_keyword_magic_compact", bom: true });
    expect(detection.headers[0]).toBe("Keyword");
    expect(summary).toMatchObject({ dataRows: 6, accepted: 6 });
    expect(byKeyword("trail running shoes women")).toMatchObject({
      volume: 8100,
      difficulty: 58,
      cpc: 0.98,
      intents: ["commercial", "transactional"],
      serpFeatures: ["popular_products", "reviews"],
    });
    expect(byKeyword("trail running shoes wide toe box green")).toMatchObject({
      volume: 40,
      difficulty: null,
      intent: null,
    });
  });
});

describe("Semrush Organic Research positions", () => {
  it("reads positions, URLs, bracketed trends and multi-value intents; flags repeated keywords", async () => {
    const { detection, summary, items, byKeyword } = await read("semrush-organic-positions.csv");
    expect(detection.format).toBe("semrush_organic_positions");
    expect(summary).toMatchObject({ dataRows: 5, accepted: 4, duplicates: 1, rejected: 0 });
    expect(byKeyword("sourdough starter ratio")).toMatchObject({
      position: 1,
      previousPosition: 3,
      volume: 6600,
      difficulty: 22,
      cpc: 0.41,
      url: "https://bakery.example/guide/sourdough-starter/",
      traffic: 1650,
      trend: [55, 66, 81, 100, 81, 66, 66, 55, 55, 66, 81, 100],
      intents: ["informational"],
    });
    expect(items[1]).toMatchObject({
      kind: "duplicate",
      line: 3,
      keyword: "sourdough starter ratio",
      position: 7,
      previousPosition: null,
      duplicateOf: { line: 2 },
    });
    expect(byKeyword("buy rye flour 5kg").intents).toEqual(["commercial", "transactional"]);
    expect(byKeyword("banneton basket").serpFeatures).toEqual([]);
  });
});

describe("Ahrefs", () => {
  it("reads Keywords Explorer (UTF-16LE, TAB, quoted, `#` column, parent keyword)", async () => {
    const { detection, summary, items, byKeyword } = await read("ahrefs-keywords-explorer.csv");
    expect(detection).toMatchObject({
      format: "ahrefs_keywords_explorer",
      encoding: "utf-16le",
      bom: true,
      delimiter: "\t",
    });
    expect(detection.headers[0]).toBe("#");
    expect(summary).toMatchObject({ dataRows: 7, accepted: 5, duplicates: 1, rejected: 1 });
    expect(summary.rejectedByReason).toEqual({ "keyword.too_long": 1 });
    expect(byKeyword("heat pump vs furnace")).toMatchObject({
      volume: 6400,
      globalVolume: 9100,
      difficulty: 38,
      cpc: 3.1,
      parentKeyword: "heat pump vs furnace",
      trafficPotential: 7300,
      intents: ["informational", "commercial"],
      branded: false,
      local: false,
      country: "us",
    });
    expect(byKeyword("heat pump installers near me")).toMatchObject({
      local: true,
      intent: "transactional",
    });
    expect(byKeyword("best heat pump brands").cpc).toBe(6.8);
    expect(byKeyword("heat pump doesn’t blow hot air").cpc).toBeNull();
    // A straight apostrophe is the same keyword as the typographic one.
    expect(items.find((i) => i.kind === "duplicate")).toMatchObject({
      line: 7,
      keyword: "heat pump doesn't blow hot air",
      duplicateOf: { line: 6 },
    });
    expect(items.find((i) => i.kind === "rejected")).toMatchObject({
      line: 8,
      row: 7,
      reason: "keyword.too_long",
    });
  });

  it("reads Site Explorer organic keywords with true/false intent columns", async () => {
    const { detection, summary, byKeyword } = await read("ahrefs-site-explorer-organic.csv");
    expect(detection).toMatchObject({
      format: "ahrefs_site_explorer_organic",
      encoding: "utf-16le",
    });
    expect(summary).toMatchObject({ dataRows: 4, accepted: 4 });
    expect(byKeyword("solar panel cost")).toMatchObject({
      volume: 27000,
      difficulty: 34,
      cpc: 5.12,
      position: 2,
      url: "https://energy.example/solar/cost",
      traffic: 4120,
      intents: ["informational", "commercial"],
      branded: false,
      local: false,
      country: "us",
      serpFeatures: ["ai_overview", "thumbnail", "people_also_ask", "sitelinks"],
    });
    expect(byKeyword("sunbright solar login")).toMatchObject({
      intent: "navigational",
      branded: true,
    });
    expect(byKeyword("solar installers near me")).toMatchObject({
      intents: ["commercial", "transactional"],
      local: true,
    });
  });
});

describe("Google Keyword Planner", () => {
  it("skips the two preamble lines and reads ranges, bids and monthly searches", async () => {
    const { detection, summary, byKeyword } = await read("google-keyword-planner.csv");
    expect(detection).toMatchObject({
      format: "google_keyword_planner",
      encoding: "utf-16le",
      delimiter: "\t",
      headerLine: 3,
      headerIndex: 2,
    });
    expect(detection.notes.join(" ")).toMatch(/ranges/);
    expect(summary).toMatchObject({ dataRows: 7, accepted: 7 });
    expect(byKeyword("garden shed")).toMatchObject({
      line: 4,
      volume: 18100,
      volumeLow: null,
      competition: 0.88,
      cpc: 1.48,
      difficulty: null,
      trend: [14800, 18100, 22200, 22200, 18100, 14800, 12100, 12100, 9900, 9900, 14800, 18100],
    });
    expect(byKeyword("shed roof felt")).toMatchObject({
      volume: 55000,
      volumeLow: 10000,
      volumeHigh: 100000,
      trend: null,
    });
    expect(byKeyword("insulated garden office pod")).toMatchObject({
      volume: 550,
      volumeLow: 100,
      volumeHigh: 1000,
    });
    expect(byKeyword("potting shed plans free")).toMatchObject({
      volume: 5,
      volumeLow: 0,
      volumeHigh: 10,
      cpc: null,
    });
  });

  it("reads an export trimmed to two columns (Vietnamese keywords, CRLF)", async () => {
    const { detection, summary, rows } = await read("google-keyword-planner-trimmed.csv");
    expect(detection.format).toBe("google_keyword_planner");
    expect(summary.accepted).toBe(5);
    expect(rows.map((r) => [r.keyword, r.volume, r.line])).toEqual([
      ["học tiếng anh", 49500, 2],
      ["học tiếng anh online", 8100, 3],
      ["từ vựng tiếng anh", 22200, 4],
      ["ngữ pháp tiếng anh cơ bản", 3600, 5],
      ["luyện nghe tiếng anh", 6600, 6],
    ]);
  });
});

describe("Google Search Console", () => {
  it("reads Queries.csv: CTR percentages, a query spanning two lines, no final newline", async () => {
    const { detection, summary, rows, byKeyword } = await read("gsc-queries.csv");
    expect(detection.format).toBe("gsc_queries");
    expect(summary).toMatchObject({ dataRows: 5, accepted: 5 });
    expect(byKeyword("lakeside yoga studio")).toMatchObject({
      clicks: 128,
      impressions: 384,
      ctr: 0.3333,
      position: 1.12,
      volume: null,
    });
    expect(byKeyword("yoga retreat weekend lakeside, beginners welcome").line).toBe(4);
    expect(byKeyword("hot yoga near me").line).toBe(6);
    expect(byKeyword("yoga mat cleaning spray")).toMatchObject({
      impressions: 1204,
      ctr: 0.0008,
      position: 17,
    });
    expect(rows.at(-1)?.line).toBe(7);
  });

  it("reads comparison-mode exports into current and previous metrics", async () => {
    const { detection, byKeyword } = await read("gsc-queries-compare.csv");
    expect(detection.format).toBe("gsc_queries");
    expect(byKeyword("yin yoga class schedule")).toMatchObject({
      clicks: 8,
      previousClicks: 12,
      impressions: 260,
      previousImpressions: 300,
      ctr: 0.0308,
      previousCtr: 0.04,
      position: 6.2,
      previousPosition: 5.9,
    });
  });
});

describe("Moz and Ubersuggest", () => {
  it("reads Moz Keyword Explorer with volume ranges, organic CTR and priority", async () => {
    const { detection, summary, byKeyword } = await read("moz-keyword-explorer.csv");
    expect(detection.format).toBe("moz_keyword_explorer");
    expect(summary.accepted).toBe(4);
    expect(byKeyword("compost bin for apartment")).toMatchObject({
      volume: 1276,
      volumeLow: 851,
      volumeHigh: 1700,
      difficulty: 32,
      organicCtr: 0.87,
      priority: 61,
    });
    expect(byKeyword("how to start composting").volume).toBe(6500);
  });

  it("reads Ubersuggest keyword ideas: row numbers, `US$` CPC, quoted thousands", async () => {
    const { detection, summary, byKeyword } = await read("ubersuggest-keyword-ideas.csv");
    expect(detection).toMatchObject({ format: "ubersuggest", bom: true });
    expect(detection.mapping.keyword).toEqual([1]);
    expect(summary.accepted).toBe(4);
    expect(byKeyword("electric bike conversion kit")).toMatchObject({
      volume: 5400,
      cpc: 1.45,
      difficulty: 37,
      competition: 0.88,
      intent: "commercial",
    });
    expect(byKeyword("ebike conversion kit")).toMatchObject({ volume: 1300, cpc: 1.39 });
  });
});

describe("plain lists", () => {
  it("reads one keyword per line without a header, flagging repeats and control characters", async () => {
    const { detection, summary, items } = await read("plain-list.txt");
    expect(detection).toMatchObject({ format: "plain_list", delimiter: null, headerLine: null });
    expect(summary).toMatchObject({ dataRows: 6, accepted: 4, duplicates: 1, rejected: 1 });
    expect(items.map((i) => [i.kind, i.line])).toEqual([
      ["row", 1],
      ["row", 2],
      ["duplicate", 4],
      ["row", 5],
      ["rejected", 6],
      ["row", 7],
    ]);
    expect(items[4]).toMatchObject({ reason: "keyword.control_characters" });
  });

  it("reads a list with a `keyword` header and quoted cells", async () => {
    const { detection, rows } = await read("plain-list-header.csv");
    expect(detection).toMatchObject({ format: "plain_list", headerLine: 1 });
    expect(rows.map((r) => r.keyword)).toEqual([
      "smart thermostat",
      "smart thermostat, no c wire",
      '32" smart display',
      "thermostat wiring diagram",
    ]);
  });
});

describe("layout variants", () => {
  const detectText = async (text: string) => {
    const file = await openKeywordFile(Buffer.from(text));
    const items: ImportItem[] = [];
    for await (const item of file.rows()) items.push(item);
    return {
      detection: file.detection,
      rows: items.filter((i): i is AcceptedRow => i.kind === "row"),
    };
  };

  it("reads the 9-column Semrush positions layout with snake_case SERP features", async () => {
    const { detection, rows } = await detectText(
      'Keyword,Position,Search Volume,Traffic,URL,Keyword Difficulty,CPC,Keyword Intents,SERP Features by Keyword\ncold brew ratio,3,4400,310,https://cafe.example/cold-brew,27,0.52,informational,"people_also_ask,ai_overview,organic"\n',
    );
    expect(detection.format).toBe("semrush_organic_positions");
    expect(rows[0]).toMatchObject({
      position: 3,
      volume: 4400,
      traffic: 310,
      url: "https://cafe.example/cold-brew",
      serpFeatures: ["people_also_ask", "ai_overview", "organic"],
    });
  });

  it("reads the Ahrefs Keywords Explorer SV trend column as the trend", async () => {
    const { detection, rows } = await detectText(
      '#,Keyword,Country,Difficulty,Volume,CPC,CPS,Parent Keyword,Last Update,SERP Features,Global volume,Traffic potential,Global traffic potential,First seen,Intents,Languages,SV trend (01-2025 - 03-2025)\n1,cold brew ratio,us,27,4400,0.52,0.9,cold brew,2026-01-02 10:00:00,AI Overview,6000,9000,12000,2018-01-01,Informational,English,"4100, 4400, 4700"\n',
    );
    expect(detection.format).toBe("ahrefs_keywords_explorer");
    expect(rows[0]).toMatchObject({
      trend: [4100, 4400, 4700],
      parentKeyword: "cold brew",
      volume: 4400,
    });
  });

  it("reads the Ubersuggest domain overview layout", async () => {
    const { detection, rows } = await detectText(
      "No,Keywords,Volume,Position,Est. Visits,Seo Difficulty,Ranking Url\n1,tiny house kits,5400,1,1735,25,https://homes.example/kits\n",
    );
    expect(detection.format).toBe("ubersuggest");
    expect(rows[0]).toMatchObject({
      keyword: "tiny house kits",
      volume: 5400,
      position: 1,
      traffic: 1735,
      difficulty: 25,
      url: "https://homes.example/kits",
    });
  });

  it("asks for confirmation when a Moz-like file lacks Moz's distinctive columns", async () => {
    const file = await openKeywordFile(
      Buffer.from("Keyword,Monthly Volume,Difficulty\nrain barrel,880,21\n"),
    );
    expect(file.detection).toMatchObject({ format: "generic", needsConfirmation: true });
    expect(file.detection.mapping).toMatchObject({ keyword: [0], volume: [1], difficulty: [2] });
  });
});
