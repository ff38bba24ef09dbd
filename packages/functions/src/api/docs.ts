/**
 * A readable API reference rendered on the server from the OpenAPI document: one
 * self-contained HTML page (no scripts, no CDN), so it works offline.
 */
type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  description?: string;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  default?: unknown;
  additionalProperties?: boolean | Schema;
};

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: { name: string; in: string; required?: boolean; schema?: Schema; description?: string }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
  "x-igny8-scope"?: string;
  "x-igny8-action"?: string;
}

export interface OpenApiDocument {
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

const html = (value: unknown) =>
  String(value).replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);

const refName = (ref: string) => ref.split("/").pop() ?? ref;

function typeOf(schema: Schema | undefined): string {
  if (!schema) return "any";
  if (schema.$ref) return `<a href="#schema-${html(refName(schema.$ref))}">${html(refName(schema.$ref))}</a>`;
  if (schema.enum) return schema.enum.map((v) => `<code>${html(JSON.stringify(v))}</code>`).join(" | ");
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return variants.map(typeOf).join(" | ");
  const types = Array.isArray(schema.type) ? schema.type : [schema.type ?? "object"];
  return types
    .map((type) => (type === "array" ? `${typeOf(schema.items)}[]` : html(type)))
    .join(" | ");
}

function constraints(schema: Schema | undefined): string {
  if (!schema) return "";
  const parts: string[] = [];
  if (schema.format) parts.push(`format ${schema.format}`);
  if (schema.pattern) parts.push(`pattern <code>${html(schema.pattern)}</code>`);
  if (schema.minimum !== undefined) parts.push(`≥ ${schema.minimum}`);
  if (schema.maximum !== undefined) parts.push(`≤ ${schema.maximum}`);
  if (schema.minLength !== undefined) parts.push(`min length ${schema.minLength}`);
  if (schema.maxLength !== undefined) parts.push(`max length ${schema.maxLength}`);
  if (schema.default !== undefined) parts.push(`default <code>${html(JSON.stringify(schema.default))}</code>`);
  return parts.join(", ");
}

function propertiesTable(schema: Schema): string {
  const properties = schema.properties ?? {};
  const names = Object.keys(properties);
  if (names.length === 0) return `<p class="muted">${typeOf(schema)}</p>`;
  const required = new Set(schema.required ?? []);
  const rows = names
    .map((name) => {
      const property = properties[name]!;
      return `<tr><td><code>${html(name)}</code>${required.has(name) ? ' <span class="req">required</span>' : ""}</td><td>${typeOf(property)}</td><td>${[html(property.description ?? ""), constraints(property)].filter(Boolean).join("<br>")}</td></tr>`;
    })
    .join("");
  const strict = schema.additionalProperties === false ? '<p class="muted">Unknown fields are rejected.</p>' : "";
  return `<table><thead><tr><th>field</th><th>type</th><th>notes</th></tr></thead><tbody>${rows}</tbody></table>${strict}`;
}

function schemaBlock(schema: Schema | undefined): string {
  if (!schema) return "";
  if (schema.$ref) return `<p>${typeOf(schema)}</p>`;
  return propertiesTable(schema);
}

export function renderDocs(doc: OpenApiDocument): string {
  const byTag = new Map<string, { path: string; method: string; op: Operation }[]>();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags?.[0] ?? "Other";
      byTag.set(tag, [...(byTag.get(tag) ?? []), { path, method, op }]);
    }
  }
  const nav = [...byTag.keys()].map((tag) => `<li><a href="#tag-${html(tag)}">${html(tag)}</a></li>`).join("");
  const sections = [...byTag]
    .map(([tag, ops]) => {
      const items = ops
        .map(({ path, method, op }) => {
          const id = `${method}-${path}`.replace(/[^a-z0-9]+/gi, "-");
          const params = (op.parameters ?? [])
            .map((p) => `<tr><td><code>${html(p.name)}</code> <span class="muted">${html(p.in)}</span>${p.required ? ' <span class="req">required</span>' : ""}</td><td>${typeOf(p.schema)}</td><td>${constraints(p.schema)}</td></tr>`)
            .join("");
          const bodySchema = op.requestBody?.content?.["application/json"]?.schema;
          const responses = Object.entries(op.responses ?? {})
            .map(([status, response]) => {
              const schema = response.content?.["application/json"]?.schema;
              return `<li><b>${html(status)}</b> ${html(response.description ?? "")}${schema ? ` — ${typeOf(schema.$ref ? schema : (schema.properties?.data ?? schema))}` : ""}</li>`;
            })
            .join("");
          return `<section class="op" id="${html(id)}">
<h3><span class="method ${html(method)}">${html(method.toUpperCase())}</span> <code>${html(path)}</code></h3>
<p>${html(op.summary ?? "")}</p>${op.description ? `<p class="muted">${html(op.description)}</p>` : ""}
<p class="meta">scope <code>${html(op["x-igny8-scope"] ?? "")}</code>${op["x-igny8-action"] ? ` · action <code>${html(op["x-igny8-action"])}</code>` : ""}</p>
${params ? `<h4>Parameters</h4><table><thead><tr><th>name</th><th>type</th><th>notes</th></tr></thead><tbody>${params}</tbody></table>` : ""}
${bodySchema ? `<h4>Body</h4>${schemaBlock(bodySchema)}` : ""}
<h4>Responses</h4><ul>${responses}</ul></section>`;
        })
        .join("\n");
      return `<h2 id="tag-${html(tag)}">${html(tag)}</h2>\n${items}`;
    })
    .join("\n");
  const schemas = Object.entries(doc.components?.schemas ?? {})
    .map(([name, schema]) => `<section class="op" id="schema-${html(name)}"><h3>${html(name)}</h3>${html(schema.description ?? "")}${schemaBlock(schema)}</section>`)
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html(doc.info.title)} — API reference</title>
<style>
:root{color-scheme:light dark;--fg:#1b1f24;--bg:#fff;--muted:#5b6470;--line:#d8dee4;--code:#f3f5f7}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#9aa4af;--line:#30363d;--code:#161b22}}
body{font:15px/1.5 system-ui,sans-serif;color:var(--fg);background:var(--bg);margin:0;display:grid;grid-template-columns:220px 1fr}
nav{position:sticky;top:0;height:100vh;overflow:auto;border-right:1px solid var(--line);padding:1rem}
nav ul{list-style:none;padding:0}main{padding:1rem 2rem;max-width:60rem}
code{background:var(--code);padding:0 .25em;border-radius:3px}table{border-collapse:collapse;width:100%;margin:.5rem 0}
td,th{border:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top}.muted,.meta{color:var(--muted)}
.req{color:#c33;font-size:.8em}.op{border-top:1px solid var(--line);padding:.5rem 0}
.method{font:700 .8em monospace;padding:.1em .4em;border-radius:3px;color:#fff;background:#57606a}
.get{background:#1f6feb}.post{background:#1a7f37}.patch{background:#9a6700}.delete{background:#cf222e}
a{color:inherit}
</style></head>
<body><nav><b>${html(doc.info.title)}</b><p class="muted">v${html(doc.info.version)}</p><ul>${nav}<li><a href="#schemas">Schemas</a></li></ul><p><a href="/v1/openapi.json">openapi.json</a></p></nav>
<main><h1>${html(doc.info.title)}</h1><p>${html(doc.info.description ?? "")}</p>
${sections}
<h2 id="schemas">Schemas</h2>
${schemas}
</main></body></html>`;
}
