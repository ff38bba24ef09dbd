/**
 * Keyword import parser benchmark: rows/s and peak memory of the streaming parser against a
 * naive baseline (readFile + split, everything held in memory) on the same generated files,
 * in the same process. The streaming parser runs first so the baseline's memory cannot flatter it.
 *
 *   npx tsx bench/keyword-import.bench.ts [rows=200000]
 */
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { openKeywordFile } from "../packages/core/src/keyword/import/index";

const ROWS = Number(process.argv[2] ?? 200_000);

// Collect garbage between phases so each starts from the same live heap.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const WORDS = [
  "running",
  "trail",
  "shoes",
  "women",
  "men",
  "best",
  "cheap",
  "waterproof",
  "review",
  "near me",
  "sale",
  "size",
  "wide",
  "lightweight",
  "hiking",
  "boots",
  "vs",
  "how to",
  "clean",
  "buy",
];
const word = (i: number, k: number) => WORDS[(i * 7 + k * 13 + Math.floor(i / 20)) % WORDS.length];
const keyword = (i: number) =>
  `${word(i, 1)} ${word(i, 2)} ${word(i, 3)} ${i % 9 === 0 ? "" : i}`.trim();

interface Format {
  name: string;
  encoding: "utf8" | "utf16le";
  delimiter: string;
  header: string[];
  row: (i: number) => string[];
  quoteAll: boolean;
}

const FORMATS: Format[] = [
  {
    name: "Semrush Keyword Magic (UTF-8, comma)",
    encoding: "utf8",
    delimiter: ",",
    quoteAll: false,
    header: [
      "Keyword",
      "Intent",
      "Volume",
      "Trend",
      "Keyword Difficulty",
      "CPC (USD)",
      "Competitive Density",
      "SERP Features",
      "Number of Results",
    ],
    row: (i) => [
      keyword(i),
      i % 3 ? "Informational" : "Commercial, Transactional",
      String((i * 37) % 90_000),
      "0.81,0.81,1.00,0.81,0.67,0.67,0.55,0.55,0.67,0.81,0.81,1.00",
      String(i % 100),
      ((i % 500) / 100).toFixed(2),
      ((i % 100) / 100).toFixed(2),
      "Featured snippet, People also ask, Video, Related searches",
      String(i * 1000),
    ],
  },
  {
    name: "Ahrefs Keywords Explorer (UTF-16LE, TAB, quoted)",
    encoding: "utf16le",
    delimiter: "\t",
    quoteAll: true,
    header: [
      "#",
      "Keyword",
      "Country",
      "Difficulty",
      "Volume",
      "CPC",
      "CPS",
      "Parent Keyword",
      "Last Update",
      "SERP Features",
      "Global volume",
      "Traffic potential",
      "Global traffic potential",
      "First seen",
      "Intents",
      "Languages",
    ],
    row: (i) => [
      String(i + 1),
      keyword(i),
      "us",
      String(i % 100),
      String((i * 37) % 90_000),
      ((i % 500) / 100).toFixed(2),
      "0.51",
      keyword(i - (i % 5)),
      "2026-01-02 10:12:44",
      "AI Overview,Thumbnail,People also ask,Sitelinks",
      String((i * 53) % 200_000),
      String((i * 11) % 50_000),
      String((i * 13) % 90_000),
      "2019-05-26",
      "Informational,Commercial,Non-branded,Non-local",
      "English",
    ],
  },
];

function cell(value: string, format: Format): string {
  return format.quoteAll || /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

async function generate(path: string, format: Format): Promise<number> {
  const out = createWriteStream(path);
  const write = (text: string) =>
    new Promise<void>((resolve) => {
      if (out.write(Buffer.from(text, format.encoding))) resolve();
      else out.once("drain", resolve);
    });
  if (format.encoding === "utf16le") await write("\ufeff");
  await write(`${format.header.map((h) => cell(h, format)).join(format.delimiter)}\n`);
  let batch = "";
  for (let i = 0; i < ROWS; i++) {
    batch += `${format
      .row(i)
      .map((v) => cell(v, format))
      .join(format.delimiter)}\n`;
    if (batch.length > 256 * 1024) {
      await write(batch);
      batch = "";
    }
  }
  await write(batch);
  await new Promise<void>((resolve) => out.end(resolve));
  return (await stat(path)).size;
}

/** Peak RSS and peak heap (V8 heap + buffers) while `run` works, sampled by a timer and by `run`. */
async function measure<T>(run: (sample: () => void) => Promise<T>) {
  // Buffers are freed by finalizers after a collection: collect, let them run, collect again.
  gc();
  await new Promise((resolve) => setTimeout(resolve, 100));
  gc();
  const memory = () => {
    const m = process.memoryUsage();
    return { rss: m.rss, heap: m.heapUsed + m.external + m.arrayBuffers };
  };
  const start = memory();
  const peak = { ...start };
  const sample = () => {
    const m = memory();
    peak.rss = Math.max(peak.rss, m.rss);
    peak.heap = Math.max(peak.heap, m.heap);
  };
  const timer = setInterval(sample, 5);
  const cpu = process.cpuUsage();
  const began = performance.now();
  const result = await run(sample);
  const wall = performance.now() - began;
  const used = process.cpuUsage(cpu);
  clearInterval(timer);
  sample();
  return {
    result,
    wall,
    cpu: (used.user + used.system) / 1000,
    rss: peak.rss - start.rss,
    heap: peak.heap - start.heap,
  };
}

async function streaming(path: string, sample: () => void) {
  const file = await openKeywordFile(createReadStream(path));
  const counts = { row: 0, duplicate: 0, rejected: 0 };
  let n = 0;
  for await (const item of file.rows()) {
    counts[item.kind]++;
    if (++n % 2000 === 0) sample();
  }
  return { rows: n, counts, format: file.detection.format };
}

/** What a first attempt looks like: the whole file in memory, split on newlines and delimiters. */
async function naive(path: string, format: Format, sample: () => void) {
  const bytes = await readFile(path);
  sample();
  const text = bytes.toString(format.encoding).replace(/^\ufeff/, "");
  sample();
  const lines = text.split("\n");
  sample();
  const header = (lines[0] ?? "").split(format.delimiter).map((h) => h.replace(/^"|"$/g, ""));
  const k = header.indexOf("Keyword");
  const v = header.indexOf("Volume");
  const rows: { keyword: string; volume: number }[] = [];
  let misaligned = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (!line) continue;
    const cells = line.split(format.delimiter).map((c) => c.replace(/^"|"$/g, ""));
    if (cells.length !== header.length) misaligned++;
    rows.push({ keyword: (cells[k] ?? "").trim().toLowerCase(), volume: Number(cells[v]) });
  }
  sample();
  return { rows: rows.length, misaligned };
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
const rate = (rows: number, ms: number) =>
  `${Math.round(rows / (ms / 1000)).toLocaleString("en-US")}`;

async function main() {
  const dir = await mkdtemp(join(tmpdir(), "kw-import-bench-"));
  try {
    console.log(
      `keyword import benchmark: ${ROWS.toLocaleString("en-US")} rows per file, Node ${process.version}`,
    );
    for (const [index, format] of FORMATS.entries()) {
      const path = join(dir, `bench-${index}.csv`);
      const size = await generate(path, format);
      const s = await measure((sample) => streaming(path, sample));
      const n = await measure((sample) => naive(path, format, sample));
      console.log(`\n${format.name}: ${mb(size)}`);
      console.log(
        "| parser | rows | rows/s (wall) | rows/s (CPU) | wall | CPU | peak heap+buffers growth | peak RSS growth |",
      );
      console.log("|---|---|---|---|---|---|---|---|");
      for (const [label, m] of [
        ["streaming (openKeywordFile)", s],
        ["naive readFile + split", n],
      ] as const) {
        console.log(
          `| ${label} | ${m.result.rows} | ${rate(m.result.rows, m.wall)} | ${rate(m.result.rows, m.cpu)} | ${Math.round(m.wall)} ms | ${Math.round(m.cpu)} ms | ${mb(m.heap)} | ${mb(m.rss)} |`,
        );
      }
      console.log(
        `streaming: ${s.result.format}, ${JSON.stringify(s.result.counts)}; naive: ${n.result.misaligned} rows split wrongly (quoted delimiters), no detection, no validation`,
      );
      console.log(
        `process peak RSS so far: ${mb(process.resourceUsage().maxRSS * 1024)} (load average ${loadavg()[0]?.toFixed(1)})`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
