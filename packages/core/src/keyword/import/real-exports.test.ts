/**
 * Optional: reads every real export in ../shared/datasets (beside the repository) when that
 * folder exists, and checks the detected format and the row counts against an independent,
 * deliberately simple reading of the same bytes. Skipped cleanly elsewhere (CI).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { isVisibleError } from "../../util/error";
import type { FormatId } from "./formats";
import { openKeywordFile } from "./parse";

const repoRoot = resolve(fileURLToPath(new URL(".", import.meta.url)), "../../../../..");
const datasets = resolve(repoRoot, "../shared/datasets");
const folders = [join(datasets, "keyword-exports"), join(datasets, "clustering/ahrefs_ai_tools")];
const present = folders.filter((f) => existsSync(f));

interface Expectation {
  format?: FormatId;
  error?: string;
  /** A numeric column summed by the reference and compared with the parsed field. */
  metric?: { header: string; field: "volume" | "clicks" };
}

const EXPECTED: [RegExp, Expectation][] = [
  [
    /ahrefs\/google_us_.*matching-terms/,
    { format: "ahrefs_keywords_explorer", metric: { header: "Volume", field: "volume" } },
  ],
  [
    /ahrefs_ai_tools\/.*matching-terms/,
    { format: "ahrefs_keywords_explorer", metric: { header: "Volume", field: "volume" } },
  ],
  [
    /organic-keywords/,
    { format: "ahrefs_site_explorer_organic", metric: { header: "Volume", field: "volume" } },
  ],
  [
    /gkp\//,
    {
      format: "google_keyword_planner",
      metric: { header: "Avg. monthly searches", field: "volume" },
    },
  ],
  [/Queries\.csv$/, { format: "gsc_queries", metric: { header: "Clicks", field: "clicks" } }],
  [
    /nifty50/,
    { format: "semrush_keyword_magic_compact", metric: { header: "Volume", field: "volume" } },
  ],
  [
    /organic_positions/,
    { format: "semrush_organic_positions", metric: { header: "Search Volume", field: "volume" } },
  ],
  [
    /full_export\/(Countries|Dates|Devices|Pages|Search appearance|Filters)\.csv$/,
    { error: "import.no_keyword_column" },
  ],
];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

/** RFC 4180 by hand: quotes, doubled quotes, quoted newlines. Independent of csv-parse. */
function referenceRecords(path: string): string[][] {
  const bytes = readFileSync(path);
  const text =
    bytes[0] === 0xff && bytes[1] === 0xfe
      ? bytes.subarray(2).toString("utf16le")
      : bytes.toString("utf8").replace(/^\ufeff/, "");
  const delimiter = (text.split("\n")[0] ?? "").includes("\t") ? "\t" : ",";
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === delimiter) {
      record.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      record.push(field);
      records.push(record);
      record = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || record.length) {
    record.push(field);
    records.push(record);
  }
  return records;
}

interface Reference {
  dataRows: number;
  longKeywords: number;
  metricSum: number | null;
}

function reference(path: string, metric: Expectation["metric"]): Reference {
  const records = referenceRecords(path).filter((r) => r.some((c) => c.trim() !== ""));
  // Preamble lines have one cell; the header is the first wider record.
  const start = records.findIndex((r) => r.length > 1);
  const header = records[start] ?? [];
  const rows = records.slice(start + 1);
  const keywordColumn = header.findIndex((h) => /^(keyword|top queries)$/i.test(h.trim()));
  const metricColumn = metric ? header.indexOf(metric.header) : -1;
  return {
    dataRows: rows.length,
    longKeywords: rows.filter((r) => (r[keywordColumn] ?? "").trim().length > 200).length,
    metricSum:
      metricColumn < 0 ? null : rows.reduce((sum, r) => sum + (Number(r[metricColumn]) || 0), 0),
  };
}

describe.skipIf(present.length === 0)("real exports in ../shared/datasets", () => {
  it("detects every file's format and reads every data row", { timeout: 300_000 }, async () => {
    const table: string[] = [
      "| file | format (confidence) | encoding | data rows | accepted | duplicates | rejected | reference rows |",
      "|---|---|---|---|---|---|---|---|",
    ];
    const all = present.flatMap(files).sort();
    expect(all.length).toBeGreaterThan(0);
    for (const path of all) {
      const name = relative(datasets, path);
      const expected = EXPECTED.find(([pattern]) => pattern.test(name))?.[1] ?? {};
      try {
        const file = await openKeywordFile(readFileSync(path));
        let metricSum = 0;
        for await (const item of file.rows()) {
          if (item.kind !== "rejected" && expected.metric)
            metricSum += item[expected.metric.field] ?? 0;
        }
        const s = file.summary;
        const ref = reference(path, expected.metric);
        table.push(
          `| ${name} | ${file.detection.format} (${file.detection.confidence}) | ${file.detection.encoding} | ${s.dataRows} | ${s.accepted} | ${s.duplicates} | ${s.rejected} | ${ref.dataRows} |`,
        );
        expect(expected.error, name).toBeUndefined();
        if (expected.format) expect(file.detection.format, name).toBe(expected.format);
        expect(s.dataRows, name).toBe(ref.dataRows);
        expect(s.accepted + s.duplicates + s.rejected, name).toBe(ref.dataRows);
        expect(s.rejected, name).toBe(ref.longKeywords);
        if (ref.metricSum !== null) expect(metricSum, name).toBe(ref.metricSum);
      } catch (error) {
        if (!isVisibleError(error) || !expected.error) throw error;
        table.push(`| ${name} | refused: ${error.code} | | | | | | |`);
        expect(error.code, name).toBe(expected.error);
      }
    }
    console.log(table.join("\n"));
  });
});
