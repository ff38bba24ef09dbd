export * from "./error";
export * from "./fn";
export * from "./id";
