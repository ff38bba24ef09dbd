import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { settings } from "../config";
import { VisibleError } from "../util/error";
import { readOrCreateFile } from "../util/file";

let cached: { source: string; key: Uint8Array } | undefined;

/** Where a development secret is kept when IGNY8_AUTH_SECRET is unset on the local stage. */
export function devSecretPath(): string {
  return join(settings().IGNY8_DATA_DIR ?? join(process.cwd(), ".igny8"), "auth-secret");
}

/**
 * The HS256 key for access tokens and signed cursors: IGNY8_AUTH_SECRET (in AWS from an SST
 * Config secret); on the local stage without it, a random secret generated once and kept in
 * the data dir so restarts keep sessions. Any other stage without it refuses to run.
 */
export function authSecret(): Uint8Array {
  const { IGNY8_AUTH_SECRET, IGNY8_STAGE } = settings();
  const source = IGNY8_AUTH_SECRET ?? `file:${devSecretPath()}`;
  if (cached?.source === source) return cached.key;
  let secret = IGNY8_AUTH_SECRET;
  if (!secret) {
    if (IGNY8_STAGE !== "local") {
      throw new VisibleError("unavailable", "auth.secret_missing", "IGNY8_AUTH_SECRET is not set");
    }
    secret = readOrCreateFile(devSecretPath(), () => `${randomBytes(48).toString("base64url")}\n`).trim();
  }
  cached = { source, key: new TextEncoder().encode(secret) };
  return cached.key;
}
