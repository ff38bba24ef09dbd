import type { AstroIntegration, AstroUserConfig } from "astro";
import type { SiteDefinition } from "./schema";

/** The module pages import the definition from (typed in env.d.ts). */
const moduleId = "virtual:igny8/site";
const resolvedModuleId = `\0${moduleId}`;

/** Hands the validated definition to the pages as a virtual module. */
export function siteDefinition(definition: SiteDefinition): AstroIntegration {
  return {
    name: "igny8-site-definition",
    hooks: {
      "astro:config:setup": ({ updateConfig }) => {
        updateConfig({
          vite: {
            plugins: [
              {
                name: "igny8-site-definition",
                resolveId: (id: string) => (id === moduleId ? resolvedModuleId : undefined),
                load: (id: string) =>
                  id === resolvedModuleId
                    ? `export default ${JSON.stringify(definition)};`
                    : undefined,
              },
            ],
          },
        });
      },
    },
  };
}

export interface RenderOptions {
  /** Where the built site goes; Astro's default (`dist/` beside the config) when absent. */
  outDir?: string;
}

/**
 * The Astro configuration for one site, shared by `astro build` (astro.config.ts) and
 * `renderSite()`: a static build, one folder per page, no client JavaScript of our own.
 */
export function siteConfig(
  definition: SiteDefinition,
  options: RenderOptions = {},
): AstroUserConfig {
  return {
    site: definition.site.url,
    output: "static",
    trailingSlash: "ignore",
    build: { format: "directory", inlineStylesheets: "always" },
    compressHTML: true,
    devToolbar: { enabled: false },
    prefetch: false,
    integrations: [siteDefinition(definition)],
    ...(options.outDir ? { outDir: options.outDir } : {}),
  };
}
