export { siteConfig } from "./config";
export {
  definitionPathFromEnv,
  outDirFromEnv,
  readSiteDefinition,
  sampleDefinitionPath,
} from "./definition";
export { type RenderedSite, type RenderSiteInput, renderSite } from "./render";
export * from "./schema";
