import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { addonArchitecture, addonsMissing, nodeBundling } from "./bundling";

/** The first 20 bytes of an ELF shared object for `machine` (e_machine at offset 18). */
function elf(machine: number): Buffer {
  const header = Buffer.alloc(64);
  header.write("\x7fELF", 0, "latin1");
  header[4] = 2; // 64-bit
  header[5] = 1; // little endian
  header.writeUInt16LE(3, 16); // ET_DYN
  header.writeUInt16LE(machine, 18);
  return header;
}

function bundle(files: Record<string, Buffer | string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "igny8-bundle-"));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

describe("native addons in a Lambda bundle", () => {
  it("reads the architecture from the ELF header", () => {
    const dir = bundle({ "a.node": elf(0xb7), "b.node": elf(0x3e), "c.node": "not a binary" });
    expect(addonArchitecture(path.join(dir, "a.node"))).toBe("arm64");
    expect(addonArchitecture(path.join(dir, "b.node"))).toBe("x86_64");
    expect(addonArchitecture(path.join(dir, "c.node"))).toBe("not-elf");
  });

  it("accepts a bundle without addons, or with an arm64 build of each", () => {
    expect(addonsMissing(bundle({ "index.mjs": "export {}" }), "arm64")).toEqual([]);
    const dir = bundle({
      "packages/functions/src/api/argon2.linux-x64-gnu-ABC.node": elf(0x3e),
      "packages/functions/src/api/argon2.linux-arm64-gnu-DEF.node": elf(0xb7),
    });
    expect(addonsMissing(dir, "arm64")).toEqual([]);
  });

  it("names each addon that only has builds for other machines", () => {
    const dir = bundle({
      "api/argon2.linux-x64-gnu-ABC.node": elf(0x3e),
      "api/sharp-linux-x64-XYZ.node": elf(0x3e),
      "api/other.linux-arm64-gnu-1.node": elf(0xb7),
    });
    expect(addonsMissing(dir, "arm64")).toEqual([
      "argon2 (has x86_64)",
      "sharp-linux-x64-XYZ (has x86_64)",
    ]);
    expect(addonsMissing(dir, "x86_64")).toEqual(["other (has arm64)"]);
  });

  it("refuses such a bundle when deploying and only warns in an offline synth", async () => {
    const dir = bundle({ "api/argon2.linux-x64-gnu-ABC.node": elf(0x3e) });
    const props = { handler: "packages/functions/src/api/lambda.handler" };
    await expect(nodeBundling({ offline: false }).hooks!.afterBuild!(props, dir)).rejects.toThrow(
      /lambda\.handler: native addon\(s\) without a linux-arm64 build in the bundle: argon2/,
    );
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (message: string) => warnings.push(message);
    try {
      await nodeBundling({ offline: true }).hooks!.afterBuild!(props, dir);
    } finally {
      console.warn = warn;
    }
    expect(warnings).toEqual([expect.stringMatching(/^warning: .*argon2 \(has x86_64\)/)]);
  });

  it("bundles native addons as files beside the code, with source maps only when deploying", () => {
    expect(nodeBundling({ offline: false }).nodejs).toEqual({ loader: { ".node": "copy" } });
    expect(nodeBundling({ offline: true }).nodejs).toEqual({
      loader: { ".node": "copy" },
      sourcemap: false,
    });
  });

  it("compiles only the handlers' own files for the tests, and never when deploying", () => {
    expect(nodeBundling({ offline: true, entryOnly: true }).nodejs?.esbuild).toEqual({
      packages: "external",
    });
    expect(() => nodeBundling({ offline: false, entryOnly: true })).toThrow(/offline synths only/);
  });
});
