export * from "./catalog";
export * from "./client";
export * from "./connection";
export * from "./html";
export * as WordPress from "./index";
export * from "./manage";
export * from "./media";
export * from "./publish";
export * from "./record";
