import { describe, expect, it } from "vitest";
import { contrastRatio, parseHex, readableOn, withContrast } from "./color";
import { themeVariables } from "./theme";

describe("colour", () => {
  it("computes WCAG contrast ratios", () => {
    expect(contrastRatio("#000000", "#ffffff")).toBeCloseTo(21, 5);
    expect(contrastRatio("#fff", "#fff")).toBe(1);
    expect(contrastRatio("#767676", "#ffffff")).toBeCloseTo(4.54, 2);
    expect(parseHex("#0B5")).toEqual([0, 187, 85]);
  });

  it("picks the text colour that reads on a fill", () => {
    expect(readableOn("#0b5394")).toBe("#ffffff");
    expect(readableOn("#f6b26b")).toBe("#111111");
  });

  it("moves a colour just far enough to reach the contrast asked for", () => {
    expect(withContrast("#1d4ed8", "#ffffff")).toBe("#1d4ed8");
    const yellow = withContrast("#ffd600", "#ffffff");
    expect(contrastRatio(yellow, "#ffffff")).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio(yellow, "#ffffff")).toBeLessThan(6);
  });
});

describe("themeVariables", () => {
  const pairs = [
    ["--color-text", "--color-bg"],
    ["--color-text", "--color-surface"],
    ["--color-muted", "--color-surface"],
    ["--color-link", "--color-bg"],
    ["--color-link", "--color-surface"],
    ["--color-on-primary", "--color-primary"],
    ["--color-on-accent", "--color-accent"],
  ] as const;

  it.each([
    { mode: "light" as const },
    { mode: "dark" as const },
    { mode: "light" as const, colors: { primary: "#ffd600", accent: "#00ff00" } },
    { mode: "dark" as const, colors: { primary: "#0000aa", background: "#101010" } },
    { mode: "light" as const, colors: { primary: "#808080", text: "#333333" } },
  ])("keeps every text pair at AA contrast for %j", (theme) => {
    const variables = themeVariables(theme);
    for (const [foreground, background] of pairs) {
      expect(
        contrastRatio(variables[foreground]!, variables[background]!),
        `${foreground} on ${background}`,
      ).toBeGreaterThanOrEqual(4.5);
    }
  });

  it("uses the brand colours it is given", () => {
    const variables = themeVariables({ mode: "light", colors: { primary: "#0b5394" } });
    expect(variables["--color-primary"]).toBe("#0b5394");
    expect(variables["--color-link"]).toBe("#0b5394");
    expect(variables["--color-bg"]).toBe("#ffffff");
    expect(themeVariables({ mode: "dark" })["--color-bg"]).toBe("#0f172a");
  });
});
