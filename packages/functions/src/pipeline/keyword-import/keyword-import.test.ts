import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { useAccount } from "@igny8/core/actor";
import { Bus, type DomainEvent } from "@igny8/core/events";
import { Keyword } from "@igny8/core/keyword";
import { KeywordImport } from "@igny8/core/keyword/import";
import { Limit } from "@igny8/core/limit";
import { Execution, Pipelines } from "@igny8/core/pipelines";
import { Sector } from "@igny8/core/sector";
import { Site } from "@igny8/core/site";
import { useTestTable, withTestAccount } from "@igny8/core/testing";
import { afterEach, describe, expect, it } from "vitest";
// The local cloud's runner: the real ASL file, each Task answered by this package's handlers.
import { createLocalRunner, type InvokeCall } from "../../../../local/src/runner/index";

useTestTable();

const fixture = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../../../../core/src/keyword/import/fixtures/${name}`, import.meta.url)));

const added: DomainEvent[] = [];
Bus.subscribe(Keyword.KeywordAdded, (event) => {
  added.push(event);
});

afterEach(async () => {
  await Bus.idle();
  Pipelines.useRunner(undefined);
});

type Intercept = (call: InvokeCall, invoke: () => Promise<unknown>) => Promise<unknown>;

function useRunner(intercept?: Intercept) {
  const runner = createLocalRunner({ retryIntervalMs: 0, intercept });
  Pipelines.useRunner(runner);
  return runner;
}

async function setUp(sectorNames: string[]) {
  const site = await Site.create({ name: "Tea shop", url: "https://tea.example.com" });
  const sectorIds: string[] = [];
  for (const name of sectorNames) sectorIds.push((await Sector.create({ siteId: site.siteId, name })).sectorId);
  return { siteId: site.siteId, sectorIds };
}

async function upload(siteId: string, sectorId: string, bytes: Uint8Array, fileName: string) {
  const created = await Keyword.Imports.create({ siteId, sectorId, fileName, size: bytes.length, contentType: "text/csv" });
  const put = await fetch(created.upload.url, { method: "PUT", body: bytes, headers: created.upload.headers });
  expect(put.status).toBe(200);
  return created.import.importId;
}

/** Upload, start and wait for the pipeline; answers the import record. */
async function importFile(
  runner: ReturnType<typeof useRunner>,
  siteId: string,
  sectorId: string,
  bytes: Uint8Array,
  fileName = "keywords.csv",
  options: { reimport?: boolean; mapping?: Record<string, string> } = {},
) {
  const importId = await upload(siteId, sectorId, bytes, fileName);
  const started = await Keyword.Imports.start({ siteId, importId, ...options });
  expect(started.started).toBe(true);
  await runner.idle();
  return Keyword.Imports.get({ siteId, importId });
}

async function keywordsOf(siteId: string, sectorId: string) {
  return Keyword.forSector(siteId, sectorId);
}

async function reportOf(siteId: string, importId: string) {
  const { url } = await Keyword.Imports.report({ siteId, importId });
  const text = await (await fetch(url)).text();
  return text.replace(/^\ufeff/, "").trimEnd().split("\r\n").slice(1);
}

const cases = [
  { file: "semrush-keyword-magic.csv", format: "semrush_keyword_magic", dataRows: 8, created: 8, duplicates: 0, rejected: 0 },
  { file: "ahrefs-keywords-explorer.csv", format: "ahrefs_keywords_explorer", dataRows: 7, created: 5, duplicates: 1, rejected: 1 },
  { file: "google-keyword-planner.csv", format: "google_keyword_planner", dataRows: 7, created: 7, duplicates: 0, rejected: 0 },
  { file: "gsc-queries.csv", format: "gsc_queries", dataRows: 5, created: 5, duplicates: 0, rejected: 0 },
  { file: "semrush-organic-positions.csv", format: "semrush_organic_positions", dataRows: 5, created: 4, duplicates: 1, rejected: 0 },
  { file: "plain-list.txt", format: "plain_list", dataRows: 6, created: 4, duplicates: 1, rejected: 1 },
];

describe("keyword-import through the local runner", () => {
  it("imports the formats of real tools with correct counts, fields, progress, report and events", async () => {
    const runner = useRunner();
    await withTestAccount(async (accountId) => {
      const { siteId, sectorIds } = await setUp(cases.map((c) => c.file));
      let totalCreated = 0;
      for (const [i, c] of cases.entries()) {
        const sectorId = sectorIds[i]!;
        const record = await importFile(runner, siteId, sectorId, fixture(c.file), c.file);
        expect(record, c.file).toMatchObject({
          status: "succeeded",
          summary: { format: c.format, dataRows: c.dataRows, created: c.created, merged: 0, duplicates: c.duplicates, rejected: c.rejected },
          progress: { totalRows: c.dataRows, doneRows: c.dataRows, created: c.created },
          error: null,
          hasReport: true,
        });
        expect(await keywordsOf(siteId, sectorId), c.file).toHaveLength(c.created);
        const report = await reportOf(siteId, record.importId);
        expect(report, c.file).toHaveLength(c.dataRows);
        expect(report.filter((line) => /^\d+,\d+,(?:"(?:[^"]|"")*"|[^,"]*),created,/.test(line))).toHaveLength(c.created);
        const execution = await Execution.get(record.executionId!);
        expect(execution).toMatchObject({ status: "succeeded", pipeline: "keyword-import", progress: { total: 1, done: 1, failed: 0 } });
        totalCreated += c.created;
      }
      expect(await Limit.current({ limit: "max_keywords" })).toBe(totalCreated);

      const herbal = (await keywordsOf(siteId, sectorIds[0]!)).find((k) => k.keyword === "best herbal tea for sleep")!;
      expect(herbal).toMatchObject({
        volume: 4400,
        difficulty: 39,
        cpc: 1.2,
        competition: 0.45,
        intent: "commercial",
        intents: ["commercial", "informational"],
        serpFeatures: ["image_pack", "people_also_ask", "popular_products"],
        source: "semrush_keyword_magic",
        status: "new",
      });
      expect(herbal.trend).toHaveLength(12);
      const ranked = (await keywordsOf(siteId, sectorIds[4]!)).find((k) => k.keyword === "sourdough starter ratio")!;
      expect(ranked).toMatchObject({ volume: 6600, position: 1, url: "https://bakery.example/guide/sourdough-starter/" });

      await Bus.idle();
      const events = added.filter((e) => e.metadata.accountId === accountId);
      expect(events).toHaveLength(cases.length);
      expect(events.reduce((sum, e) => sum + (e.properties as { count: number }).count, 0)).toBe(totalCreated);
      expect(events[0]!.metadata.actor).toEqual({ type: "system", properties: { accountId } });
    });
  });

  it("re-uploading the same file changes nothing; reimporting it merges without changing a value", async () => {
    const runner = useRunner();
    await withTestAccount(async () => {
      const { siteId, sectorIds } = await setUp(["Tea"]);
      const sectorId = sectorIds[0]!;
      const bytes = fixture("semrush-keyword-magic.csv");
      const first = await importFile(runner, siteId, sectorId, bytes);
      const before = await keywordsOf(siteId, sectorId);
      const again = await importFile(runner, siteId, sectorId, bytes, "same-file-again.csv");
      expect(again).toMatchObject({ status: "unchanged", duplicateOf: first.importId, summary: null });
      expect(await Execution.get(again.executionId!)).toMatchObject({ status: "succeeded" });
      const forced = await importFile(runner, siteId, sectorId, bytes, "forced.csv", { reimport: true });
      expect(forced).toMatchObject({ status: "succeeded", summary: { created: 0, merged: 8, updated: 0, rejected: 0 } });
      const after = await keywordsOf(siteId, sectorId);
      expect(after.map((k) => [k.keywordId, k.updatedAt]).sort()).toEqual(before.map((k) => [k.keywordId, k.updatedAt]).sort());
      expect(await Limit.current({ limit: "max_keywords" })).toBe(8);
    });
  });

  it("a Write step that fails after writing part of the file is retried without duplicates", async () => {
    await withTestAccount(async () => {
      const { siteId, sectorIds } = await setUp(["Big"]);
      const sectorId = sectorIds[0]!;
      const lines = Array.from({ length: 600 }, (_, i) => `tea blend number ${i},${1000 - i}`);
      const bytes = Buffer.from(`Keyword,Volume\n${lines.join("\n")}\n`);
      let attempts = 0;
      const runner = useRunner(async (call, invoke) => {
        if (call.state !== "Write" || ++attempts > 1) return invoke();
        // The first attempt writes the first 100 rows (as the import's own writer would), then the Lambda dies.
        const { importId } = call.payload as { importId: string };
        const writer = Keyword.createWriter({ siteId, sectorId, source: "generic", importId });
        const file = await KeywordImport.openKeywordFile(bytes, { mapping: { keyword: "Keyword", volume: "Volume" } });
        const rows: Keyword.IncomingRow[] = [];
        for await (const row of file.rows()) {
          if (row.kind === "row" && rows.length < 100) rows.push({ ref: row.row, fields: Keyword.fromRecord(row), kind: "row" });
        }
        await writer.writeBatch(rows);
        const error = new Error("Service unavailable");
        error.name = "Lambda.ServiceException";
        throw error;
      });
      const record = await importFile(runner, siteId, sectorId, bytes, "big.csv", { mapping: { keyword: "Keyword", volume: "Volume" } });
      expect(attempts).toBe(2);
      expect(record).toMatchObject({ status: "succeeded", summary: { dataRows: 600, created: 600, merged: 0, duplicates: 0, rejected: 0 } });
      expect(await keywordsOf(siteId, sectorId)).toHaveLength(600);
      expect(await Limit.current({ limit: "max_keywords" })).toBe(600);
      const execution = await Execution.get(record.executionId!);
      expect(execution!.progress).toMatchObject({ total: 3, done: 3, failed: 0 });
    });
  });

  it("two imports racing near max_keywords never overshoot, and the rows left out say why", async () => {
    const runner = useRunner();
    await withTestAccount(
      async () => {
        const { siteId, sectorIds } = await setUp(["One", "Two"]);
        const file = (prefix: string) => Buffer.from(`Keyword\n${Array.from({ length: 300 }, (_, i) => `${prefix} keyword ${i}`).join("\n")}\n`);
        const ids = await Promise.all([
          upload(siteId, sectorIds[0]!, file("first"), "one.csv"),
          upload(siteId, sectorIds[1]!, file("second"), "two.csv"),
        ]);
        await Promise.all(ids.map((importId) => Keyword.Imports.start({ siteId, importId })));
        await runner.idle();
        const records = await Promise.all(ids.map((importId) => Keyword.Imports.get({ siteId, importId })));
        const created = records.reduce((sum, r) => sum + r.summary!.created, 0);
        const refused = records.reduce((sum, r) => sum + (r.summary!.rejectedByReason["plan.limit_reached"] ?? 0), 0);
        // The free plan allows 500 keywords.
        expect(created).toBe(500);
        expect(refused).toBe(100);
        expect(records.some((r) => r.summary!.limitReached)).toBe(true);
        for (const r of records) expect(r.status).toBe("succeeded");
        expect(await Limit.current({ limit: "max_keywords" })).toBe(500);
        const stored = [...(await keywordsOf(siteId, sectorIds[0]!)), ...(await keywordsOf(siteId, sectorIds[1]!))];
        expect(stored).toHaveLength(500);
        const report = [...(await reportOf(siteId, ids[0]!)), ...(await reportOf(siteId, ids[1]!))];
        expect(report.filter((line) => line.includes(",rejected,plan.limit_reached,"))).toHaveLength(100);
      },
      { planId: "free" },
    );
  });

  it("asks for the mapping when detection is unsure, then imports with the confirmed columns", async () => {
    const runner = useRunner();
    await withTestAccount(async () => {
      const { siteId, sectorIds } = await setUp(["German"]);
      const sectorId = sectorIds[0]!;
      const importId = await upload(siteId, sectorId, Buffer.from("Begriff,Anzahl\nlaufschuhe,1200\nwanderschuhe,300\n"), "begriffe.csv");
      const asked = await Keyword.Imports.start({ siteId, importId });
      expect(asked).toMatchObject({ started: false, import: { status: "needs_mapping" }, detection: { needsConfirmation: true } });
      await expect(Keyword.Imports.setMapping({ siteId, importId, mapping: { keyword: "Wort" } })).rejects.toMatchObject({
        code: "import.mapping_invalid",
      });
      const mapped = await Keyword.Imports.setMapping({ siteId, importId, mapping: { keyword: "Begriff", volume: "Anzahl" } });
      expect(mapped.detection.preview[0]).toMatchObject({ keyword: "laufschuhe", volume: 1200 });
      const started = await Keyword.Imports.start({ siteId, importId });
      expect(started.started).toBe(true);
      await runner.idle();
      expect(await Keyword.Imports.get({ siteId, importId })).toMatchObject({ status: "succeeded", summary: { created: 2, format: "generic" } });
      expect((await keywordsOf(siteId, sectorId)).map((k) => [k.keyword, k.volume]).sort()).toEqual([
        ["laufschuhe", 1200],
        ["wanderschuhe", 300],
      ]);
    });
  });

  describe("bad input: a clear error and nothing imported", () => {
    it("refuses a declared 2 GB file, an empty file and a spreadsheet before any upload", async () => {
      await withTestAccount(async () => {
        const { siteId, sectorIds } = await setUp(["One"]);
        const sectorId = sectorIds[0]!;
        await expect(
          Keyword.Imports.create({ siteId, sectorId, fileName: "huge.csv", size: 2 * 1024 ** 3, contentType: "text/csv" }),
        ).rejects.toMatchObject({ code: "import.too_large", details: { declared: true } });
        await expect(Keyword.Imports.create({ siteId, sectorId, fileName: "empty.csv", size: 0 })).rejects.toMatchObject({ code: "import.empty_file" });
        await expect(
          Keyword.Imports.create({ siteId, sectorId, fileName: "kw.xlsx", size: 100, contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" }),
        ).rejects.toMatchObject({ code: "import.content_type_unsupported" });
      });
    });

    it("fails binary and empty uploads at detection, before the pipeline", async () => {
      useRunner();
      await withTestAccount(async () => {
        const { siteId, sectorIds } = await setUp(["One"]);
        const sectorId = sectorIds[0]!;
        const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(500, 7)]);
        const binary = await upload(siteId, sectorId, png, "keywords.csv");
        await expect(Keyword.Imports.start({ siteId, importId: binary })).rejects.toMatchObject({ code: "import.binary_file" });
        expect(await Keyword.Imports.get({ siteId, importId: binary })).toMatchObject({
          status: "failed",
          error: { code: "import.binary_file" },
          executionId: null,
        });
        const blank = await upload(siteId, sectorId, Buffer.from("\r\n\n  \n"), "blank.csv");
        await expect(Keyword.Imports.start({ siteId, importId: blank })).rejects.toMatchObject({ code: "import.empty_file" });
        const missing = await Keyword.Imports.create({ siteId, sectorId, fileName: "never-uploaded.csv", size: 10 });
        await expect(Keyword.Imports.start({ siteId, importId: missing.import.importId })).rejects.toMatchObject({ code: "import.not_uploaded" });
        expect(await keywordsOf(siteId, sectorId)).toHaveLength(0);
      });
    });

    it.each([
      ["a wrong encoding deep in the file", Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]), "import.encoding_unsupported"],
      ["a CSV bomb of columns deep in the file", Buffer.from(`${"x,".repeat(5000)}x\n`), "import.too_many_columns"],
      ["an unterminated quote deep in the file", Buffer.from('"never closed,1\nmore,2\n'), "import.malformed_csv"],
    ])("fails %s in the validation pass with zero keywords written", async (_name, tail, code) => {
      const runner = useRunner();
      await withTestAccount(async () => {
        const { siteId, sectorIds } = await setUp(["One"]);
        const sectorId = sectorIds[0]!;
        // 70 KB of good rows first, so detection (64 KB) sees a fine file and only the full read finds the problem.
        const good = Array.from({ length: 3000 }, (_, i) => `green tea variety ${i},${i}`).join("\n");
        const bytes = Buffer.concat([Buffer.from(`Keyword,Volume\n${good}\n`), tail]);
        expect(bytes.length).toBeGreaterThan(64 * 1024);
        const importId = await upload(siteId, sectorId, bytes, "bad.csv");
        const mapping = { keyword: "Keyword", volume: "Volume" };
        expect((await Keyword.Imports.start({ siteId, importId, mapping })).started).toBe(true);
        await runner.idle();
        const record = await Keyword.Imports.get({ siteId, importId });
        expect(record).toMatchObject({ status: "failed", error: { code }, summary: null });
        expect(record.error!.message.length).toBeGreaterThan(10);
        const execution = await Execution.get(record.executionId!);
        expect(execution).toMatchObject({ status: "failed" });
        expect(execution!.error).toContain(code);
        expect(await keywordsOf(siteId, sectorId)).toHaveLength(0);
        expect(await Limit.current({ limit: "max_keywords" })).toBe(0);
        expect(useAccount()).toBeTruthy();
      });
    });
  });
});
