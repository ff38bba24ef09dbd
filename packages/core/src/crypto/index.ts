export * as Crypto from "./index";

import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { join } from "node:path";
import {
  DecryptCommand,
  EncryptCommand,
  IncorrectKeyException,
  InvalidCiphertextException,
  KMSClient,
} from "@aws-sdk/client-kms";
import { settings } from "../config";
import { VisibleError } from "../util/error";
import { readOrCreateFile } from "../util/file";

/**
 * The secret-sealing port: secrets we must use again later (a WordPress Application Password) are
 * stored only sealed. Two adapters chosen by IGNY8_SECRETS: "kms" (AWS KMS Encrypt/Decrypt with
 * IGNY8_KMS_KEY_ID) and "local" (AES-256-GCM with a key from IGNY8_LOCAL_KEY or, on the local stage,
 * one generated once under the data dir).
 *
 * Every seal is bound to an encryption context (account, site, record...): KMS checks it, the local
 * adapter authenticates it as additional data, so a sealed value copied onto another record (or
 * another tenant's) does not open. A sealed value names its adapter (`v1.kms.` / `v1.local.`).
 */

export type EncryptionContext = Record<string, string>;

export interface SecretBox {
  name: "kms" | "local";
  seal(plaintext: string, context: EncryptionContext): Promise<string>;
  open(sealed: string, context: EncryptionContext): Promise<string>;
}

/** KMS encrypts at most 4 KiB directly; secrets are far smaller. */
const maxPlaintextBytes = 4096;

function canonical(context: EncryptionContext): string {
  return JSON.stringify(Object.keys(context).sort().map((key) => [key, context[key]]));
}

function cannotOpen(reason: string, cause?: unknown) {
  return new VisibleError(
    "internal",
    "crypto.open_failed",
    `A stored secret could not be decrypted: ${reason}`,
    {},
    { cause },
  );
}

function checkPlaintext(plaintext: string) {
  if (Buffer.byteLength(plaintext) > maxPlaintextBytes) {
    throw new VisibleError("input", "crypto.secret_too_large", "A secret is at most 4 KiB");
  }
}

// ---------------------------------------------------------------- local: AES-256-GCM

/** Where the local key is kept when IGNY8_LOCAL_KEY is unset on the local stage. */
export function localKeyPath(): string {
  return join(settings().IGNY8_DATA_DIR ?? join(process.cwd(), ".igny8"), "local-key");
}

function parseKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, "hex")
    : Buffer.from(trimmed.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  if (key.length !== 32) {
    throw new VisibleError(
      "input",
      "config.invalid",
      "Setting IGNY8_LOCAL_KEY is invalid: expected 32 bytes as base64 or 64 hex digits",
    );
  }
  return key;
}

function localKey(): Buffer {
  const { IGNY8_LOCAL_KEY, IGNY8_STAGE } = settings();
  if (IGNY8_LOCAL_KEY) return parseKey(IGNY8_LOCAL_KEY);
  if (IGNY8_STAGE !== "local") {
    throw new VisibleError(
      "unavailable",
      "crypto.key_missing",
      "IGNY8_SECRETS=local needs IGNY8_LOCAL_KEY outside the local stage (or use IGNY8_SECRETS=kms)",
    );
  }
  return parseKey(readOrCreateFile(localKeyPath(), () => `${randomBytes(32).toString("base64")}\n`));
}

/** Eight hex digits naming a key, so a value sealed under another key says so. */
function fingerprint(key: Buffer): string {
  return createHash("sha256").update("igny8-local-key").update(key).digest("hex").slice(0, 8);
}

export function localSecretBox(key: Buffer = localKey()): SecretBox {
  const id = fingerprint(key);
  return {
    name: "local",
    async seal(plaintext, context) {
      checkPlaintext(plaintext);
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      cipher.setAAD(Buffer.from(canonical(context)));
      const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
      return `v1.local.${id}.${iv.toString("base64url")}.${body.toString("base64url")}`;
    },
    async open(sealed, context) {
      const [version, adapter, keyId, iv, body] = sealed.split(".");
      if (version !== "v1" || adapter !== "local" || !keyId || !iv || !body) {
        throw cannotOpen(`it was not sealed by the local adapter (${adapter ?? "unknown"})`);
      }
      if (keyId !== id) {
        throw cannotOpen(`it was sealed with another local key (${keyId}, this one is ${id})`);
      }
      const bytes = Buffer.from(body, "base64url");
      if (bytes.length < 16) throw cannotOpen("it is truncated");
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
        decipher.setAAD(Buffer.from(canonical(context)));
        decipher.setAuthTag(bytes.subarray(bytes.length - 16));
        return Buffer.concat([
          decipher.update(bytes.subarray(0, bytes.length - 16)),
          decipher.final(),
        ]).toString("utf8");
      } catch (error) {
        throw cannotOpen("it was altered or belongs to another record", error);
      }
    },
  };
}

// ---------------------------------------------------------------- AWS KMS

let kms: { source: string; client: KMSClient } | undefined;

function kmsClient(): KMSClient {
  const { IGNY8_REGION, IGNY8_KMS_ENDPOINT } = settings();
  const source = `${IGNY8_REGION} ${IGNY8_KMS_ENDPOINT ?? ""}`;
  if (kms?.source === source) return kms.client;
  kms?.client.destroy();
  const client = new KMSClient({
    region: IGNY8_REGION,
    ...(IGNY8_KMS_ENDPOINT
      ? {
          endpoint: IGNY8_KMS_ENDPOINT,
          credentials: { accessKeyId: "local", secretAccessKey: "local" },
        }
      : {}),
  });
  kms = { source, client };
  return client;
}

export function kmsSecretBox(keyId: string | undefined = settings().IGNY8_KMS_KEY_ID): SecretBox {
  if (!keyId) {
    throw new VisibleError(
      "unavailable",
      "crypto.key_missing",
      "IGNY8_SECRETS=kms needs IGNY8_KMS_KEY_ID (the key's id, ARN or alias)",
    );
  }
  return {
    name: "kms",
    async seal(plaintext, context) {
      checkPlaintext(plaintext);
      const result = await kmsClient().send(
        new EncryptCommand({
          KeyId: keyId,
          Plaintext: Buffer.from(plaintext, "utf8"),
          EncryptionContext: context,
        }),
      );
      if (!result.CiphertextBlob) throw new Error("KMS answered Encrypt without a ciphertext");
      return `v1.kms.${Buffer.from(result.CiphertextBlob).toString("base64url")}`;
    },
    async open(sealed, context) {
      const [version, adapter, body] = sealed.split(".");
      if (version !== "v1" || adapter !== "kms" || !body) {
        throw cannotOpen(`it was not sealed by KMS (${adapter ?? "unknown"})`);
      }
      try {
        const result = await kmsClient().send(
          new DecryptCommand({
            KeyId: keyId,
            CiphertextBlob: Buffer.from(body, "base64url"),
            EncryptionContext: context,
          }),
        );
        if (!result.Plaintext) throw new Error("KMS answered Decrypt without a plaintext");
        return Buffer.from(result.Plaintext).toString("utf8");
      } catch (error) {
        if (error instanceof InvalidCiphertextException) {
          throw cannotOpen("KMS refused it (altered, or another record's)", error);
        }
        if (error instanceof IncorrectKeyException) {
          throw cannotOpen("it was sealed under another KMS key", error);
        }
        throw error;
      }
    },
  };
}

// ---------------------------------------------------------------- the configured adapter

let box: { source: string; value: SecretBox } | undefined;

/** The adapter IGNY8_SECRETS names (cached until the settings change). */
export function useSecretBox(): SecretBox {
  const { IGNY8_SECRETS, IGNY8_KMS_KEY_ID, IGNY8_LOCAL_KEY, IGNY8_DATA_DIR } = settings();
  const source = JSON.stringify([IGNY8_SECRETS, IGNY8_KMS_KEY_ID, IGNY8_LOCAL_KEY, IGNY8_DATA_DIR]);
  if (box?.source !== source) {
    box = { source, value: IGNY8_SECRETS === "kms" ? kmsSecretBox() : localSecretBox() };
  }
  return box.value;
}

export function seal(plaintext: string, context: EncryptionContext): Promise<string> {
  return useSecretBox().seal(plaintext, context);
}

export function open(sealed: string, context: EncryptionContext): Promise<string> {
  return useSecretBox().open(sealed, context);
}

/** Forget the cached adapter and client (tests change settings and endpoints). */
export function reset() {
  box = undefined;
  kms?.client.destroy();
  kms = undefined;
}
