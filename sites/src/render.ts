import { randomUUID } from "node:crypto";
import { cp, mkdir, readdir, rename, rm } from "node:fs/promises";
import { dirname, join, parse, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { siteConfig } from "./config";
import { parseSiteDefinition, type SiteDefinition } from "./schema";

/** The Astro project: this package's folder (src/pages, src/layouts, ...). */
const root = fileURLToPath(new URL("..", import.meta.url));

export interface RenderSiteInput {
  /** A definition to validate (any JSON value) or one already validated. */
  definition: unknown;
  /** Where the site goes; emptied first, as Astro does with its own outDir. */
  outDir: string;
  logLevel?: "debug" | "info" | "warn" | "error" | "silent";
}

export interface RenderedSite {
  definition: SiteDefinition;
  outDir: string;
  /** Every file written, relative to outDir with `/` separators, sorted. */
  files: string[];
}

/**
 * Builds one site with Astro, in this process. A bad definition fails before Astro starts,
 * with `site_definition.invalid` and the dotted path of every bad field.
 */
export async function renderSite(input: RenderSiteInput): Promise<RenderedSite> {
  const definition = parseSiteDefinition(input.definition);
  const outDir = resolve(input.outDir);
  if (outDir === parse(outDir).root || `${root}`.startsWith(`${outDir}${sep}`)) {
    throw new Error(`Refusing to empty ${outDir}: it is a root or holds the renderer itself`);
  }
  const run = queue.then(() => build(definition, outDir, input.logLevel ?? "warn"));
  queue = run.catch(() => undefined);
  await run;
  return { definition, outDir, files: await listFiles(outDir) };
}

/** Builds run one at a time: Astro's build uses process-wide state (the working directory). */
let queue: Promise<unknown> = Promise.resolve();

async function build(
  definition: SiteDefinition,
  outDir: string,
  logLevel: NonNullable<RenderSiteInput["logLevel"]>,
) {
  // A build server never reports usage to Astro (and has no route to it).
  process.env.ASTRO_TELEMETRY_DISABLED ??= "1";
  const astro = await import("astro");
  // Astro prerenders from chunks it writes into outDir when outDir is inside the working
  // directory, and otherwise into `<cwd>/.astro/` (which it then copies into outDir with
  // whatever else lies there). Build inside this package, from this package, so the chunks
  // resolve its dependencies, then move the result.
  const staging = join(root, ".astro", "renders", randomUUID());
  const cwd = process.cwd();
  process.chdir(root);
  try {
    await astro.build({
      root,
      configFile: false,
      logLevel,
      ...siteConfig(definition, { outDir: staging }),
    });
    await rm(outDir, { recursive: true, force: true });
    await mkdir(dirname(outDir), { recursive: true });
    await rename(staging, outDir).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== "EXDEV") throw error;
      await cp(staging, outDir, { recursive: true });
    });
  } finally {
    process.chdir(cwd);
    await rm(staging, { recursive: true, force: true });
  }
}

async function listFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(directory, join(entry.parentPath, entry.name)).split(sep).join("/"))
    .sort();
}
