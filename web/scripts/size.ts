/**
 * The dashboard's initial JavaScript: what web/dist/index.html loads before the first screen
 * (its entry script and the chunks it preloads), gzipped. Route chunks load on navigation and
 * are listed apart. Run after `vite build`: `node --import tsx scripts/size.ts [--json]`.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

export interface BundleSize {
  initial: { files: string[]; bytes: number; gzipBytes: number };
  css: { gzipBytes: number };
  lazy: { files: number; gzipBytes: number; largest: { file: string; gzipBytes: number } | null };
}

export async function measure(dist: string): Promise<BundleSize> {
  const html = await readFile(join(dist, "index.html"), "utf8");
  const scripts = [...html.matchAll(/<script[^>]+src="([^"]+)"/g), ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g)].map(
    (m) => m[1]!.replace(/^\//, ""),
  );
  const styles = [...html.matchAll(/<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"/g)].map((m) => m[1]!.replace(/^\//, ""));
  const gz = async (file: string) => {
    const bytes = await readFile(join(dist, file));
    return { bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
  };
  let bytes = 0;
  let gzipBytes = 0;
  for (const file of scripts) {
    const size = await gz(file);
    bytes += size.bytes;
    gzipBytes += size.gzipBytes;
  }
  let cssGzip = 0;
  for (const file of styles) cssGzip += (await gz(file)).gzipBytes;
  const all = (await readdir(join(dist, "assets"))).filter((f) => f.endsWith(".js")).map((f) => `assets/${f}`);
  const lazyFiles = all.filter((f) => !scripts.includes(f));
  let lazyGzip = 0;
  let largest: { file: string; gzipBytes: number } | null = null;
  for (const file of lazyFiles) {
    const size = await gz(file);
    lazyGzip += size.gzipBytes;
    if (!largest || size.gzipBytes > largest.gzipBytes) largest = { file, gzipBytes: size.gzipBytes };
  }
  return {
    initial: { files: scripts, bytes, gzipBytes },
    css: { gzipBytes: cssGzip },
    lazy: { files: lazyFiles.length, gzipBytes: lazyGzip, largest },
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dist = fileURLToPath(new URL("../dist", import.meta.url));
  const size = await measure(dist);
  if (process.argv.includes("--json")) console.log(JSON.stringify(size, null, 2));
  else {
    const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
    console.log(`Initial JavaScript: ${kb(size.initial.gzipBytes)} gzipped (${kb(size.initial.bytes)} raw) in ${size.initial.files.length} files`);
    console.log(`Initial CSS: ${kb(size.css.gzipBytes)} gzipped`);
    console.log(`Route chunks: ${size.lazy.files} files, ${kb(size.lazy.gzipBytes)} gzipped in all; largest ${size.lazy.largest?.file} ${kb(size.lazy.largest?.gzipBytes ?? 0)}`);
  }
}
