import { createQuery } from "@tanstack/solid-query";
import { createSignal } from "solid-js";
import type { paths } from "./api.gen";
import { all, api, done, unwrap, unwrapPage } from "./client";
import { key } from "./query";

/** Sites and their sectors, and which sector the planner is looking at. */

export const useSites = () =>
  createQuery(() => ({
    queryKey: key("sites"),
    queryFn: () => all((cursor) => unwrapPage(api.GET("/v1/sites", { params: { query: { cursor, limit: 100, sort: "name" } } }))),
  }));

export const useSite = (siteId: () => string) =>
  createQuery(() => ({
    queryKey: key("sites", siteId()),
    queryFn: () => unwrap(api.GET("/v1/sites/{siteId}", { params: { path: { siteId: siteId() } } })),
  }));

export type SiteCreate = NonNullable<paths["/v1/sites"]["post"]["requestBody"]>["content"]["application/json"];
export const createSite = (input: SiteCreate) => unwrap(api.POST("/v1/sites", { body: input }));
export const deleteSite = (siteId: string) => done(api.DELETE("/v1/sites/{siteId}", { params: { path: { siteId } } }));

export const useSectors = (siteId: () => string) =>
  createQuery(() => ({
    queryKey: key("sites", siteId(), "sectors"),
    queryFn: () =>
      all((cursor) =>
        unwrapPage(api.GET("/v1/sites/{siteId}/sectors", { params: { path: { siteId: siteId() }, query: { cursor, limit: 100 } } })),
      ),
  }));

export const createSector = (siteId: string, input: { name?: string; description?: string; presetId?: string }) =>
  unwrap(api.POST("/v1/sites/{siteId}/sectors", { params: { path: { siteId } }, body: input }));
export const deleteSector = (siteId: string, sectorId: string) =>
  done(api.DELETE("/v1/sites/{siteId}/sectors/{sectorId}", { params: { path: { siteId, sectorId } } }));

export const useIndustries = () =>
  createQuery(() => ({
    queryKey: ["industries"],
    queryFn: () => unwrap(api.GET("/v1/presets/industries")),
    staleTime: 3_600_000,
  }));

const SECTOR_KEY = "igny8.sector";
function storedSectors(): Record<string, string> {
  try {
    return JSON.parse(localStorage.getItem(SECTOR_KEY) ?? "{}") as Record<string, string>;
  } catch {
    return {};
  }
}
const [sectorBySite, setSectorBySite] = createSignal<Record<string, string>>(storedSectors());

/** The sector chosen for a site ("" for all sectors), remembered per browser. */
export function selectedSector(siteId: string): string {
  return sectorBySite()[siteId] ?? "";
}

export function selectSector(siteId: string, sectorId: string) {
  const next = { ...sectorBySite(), [siteId]: sectorId };
  if (!sectorId) delete next[siteId];
  localStorage.setItem(SECTOR_KEY, JSON.stringify(next));
  setSectorBySite(next);
}
