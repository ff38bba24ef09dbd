/// <reference types="astro/client" />

declare module "virtual:igny8/site" {
  /** The validated site definition this build renders (see src/config.ts). */
  const definition: import("./schema").SiteDefinition;
  export default definition;
}
