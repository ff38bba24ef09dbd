import { OpenAPIHono } from "@hono/zod-openapi";
import { Keyword } from "@igny8/core/keyword";
import { Site } from "@igny8/core/site";
import { z } from "zod";
import { body, defineRoute, envelope, json, listEnvelope, ok, page } from "../openapi";

/**
 * Keyword file imports: create (presigned upload URL), start (detection, then the keyword-import
 * pipeline), confirm the column mapping when detection is unsure, follow progress, get the report.
 */
export const keywordImports = new OpenAPIHono();
const tags = ["Keyword imports"];
const Imports = Keyword.Imports;
const SitePath = z.strictObject({ siteId: Site.SiteId });
const ImportPath = z.strictObject({ siteId: Site.SiteId, importId: Imports.ImportId });

const Created = z.object({ import: Imports.Info, upload: Imports.Upload }).meta({ id: "KeywordImportCreated" });

keywordImports.openapi(
  defineRoute(
    {
      scope: "site",
      action: "planner.write",
      summary: "Start a keyword file import",
      description:
        "Declare the file (name, size, type) and the sector; answers an upload URL to PUT the file to, with the headers to " +
        "send. Files over 200 MB and spreadsheets (save them as CSV) are refused here. Then call .../start.",
    },
    {
      method: "post",
      path: "/sites/{siteId}/keyword-imports",
      tags,
      request: { params: SitePath, body: body(Imports.CreateInput.omit({ siteId: true })) },
      responses: { 201: json(envelope(Created), "The import and where to upload the file") },
    },
  ),
  async (c) => ok(c, await Imports.create({ ...c.req.valid("json"), ...c.req.valid("param") }), 201),
);

keywordImports.openapi(
  defineRoute(
    { scope: "site", action: "planner.read", summary: "List a site's keyword imports", description: "Newest first." },
    {
      method: "get",
      path: "/sites/{siteId}/keyword-imports",
      tags,
      request: { params: SitePath, query: Imports.ListInput.omit({ siteId: true }) },
      responses: { 200: json(listEnvelope(Imports.Info)) },
    },
  ),
  async (c) => {
    const query = c.req.valid("query");
    return page(c, await Imports.list({ ...query, ...c.req.valid("param") }), query.limit);
  },
);

keywordImports.openapi(
  defineRoute(
    { scope: "site", action: "planner.read", summary: "A keyword import with its progress and counts" },
    {
      method: "get",
      path: "/sites/{siteId}/keyword-imports/{importId}",
      tags,
      request: { params: ImportPath },
      responses: { 200: json(envelope(Imports.Info)) },
    },
  ),
  async (c) => ok(c, await Imports.get(c.req.valid("param"))),
);

keywordImports.openapi(
  defineRoute(
    {
      scope: "site",
      action: "planner.write",
      summary: "Detect the uploaded file and import it",
      description:
        "Reads the first 64 KB of the upload: encoding, delimiter, header row, tool format and column mapping, with a preview. " +
        "When detection is sure (or a mapping is given) the import starts (202, `started: true`); when unsure it answers " +
        "200 with `started: false` and the proposed mapping: confirm it (here or with PUT .../mapping) and start again. " +
        "Binary, empty, wrongly encoded or oversized files fail the import with the reason.",
    },
    {
      method: "post",
      path: "/sites/{siteId}/keyword-imports/{importId}/start",
      tags,
      request: { params: ImportPath, body: body(Imports.StartInput.omit({ siteId: true, importId: true })) },
      responses: {
        200: json(envelope(Imports.StartResult), "Detection is unsure: confirm the mapping"),
        202: json(envelope(Imports.StartResult), "The import started"),
      },
    },
  ),
  async (c) => {
    const result = await Imports.start({ ...c.req.valid("json"), ...c.req.valid("param") });
    return result.started ? ok(c, result, 202) : ok(c, result, 200);
  },
);

keywordImports.openapi(
  defineRoute(
    {
      scope: "site",
      action: "planner.write",
      summary: "Confirm or change the column mapping",
      description: "Field → header name or column index. Checked against the uploaded file; answers the detection read with it.",
    },
    {
      method: "put",
      path: "/sites/{siteId}/keyword-imports/{importId}/mapping",
      tags,
      request: { params: ImportPath, body: body(Imports.MappingInputSchema.omit({ siteId: true, importId: true })) },
      responses: {
        200: json(envelope(z.object({ import: Imports.Info, detection: Imports.DetectionInfo }).meta({ id: "KeywordImportMapped" }))),
      },
    },
  ),
  async (c) => ok(c, await Imports.setMapping({ ...c.req.valid("json"), ...c.req.valid("param") })),
);

keywordImports.openapi(
  defineRoute(
    {
      scope: "site",
      action: "planner.read",
      summary: "Download the row-level report",
      description: "A URL (valid for an hour) of a CSV with one line per data row: created, merged, duplicate in file, or rejected with the reason.",
    },
    {
      method: "get",
      path: "/sites/{siteId}/keyword-imports/{importId}/report",
      tags,
      request: { params: ImportPath },
      responses: { 200: json(envelope(Imports.ReportLink)) },
    },
  ),
  async (c) => ok(c, await Imports.report(c.req.valid("param"))),
);
