import { OpenAPIHono } from "@hono/zod-openapi";
import { Health } from "@igny8/core/health";
import { renderDocs, type OpenApiDocument } from "./docs";
import { notFound, onError, validationHook } from "./errors";
import { accountRateLimit, authenticate, client, corsForDashboard, ipRateLimit, limitBody, requestId } from "./middleware";
import { account } from "./routes/account";
import { admin } from "./routes/admin";
import { apiKeys } from "./routes/api-keys";
import { auth } from "./routes/auth";
import { connections } from "./routes/connections";
import { clusters } from "./routes/clusters";
import { dev } from "./routes/dev";
import { executions } from "./routes/executions";
import { ideas } from "./routes/ideas";
import { invitations } from "./routes/invitations";
import { keywordImports } from "./routes/keyword-imports";
import { keywords } from "./routes/keywords";
import { me } from "./routes/me";
import { members } from "./routes/members";
import { plans } from "./routes/plans";
import { publishing } from "./routes/publishing";
import { sectors } from "./routes/sectors";
import { sites } from "./routes/sites";
import { authors } from "./routes/authors";
import { contentRuns } from "./routes/content-runs";
import { contents } from "./routes/contents";
import { credits } from "./routes/credits";
import { images } from "./routes/images";
import { prompts } from "./routes/prompts";
import { tasks } from "./routes/tasks";

/**
 * The Hono app: the same object runs in Lambda (lambda.ts) and in `pnpm dev` (@hono/node-server).
 * Route modules per resource are mounted under /v1; conventions live in openapi.ts (routes),
 * middleware.ts (request id, CORS, body limit, rate limits, authentication) and errors.ts.
 */
export const app = new OpenAPIHono({ defaultHook: validationHook });

app.onError(onError);
app.notFound(notFound);

app.use("*", requestId);
app.use("*", corsForDashboard);

app.get("/health", async (c) => {
  const report = await Health.report();
  return c.json({ data: report, meta: {} }, report.status === "ok" ? 200 : 503);
});

app.use("/v1/*", limitBody, client, ipRateLimit, authenticate, accountRateLimit);

/** Every resource module, in the order the reference lists them. Add new modules here. */
export const routeModules = [auth, me, account, members, invitations, sites, sectors, keywords, keywordImports, clusters, ideas, connections, publishing, tasks, contents, images, contentRuns, prompts, authors, credits, executions, apiKeys, plans, admin];
for (const module of routeModules) app.route("/v1", module);
app.route("/v1", dev);

app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
  type: "http",
  scheme: "bearer",
  description: "An access token from /v1/auth/log-in (15 minutes), or an API key (`igny8_sk_...`).",
});
app.openAPIRegistry.registerComponent("securitySchemes", "apiKeyHeader", {
  type: "apiKey",
  in: "header",
  name: "x-api-key",
  description: "An API key (`igny8_sk_...`) for machine clients.",
});

const documentConfig = {
  openapi: "3.1.0",
  info: {
    title: "IGNY8 API",
    version: "1.0.0",
    description:
      "Success: `{ data, meta }`. Failure: `{ error: { code, message, fields, requestId } }` with a stable dotted code. " +
      "Lists take `cursor` and `limit` (1-100) and answer `meta.cursor` (null on the last page). Send `x-request-id` to trace a call. " +
      "Unknown fields are rejected; bodies over 1 MB answer 413. Rate limits answer 429 with Retry-After.",
  },
  servers: [{ url: "/" }],
};

let cachedDocument: OpenApiDocument | undefined;

/** The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with. */
export function openApiDocument(): OpenApiDocument {
  cachedDocument ??= app.getOpenAPI31Document(documentConfig) as unknown as OpenApiDocument;
  return cachedDocument;
}

app.get("/v1/openapi.json", (c) => c.json(openApiDocument()));
app.get("/v1/docs", (c) => c.html(renderDocs(openApiDocument())));
