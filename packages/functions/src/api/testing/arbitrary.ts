import fc from "fast-check";

/**
 * fast-check arbitraries from the JSON schemas of the OpenAPI document: `valid()` makes values
 * the route should accept, `fuzz()` mixes those with wrong types, unknown fields, missing
 * fields, huge strings and arbitrary Unicode. Small on purpose: it covers what zod emits.
 */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
}

export interface SchemaDocument {
  components?: { schemas?: Record<string, JsonSchema> };
}

export function deref(schema: JsonSchema | undefined, doc: SchemaDocument): JsonSchema {
  let current = schema ?? {};
  for (let depth = 0; current.$ref && depth < 20; depth++) {
    const name = current.$ref.split("/").pop()!;
    current = doc.components?.schemas?.[name] ?? {};
  }
  return current;
}

const lower = "abcdefghijklmnopqrstuvwxyz";
const safeUnit = fc.constantFrom(...`${lower}0123456789`.split(""));

function safeString(min = 0, max = min + 16): fc.Arbitrary<string> {
  const lo = Math.max(min, 1);
  return fc.string({ unit: safeUnit, minLength: lo, maxLength: Math.max(lo, Math.min(max, lo + 16)) });
}

const label = fc.string({ unit: fc.constantFrom(...lower.split("")), minLength: 3, maxLength: 10 });
const email = fc.tuple(label, label).map(([user, host]) => `${user}@${host}.example.com`);
const url = fc.tuple(label, label).map(([host, path]) => `https://${host}.example.com/${path}`);
const futureDate = fc.integer({ min: 1, max: 300 }).map((days) => new Date(Date.now() + days * 86_400_000).toISOString());

/** Ids by field name (siteId, siteIds, accountId ...): lets bodies refer to real records. */
export type IdValues = Record<string, string>;

function idFor(name: string | undefined, ids: IdValues): string | undefined {
  if (!name) return undefined;
  return ids[name] ?? (name.endsWith("Ids") ? ids[`${name.slice(0, -1)}`] : undefined);
}

/** Values the schema accepts. `name` is the property name (used for ids and e-mail hints). */
export function valid(schema: JsonSchema | undefined, doc: SchemaDocument, ids: IdValues = {}, name?: string): fc.Arbitrary<unknown> {
  const s = deref(schema, doc);
  // A field named like an id kind (authorId) may hold something else (a WordPress author number):
  // use the recorded id only where the schema takes strings.
  const takesStrings = s.type === undefined || s.type === "string" || s.type === "array" || (Array.isArray(s.type) && s.type.includes("string"));
  const id = takesStrings ? idFor(name, ids) : undefined;
  if (id !== undefined && name?.endsWith("Ids")) return fc.constant([id]);
  if (id !== undefined) return fc.constant(id);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const variants = s.anyOf ?? s.oneOf;
  if (variants) return fc.oneof(...variants.map((v) => valid(v, doc, ids, name)));
  if (s.allOf?.length) return valid(s.allOf[0], doc, ids, name);
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  if (types.length > 1) return fc.oneof(...types.map((type) => valid({ ...s, type }, doc, ids, name)));
  switch (types[0]) {
    case "string":
      return validString(s, name);
    case "integer":
      return fc.integer({ min: lowerBound(s, -1000), max: upperBound(s, 1000) });
    case "number":
      return fc.double({ min: lowerBound(s, -1000), max: upperBound(s, 1000), noNaN: true, noDefaultInfinity: true });
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array": {
      const min = s.minItems ?? 0;
      return fc.array(valid(s.items, doc, ids), { minLength: min, maxLength: Math.min(s.maxItems ?? 3, min + 3) });
    }
    case "object":
      return validObject(s, doc, ids);
    default:
      return s.properties ? validObject(s, doc, ids) : fc.jsonValue({ maxDepth: 2 });
  }
}

function lowerBound(s: JsonSchema, fallback: number) {
  if (s.exclusiveMinimum !== undefined) return s.exclusiveMinimum + 1;
  return Math.max(s.minimum ?? fallback, -1_000_000_000);
}

function upperBound(s: JsonSchema, fallback: number) {
  if (s.exclusiveMaximum !== undefined) return s.exclusiveMaximum - 1;
  return Math.min(s.maximum ?? Math.max(fallback, (s.minimum ?? 0) + 1000), 1_000_000_000);
}

function validString(s: JsonSchema, name?: string): fc.Arbitrary<string> {
  const fits = (value: string) => value.length >= (s.minLength ?? 0) && value.length <= (s.maxLength ?? Number.POSITIVE_INFINITY);
  if (s.pattern) return fc.stringMatching(new RegExp(s.pattern)).filter(fits);
  if (s.format === "email" || /email/i.test(name ?? "")) return email.filter(fits);
  if (s.format === "uri" || s.format === "url" || /url$/i.test(name ?? "")) return url.filter(fits);
  if (s.format === "date-time") return futureDate;
  return safeString(s.minLength ?? 0, s.maxLength);
}

function validObject(s: JsonSchema, doc: SchemaDocument, ids: IdValues): fc.Arbitrary<unknown> {
  const properties = s.properties ?? {};
  if (Object.keys(properties).length === 0 && (s.additionalProperties || s.propertyNames)) {
    const values = typeof s.additionalProperties === "object" ? valid(s.additionalProperties, doc, ids) : fc.string();
    const keys = s.propertyNames ? (valid({ type: "string", ...deref(s.propertyNames, doc) }, doc) as fc.Arbitrary<string>) : safeString(1, 12);
    return fc.dictionary(keys, values, { maxKeys: 3 });
  }
  const required = new Set(s.required ?? []);
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, value] of Object.entries(properties)) record[key] = valid(value, doc, ids, key);
  // Id-valued fields are always filled, so a body always refers to the records under test.
  const requiredKeys = Object.keys(properties).filter((key) => required.has(key) || idFor(key, ids) !== undefined);
  return fc.record(record, { requiredKeys });
}

const wrongType = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 20 }),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
);

const hugeString = fc.oneof(
  fc.integer({ min: 1_000, max: 200_000 }).map((n) => "x".repeat(n)),
  fc.integer({ min: 100, max: 20_000 }).map((n) => "😀\u0000\u202e".repeat(n)),
);

const unicode = fc.oneof(fc.string({ unit: "grapheme", maxLength: 60 }), fc.string({ unit: "binary", maxLength: 60 }));

const hostile = fc.constantFrom(
  "",
  " ",
  "../../etc/passwd",
  "<script>alert(1)</script>",
  "' OR '1'='1",
  `$${"{"}jndi:ldap://x}`,
  "\u0000",
  "__proto__",
  "constructor",
  "acc_01hzzzzzzzzzzzzzzzzzzzzzzz",
  "NaN",
  "1e309",
);

/** Valid values mixed with every kind of wrong one, recursively through objects and arrays. */
export function fuzz(schema: JsonSchema | undefined, doc: SchemaDocument, ids: IdValues = {}, name?: string, depth = 0): fc.Arbitrary<unknown> {
  const s = deref(schema, doc);
  const wrong = fc.oneof(wrongType, hugeString, unicode, hostile);
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  let structured: fc.Arbitrary<unknown> | undefined;
  if (depth < 3 && (types.includes("object") || s.properties)) structured = fuzzObject(s, doc, ids, depth);
  else if (depth < 3 && types.includes("array")) structured = fc.array(fuzz(s.items, doc, ids, undefined, depth + 1), { maxLength: 120 });
  return fc.oneof(
    { weight: 4, arbitrary: valid(s, doc, ids, name) },
    ...(structured ? [{ weight: 4, arbitrary: structured }] : []),
    { weight: 2, arbitrary: wrong },
  );
}

function fuzzObject(s: JsonSchema, doc: SchemaDocument, ids: IdValues, depth: number): fc.Arbitrary<unknown> {
  const properties = s.properties ?? {};
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, value] of Object.entries(properties)) record[key] = fuzz(value, doc, ids, key, depth + 1);
  const base = Object.keys(properties).length ? fc.record(record, { requiredKeys: [] }) : fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 4 });
  return fc.tuple(base, fc.option(fc.tuple(fc.string({ minLength: 1, maxLength: 12 }), fc.jsonValue({ maxDepth: 1 })), { freq: 4 })).map(([value, extra]) => {
    if (!extra) return value;
    // An unknown field (or a prototype-polluting one).
    return { ...(value as object), [extra[0]]: extra[1] };
  });
}

/** Path segment values: real ids, ids of the right shape, and hostile strings. */
export function fuzzPathValue(schema: JsonSchema | undefined, doc: SchemaDocument, real: string | undefined): fc.Arbitrary<string> {
  const s = deref(schema, doc);
  return fc.oneof(
    ...(real ? [{ weight: 3, arbitrary: fc.constant(real) }] : []),
    { weight: 3, arbitrary: s.pattern ? fc.stringMatching(new RegExp(s.pattern)) : safeString(1, 30) },
    { weight: 2, arbitrary: fc.oneof(unicode, hostile, fc.string({ maxLength: 300 })).filter((v) => v.length > 0) },
  );
}
