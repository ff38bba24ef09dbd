import type { JsonSchema, SchemaDocument } from "./arbitrary";

/** One operation of the OpenAPI document, with what the sweep and the fuzz need to call it. */
export interface Operation {
  method: string;
  path: string;
  scope: "public" | "self" | "account" | "site" | "admin";
  action?: string;
  pathParams: { name: string; schema: JsonSchema }[];
  queryParams: { name: string; required: boolean; schema: JsonSchema }[];
  body?: JsonSchema;
}

export interface ApiDocument extends SchemaDocument {
  paths: Record<string, Record<string, {
    "x-igny8-scope"?: Operation["scope"];
    "x-igny8-action"?: string;
    parameters?: { name: string; in: string; required?: boolean; schema?: JsonSchema }[];
    requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  }>>;
}

/** Every operation of the document. An operation without `x-igny8-scope` is an error. */
export function operations(doc: ApiDocument): Operation[] {
  const result: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const scope = op["x-igny8-scope"];
      if (!scope) throw new Error(`${method.toUpperCase()} ${path} declares no x-igny8-scope`);
      const parameters = op.parameters ?? [];
      result.push({
        method: method.toUpperCase(),
        path,
        scope,
        action: op["x-igny8-action"],
        pathParams: parameters.filter((p) => p.in === "path").map((p) => ({ name: p.name, schema: p.schema ?? {} })),
        queryParams: parameters.filter((p) => p.in === "query").map((p) => ({ name: p.name, required: p.required === true, schema: p.schema ?? {} })),
        body: op.requestBody?.content?.["application/json"]?.schema,
      });
    }
  }
  return result;
}

/** The path with `{name}` segments replaced (URL-encoded). */
export function fillPath(path: string, values: Record<string, string>): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? ""));
}

/** Names of the body's top-level properties (after $ref). */
export function bodyFields(body: JsonSchema | undefined, doc: SchemaDocument): string[] {
  let schema = body;
  for (let depth = 0; schema?.$ref && depth < 10; depth++) schema = doc.components?.schemas?.[schema.$ref.split("/").pop()!];
  return Object.keys(schema?.properties ?? {});
}

export const label = (op: Operation) => `${op.method} ${op.path}`;
