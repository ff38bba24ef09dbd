export * as Publishing from "./index";

export { WordPress } from "./wordpress";
