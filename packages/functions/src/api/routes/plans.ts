import { OpenAPIHono } from "@hono/zod-openapi";
import { Plan } from "@igny8/core/plan";
import { Preset } from "@igny8/core/preset";
import { VisibleError } from "@igny8/core/util";
import { z } from "zod";
import { defineRoute, envelope, json, ok } from "../openapi";

/** Public catalogue data: plans and industry/sector presets. */
export const plans = new OpenAPIHono();

plans.openapi(
  defineRoute(
    { scope: "public", summary: "Public plans with every limit (null: unlimited)" },
    { method: "get", path: "/plans", tags: ["Plans"], responses: { 200: json(envelope(z.array(Plan.Info))) } },
  ),
  async (c) => ok(c, await Plan.list()),
);

plans.openapi(
  defineRoute(
    { scope: "public", summary: "A plan" },
    { method: "get", path: "/plans/{planId}", tags: ["Plans"], request: { params: Plan.get.schema }, responses: { 200: json(envelope(Plan.Info)) } },
  ),
  async (c) => {
    const plan = await Plan.get(c.req.valid("param"));
    if (!plan.public) throw new VisibleError("not_found", "plan.not_found", "No such plan");
    return ok(c, plan);
  },
);

plans.openapi(
  defineRoute(
    { scope: "public", summary: "Industry presets with their sector presets" },
    { method: "get", path: "/presets/industries", tags: ["Presets"], responses: { 200: json(envelope(z.array(Preset.IndustryInfo))) } },
  ),
  (c) => ok(c, Preset.list()),
);

plans.openapi(
  defineRoute(
    { scope: "public", summary: "An industry preset" },
    {
      method: "get",
      path: "/presets/industries/{industryId}",
      tags: ["Presets"],
      request: { params: Preset.industry.schema },
      responses: { 200: json(envelope(Preset.IndustryInfo)) },
    },
  ),
  (c) => ok(c, Preset.industry(c.req.valid("param"))),
);
