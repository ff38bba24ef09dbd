import RandExp from "randexp";
import type { JsonSchema } from "../structured";
import type { Rng } from "./seed";

/**
 * Builds a value that satisfies a JSON schema (the draft-7 subset zod and the OpenAI SDK emit:
 * type / const / enum / anyOf / oneOf / allOf / $ref, string lengths, formats and patterns, number
 * bounds, array bounds, tuples, records). `hint` proposes a value at each place (the offline draft);
 * a hint that does not fit the schema there is replaced by a generated one.
 */

export interface SampleContext {
  /** The property name the value is for (undefined for array items and the root). */
  key?: string;
  path: string[];
  /** Position within the enclosing array, for varied items. */
  index: number;
  schema: JsonSchema;
}

export interface SampleOptions {
  rng: Rng;
  /** A value proposed for the root. */
  hint?: unknown;
  /** The hint for a property, given the parent's hint (default: `parent[key]`). */
  childHint?: (parent: unknown, key: string) => unknown;
  /** A string for a place the hint did not cover. */
  text?: (ctx: SampleContext) => string;
  /** A number for a place the hint did not cover (before bounds are applied). */
  number?: (ctx: SampleContext) => number | undefined;
  /** Sets `offline: true` on objects that declare such a boolean or accept extra keys. */
  mark?: boolean;
  /** Nesting beyond which optional parts are left out (recursive schemas). Default 8. */
  maxDepth?: number;
  /** Items generated for an unhinted array when its bounds allow (default 3). */
  arrayLength?: number;
}

type Json = unknown;

const defaultChildHint = (parent: unknown, key: string) =>
  parent && typeof parent === "object" && !Array.isArray(parent)
    ? (parent as Record<string, unknown>)[key]
    : undefined;

export function sampleJsonSchema(schema: JsonSchema, options: SampleOptions): Json {
  const sampler = new Sampler(schema, options);
  return sampler.value(schema, options.hint, { path: [], index: 0, schema });
}

class Sampler {
  private readonly childHint: (parent: unknown, key: string) => unknown;
  private readonly maxDepth: number;

  constructor(
    private readonly root: JsonSchema,
    private readonly options: SampleOptions,
  ) {
    this.childHint = options.childHint ?? defaultChildHint;
    this.maxDepth = options.maxDepth ?? 8;
  }

  private get rng() {
    return this.options.rng;
  }

  private resolve(node: JsonSchema): JsonSchema {
    let current = node;
    for (let hops = 0; typeof current.$ref === "string" && hops < 32; hops++) {
      const ref = current.$ref as string;
      const { $ref: _ref, ...rest } = current;
      current = { ...this.lookupRef(ref), ...rest };
    }
    if (Array.isArray(current.allOf)) {
      const { allOf, ...rest } = current;
      let merged: JsonSchema = rest;
      for (const part of allOf as JsonSchema[]) merged = mergeSchemas(merged, this.resolve(part));
      current = merged;
    }
    return current;
  }

  private lookupRef(ref: string): JsonSchema {
    if (ref === "#") return this.root;
    if (!ref.startsWith("#/")) return {};
    let target: unknown = this.root;
    for (const raw of ref.slice(2).split("/")) {
      const part = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
      target =
        target && typeof target === "object"
          ? (target as Record<string, unknown>)[part]
          : undefined;
    }
    return (target as JsonSchema) ?? {};
  }

  value(raw: JsonSchema | boolean, hint: unknown, ctx: SampleContext): Json {
    if (raw === true || raw === undefined) return hint ?? this.text({ ...ctx, schema: {} });
    if (raw === false) return null;
    const node = this.resolve(raw);
    ctx = { ...ctx, schema: node };
    if ("const" in node) return node.const;
    if (Array.isArray(node.enum)) {
      const options = node.enum as Json[];
      if (options.some((o) => o === hint)) return hint;
      return options.length > 0 ? options[ctx.index % options.length] : null;
    }
    const branches = (node.anyOf ?? node.oneOf) as JsonSchema[] | undefined;
    if (Array.isArray(branches) && branches.length > 0) {
      const { anyOf: _a, oneOf: _o, ...base } = node;
      const resolved = branches.map((b) => mergeSchemas(base, this.resolve(b)));
      return this.value(this.chooseBranch(resolved, hint, ctx), hint, ctx);
    }
    const type = this.chooseType(node, hint, ctx);
    switch (type) {
      case "null":
        return null;
      case "boolean":
        return typeof hint === "boolean"
          ? hint
          : ctx.key === "offline"
            ? true
            : ctx.index % 2 === 0;
      case "integer":
      case "number":
        return this.numberFor(node, type === "integer", hint, ctx);
      case "string":
        return this.stringFor(node, hint, ctx);
      case "array":
        return this.arrayFor(node, hint, ctx);
      case "object":
        return this.objectFor(node, hint, ctx);
      default:
        return hint ?? this.text(ctx);
    }
  }

  private chooseType(node: JsonSchema, hint: unknown, ctx: SampleContext): string | undefined {
    const declared = node.type;
    const types = Array.isArray(declared)
      ? (declared as string[])
      : typeof declared === "string"
        ? [declared]
        : inferTypes(node);
    if (types.length === 0) return undefined;
    const hintType = jsonType(hint);
    if (hintType && types.includes(hintType)) return hintType;
    if (hintType === "integer" && types.includes("number")) return "number";
    const deep = ctx.path.length >= this.maxDepth;
    if (deep && types.includes("null")) return "null";
    return types.find((t) => t !== "null") ?? types[0];
  }

  private chooseBranch(branches: JsonSchema[], hint: unknown, ctx: SampleContext): JsonSchema {
    const deep = ctx.path.length >= this.maxDepth;
    if (deep) {
      const nullable = branches.find((b) => b.type === "null");
      if (nullable) return nullable;
    }
    const hintType = jsonType(hint);
    if (hint !== undefined) {
      const fitting = branches.find((b) => {
        if (b.const !== undefined) return b.const === hint;
        if (Array.isArray(b.enum)) return (b.enum as unknown[]).includes(hint);
        const types = Array.isArray(b.type) ? b.type : b.type ? [b.type] : inferTypes(b);
        return types.includes(hintType) || (hintType === "integer" && types.includes("number"));
      });
      if (fitting) return fitting;
    }
    return branches.find((b) => b.type !== "null") ?? branches[0]!;
  }

  private numberFor(node: JsonSchema, integer: boolean, hint: unknown, ctx: SampleContext): number {
    const min =
      num(node.minimum) ??
      (num(node.exclusiveMinimum) !== undefined
        ? num(node.exclusiveMinimum)! + (integer ? 1 : 1e-6)
        : undefined);
    const max =
      num(node.maximum) ??
      (num(node.exclusiveMaximum) !== undefined
        ? num(node.exclusiveMaximum)! - (integer ? 1 : 1e-6)
        : undefined);
    let value =
      typeof hint === "number"
        ? hint
        : (this.options.number?.(ctx) ?? defaultNumber(min, max, this.rng));
    if (min !== undefined && value < min) value = min;
    if (max !== undefined && value > max) value = max;
    if (integer) {
      value = Math.round(value);
      if (min !== undefined && value < min) value = Math.ceil(min);
      if (max !== undefined && value > max) value = Math.floor(max);
    }
    const step = num(node.multipleOf);
    if (step && step > 0) {
      let stepped = Math.round(value / step) * step;
      if (max !== undefined && stepped > max) stepped -= step;
      if (min !== undefined && stepped < min) stepped += step;
      value = Number(stepped.toPrecision(12));
    }
    return value;
  }

  private stringFor(node: JsonSchema, hint: unknown, ctx: SampleContext): string {
    const min = num(node.minLength) ?? 0;
    const max = num(node.maxLength) ?? Number.POSITIVE_INFINITY;
    const pattern = typeof node.pattern === "string" ? safeRegExp(node.pattern) : undefined;
    const format = typeof node.format === "string" ? node.format : undefined;
    const candidates: string[] = [];
    if (typeof hint === "string") candidates.push(hint);
    else if (typeof hint === "number" || typeof hint === "boolean") candidates.push(String(hint));
    const formatted = format ? formatValue(format, this.rng, ctx) : undefined;
    if (formatted !== undefined) candidates.push(formatted);
    candidates.push(this.text(ctx));
    const fits = (s: string) => s.length >= min && s.length <= max && (!pattern || pattern.test(s));
    for (const candidate of candidates) {
      const fitted = fitLength(candidate, min, max, this.text({ ...ctx, index: ctx.index + 1 }));
      if (fits(fitted)) return fitted;
      if (pattern) {
        for (const variant of [slug(fitted), fitted.replace(/\s+/g, ""), fitted.toLowerCase()]) {
          if (fits(variant)) return variant;
        }
      }
    }
    if (pattern) {
      const generator = new RandExp(pattern);
      generator.max = 6;
      generator.randInt = (a: number, b: number) => this.rng.int(a, b);
      for (let i = 0; i < 50; i++) {
        const generated = generator.gen();
        if (fits(generated)) return generated;
      }
    }
    return fitLength(candidates[0] ?? "", min, max, "x");
  }

  private arrayFor(node: JsonSchema, hint: unknown, ctx: SampleContext): Json[] {
    const tuple = (node.prefixItems ?? (Array.isArray(node.items) ? node.items : undefined)) as
      | JsonSchema[]
      | undefined;
    const hinted = Array.isArray(hint) ? hint : undefined;
    const min = num(node.minItems) ?? 0;
    const max = num(node.maxItems) ?? Number.POSITIVE_INFINITY;
    const deep = ctx.path.length >= this.maxDepth;
    if (tuple) {
      return tuple.map((item, i) =>
        this.value(item, hinted?.[i], {
          ...ctx,
          key: undefined,
          path: [...ctx.path, String(i)],
          index: i,
        }),
      );
    }
    const itemSchema = (node.items ?? node.additionalItems ?? true) as JsonSchema | boolean;
    const wanted = hinted ? hinted.length : deep ? 0 : (this.options.arrayLength ?? 3);
    const length = Math.max(min, Math.min(max, wanted));
    const items: Json[] = [];
    const seen = new Set<string>();
    for (let i = 0; items.length < length && i < length * 4 + 4; i++) {
      const item = this.value(itemSchema, hinted?.[i], {
        ...ctx,
        key: ctx.key,
        path: [...ctx.path, String(items.length)],
        index: i,
      });
      if (node.uniqueItems) {
        const key = JSON.stringify(item);
        if (seen.has(key)) continue;
        seen.add(key);
      }
      items.push(item);
    }
    return items;
  }

  private objectFor(node: JsonSchema, hint: unknown, ctx: SampleContext): Record<string, Json> {
    const properties = (node.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((node.required ?? []) as string[]);
    const deep = ctx.path.length >= this.maxDepth;
    const out: Record<string, Json> = {};
    for (const [key, schema] of Object.entries(properties)) {
      const childHint = this.childHint(hint, key);
      // Offline drafts are complete: optional parts are filled too, unless nesting runs deep.
      if (!required.has(key) && deep && childHint === undefined) continue;
      out[key] = this.value(schema, childHint, {
        key,
        path: [...ctx.path, key],
        index: ctx.index,
        schema,
      });
    }
    const extra = node.additionalProperties;
    // A typed additionalProperties is a record (entries are generated); `{}` or `true` only
    // means extra keys are accepted (a loose object), where the offline marker may go.
    const isRecord = isTypedSchema(extra);
    if (isRecord) {
      const names = this.recordKeys(node, hint, ctx);
      names.forEach((name, i) => {
        if (name in out) return;
        out[name] = this.value(extra as JsonSchema, this.childHint(hint, name), {
          key: name,
          path: [...ctx.path, name],
          index: i,
          schema: extra as JsonSchema,
        });
      });
    }
    if (this.options.mark && extra !== false && !("offline" in properties) && !isRecord) {
      out.offline = true;
    }
    return out;
  }

  private recordKeys(node: JsonSchema, hint: unknown, ctx: SampleContext): string[] {
    if (hint && typeof hint === "object" && !Array.isArray(hint)) return Object.keys(hint);
    const min = num(node.minProperties) ?? 0;
    const count = Math.max(min, ctx.path.length >= this.maxDepth ? 0 : 2);
    const nameSchema = (node.propertyNames ?? { type: "string" }) as JsonSchema;
    const names: string[] = [];
    for (let i = 0; names.length < count && i < count * 4 + 4; i++) {
      const name = this.value(nameSchema, undefined, {
        key: "name",
        path: [...ctx.path, "*"],
        index: i,
        schema: nameSchema,
      });
      const text = String(name);
      if (!names.includes(text)) names.push(text);
    }
    return names;
  }

  private text(ctx: SampleContext): string {
    return this.options.text?.(ctx) ?? `${ctx.key ?? "item"} ${ctx.index + 1}`;
  }
}

function isTypedSchema(value: unknown): value is JsonSchema {
  return Boolean(value) && typeof value === "object" && Object.keys(value as object).length > 0;
}

function inferTypes(node: JsonSchema): string[] {
  if (node.properties || node.additionalProperties !== undefined) return ["object"];
  if (node.items || node.prefixItems) return ["array"];
  if (node.minLength !== undefined || node.pattern || node.format) return ["string"];
  if (node.minimum !== undefined || node.maximum !== undefined) return ["number"];
  return [];
}

function jsonType(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function mergeSchemas(a: JsonSchema, b: JsonSchema): JsonSchema {
  const merged: JsonSchema = { ...a, ...b };
  if (a.properties || b.properties) {
    merged.properties = { ...(a.properties as object), ...(b.properties as object) };
  }
  if (a.required || b.required) {
    merged.required = [
      ...new Set([...((a.required as string[]) ?? []), ...((b.required as string[]) ?? [])]),
    ];
  }
  return merged;
}

const num = (value: unknown) =>
  typeof value === "number" && Number.isFinite(value) ? value : undefined;

function defaultNumber(min: number | undefined, max: number | undefined, rng: Rng): number {
  if (min !== undefined && max !== undefined) return min + (max - min) / 2;
  if (min !== undefined) return min + rng.int(0, 10);
  if (max !== undefined) return Math.min(max, rng.int(1, 10));
  return rng.int(1, 10);
}

function safeRegExp(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, "u");
  } catch {
    try {
      return new RegExp(pattern);
    } catch {
      return undefined;
    }
  }
}

/** Cuts at a word boundary when too long; appends `filler` words when too short. */
function fitLength(text: string, min: number, max: number, filler: string): string {
  let out = text;
  if (out.length > max) {
    const cut = out.slice(0, max);
    const space = cut.lastIndexOf(" ");
    out = (space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd();
    if (out.length === 0) out = text.slice(0, max);
  }
  let guard = 0;
  while (out.length < min && guard++ < 1000) {
    out = `${out} ${filler || "x"}`.trim();
  }
  return out.length > max ? out.slice(0, max) : out;
}

export function slug(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

function formatValue(format: string, rng: Rng, ctx: SampleContext): string | undefined {
  const day = new Date(Date.UTC(2026, 0, 1 + rng.int(0, 364), rng.int(0, 23), rng.int(0, 59), 0));
  const hex = (n: number) => Array.from({ length: n }, () => rng.int(0, 15).toString(16)).join("");
  switch (format) {
    case "email":
    case "idn-email":
      return `offline-draft${ctx.index > 0 ? ctx.index : ""}@example.com`;
    case "uri":
    case "url":
    case "iri":
      return `https://example.com/offline/${slug(ctx.key ?? "item")}-${ctx.index + 1}`;
    case "uri-reference":
      return `/offline/${slug(ctx.key ?? "item")}-${ctx.index + 1}`;
    case "uuid":
      return `${hex(8)}-${hex(4)}-4${hex(3)}-${rng.pick(["8", "9", "a", "b"])}${hex(3)}-${hex(12)}`;
    case "date-time":
      return day.toISOString().replace(/\.\d{3}Z$/, "Z");
    case "date":
      return day.toISOString().slice(0, 10);
    case "time":
      return day.toISOString().slice(11, 19);
    case "ipv4":
      return `192.0.2.${rng.int(1, 254)}`;
    case "ipv6":
      return `2001:db8::${hex(4)}`;
    case "hostname":
    case "idn-hostname":
      return "offline.example.com";
    case "duration":
      return `PT${rng.int(1, 59)}M`;
    default:
      return undefined;
  }
}
