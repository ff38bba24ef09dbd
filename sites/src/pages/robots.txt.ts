import type { APIRoute } from "astro";
import site from "virtual:igny8/site";
import { robotsTxt } from "../lib/routes";

export const GET: APIRoute = () =>
  new Response(robotsTxt(site), { headers: { "Content-Type": "text/plain; charset=utf-8" } });
