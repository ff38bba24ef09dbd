import { defineConfig } from "astro/config";
import { siteConfig } from "./src/config";
import { definitionPathFromEnv, readSiteDefinition } from "./src/definition";

// For `astro dev`, `astro check` and `astro preview`, on IGNY8_SITE_DEFINITION (the sample when
// unset). Builds go through src/cli.ts (`pnpm build`), which can write anywhere.
const definition = await readSiteDefinition(definitionPathFromEnv());

export default defineConfig(siteConfig(definition));
