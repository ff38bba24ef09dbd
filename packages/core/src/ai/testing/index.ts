export * as AiTesting from "./index";

export * from "./server";
