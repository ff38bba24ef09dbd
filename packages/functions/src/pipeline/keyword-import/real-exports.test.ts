/**
 * Optional: imports every real export in ../shared/datasets/keyword-exports (beside the
 * repository) through the keyword-import pipeline, each into a fresh sector, and checks the
 * counts and stored fields against the parser's own reading of the same bytes. Skipped cleanly
 * where that folder does not exist (CI).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Keyword } from "@igny8/core/keyword";
import { KeywordImport } from "@igny8/core/keyword/import";
import { Pipelines } from "@igny8/core/pipelines";
import { Sector } from "@igny8/core/sector";
import { Site } from "@igny8/core/site";
import { useTestTable, withTestAccount } from "@igny8/core/testing";
import { isVisibleError } from "@igny8/core/util";
import { afterAll, describe, expect, it } from "vitest";
import { createLocalRunner } from "../../../../local/src/runner/index";

const repoRoot = resolve(fileURLToPath(new URL(".", import.meta.url)), "../../../../..");
const folder = resolve(repoRoot, "../shared/datasets/keyword-exports");
const present = existsSync(folder);

function files(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? files(path) : [path];
    });
}

/** What the parser alone says about a file: its summary and the first row of each keyword. */
async function reference(bytes: Uint8Array) {
  try {
    const file = await KeywordImport.openKeywordFile(bytes);
    const first = new Map<string, KeywordImport.AcceptedRow>();
    for await (const row of file.rows()) if (row.kind === "row") first.set(row.normalizedKey, row);
    return { ok: true as const, summary: file.summary, first };
  } catch (error) {
    if (isVisibleError(error)) return { ok: false as const, code: error.code };
    throw error;
  }
}

if (present) useTestTable();

describe.skipIf(!present)("real keyword exports through the pipeline (optional)", () => {
  const runner = createLocalRunner({ retryIntervalMs: 0 });
  Pipelines.useRunner(runner);
  afterAll(() => Pipelines.useRunner(undefined));

  it("imports every file with the parser's counts and the first row's fields", async () => {
    await withTestAccount(async () => {
      const site = await Site.create({ name: "Real exports", url: "https://real-exports.example.com" });
      const lines: string[] = [];
      for (const path of files(folder)) {
        const name = relative(folder, path);
        const bytes = readFileSync(path);
        const expected = await reference(bytes);
        const sector = await Sector.create({ siteId: site.siteId, name: name.slice(0, 100) });
        const created = await Keyword.Imports.create({ siteId: site.siteId, sectorId: sector.sectorId, fileName: name, size: bytes.length });
        const put = await fetch(created.upload.url, { method: "PUT", body: bytes, headers: created.upload.headers });
        expect(put.status).toBe(200);
        const importId = created.import.importId;
        if (!expected.ok) {
          // Files the parser refuses (Search Console sheets without queries) fail at detection with its code.
          await expect(Keyword.Imports.start({ siteId: site.siteId, importId })).rejects.toMatchObject({ code: expected.code });
          expect(await Keyword.Imports.get({ siteId: site.siteId, importId })).toMatchObject({ status: "failed", error: { code: expected.code } });
          lines.push(`  ${name.padEnd(70)} refused: ${expected.code}`);
          continue;
        }
        const started = await Keyword.Imports.start({ siteId: site.siteId, importId });
        expect(started.started, name).toBe(true);
        await runner.idle();
        const record = await Keyword.Imports.get({ siteId: site.siteId, importId });
        expect(record, name).toMatchObject({
          status: "succeeded",
          summary: {
            format: expected.summary.format,
            dataRows: expected.summary.dataRows,
            created: expected.summary.accepted,
            merged: 0,
            duplicates: expected.summary.duplicates,
            rejected: expected.summary.rejected,
          },
        });
        const stored = await Keyword.forSector(site.siteId, sector.sectorId);
        expect(stored, name).toHaveLength(expected.summary.accepted);
        let checked = 0;
        for (const keyword of stored) {
          const row = expected.first.get(keyword.normalizedKey);
          expect(row, `${name}: ${keyword.keyword}`).toBeDefined();
          // The first row wins; later repeats only fill what it left empty.
          for (const field of ["volume", "difficulty", "cpc", "position", "clicks", "impressions"] as const) {
            if (row![field] !== null) expect(keyword[field], `${name}: ${keyword.keyword} ${field}`).toBe(row![field]);
          }
          if (row!.intent) expect(keyword.intent).toBe(row!.intent);
          checked++;
        }
        lines.push(
          `  ${name.padEnd(70)} ${record.summary!.format.padEnd(30)} rows ${record.summary!.dataRows}, created ${record.summary!.created}, ` +
            `duplicates ${record.summary!.duplicates}, rejected ${record.summary!.rejected} (${checked} checked)`,
        );
      }
      console.log(`real keyword exports through the pipeline:\n${lines.join("\n")}`);
    });
  }, 900_000);
});
