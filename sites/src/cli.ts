import { isVisibleError } from "@igny8/core/util";
import { definitionPathFromEnv, outDirFromEnv, readSiteDefinition } from "./definition";
import { renderSite } from "./render";

// `pnpm build`: renders IGNY8_SITE_DEFINITION (the sample when unset) into IGNY8_SITE_OUT_DIR
// (dist/ when unset).
const started = performance.now();
const definitionPath = definitionPathFromEnv();
try {
  const definition = await readSiteDefinition(definitionPath);
  const site = await renderSite({ definition, outDir: outDirFromEnv(), logLevel: "info" });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `${definition.site.name}: ${site.files.length} files in ${site.outDir} (${seconds} s)`,
  );
} catch (error) {
  if (!isVisibleError(error)) throw error;
  console.error(`${error.code}: ${error.message}`);
  for (const field of error.details.fields ?? [])
    console.error(`  ${field.path}: ${field.message}`);
  process.exitCode = 1;
}
