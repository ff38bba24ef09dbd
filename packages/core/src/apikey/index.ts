export * as ApiKey from "./index";

import { z } from "zod";
import { type ApiKeyActor, useAccount, useActor } from "../actor";
import { accountEntity } from "../account/account.entity";
import { Authz } from "../authz";
import { hashSecret, randomSecret } from "../auth/token";
import { Page } from "../pagination";
import { Site } from "../site";
import { VisibleError } from "../util/error";
import { fn } from "../util/fn";
import { createId, idPattern } from "../util/id";
import { apiKeyEntity } from "./apikey.entity";

export const KEY_PREFIX = "igny8_sk_";
const KEY_PATTERN = /^igny8_sk_[A-Za-z0-9_-]{43}$/;
/** lastUsedAt is written at most this often per key. */
const LAST_USED_EVERY_MS = 5 * 60_000;

export const KeyId = z.string().regex(idPattern("apiKey"), "not an API key id").meta({ example: "key_01hz3v5k8q2w4e6r8t0y2u4i6o" });
export const KeyRole = z.enum(["admin", "editor", "viewer"]).meta({ id: "ApiKeyRole" });

export const Info = z
  .object({
    keyId: KeyId,
    name: z.string(),
    prefix: z.string(),
    role: KeyRole,
    siteIds: z.array(z.string()).nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
  })
  .meta({ id: "ApiKey" });
export type Info = z.infer<typeof Info>;

type Stored = {
  keyId: string;
  name: string;
  prefix: string;
  role: "admin" | "editor" | "viewer";
  siteIds?: string[];
  createdBy: string;
  createdAt: string;
  expiresAt?: string;
  revokedAt?: string;
  lastUsedAt?: string;
};

function serialize(key: Stored): Info {
  return {
    keyId: key.keyId,
    name: key.name,
    prefix: key.prefix,
    role: key.role,
    siteIds: key.siteIds ?? null,
    createdBy: key.createdBy,
    createdAt: key.createdAt,
    expiresAt: key.expiresAt ?? null,
    revokedAt: key.revokedAt ?? null,
    lastUsedAt: key.lastUsedAt ?? null,
  };
}

const notFound = (keyId: string) => new VisibleError("not_found", "apikey.not_found", "No such API key", { keyId });

export const CreateInput = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    role: KeyRole.default("editor"),
    siteIds: Site.SiteIds.optional().meta({ description: "Restrict the key to these sites; omit for every site" }),
    expiresAt: z.iso
      .datetime({ offset: true })
      .refine((value) => Date.parse(value) > Date.now(), "must be in the future")
      .optional(),
  })
  .meta({ id: "ApiKeyCreate" });

export const Created = z
  .object({ key: Info, secret: z.string().meta({ description: "The key itself: shown once, never again" }) })
  .meta({ id: "ApiKeyCreated" });

/**
 * Owners and admins create keys with at most their own role and at most their own sites.
 * The key is returned once; only its hash is kept.
 */
export const create = fn(CreateInput, async (input) => {
  Authz.assertRole("apikey.write");
  const actor = useActor();
  if (actor.type !== "user") throw new VisibleError("forbidden", "authz.forbidden", "Only people create API keys");
  if (Authz.roleRank(input.role) > Authz.roleRank(actor.properties.role)) {
    throw new VisibleError("forbidden", "apikey.role_too_high", "A key cannot have a higher role than its creator");
  }
  const restricted = Authz.allowedSites();
  if (restricted !== null && !input.siteIds) {
    throw new VisibleError("forbidden", "apikey.sites_required", "Restricted members create keys restricted to their sites", {
      fields: [{ path: "siteIds", message: "required for members restricted to sites" }],
    });
  }
  if (input.siteIds) await Site.assertAll(input.siteIds);
  const secret = `${KEY_PREFIX}${randomSecret()}`;
  const key = {
    accountId: useAccount(),
    keyId: createId("apiKey"),
    keyHash: hashSecret(secret),
    prefix: secret.slice(0, KEY_PREFIX.length + 4),
    name: input.name,
    role: input.role,
    ...(input.siteIds ? { siteIds: [...new Set(input.siteIds)] } : {}),
    createdBy: actor.properties.userId,
    createdAt: new Date().toISOString(),
    ...(input.expiresAt ? { expiresAt: new Date(input.expiresAt).toISOString() } : {}),
  };
  await apiKeyEntity().create(key).go();
  return { key: serialize(key), secret };
});

export const ListInput = z
  .strictObject({ ...Page.Query, status: z.enum(["active", "revoked", "all"]).default("active") })
  .meta({ id: "ApiKeyListQuery" });

export const list = fn(ListInput, async ({ cursor, limit, status }): Promise<Page.Result<Info>> => {
  Authz.assertRole("apikey.read");
  const accountId = useAccount();
  const scope = JSON.stringify(["apikeys", accountId, status]);
  const query = apiKeyEntity().query.byAccount({ accountId });
  const filtered =
    status === "all"
      ? query
      : query.where((attr, op) => (status === "active" ? op.notExists(attr.revokedAt) : op.exists(attr.revokedAt)));
  const result = await filtered.go({ cursor: Page.decode(cursor, scope) ?? null, count: limit });
  const items = result.data.map(serialize).filter((key) => keyVisible(key));
  return { items, cursor: Page.encode(result.cursor, scope) };
});

/** Restricted members see only keys confined to their sites. */
function keyVisible(key: Info) {
  const restricted = Authz.allowedSites();
  if (restricted === null) return true;
  return key.siteIds?.every((siteId) => restricted.includes(siteId));
}

async function findVisible(keyId: string) {
  const result = await apiKeyEntity().get({ accountId: useAccount(), keyId }).go({ consistent: true });
  if (!result.data || !keyVisible(serialize(result.data))) throw notFound(keyId);
  return result.data;
}

export const get = fn(z.strictObject({ keyId: KeyId }), async ({ keyId }) => {
  Authz.assertRole("apikey.read");
  return serialize(await findVisible(keyId));
});

/** Revokes a key at once: the next request with it answers 401. */
export const revoke = fn(z.strictObject({ keyId: KeyId }), async ({ keyId }) => {
  Authz.assertRole("apikey.write");
  const key = await findVisible(keyId);
  if (key.revokedAt) return serialize(key);
  const result = await apiKeyEntity()
    .patch({ accountId: useAccount(), keyId })
    .set({ revokedAt: new Date().toISOString() })
    .go({ response: "all_new" });
  return serialize(result.data as Stored);
});

const invalid = () => new VisibleError("auth", "auth.invalid_api_key", "The API key is not valid");

/**
 * The actor for a presented key. The hash index finds the key; the record itself is then
 * read consistently, so a revocation counts at once.
 */
export async function authenticate(secret: string, now: Date = new Date()): Promise<ApiKeyActor> {
  if (!KEY_PATTERN.test(secret)) throw invalid();
  const found = await apiKeyEntity().query.byHash({ keyHash: hashSecret(secret) }).go({ attributes: ["accountId", "keyId"] });
  const match = found.data[0];
  if (!match) throw invalid();
  const [keyResult, accountResult] = await Promise.all([
    apiKeyEntity().get({ accountId: match.accountId, keyId: match.keyId }).go({ consistent: true }),
    accountEntity().get({ accountId: match.accountId }).go({ attributes: ["status"] }),
  ]);
  const key = keyResult.data;
  if (!key || key.revokedAt) throw invalid();
  if (key.expiresAt && Date.parse(key.expiresAt) <= now.getTime()) {
    throw new VisibleError("auth", "auth.api_key_expired", "The API key has expired");
  }
  if (accountResult.data?.status !== "active") {
    throw new VisibleError("forbidden", "account.suspended", "This account is suspended");
  }
  if (!key.lastUsedAt || now.getTime() - Date.parse(key.lastUsedAt) > LAST_USED_EVERY_MS) {
    await touch(match.accountId, match.keyId, key.lastUsedAt, now);
  }
  return {
    type: "apikey",
    properties: { accountId: match.accountId, keyId: match.keyId, role: key.role, siteIds: key.siteIds ?? null },
  };
}

/** Records use lazily: one conditional write per key per interval, whoever wins the race. */
async function touch(accountId: string, keyId: string, previous: string | undefined, now: Date) {
  try {
    await apiKeyEntity()
      .patch({ accountId, keyId })
      .set({ lastUsedAt: now.toISOString() })
      .where((attr, op) => (previous ? op.eq(attr.lastUsedAt, previous) : op.notExists(attr.lastUsedAt)))
      .go();
  } catch {
    // Another request recorded the use first, or the key was deleted: nothing to do.
  }
}
