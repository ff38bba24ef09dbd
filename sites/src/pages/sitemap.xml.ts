import type { APIRoute } from "astro";
import site from "virtual:igny8/site";
import { sitemapXml } from "../lib/routes";

export const GET: APIRoute = () =>
  new Response(sitemapXml(site), { headers: { "Content-Type": "application/xml; charset=utf-8" } });
