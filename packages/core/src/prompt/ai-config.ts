import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { Entity } from "electrodb";
import { z } from "zod";
import { useAccount } from "../actor";
import { type AiProvider, type AiProviderConfig, aiFunctions, imageSizes, providerConfigFromEnv, resolveProvider } from "../ai";
import { authSecret } from "../auth/secret";
import { Authz } from "../authz";
import { settings } from "../config";
import { lazyEntity } from "../db";
import { VisibleError } from "../util/error";
import { fn } from "../util/fn";

/**
 * An account's AI provider: an OpenAI-compatible endpoint (OpenAI or self-hosted), its key and
 * models per AI function. Without one, the product default from the environment applies, and
 * without that, the offline adapter. The key is stored encrypted (AES-256-GCM, key derived from
 * the auth secret) and never returned: the API shows only whether one is set and its last four.
 */

const entity = lazyEntity(
  (config) =>
    new Entity(
      {
        model: { entity: "aiConfig", version: "1", service: "igny8" },
        attributes: {
          accountId: { type: "string", required: true, readOnly: true },
          baseUrl: { type: "string" },
          apiKeyCipher: { type: "string" },
          apiKeyHint: { type: "string" },
          models: { type: "any" },
          defaultModel: { type: "string" },
          imageModel: { type: "string" },
          embeddingModel: { type: "string" },
          imageSize: { type: "string" },
          imageQuality: { type: "string" },
          requestsPerMinute: { type: "number" },
          tokensPerMinute: { type: "number" },
          rateWindowMs: { type: "number" },
          rateHeadroomMs: { type: "number" },
          timeoutMs: { type: "number" },
          imageTimeoutMs: { type: "number" },
          maxAttempts: { type: "number" },
          retryBaseDelayMs: { type: "number" },
          retryMaxDelayMs: { type: "number" },
          maxTokensParam: { type: "string" },
          updatedAt: { type: "string", required: true },
        },
        indexes: {
          byAccount: { pk: { field: "pk", composite: ["accountId"] }, sk: { field: "sk", composite: [] } },
        },
      },
      config,
    ),
);

// --- the key at rest ------------------------------------------------------------------------

function cipherKey(): Buffer {
  return Buffer.from(hkdfSync("sha256", authSecret(), "igny8", "ai-api-key v1", 32));
}

export function encryptKey(plain: string, accountId: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", cipherKey(), iv);
  // Bound to the account: a ciphertext copied to another account does not decrypt there.
  cipher.setAAD(Buffer.from(accountId));
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(".");
}

export function decryptKey(sealed: string, accountId: string): string {
  const [version, iv, tag, body] = sealed.split(".");
  if (version !== "v1" || !iv || !tag || !body) throw new Error("Unknown AI key format");
  const decipher = createDecipheriv("aes-256-gcm", cipherKey(), Buffer.from(iv, "base64url"));
  decipher.setAAD(Buffer.from(accountId));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
}

// --- schema ---------------------------------------------------------------------------------

const Model = z.string().trim().min(1).max(200);

/** Outside the local stage, only public https endpoints (no way to point the product at its own network). */
function checkBaseUrl(value: string, ctx: z.RefinementCtx) {
  if (settings().IGNY8_STAGE === "local" || !URL.canParse(value)) return; // z.url() reports a malformed one
  const url = new URL(value);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const privateHost =
    host === "localhost" ||
    host.endsWith(".localhost") ||
    host.endsWith(".internal") ||
    /^(127\.|10\.|192\.168\.|169\.254\.|0\.)/.test(host) ||
    /^172\.(1[6-9]|2\d|3[01])\./.test(host) ||
    /^(::1?|f[cd][0-9a-f]{2}:|fe80:)/i.test(host);
  if (url.protocol !== "https:" || privateHost) {
    ctx.addIssue({ code: "custom", message: "a public https URL" });
  }
}

export const Body = z
  .strictObject({
    baseUrl: z.url({ protocol: /^https?$/ }).max(500).superRefine(checkBaseUrl).nullable().optional().meta({
      description: "OpenAI-compatible endpoint including /v1 (null: the product default)",
    }),
    apiKey: z.string().trim().min(1).max(500).nullable().optional().meta({ description: "Write-only; null removes it" }),
    models: z
      .partialRecord(z.enum(aiFunctions), Model)
      .optional()
      .meta({ description: "Chat model per AI function" }),
    defaultModel: Model.nullable().optional(),
    imageModel: Model.nullable().optional(),
    embeddingModel: Model.nullable().optional(),
    imageSize: z.enum(imageSizes).nullable().optional(),
    imageQuality: z.string().max(20).nullable().optional(),
    requestsPerMinute: z.number().int().min(1).max(1_000_000).nullable().optional(),
    tokensPerMinute: z.number().int().min(1).max(1_000_000_000).nullable().optional(),
    rateWindowMs: z.number().int().min(1000).max(3_600_000).nullable().optional().meta({
      description: "The window the per-minute limits are counted over (default 60000)",
    }),
    rateHeadroomMs: z.number().int().min(0).max(60_000).nullable().optional().meta({
      description: "Burst kept below the limits, in ms of refill (default 1000 of a 60000 window)",
    }),
    timeoutMs: z.number().int().min(100).max(600_000).nullable().optional(),
    imageTimeoutMs: z.number().int().min(100).max(600_000).nullable().optional(),
    maxAttempts: z.number().int().min(1).max(10).nullable().optional(),
    retryBaseDelayMs: z.number().int().min(0).max(60_000).nullable().optional(),
    retryMaxDelayMs: z.number().int().min(0).max(300_000).nullable().optional(),
    maxTokensParam: z.enum(["max_completion_tokens", "max_tokens"]).nullable().optional(),
  })
  .meta({ id: "AiConfigUpdate" });

export const View = z
  .object({
    provider: z.enum(["openai", "offline"]).meta({ description: "What AI calls use now (offline: no endpoint configured)" }),
    source: z.enum(["account", "product", "none"]),
    baseUrl: z.string().nullable(),
    apiKeySet: z.boolean(),
    apiKeyHint: z.string().nullable().meta({ description: "The key's last four characters" }),
    models: z.record(z.string(), z.string()),
    defaultModel: z.string().nullable(),
    imageModel: z.string().nullable(),
    embeddingModel: z.string().nullable(),
    imageSize: z.string(),
    imageQuality: z.string().nullable(),
    requestsPerMinute: z.number().nullable(),
    tokensPerMinute: z.number().nullable(),
    rateWindowMs: z.number().nullable(),
    rateHeadroomMs: z.number().nullable(),
    timeoutMs: z.number().nullable(),
    imageTimeoutMs: z.number().nullable(),
    maxAttempts: z.number().nullable(),
    retryBaseDelayMs: z.number().nullable(),
    retryMaxDelayMs: z.number().nullable(),
    maxTokensParam: z.string().nullable(),
    updatedAt: z.string().nullable(),
  })
  .meta({ id: "AiConfig" });
export type View = z.infer<typeof View>;

type Stored = {
  baseUrl?: string;
  apiKeyCipher?: string;
  apiKeyHint?: string;
  models?: Record<string, string>;
  defaultModel?: string;
  imageModel?: string;
  embeddingModel?: string;
  imageSize?: string;
  imageQuality?: string;
  requestsPerMinute?: number;
  tokensPerMinute?: number;
  rateWindowMs?: number;
  rateHeadroomMs?: number;
  timeoutMs?: number;
  imageTimeoutMs?: number;
  maxAttempts?: number;
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  maxTokensParam?: string;
  updatedAt: string;
};

export const defaultImageSize = "1024x1024" as const;

async function read(): Promise<Stored | undefined> {
  const { data } = await entity().get({ accountId: useAccount() }).go({ consistent: true });
  return (data as Stored | null) ?? undefined;
}

function view(row: Stored | undefined): View {
  const accountConfigured = Boolean(row?.baseUrl || row?.apiKeyCipher);
  const product = providerConfigFromEnv();
  return {
    provider: accountConfigured || product ? "openai" : "offline",
    source: accountConfigured ? "account" : product ? "product" : "none",
    baseUrl: row?.baseUrl ?? null,
    apiKeySet: Boolean(row?.apiKeyCipher),
    apiKeyHint: row?.apiKeyHint ?? null,
    models: row?.models ?? {},
    defaultModel: row?.defaultModel ?? null,
    imageModel: row?.imageModel ?? null,
    embeddingModel: row?.embeddingModel ?? null,
    imageSize: row?.imageSize ?? defaultImageSize,
    imageQuality: row?.imageQuality ?? null,
    requestsPerMinute: row?.requestsPerMinute ?? null,
    tokensPerMinute: row?.tokensPerMinute ?? null,
    rateWindowMs: row?.rateWindowMs ?? null,
    rateHeadroomMs: row?.rateHeadroomMs ?? null,
    timeoutMs: row?.timeoutMs ?? null,
    imageTimeoutMs: row?.imageTimeoutMs ?? null,
    maxAttempts: row?.maxAttempts ?? null,
    retryBaseDelayMs: row?.retryBaseDelayMs ?? null,
    retryMaxDelayMs: row?.retryMaxDelayMs ?? null,
    maxTokensParam: row?.maxTokensParam ?? null,
    updatedAt: row?.updatedAt ?? null,
  };
}

export async function get(): Promise<View> {
  Authz.assertRole("settings.read");
  return view(await read());
}

/** Changes the given fields (null clears one); the key is encrypted before it is stored. */
export const update = fn(Body, async ({ apiKey, ...fields }) => {
  Authz.assertRole("settings.write");
  const accountId = useAccount();
  const set: Record<string, unknown> = { updatedAt: new Date().toISOString() };
  const remove: string[] = [];
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (value === null) remove.push(name);
    else set[name] = value;
  }
  if (apiKey === null) remove.push("apiKeyCipher", "apiKeyHint");
  else if (apiKey !== undefined) {
    set.apiKeyCipher = encryptKey(apiKey, accountId);
    set.apiKeyHint = apiKey.slice(-4);
  }
  let operation = entity().update({ accountId }).set(set);
  if (remove.length > 0) operation = operation.remove(remove as never);
  await operation.go();
  return view(await read());
});

/** Back to the product default. */
export async function clear(): Promise<View> {
  Authz.assertRole("settings.write");
  await entity().delete({ accountId: useAccount() }).go();
  return view(undefined);
}

/** The provider configuration in force: the account's fields over the product default. */
export async function providerConfig(): Promise<{ config: AiProviderConfig | undefined; imageSize: string; imageQuality?: string }> {
  const row = await read();
  const product = providerConfigFromEnv();
  const imageSize = row?.imageSize ?? defaultImageSize;
  if (!row || !(row.baseUrl || row.apiKeyCipher)) return { config: product, imageSize, imageQuality: row?.imageQuality };
  const config: AiProviderConfig = {
    ...(product ?? {}),
    baseUrl: row.baseUrl ?? product?.baseUrl,
    apiKey: row.apiKeyCipher ? readKey(row.apiKeyCipher) : undefined,
    models: { ...(product?.models ?? {}), ...(row.models ?? {}) },
  };
  const optional = [
    "defaultModel",
    "imageModel",
    "embeddingModel",
    "requestsPerMinute",
    "tokensPerMinute",
    "rateWindowMs",
    "rateHeadroomMs",
    "timeoutMs",
    "imageTimeoutMs",
    "maxAttempts",
    "retryBaseDelayMs",
    "retryMaxDelayMs",
    "maxTokensParam",
  ] as const;
  for (const name of optional) {
    if (row[name] !== undefined) (config as Record<string, unknown>)[name] = row[name];
  }
  return { config, imageSize, imageQuality: row.imageQuality };
}

/** The AI provider this account's calls use now. */
export async function provider(): Promise<{ provider: AiProvider; imageSize: string; imageQuality?: string }> {
  const { config, imageSize, imageQuality } = await providerConfig();
  return { provider: resolveProvider(config), imageSize, imageQuality };
}

function readKey(sealed: string): string {
  try {
    return decryptKey(sealed, useAccount());
  } catch (error) {
    // The auth secret changed (or the record was tampered with): ask for the key again.
    throw new VisibleError("unavailable", "ai.config_invalid", "The stored AI key cannot be read; enter it again", {}, { cause: error });
  }
}
