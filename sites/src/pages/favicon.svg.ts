import type { APIRoute } from "astro";
import site from "virtual:igny8/site";
import { themeVariables } from "../lib/theme";

/** A favicon drawn from the site itself: its initial on its brand colour. */
export const GET: APIRoute = () => {
  const colors = themeVariables(site.site.theme);
  const initial = [...site.site.name.trim()][0]?.toUpperCase() ?? "";
  const letter = initial.replace(/[&<>"']/g, (char) => `&#${char.codePointAt(0)};`);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="12" fill="${colors["--color-primary"]}"/><text x="32" y="44" font-family="system-ui,sans-serif" font-size="36" font-weight="700" text-anchor="middle" fill="${colors["--color-on-primary"]}">${letter}</text></svg>`;
  return new Response(svg, { headers: { "Content-Type": "image/svg+xml" } });
};
