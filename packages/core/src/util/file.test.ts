import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { readOrCreateFile } from "./file";

const folder = mkdtempSync(join(tmpdir(), "igny8-file-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe("readOrCreateFile", () => {
  it("creates the file once, private, and reads it afterwards", () => {
    const path = join(folder, "nested", "secret");
    let calls = 0;
    const create = () => `value ${++calls}\n`;
    expect(readOrCreateFile(path, create)).toBe("value 1\n");
    expect(readOrCreateFile(path, create)).toBe("value 1\n");
    expect(calls).toBe(1);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(folder, "nested"))).toEqual(["secret"]);
  });

  it("gives processes racing to create it one and the same whole contents", async () => {
    const path = join(folder, "raced");
    const module = fileURLToPath(new URL("./file.ts", import.meta.url));
    const script = `import { readOrCreateFile } from ${JSON.stringify(module)};
      const start = Number(process.argv[1]);
      while (Date.now() < start) {}
      process.stdout.write(JSON.stringify(readOrCreateFile(${JSON.stringify(path)}, () => "x".repeat(1 << 20) + process.pid)));`;
    const start = Date.now() + 1500;
    const outputs = await Promise.all(
      Array.from({ length: 6 }, () =>
        promisify(execFile)(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script, String(start)], {
          maxBuffer: 4 << 20,
        }),
      ),
    );
    const contents = new Set(outputs.map((output) => JSON.parse(output.stdout) as string));
    expect(contents.size).toBe(1);
    expect([...contents][0]).toMatch(/^x{1048576}\d+$/);
    expect(readdirSync(folder).filter((name) => name.startsWith("raced"))).toEqual(["raced"]);
  }, 60_000);
});
