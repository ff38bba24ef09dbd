export * from "./feedback";
export * from "./form";
export * from "./format";
export * from "./layout";
export * from "./theme";
export * from "./virtual-table";
