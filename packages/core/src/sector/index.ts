export * as Sector from "./index";

import { z } from "zod";
import { useAccount } from "../actor";
import { Authz } from "../authz";
import { Page } from "../pagination";
import { Preset } from "../preset";
import { SiteId } from "../site";
import { VisibleError } from "../util/error";
import { fn } from "../util/fn";
import { createId, idPattern } from "../util/id";
import { sectorEntity } from "./sector.entity";

export const SectorId = z.string().regex(idPattern("sector"), "not a sector id").meta({ example: "sec_01hz3v5k8q2w4e6r8t0y2u4i6o" });

/** A site holds at most this many sectors (sectors are topical areas, not records). */
export const MAX_PER_SITE = 100;

export const Info = z
  .object({
    sectorId: SectorId,
    siteId: SiteId,
    name: z.string(),
    description: z.string(),
    presetId: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Sector" });
export type Info = z.infer<typeof Info>;

function serialize(sector: {
  sectorId: string;
  siteId: string;
  name: string;
  description: string;
  presetId?: string;
  createdAt: string;
  updatedAt: string;
}): Info {
  return {
    sectorId: sector.sectorId,
    siteId: sector.siteId,
    name: sector.name,
    description: sector.description,
    presetId: sector.presetId ?? null,
    createdAt: sector.createdAt,
    updatedAt: sector.updatedAt,
  };
}

const notFound = (sectorId: string) =>
  new VisibleError("not_found", "sector.not_found", "No such sector in this site", { sectorId });

const createFields = {
  name: z.string().trim().min(1).max(100).optional(),
  description: z.string().max(1000).optional(),
  presetId: Preset.PresetId.optional().meta({ description: "A sector preset id; fills name and description" }),
};
const hasNameOrPreset = (input: { name?: string; presetId?: string }) =>
  input.name !== undefined || input.presetId !== undefined;
const nameOrPresetError = { message: "give a name or a presetId", path: ["name"] };

/** The request body of POST /v1/sites/{siteId}/sectors. */
export const CreateBody = z.strictObject(createFields).refine(hasNameOrPreset, nameOrPresetError).meta({ id: "SectorCreate" });

export const CreateInput = z.strictObject({ siteId: SiteId, ...createFields }).refine(hasNameOrPreset, nameOrPresetError);

export const create = fn(CreateInput, async ({ siteId, name, description, presetId }) => {
  await Authz.assert("site.write", { siteId });
  const preset = presetId === undefined ? undefined : Preset.findSector(presetId);
  if (presetId !== undefined && !preset) {
    throw new VisibleError("input", "sector.preset_unknown", `No sector preset ${presetId}`, {
      fields: [{ path: "presetId", message: "unknown sector preset" }],
    });
  }
  const accountId = useAccount();
  const existing = await sectorEntity().query.bySite({ accountId, siteId }).go({ pages: "all", attributes: ["sectorId"] });
  if (existing.data.length >= MAX_PER_SITE) {
    throw new VisibleError("limit", "sector.too_many", `A site holds at most ${MAX_PER_SITE} sectors`, {
      limit: "sectors_per_site",
      max: MAX_PER_SITE,
      current: existing.data.length,
    });
  }
  const now = new Date().toISOString();
  const sector = {
    accountId,
    siteId,
    sectorId: createId("sector"),
    name: name ?? preset?.name ?? "",
    description: description ?? preset?.description ?? "",
    ...(presetId ? { presetId } : {}),
    createdAt: now,
    updatedAt: now,
  };
  await sectorEntity().create(sector).go();
  return serialize(sector);
});

export const ListInput = z
  .strictObject({
    siteId: SiteId,
    ...Page.Query,
    q: z.string().trim().min(1).max(100).optional().meta({ description: "Matches the name, case-insensitive" }),
  })
  .meta({ id: "SectorListQuery" });

export const list = fn(ListInput, async ({ siteId, cursor, limit, q }): Promise<Page.Result<Info>> => {
  await Authz.assert("site.read", { siteId });
  const accountId = useAccount();
  const scope = JSON.stringify(["sectors", accountId, siteId, q]);
  const query = sectorEntity().query.bySite({ accountId, siteId });
  const filtered = q ? query.where((attr, op) => op.contains(attr.name, q)) : query;
  const result = await filtered.go({ cursor: Page.decode(cursor, scope) ?? null, count: limit });
  return { items: result.data.map(serialize), cursor: Page.encode(result.cursor, scope) };
});

const Key = z.strictObject({ siteId: SiteId, sectorId: SectorId });

export const get = fn(Key, async ({ siteId, sectorId }) => {
  await Authz.assert("site.read", { siteId });
  const result = await sectorEntity().get({ accountId: useAccount(), siteId, sectorId }).go();
  if (!result.data) throw notFound(sectorId);
  return serialize(result.data);
});

export const UpdateInput = z
  .strictObject({
    siteId: SiteId,
    sectorId: SectorId,
    name: z.string().trim().min(1).max(100).optional(),
    description: z.string().max(1000).optional(),
  })
  .meta({ id: "SectorUpdate" });

export const update = fn(UpdateInput, async ({ siteId, sectorId, ...patch }) => {
  await Authz.assert("site.write", { siteId });
  const changes = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
  if (Object.keys(changes).length === 0) return get({ siteId, sectorId });
  try {
    const result = await sectorEntity()
      .patch({ accountId: useAccount(), siteId, sectorId })
      .set(changes)
      .go({ response: "all_new" });
    return serialize(result.data as Parameters<typeof serialize>[0]);
  } catch (error) {
    if (String(error).includes("conditional request failed")) throw notFound(sectorId);
    throw error;
  }
});

/** Answers what still uses the sector ("keywords", "clusters"), or nothing. */
type InUseCheck = (sector: { accountId: string; siteId: string; sectorId: string }) => Promise<string | undefined>;
const inUseChecks: InUseCheck[] = [];

/** Modules whose records live in a sector (keywords, clusters) say here when it is still in use. */
export function onRemoveCheck(check: InUseCheck) {
  inUseChecks.push(check);
}

/**
 * Deletes an empty sector. One that still holds keywords or clusters is refused: deleting it
 * would leave them in a sector that no longer exists (and losing a planner's work to one click
 * is worse than asking to move or delete it first).
 */
export const remove = fn(Key, async ({ siteId, sectorId }) => {
  await Authz.assert("site.write", { siteId });
  const accountId = useAccount();
  const uses = (await Promise.all(inUseChecks.map((check) => check({ accountId, siteId, sectorId })))).filter(
    (use): use is string => use !== undefined,
  );
  if (uses.length > 0) {
    throw new VisibleError(
      "conflict",
      "sector.not_empty",
      `The sector still has ${uses.join(" and ")}: move or delete them first`,
      { sectorId, uses },
    );
  }
  try {
    await sectorEntity()
      .delete({ accountId: useAccount(), siteId, sectorId })
      .where((attr, op) => op.exists(attr.sectorId))
      .go();
  } catch (error) {
    if (String(error).includes("conditional request failed")) throw notFound(sectorId);
    throw error;
  }
});
