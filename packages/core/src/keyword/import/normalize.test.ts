import { describe, expect, it } from "vitest";
import { normalizeKeyword } from "./normalize";

const ok = (raw: string, locale?: string) => {
  const result = normalizeKeyword(raw, { locale });
  if (!result.ok) throw new Error(`rejected: ${result.reason}`);
  return result;
};

describe("normalizeKeyword", () => {
  it("applies NFKC, folds whitespace and lower-cases", () => {
    expect(ok("  Best\u00a0Running\tShoes \n").keyword).toBe("best running shoes");
    expect(ok("ＳＥＯ ｔｏｏｌｓ").keyword).toBe("seo tools");
    expect(ok("ﬁle converter").keyword).toBe("file converter");
    expect(ok("zero\u200bwidth").keyword).toBe("zerowidth");
  });

  it("strips surrounding quotes, undoubling CSV quotes", () => {
    expect(ok('"shoes, red"').keyword).toBe("shoes, red");
    expect(ok("“smart plug”").keyword).toBe("smart plug");
    expect(ok('"32"" tv"').keyword).toBe('32" tv');
    expect(ok("'quoted'").keyword).toBe("quoted");
    expect(ok('32" tv').keyword).toBe('32" tv');
  });

  it("lower-cases with the keyword language when given", () => {
    expect(ok("İSTANBUL OTEL", "tr").keyword).toBe("istanbul otel");
    expect(ok("DIŞ CEPHE", "tr").keyword).toBe("dış cephe");
  });

  it("gives one key to typographic variants", () => {
    expect(ok("don’t panic").normalizedKey).toBe(ok("don't panic").normalizedKey);
    expect(ok("wi‑fi – router").normalizedKey).toBe("wi-fi - router");
    expect(ok("don’t panic").keyword).toBe("don’t panic");
  });

  it("keeps diacritics: they make different searches", () => {
    expect(ok("Toán").normalizedKey).not.toBe(ok("toan").normalizedKey);
  });

  it("rejects empty, too long, control and damaged keywords with a reason", () => {
    expect(normalizeKeyword("   ")).toMatchObject({ ok: false, reason: "keyword.empty" });
    expect(normalizeKeyword('""')).toMatchObject({ ok: false, reason: "keyword.empty" });
    expect(normalizeKeyword("a".repeat(201))).toMatchObject({
      ok: false,
      reason: "keyword.too_long",
    });
    expect(normalizeKeyword("a".repeat(200)).ok).toBe(true);
    expect(normalizeKeyword("bad\u0001key")).toMatchObject({
      ok: false,
      reason: "keyword.control_characters",
    });
    expect(normalizeKeyword("caf\ufffd")).toMatchObject({
      ok: false,
      reason: "keyword.invalid_characters",
    });
  });

  it("counts length in characters, not UTF-16 units", () => {
    expect(normalizeKeyword("😀".repeat(200)).ok).toBe(true);
  });
});
