import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/**
 * The contents of the file at `path`, creating it with `create()` (mode 0600) if it does not
 * exist. The new file is written whole under another name and then linked into place, so a
 * process starting at the same moment never reads it half-written, and only one version ever
 * wins: every caller gets the same contents. For local secrets kept in the data dir.
 */
export function readOrCreateFile(path: string, create: () => string): string {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}.${randomBytes(4).toString("hex")}`;
    writeFileSync(temporary, create(), { mode: 0o600 });
    try {
      chmodSync(temporary, 0o600);
      linkSync(temporary, path);
    } catch (error) {
      // Another process linked its file first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    } finally {
      unlinkSync(temporary);
    }
  }
  return readFileSync(path, "utf8");
}
