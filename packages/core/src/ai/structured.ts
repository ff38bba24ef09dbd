import { zodResponseFormat } from "openai/helpers/zod";
import { type ZodType, z } from "zod";
import { aiError } from "./errors";

export type JsonSchema = Record<string, unknown>;

export interface ResponseFormat {
  type: "json_schema";
  json_schema: { name: string; strict: boolean; schema: JsonSchema };
}

const schemaNamePattern = /^[A-Za-z0-9_-]{1,64}$/;
const formats = new WeakMap<ZodType, ResponseFormat>();

/**
 * The `response_format` for a zod schema. Strict (the provider guarantees the shape) when the
 * schema fits OpenAI's strict subset — the SDK's own converter decides, e.g. every field required
 * (use `.nullable()` rather than `.optional()`) and no records; otherwise the plain zod JSON schema
 * is sent non-strict and our validation plus the repair call carry the guarantee.
 */
export function responseFormat(schema: ZodType, name: string): ResponseFormat {
  if (!schemaNamePattern.test(name)) {
    throw aiError("ai.bad_request", `schemaName "${name}" must match ${schemaNamePattern}`, {
      fields: [{ path: "schemaName", message: "letters, digits, _ and -, at most 64" }],
    });
  }
  const cached = formats.get(schema);
  if (cached && cached.json_schema.name === name) return cached;
  let format: ResponseFormat;
  try {
    const strict = zodResponseFormat(schema, name);
    format = {
      type: "json_schema",
      json_schema: { name, strict: true, schema: strict.json_schema.schema as JsonSchema },
    };
  } catch {
    format = {
      type: "json_schema",
      json_schema: { name, strict: false, schema: inputJsonSchema(schema) },
    };
  }
  formats.set(schema, format);
  return format;
}

/** The JSON schema of what `schema` accepts (its input side), without the `$schema` header. */
export function inputJsonSchema(schema: ZodType): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    target: "draft-7",
    io: "input",
    unrepresentable: "any",
  }) as JsonSchema;
  return rest;
}

export type ParsedReply<T> =
  | { ok: true; data: T }
  | { ok: false; problem: string; issues: string[] };

/** Parses a model's reply and validates it; a failure says what was wrong, for the repair call. */
export function parseReply<T>(text: string, schema: ZodType<T>): ParsedReply<T> {
  let json: unknown;
  try {
    json = JSON.parse(stripCodeFence(text));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, problem: `The reply is not valid JSON (${message}).`, issues: [message] };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, data: parsed.data };
  const issues = parsed.error.issues
    .slice(0, 20)
    .map((issue) => `${issue.path.map(String).join(".") || "(root)"}: ${issue.message}`);
  return {
    ok: false,
    problem: `The JSON does not match the schema:\n${issues.map((i) => `- ${i}`).join("\n")}`,
    issues,
  };
}

/** Self-hosted models sometimes wrap JSON in a Markdown fence even when asked not to. */
function stripCodeFence(text: string): string {
  const trimmed = text.trim();
  const fenced = /^```(?:json)?\s*\n([\s\S]*?)\n?```$/i.exec(trimmed);
  return fenced?.[1] ?? trimmed;
}

/** The follow-up message of the one repair call: the problem, then a request for corrected JSON. */
export function repairMessage(problem: string, schemaName: string): string {
  return [
    `Your previous reply could not be used. ${problem}`,
    `Reply again with only the corrected JSON object for the schema "${schemaName}": no prose, no Markdown fence.`,
  ].join("\n");
}
