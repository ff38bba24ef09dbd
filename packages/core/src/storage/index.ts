export * as Storage from "./index";
export * from "./s3";
export * as Usage from "./usage";
