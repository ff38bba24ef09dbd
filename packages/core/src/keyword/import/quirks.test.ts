import { describe, expect, it } from "vitest";
import { detect } from "./detect";
import { type ByteSource, openKeywordFile, type ParseOptions } from "./parse";
import type { AcceptedRow, ImportItem } from "./rows";

async function collect(source: ByteSource, options: ParseOptions = {}) {
  const file = await openKeywordFile(source, options);
  const items: ImportItem[] = [];
  const iterator = file.rows();
  let next = await iterator.next();
  while (!next.done) {
    items.push(next.value);
    next = await iterator.next();
  }
  const rows = items.filter((i): i is AcceptedRow => i.kind === "row");
  return { detection: file.detection, items, rows, summary: next.value };
}

/** Feeds bytes in pieces of `size`, so characters and records are cut at every possible place. */
async function* pieces(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size);
}

const TEXT =
  "Keyword,Volume\ncafé crème,1200\nhọc tiếng anh,8100\n日本語 キーワード,90\nemoji 😀 search,10\n";
const EXPECTED = [
  ["café crème", 1200],
  ["học tiếng anh", 8100],
  ["日本語 キーワード", 90],
  ["emoji 😀 search", 10],
];

const utf16le = (s: string) => Buffer.from(s, "utf16le");
const utf16be = (s: string) => Buffer.from(s, "utf16le").swap16();
const BOM8 = Buffer.from([0xef, 0xbb, 0xbf]);
const BOM16LE = Buffer.from([0xff, 0xfe]);
const BOM16BE = Buffer.from([0xfe, 0xff]);

describe("encodings", () => {
  it.each([
    ["UTF-8", Buffer.from(TEXT), "utf-8", false],
    ["UTF-8 with BOM", Buffer.concat([BOM8, Buffer.from(TEXT)]), "utf-8", true],
    ["UTF-16LE with BOM", Buffer.concat([BOM16LE, utf16le(TEXT)]), "utf-16le", true],
    ["UTF-16BE with BOM", Buffer.concat([BOM16BE, utf16be(TEXT)]), "utf-16be", true],
    ["UTF-16LE without BOM", utf16le(TEXT), "utf-16le", false],
    ["UTF-16BE without BOM", utf16be(TEXT), "utf-16be", false],
  ])("%s", async (_name, bytes, encoding, bom) => {
    for (const size of [1, 3, 7, 65536]) {
      const { detection, rows } = await collect(pieces(bytes, size), {
        mapping: { keyword: "Keyword", volume: "Volume" },
      });
      expect(detection).toMatchObject({ encoding, bom });
      expect(detection.headers).toEqual(["Keyword", "Volume"]);
      expect(rows.map((r) => [r.keyword, r.volume])).toEqual(EXPECTED);
    }
  });

  it("detects from the first bytes alone, without the rest of the file", () => {
    const big = Buffer.concat([BOM16LE, utf16le(`Keyword\tVolume\n${"tea\t10\n".repeat(20_000)}`)]);
    const detection = detect(big.subarray(0, 4096));
    expect(detection).toMatchObject({ encoding: "utf-16le", delimiter: "\t", headerLine: 1 });
    expect(detection.preview.length).toBe(5);
  });
});

describe("CSV dialects", () => {
  it("keeps quoted newlines and doubled quotes in a cell, with correct line numbers (CRLF)", async () => {
    const csv =
      'Keyword,Volume\r\n"multi\r\nline ""quoted"" query",10\r\nnext one,20\r\n"a\nb",30\r\nlast,40';
    const { rows } = await collect(Buffer.from(csv), { mapping: { keyword: 0, volume: 1 } });
    expect(rows.map((r) => [r.keyword, r.line, r.row])).toEqual([
      ['multi line "quoted" query', 2, 1],
      ["next one", 4, 2],
      ["a b", 5, 3],
      ["last", 7, 4],
    ]);
  });

  it("finds the header below preamble lines", async () => {
    const csv =
      "Keyword research export\nGenerated 2026-01-05, database: US\n\nKeyword,Intent,Volume,Keyword Difficulty,CPC (USD),SERP Features\nwool socks,Commercial,1900,22,0.80,\n";
    const { detection, rows } = await collect(Buffer.from(csv));
    expect(detection).toMatchObject({
      format: "semrush_keyword_magic_compact",
      headerLine: 4,
      headerIndex: 2,
    });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ keyword: "wool socks", line: 5, volume: 1900 });
  });

  it("reads semicolon files with European numbers", async () => {
    const csv =
      "Keyword;Intent;Volume;Keyword Difficulty;CPC (EUR);SERP Features\nwanderschuhe damen;Commercial;1.200;41;0,45;Bildpaket, Bewertungen\nwanderschuhe test;Informational;22.200;38;1,10;\n";
    const { detection, rows } = await collect(Buffer.from(csv));
    expect(detection).toMatchObject({
      delimiter: ";",
      numberLocale: "eu",
      format: "semrush_keyword_magic_compact",
    });
    expect(rows.map((r) => [r.keyword, r.volume, r.cpc, r.serpFeatures])).toEqual([
      ["wanderschuhe damen", 1200, 0.45, ["bildpaket", "bewertungen"]],
      ["wanderschuhe test", 22200, 1.1, []],
    ]);
  });

  it("reads pipe-delimited files", async () => {
    const csv = "keyword|volume|kd\nred shoes|1,000|12\nblue shoes|2.5K|30\n";
    const { detection, rows } = await collect(Buffer.from(csv), {
      mapping: { keyword: "keyword", volume: "volume", difficulty: "kd" },
    });
    expect(detection.delimiter).toBe("|");
    expect(rows.map((r) => [r.keyword, r.volume, r.difficulty])).toEqual([
      ["red shoes", 1000, 12],
      ["blue shoes", 2500, 30],
    ]);
  });

  it("counts rows of blank cells apart and accepts ragged rows", async () => {
    const csv = "Top queries,Clicks,Impressions,CTR,Position\nyoga,1,10,10%,2\n,,,,\nshort row,3\n";
    const { summary, rows } = await collect(Buffer.from(csv));
    expect(summary).toMatchObject({ dataRows: 2, accepted: 2, blankRows: 1 });
    expect(rows[1]).toMatchObject({ keyword: "short row", clicks: 3, impressions: null });
  });

  it("keeps raw cells and lower-cases with the keyword language when asked", async () => {
    const csv = "keyword\nİSTANBUL OTELLERİ\n";
    const { rows } = await collect(Buffer.from(csv), { includeRaw: true, keywordLocale: "tr" });
    expect(rows[0]).toMatchObject({
      keyword: "istanbul otelleri",
      raw: { keyword: "İSTANBUL OTELLERİ" },
    });
  });
});

describe("batches", () => {
  it("gives the same items as rows(), grouped, and the same summary", async () => {
    const csv = `Keyword,Intent,Volume,Keyword Difficulty,CPC (USD),SERP Features\n${Array.from(
      { length: 5000 },
      (_, i) => `kw ${i % 4000},Commercial,${i},${i % 100},0.5,Video`,
    ).join("\n")}\n`;
    const byRows = await collect(pieces(Buffer.from(csv), 4096));
    const file = await openKeywordFile(pieces(Buffer.from(csv), 4096));
    const iterator = file.batches();
    const items: ImportItem[] = [];
    let sizes = 0;
    let next = await iterator.next();
    while (!next.done) {
      items.push(...next.value);
      sizes++;
      next = await iterator.next();
    }
    expect(sizes).toBeGreaterThan(1);
    expect(sizes).toBeLessThan(items.length);
    expect(items).toEqual(byRows.items);
    expect(next.value).toEqual(byRows.summary);
    expect(next.value).toMatchObject({ dataRows: 5000, accepted: 4000, duplicates: 1000 });
    await expect(file.rows().next()).rejects.toThrow(/read once/);
  });
});

describe("column mapping", () => {
  const german =
    "Suchbegriff,Suchvolumen,Schwierigkeit\nwanderschuhe damen,1200,41\nwanderschuhe herren,900,37\n";

  it("proposes a mapping by value types when no format is confident, and waits for confirmation", async () => {
    const file = await openKeywordFile(Buffer.from(german));
    expect(file.detection).toMatchObject({
      format: "generic",
      needsConfirmation: true,
      mappingSource: "proposed",
    });
    expect(file.detection.confidence).toBeLessThan(0.7);
    expect(file.detection.mapping.keyword).toEqual([0]);
    expect(file.detection.mapping.volume).toEqual([1]);
    expect(file.detection.proposal?.keyword?.score).toBeGreaterThan(0.3);
    expect(file.detection.preview[0]).toMatchObject({ kind: "row", keyword: "wanderschuhe damen" });
    await expect(file.rows().next()).rejects.toMatchObject({ code: "import.mapping_required" });
  });

  it("parses with the mapping the user confirmed", async () => {
    const { detection, rows } = await collect(Buffer.from(german), {
      mapping: { keyword: "Suchbegriff", volume: "suchvolumen", difficulty: 2 },
    });
    expect(detection).toMatchObject({ mappingSource: "explicit", needsConfirmation: false });
    expect(rows.map((r) => [r.keyword, r.volume, r.difficulty])).toEqual([
      ["wanderschuhe damen", 1200, 41],
      ["wanderschuhe herren", 900, 37],
    ]);
  });

  it("lets an explicit mapping override a detected format", async () => {
    const csv = "Top queries,Clicks,Impressions,CTR,Position\nyoga mat,5,400,1.25%,3.2\n";
    const { detection, rows } = await collect(Buffer.from(csv), {
      mapping: { keyword: "Top queries", volume: "Impressions" },
    });
    expect(detection).toMatchObject({ format: "gsc_queries", mappingSource: "explicit" });
    expect(rows[0]).toMatchObject({ keyword: "yoga mat", volume: 400, clicks: null });
  });

  it("reads a table without a header row through a proposed mapping", async () => {
    const csv = "red running shoes,1000,12\nblue running shoes,2000,30\ngreen trail shoes,800,22\n";
    const { detection, rows } = await collect(Buffer.from(csv), {
      mapping: { keyword: 0, volume: 1 },
    });
    expect(detection.headerLine).toBeNull();
    expect(detection.headers).toEqual(["Column 1", "Column 2", "Column 3"]);
    expect(rows.map((r) => r.keyword)).toEqual([
      "red running shoes",
      "blue running shoes",
      "green trail shoes",
    ]);
    const proposed = detect(Buffer.from(csv));
    expect(proposed.mapping).toMatchObject({ keyword: [0], volume: [1] });
  });
});
