export * as Preset from "./index";

import { z } from "zod";
import { VisibleError } from "../util/error";
import { fn } from "../util/fn";
import { type IndustryPreset, type SectorPreset, industries } from "./data";

export type { IndustryPreset, SectorPreset };

export const PresetId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, "a preset id is lower-case letters, digits and dashes");

export const SectorInfo = z
  .object({ sectorId: z.string(), name: z.string(), description: z.string(), seedKeywords: z.array(z.string()) })
  .meta({ id: "SectorPreset" });
export const IndustryInfo = z
  .object({ industryId: z.string(), name: z.string(), description: z.string(), sectors: z.array(SectorInfo) })
  .meta({ id: "IndustryPreset" });

/** Every industry with its sectors (public data). */
export function list(): IndustryPreset[] {
  return industries;
}

export const industry = fn(z.strictObject({ industryId: PresetId }), ({ industryId }) => {
  const found = industries.find((entry) => entry.industryId === industryId);
  if (!found) throw new VisibleError("not_found", "preset.industry_not_found", `No industry preset ${industryId}`);
  return found;
});

/** A sector preset by id, optionally within one industry. */
export function findSector(sectorId: string, industryId?: string): SectorPreset | undefined {
  for (const entry of industries) {
    if (industryId && entry.industryId !== industryId) continue;
    const found = entry.sectors.find((sector) => sector.sectorId === sectorId);
    if (found) return found;
  }
  return undefined;
}

export function hasIndustry(industryId: string): boolean {
  return industries.some((entry) => entry.industryId === industryId);
}
