import { OpenAPIHono } from "@hono/zod-openapi";

/**
 * The Hono app: the same object runs in Lambda (lambda.ts) and in `pnpm dev` (@hono/node-server).
 * Route modules per resource are mounted under /v1.
 */
export const app = new OpenAPIHono();

app.get("/health", (c) => c.json({ data: { status: "ok" }, meta: {} }));
