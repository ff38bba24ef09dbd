export * as Page from "./index";

import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { authSecret } from "../auth/secret";
import { VisibleError } from "../util/error";

/**
 * Cursor pagination shared by every list. A cursor is ElectroDB's position signed with the
 * auth secret and bound to the list it came from (`scope`: account, index, filters), so a
 * cursor cannot be forged, edited, or replayed against another account's list.
 */
export const Cursor = z
  .string()
  .max(2048)
  .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/, "not a cursor this API issued")
  .meta({ description: "Opaque cursor from a previous page's meta.cursor" });

export const Limit = z.coerce
  .number()
  .int()
  .min(1)
  .max(100)
  .default(25)
  .meta({ description: "Items per page, 1 to 100" });

/** The query fields every list accepts; lists extend it with their filters and sorts. */
export const Query = {
  cursor: Cursor.optional(),
  limit: Limit,
};

export interface Result<T> {
  items: T[];
  /** The next page's cursor, or null on the last page. */
  cursor: string | null;
}

function sign(payload: string, scope: string): string {
  return createHmac("sha256", authSecret()).update(`${scope}\n${payload}`).digest("base64url");
}

/** Wraps ElectroDB's cursor for a client. */
export function encode(raw: string | null | undefined, scope: string): string | null {
  if (!raw) return null;
  const payload = Buffer.from(raw, "utf8").toString("base64url");
  return `${payload}.${sign(payload, scope)}`;
}

/** Unwraps a client's cursor; a cursor from another list, account or server is refused. */
export function decode(cursor: string | undefined, scope: string): string | undefined {
  if (cursor === undefined) return undefined;
  const [payload, signature] = cursor.split(".");
  const expected = sign(payload ?? "", scope);
  if (
    !payload ||
    !signature ||
    signature.length !== expected.length ||
    !timingSafeEqual(Buffer.from(signature), Buffer.from(expected))
  ) {
    throw new VisibleError("input", "pagination.cursor_invalid", "This cursor does not belong to this list", {
      fields: [{ path: "cursor", message: "not a cursor of this list" }],
    });
  }
  return Buffer.from(payload, "base64url").toString("utf8");
}
