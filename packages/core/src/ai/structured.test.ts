import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseReply, repairMessage, responseFormat } from "./structured";

describe("structured output", () => {
  it("makes a strict json_schema for schemas in OpenAI's strict subset", () => {
    const schema = z.object({
      title: z.string(),
      tags: z.array(z.string()),
      note: z.string().nullable(),
    });
    const format = responseFormat(schema, "article");
    expect(format.type).toBe("json_schema");
    expect(format.json_schema.strict).toBe(true);
    expect(format.json_schema.schema).toMatchObject({
      type: "object",
      additionalProperties: false,
      required: ["title", "tags", "note"],
    });
    expect(JSON.parse(JSON.stringify(format))).toEqual(format);
  });

  it("sends optional fields and records non-strict, as the input-side JSON schema", () => {
    const schema = z.object({
      title: z.string(),
      note: z.string().optional(),
      counts: z.record(z.string(), z.number()),
    });
    const format = responseFormat(schema, "loose");
    expect(format.json_schema.strict).toBe(false);
    expect(format.json_schema.schema).toMatchObject({ required: ["title", "counts"] });
    expect(format.json_schema.schema.$schema).toBeUndefined();
  });

  it("rejects a schema name the API would refuse", () => {
    expect(() => responseFormat(z.object({}), "has spaces")).toThrow(
      expect.objectContaining({ code: "ai.bad_request" }),
    );
  });

  it("parses, unwraps a Markdown fence, and explains what is wrong", () => {
    const schema = z.object({ n: z.number().int(), s: z.string() });
    expect(parseReply('{"n":1,"s":"x"}', schema)).toEqual({ ok: true, data: { n: 1, s: "x" } });
    expect(parseReply('```json\n{"n":2,"s":"y"}\n```', schema)).toEqual({
      ok: true,
      data: { n: 2, s: "y" },
    });
    const broken = parseReply('{"n":', schema);
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.problem).toContain("not valid JSON");
    const wrong = parseReply('{"n":1.5}', schema);
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) {
      expect(wrong.issues.some((i) => i.startsWith("n:"))).toBe(true);
      expect(wrong.issues.some((i) => i.startsWith("s:"))).toBe(true);
      expect(repairMessage(wrong.problem, "thing")).toContain('"thing"');
    }
  });
});
