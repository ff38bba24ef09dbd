export * as Site from "./index";

import { z } from "zod";
import { useAccount } from "../actor";
import { Authz } from "../authz";
import { Limit } from "../limit";
import { Page } from "../pagination";
import { Preset } from "../preset";
import { sectorEntity } from "../sector/sector.entity";
import { Transaction } from "../transaction";
import { VisibleError } from "../util/error";
import { fn } from "../util/fn";
import { createId, idPattern } from "../util/id";
import { siteEntity } from "./site.entity";

export const SiteId = z.string().regex(idPattern("site"), "not a site id").meta({ example: "sit_01hz3v5k8q2w4e6r8t0y2u4i6o" });

const Url = z
  .url({ protocol: /^https?$/, hostname: z.regexes.domain, error: "a http(s) URL with a domain name" })
  .max(2048)
  .transform((value) => {
    const url = new URL(value);
    url.hash = "";
    return url.toString().replace(/\/$/, "");
  });

/** Small free-form settings: at most 50 keys of scalar values. */
export const Settings = z
  .record(
    z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, "setting names are letters, digits, _ . -"),
    z.union([
      z.string().max(2000),
      // Numbers DynamoDB stores exactly: below 1e12, at most 6 decimals (no underflow).
      z.number().refine((n) => Math.abs(n) < 1e12 && Number(n.toFixed(6)) === n, "a number below 1e12 with at most 6 decimals"),
      z.boolean(),
      z.null(),
    ]),
  )
  .refine((value) => Object.keys(value).length <= 50, "at most 50 settings")
  .meta({ id: "SiteSettings" });

const fields = {
  name: z.string().trim().min(1).max(100),
  url: Url,
  kind: z.enum(["wordpress", "igny8"]).meta({ description: "WordPress site or IGNY8-hosted site" }),
  language: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/, "a language tag like en or pt-BR"),
  country: z.string().regex(/^[A-Z]{2}$/, "an ISO 3166 country code like US"),
  industryId: Preset.PresetId,
  settings: Settings,
};

export const Info = z
  .object({
    siteId: SiteId,
    name: z.string(),
    url: z.string(),
    kind: fields.kind,
    language: z.string(),
    country: z.string(),
    industryId: z.string().nullable(),
    settings: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Site" });
export type Info = z.infer<typeof Info>;

type Stored = {
  siteId: string;
  name: string;
  url: string;
  kind: "wordpress" | "igny8";
  language: string;
  country: string;
  industryId?: string;
  settings?: unknown;
  createdAt: string;
  updatedAt: string;
};

function serialize(site: Stored): Info {
  return {
    siteId: site.siteId,
    name: site.name,
    url: site.url,
    kind: site.kind,
    language: site.language,
    country: site.country,
    industryId: site.industryId ?? null,
    settings: (site.settings ?? {}) as Record<string, unknown>,
    createdAt: site.createdAt,
    updatedAt: site.updatedAt,
  };
}

function assertIndustry(industryId: string | undefined) {
  if (industryId !== undefined && !Preset.hasIndustry(industryId)) {
    throw new VisibleError("input", "site.industry_unknown", `No industry preset ${industryId}`, {
      fields: [{ path: "industryId", message: "unknown industry preset" }],
    });
  }
}

export const CreateInput = z
  .strictObject({
    name: fields.name,
    url: fields.url,
    kind: fields.kind.default("wordpress"),
    language: fields.language.default("en"),
    country: fields.country.default("US"),
    industryId: fields.industryId.optional(),
    settings: fields.settings.default({}),
  })
  .meta({ id: "SiteCreate" });

/** Adds a site within the plan's max_sites (counted in the same transaction). */
export const create = fn(CreateInput, async (input) => {
  Authz.assertRole("site.write");
  if (Authz.allowedSites() !== null) {
    throw new VisibleError("forbidden", "site.create_restricted", "Members restricted to some sites cannot add sites");
  }
  assertIndustry(input.industryId);
  const accountId = useAccount();
  const now = new Date().toISOString();
  const site = { ...input, accountId, siteId: createId("site"), createdAt: now, updatedAt: now };
  const slot = await Limit.reserve({ limit: "max_sites" });
  await Transaction.write([slot, Transaction.part(siteEntity().create(site))]);
  return serialize(site);
});

export const ListInput = z
  .strictObject({
    ...Page.Query,
    sort: z.enum(["created", "-created", "name", "-name"]).default("-created"),
    kind: fields.kind.optional(),
    q: z.string().trim().min(1).max(100).optional().meta({ description: "Matches name or URL, case-insensitive" }),
  })
  .meta({ id: "SiteListQuery" });

/** The account's sites the actor may see, paged, filtered and sorted. */
export const list = fn(ListInput, async (input): Promise<Page.Result<Info>> => {
  Authz.assertRole("site.read");
  const accountId = useAccount();
  const restricted = Authz.allowedSites();
  if (restricted !== null && restricted.length === 0) return { items: [], cursor: null };
  const scope = JSON.stringify(["sites", accountId, input.sort, input.kind, input.q, restricted]);
  const byName = input.sort === "name" || input.sort === "-name";
  const query = byName ? siteEntity().query.byName({ accountId }) : siteEntity().query.byId({ accountId });
  const result = await query
    .where((attr, op) => {
      const clauses: string[] = [];
      if (input.kind) clauses.push(op.eq(attr.kind, input.kind));
      if (input.q) clauses.push(op.contains(attr.search, input.q.toLowerCase()));
      if (restricted) clauses.push(`(${restricted.map((id) => op.eq(attr.siteId, id)).join(" OR ")})`);
      return clauses.join(" AND ");
    })
    .go({
      cursor: Page.decode(input.cursor, scope) ?? null,
      count: input.limit,
      order: input.sort.startsWith("-") ? "desc" : "asc",
    });
  return { items: result.data.map(serialize), cursor: Page.encode(result.cursor, scope) };
});

export const get = fn(z.strictObject({ siteId: SiteId }), async ({ siteId }) => {
  await Authz.assert("site.read", { siteId });
  const result = await siteEntity().get({ accountId: useAccount(), siteId }).go();
  if (!result.data) throw new VisibleError("not_found", "site.not_found", "No such site in this account", { siteId });
  return serialize(result.data);
});

export const UpdateInput = z
  .strictObject({
    siteId: SiteId,
    name: fields.name.optional(),
    url: fields.url.optional(),
    kind: fields.kind.optional(),
    language: fields.language.optional(),
    country: fields.country.optional(),
    industryId: fields.industryId.optional(),
    settings: fields.settings.optional(),
  })
  .meta({ id: "SiteUpdate" });

export const update = fn(UpdateInput, async ({ siteId, ...patch }) => {
  await Authz.assert("site.write", { siteId });
  assertIndustry(patch.industryId);
  const changes = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
  if (Object.keys(changes).length === 0) return get({ siteId });
  try {
    const result = await siteEntity()
      .patch({ accountId: useAccount(), siteId })
      .set(changes)
      .go({ response: "all_new" });
    return serialize(result.data as Stored);
  } catch (error) {
    if (String(error).includes("conditional request failed")) {
      throw new VisibleError("not_found", "site.not_found", "No such site in this account", { siteId });
    }
    throw error;
  }
});

type DeleteHook = (site: { accountId: string; siteId: string }) => Promise<void>;
const deleteHooks: DeleteHook[] = [];

/** Modules whose records live under a site register their clean-up here (keywords, tasks...). */
export function onDelete(hook: DeleteHook) {
  deleteHooks.push(hook);
}

/** Deletes a site and its sectors, giving its max_sites slot back in the same transaction. */
export const remove = fn(z.strictObject({ siteId: SiteId }), async ({ siteId }) => {
  await Authz.assert("site.write", { siteId });
  const accountId = useAccount();
  await Transaction.write([
    Transaction.part(
      siteEntity()
        .delete({ accountId, siteId })
        .where((attr, op) => op.exists(attr.siteId)),
      () => new VisibleError("not_found", "site.not_found", "No such site in this account", { siteId }),
    ),
    Limit.release({ limit: "max_sites" }),
  ]);
  const sectors = await sectorEntity().query.bySite({ accountId, siteId }).go({ pages: "all" });
  if (sectors.data.length > 0) {
    await sectorEntity()
      .delete(sectors.data.map((sector) => ({ accountId, siteId, sectorId: sector.sectorId })))
      .go();
  }
  for (const hook of deleteHooks) await hook({ accountId, siteId });
});

/** Site ids a membership, invitation or API key may be restricted to (1 to 100 sites). */
export const SiteIds = z.array(SiteId).min(1).max(100);

/**
 * Checks that every id names a site of the current account that the actor may see; used
 * where a request restricts someone or something to sites. Unknown ids answer 404.
 */
export async function assertAll(siteIds: string[]): Promise<void> {
  const unique = [...new Set(siteIds)];
  const accountId = useAccount();
  for (const siteId of unique) {
    if (!Authz.siteAllowed(siteId)) {
      throw new VisibleError("not_found", "site.not_found", "No such site in this account", { siteId });
    }
  }
  const found = await siteEntity()
    .get(unique.map((siteId) => ({ accountId, siteId })))
    .go({ attributes: ["siteId"] });
  const present = new Set(found.data.map((site) => site.siteId));
  const missing = unique.find((siteId) => !present.has(siteId));
  if (missing) throw new VisibleError("not_found", "site.not_found", "No such site in this account", { siteId: missing });
}
