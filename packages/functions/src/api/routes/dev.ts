import { Hono } from "hono";
import { settings } from "@igny8/core/config";
import { Mail } from "@igny8/core/mail";
import { VisibleError } from "@igny8/core/util";
import { z } from "zod";

/**
 * Development-only routes, absent from the OpenAPI document and answering 404 unless
 * IGNY8_DEV_ROUTES is on (never in AWS). GET /v1/dev/outbox?to=&limit= reads the mail outbox.
 */
export const dev = new Hono();

const Query = z.strictObject({
  to: z.string().max(254).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

dev.get("/dev/outbox", async (c) => {
  if (!settings().IGNY8_DEV_ROUTES) throw new VisibleError("not_found", "route.not_found", "No such route");
  const query = Query.parse(c.req.query());
  return c.json({ data: await Mail.readOutbox(query), meta: {} });
});
