import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { VisibleError } from "@igny8/core/util";
import { parseSiteDefinition, type SiteDefinition } from "./schema";

/** The sample site (a plumbing company) built when IGNY8_SITE_DEFINITION is not set. */
export const sampleDefinitionPath = fileURLToPath(new URL("./sample/site.json", import.meta.url));

/**
 * A path from the environment, relative to where the command was typed (INIT_CWD, which npm and
 * pnpm set; they run scripts from the package folder).
 */
export function pathFromEnv(value: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.INIT_CWD ?? process.cwd(), value);
}

/** The definition file a build reads: IGNY8_SITE_DEFINITION, or the sample when unset. */
export function definitionPathFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.IGNY8_SITE_DEFINITION?.trim();
  return configured ? pathFromEnv(configured, env) : sampleDefinitionPath;
}

/** Where `pnpm build` writes the site: IGNY8_SITE_OUT_DIR, or dist/ in this package. */
export function outDirFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.IGNY8_SITE_OUT_DIR?.trim();
  return configured
    ? pathFromEnv(configured, env)
    : fileURLToPath(new URL("../dist", import.meta.url));
}

/** Reads and validates a definition file; every failure is a VisibleError naming the file. */
export async function readSiteDefinition(path: string): Promise<SiteDefinition> {
  let raw: string;
  try {
    raw = await readFile(path, "utf8");
  } catch (cause) {
    throw new VisibleError(
      "not_found",
      "site_definition.not_found",
      `Cannot read the site definition ${path}`,
      { path },
      { cause },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (cause) {
    throw new VisibleError(
      "input",
      "site_definition.json",
      `The site definition ${path} is not JSON: ${(cause as Error).message}`,
      { path },
      { cause },
    );
  }
  return parseSiteDefinition(json);
}
