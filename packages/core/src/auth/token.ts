import { createHash, randomBytes } from "node:crypto";
import { SignJWT, errors, jwtVerify } from "jose";
import { VisibleError } from "../util/error";
import { authSecret } from "./secret";

export const ACCESS_TOKEN_SECONDS = 15 * 60;
const ISSUER = "igny8";
const AUDIENCE = "igny8-api";

export interface AccessClaims {
  userId: string;
  accountId: string;
  sessionId: string;
}

/** A short-lived HS256 access token; role and sites are read fresh on every request. */
export async function signAccessToken(claims: AccessClaims, now = Date.now()): Promise<string> {
  const issuedAt = Math.floor(now / 1000);
  return new SignJWT({ acc: claims.accountId, sid: claims.sessionId, typ: "access" })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ACCESS_TOKEN_SECONDS)
    .sign(authSecret());
}

export async function verifyAccessToken(token: string): Promise<AccessClaims> {
  try {
    const { payload } = await jwtVerify(token, authSecret(), {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ["HS256"],
    });
    if (
      payload.typ !== "access" ||
      typeof payload.sub !== "string" ||
      typeof payload.acc !== "string" ||
      typeof payload.sid !== "string"
    ) {
      throw new VisibleError("auth", "auth.invalid_token", "The access token is not valid");
    }
    return { userId: payload.sub, accountId: payload.acc, sessionId: payload.sid };
  } catch (error) {
    if (error instanceof VisibleError) throw error;
    if (error instanceof errors.JWTExpired) {
      throw new VisibleError("auth", "auth.token_expired", "The access token has expired; refresh it");
    }
    throw new VisibleError("auth", "auth.invalid_token", "The access token is not valid");
  }
}

/** 256 random bits, URL-safe: refresh, reset and invitation secrets, API keys. */
export function randomSecret(): string {
  return randomBytes(32).toString("base64url");
}

/** Secrets are stored only as this hash (they carry 256 bits, so a fast hash is enough). */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}
