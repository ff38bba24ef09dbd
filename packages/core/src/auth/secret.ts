import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { settings } from "../config";
import { VisibleError } from "../util/error";

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
    const path = devSecretPath();
    if (existsSync(path)) {
      secret = readFileSync(path, "utf8").trim();
    } else {
      mkdirSync(join(path, ".."), { recursive: true });
      try {
        writeFileSync(path, `${randomBytes(48).toString("base64url")}\n`, { mode: 0o600, flag: "wx" });
        chmodSync(path, 0o600);
      } catch (error) {
        // Another process created it first: use theirs.
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      secret = readFileSync(path, "utf8").trim();
    }
  }
  cached = { source, key: new TextEncoder().encode(secret) };
  return cached.key;
}
