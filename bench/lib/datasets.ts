import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The labelled clustering sets live beside the repository in ../shared/datasets/clustering; they
 * are read at run time only and never copied into the project (their licences differ).
 */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const clusteringData = resolve(repoRoot, "..", "shared", "datasets", "clustering");

export function requireDatasets(): void {
  if (!existsSync(clusteringData)) {
    console.error(
      `The labelled datasets were not found at ${clusteringData}.\n` +
        "This benchmark reads ../shared/datasets/clustering relative to the repository root; put the shared folder beside the repository and run it again.",
    );
    process.exit(2);
  }
}

/** RFC 4180 CSV: quoted fields with doubled quotes and embedded newlines; CRLF or LF. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (quoted) {
      if (ch === '"') {
        if (body[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && body[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += ch;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function records(path: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(readFileSync(path, "utf8"));
  return rows
    .filter((r) => r.length > 1 || (r[0] ?? "") !== "")
    .map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ""])));
}

export interface LabelledKeyword {
  keyword: string;
  label: string | null;
  volume?: number;
  difficulty?: number;
  intents?: string[];
  serpUrls?: string[];
}

const number = (text: string | undefined) => {
  const value = Number((text ?? "").replace(/,/g, ""));
  return text && Number.isFinite(value) ? value : undefined;
};

/** Ahrefs Keywords Explorer export: label = Parent Keyword (null when the row has none). */
export function ahrefsAiTools(): LabelledKeyword[] {
  const folder = join(clusteringData, "ahrefs_ai_tools");
  const file = readdirSync(folder).find((f) => f.endsWith(".csv"))!;
  return records(join(folder, file)).map((r) => ({
    keyword: r.Keyword!,
    label: r["Parent Keyword"] ? r["Parent Keyword"] : null,
    volume: number(r.Volume),
    difficulty: number(r.Difficulty),
    intents: (r.Intents ?? "")
      .split(",")
      .map((s) => s.trim().toLowerCase())
      .filter((s) => ["informational", "commercial", "transactional", "navigational"].includes(s)),
  }));
}

export function banking77(): LabelledKeyword[] {
  return records(join(clusteringData, "banking77", "test.csv")).map((r) => ({
    keyword: r.text!,
    label: r.category!,
  }));
}

export function stackOverflowTitles(): LabelledKeyword[] {
  const folder = join(clusteringData, "stackoverflow_titles");
  const titles = readFileSync(join(folder, "title_StackOverflow.txt"), "utf8").split("\n");
  const labels = readFileSync(join(folder, "label_StackOverflow.txt"), "utf8").split("\n");
  const out: LabelledKeyword[] = [];
  titles.forEach((title, i) => {
    if (title.trim() === "" || !labels[i]?.trim()) return;
    out.push({ keyword: title, label: labels[i]!.trim() });
  });
  return out;
}

/** 86 keywords with raw top-10 URLs; label = the Hub of the reference SERP clustering. */
export function serpOverlapAsphalt(): LabelledKeyword[] {
  const folder = join(clusteringData, "serp_overlap_asphalt");
  const serps = JSON.parse(
    readFileSync(join(folder, "serp_overlap_asphalt_serp_results.json"), "utf8"),
  ) as Record<string, string[]>;
  const hubs = new Map(
    records(join(folder, "serp_overlap_asphalt_final_clustered_keywords.csv")).map((r) => [
      r.Keyword!,
      r.Hub!,
    ]),
  );
  return Object.entries(serps).map(([keyword, urls]) => ({
    keyword,
    label: hubs.get(keyword) ?? null,
    serpUrls: urls,
  }));
}
