import { randomUUID } from "node:crypto";
import { z } from "zod";
import { useAccount } from "../actor";
import { Authz } from "../authz";
import { clusterEntity } from "../cluster/cluster.entity";
import { SectorId } from "../sector";
import { sectorEntity } from "../sector/sector.entity";
import { SiteId } from "../site";
import { Storage } from "../storage";
import { fn } from "../util/fn";
import { type KeywordItem, keywordEntity, keywordKeyEntity } from "./keyword.entity";
import { createObjectWriter } from "./objects";
import { Intent, Status, Tag } from "./schema";
import { getMany } from "./store";

/**
 * CSV export of a site's keywords, streamed page by page into a multipart upload under the
 * account's tmp/ prefix (expired by the bucket's lifecycle rule) and handed out as a presigned
 * GET URL. Cells that a spreadsheet would run as a formula are neutralized.
 */

/** Cells a spreadsheet reads as a formula (or that start a new cell): prefixed with a quote. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** Makes a cell inert for spreadsheets: `=1+1` becomes `'=1+1` (OWASP CSV injection advice). */
export function neutralizeCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

function quote(value: string): string {
  return /[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One CSV line (CRLF, RFC 4180) from cells: neutralized, then quoted where needed. */
export function toCsvRow(cells: (string | number | null | undefined)[]): string {
  return `${cells.map((cell) => (cell === null || cell === undefined ? "" : quote(neutralizeCell(String(cell))))).join(",")}\r\n`;
}

export const ExportInput = z
  .strictObject({
    siteId: SiteId,
    sectorId: SectorId.optional(),
    clusterId: z
      .union([z.string().regex(/^cl_[0-9a-z]{26}$/, "a cluster id or none"), z.literal("none")])
      .optional(),
    intent: Intent.optional(),
    status: Status.optional(),
    tag: Tag.optional(),
    q: z.string().trim().min(1).max(100).optional(),
    sort: z.enum(["-volume", "volume", "-difficulty", "difficulty", "keyword", "-keyword", "-created", "created"]).default("-volume"),
  })
  .meta({ id: "KeywordExport" });

export const ExportResult = z
  .object({
    url: z.string().meta({ description: "Presigned GET URL of the CSV, valid for an hour" }),
    expiresAt: z.string(),
    rows: z.number().int(),
    bytes: z.number().int(),
  })
  .meta({ id: "KeywordExportResult" });

const HEADER = [
  "Keyword",
  "Sector",
  "Volume",
  "Difficulty",
  "CPC",
  "Intent",
  "SERP Features",
  "Trend",
  "Status",
  "Tags",
  "Cluster",
  "Source",
  "URL",
  "Position",
  "Created",
];

const EXPIRES_SECONDS = 3600;

/** Pages of the keywords that match, in the chosen order (alphabetical reads the key index). */
async function* pages(input: z.output<typeof ExportInput>): AsyncGenerator<KeywordItem[]> {
  const accountId = useAccount();
  const { siteId } = input;
  const order = input.sort.startsWith("-") ? "desc" : "asc";
  const by = input.sort.replace("-", "");
  const wanted = (item: KeywordItem) =>
    (!input.sectorId || item.sectorId === input.sectorId) &&
    (!input.clusterId || item.clusterKey === input.clusterId) &&
    (!input.intent || item.intent === input.intent || (item.intents ?? []).includes(input.intent)) &&
    (!input.status || item.status === input.status) &&
    (!input.tag || (item.tags ?? []).includes(input.tag)) &&
    (!input.q || item.keyword.includes(input.q.toLowerCase()));
  let cursor: string | null = null;
  do {
    if (by === "keyword") {
      const keys = input.sectorId
        ? keywordKeyEntity().query.byKey({ accountId, siteId, sectorId: input.sectorId })
        : keywordKeyEntity().query.byName({ accountId, siteId });
      const page: { data: { keywordId: string }[]; cursor: string | null } = await keys.go({ cursor, count: 500, order });
      yield (await getMany(siteId, page.data.map((k) => k.keywordId))).filter(wanted);
      cursor = page.cursor;
    } else {
      const key = { accountId, siteId };
      const query = (
        by === "volume" ? keywordEntity().query.byVolume(key) : by === "difficulty" ? keywordEntity().query.byDifficulty(key) : keywordEntity().query.byId(key)
      ) as ReturnType<ReturnType<typeof keywordEntity>["query"]["byId"]>;
      const page: { data: KeywordItem[]; cursor: string | null } = await query.go({ cursor, count: 500, order });
      yield page.data.filter(wanted);
      cursor = page.cursor;
    }
  } while (cursor);
}

export const exportCsv = fn(ExportInput, async (input) => {
  await Authz.assert("planner.read", { siteId: input.siteId, sectorId: input.sectorId });
  const accountId = useAccount();
  const [sectors, clusters] = await Promise.all([
    sectorEntity().query.bySite({ accountId, siteId: input.siteId }).go({ pages: "all", attributes: ["sectorId", "name"] }),
    clusterEntity().query.byId({ accountId, siteId: input.siteId }).go({ pages: "all", attributes: ["clusterId", "name"] }),
  ]);
  const sectorName = new Map(sectors.data.map((s) => [s.sectorId, s.name]));
  const clusterName = new Map(clusters.data.map((c) => [c.clusterId, c.name]));
  const date = new Date().toISOString().slice(0, 10);
  const fileName = `keywords-${date}.csv`;
  const key = `${Storage.tmpPrefix}${accountId}/exports/${randomUUID()}/${fileName}`;
  const writer = createObjectWriter(key, { contentType: "text/csv; charset=utf-8" });
  let rows = 0;
  try {
    // A BOM so spreadsheet apps read the file as UTF-8.
    await writer.write(`\ufeff${toCsvRow(HEADER)}`);
    for await (const page of pages(input)) {
      let chunk = "";
      for (const k of page) {
        chunk += toCsvRow([
          k.keyword,
          sectorName.get(k.sectorId) ?? k.sectorId,
          k.volume,
          k.difficulty,
          k.cpc,
          (k.intents?.length ? k.intents : k.intent ? [k.intent] : []).join("; "),
          (k.serpFeatures ?? []).join("; "),
          k.trend?.join(" "),
          k.status,
          [...(k.tags ?? [])].sort().join("; "),
          k.clusterId ? (clusterName.get(k.clusterId) ?? "") : "",
          k.source,
          k.url,
          k.position,
          k.createdAt,
        ]);
        rows++;
      }
      if (chunk) await writer.write(chunk);
    }
  } catch (error) {
    await writer.abort();
    throw error;
  }
  const { bytes } = await writer.end();
  const url = await Storage.presignGet(key, { expiresIn: EXPIRES_SECONDS, downloadName: fileName });
  return { url, expiresAt: new Date(Date.now() + EXPIRES_SECONDS * 1000).toISOString(), rows, bytes };
});
