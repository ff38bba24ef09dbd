import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { FunctionProps } from "sst/constructs";

/** ELF `e_machine` values of the two Lambda architectures (EM_X86_64 = 0x3e, EM_AARCH64 = 0xb7). */
const machines = new Map<number, string>([
  [0x3e, "x86_64"],
  [0xb7, "arm64"],
]);

/** The architecture a native addon (`.node`, an ELF shared object) was built for. */
export function addonArchitecture(file: string): string {
  const header = readFileSync(file).subarray(0, 20);
  const isElf =
    header.length === 20 && header[0] === 0x7f && header.toString("latin1", 1, 4) === "ELF";
  if (!isElf) return "not-elf";
  const machine = header.readUInt16LE(18);
  return machines.get(machine) ?? `machine-${machine}`;
}

function addonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".node"))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/**
 * Native addons in a bundle that have no build for `architecture`. esbuild copies every binary a
 * package can load (`argon2.linux-x64-gnu-<hash>.node`, ...); on Lambda the package picks the one
 * for the machine it runs on, so each addon (named by the part before the first dot) needs one.
 */
export function addonsMissing(dir: string, architecture: "arm64" | "x86_64"): string[] {
  const byAddon = new Map<string, Set<string>>();
  for (const file of addonFiles(dir)) {
    const addon = path.basename(file).split(".")[0]!;
    const builds = byAddon.get(addon) ?? new Set<string>();
    builds.add(addonArchitecture(file));
    byAddon.set(addon, builds);
  }
  return [...byAddon]
    .filter(([, builds]) => !builds.has(architecture))
    .map(([addon, builds]) => `${addon} (has ${[...builds].join(", ")})`)
    .sort();
}

export interface BundlingOptions {
  /** An offline synth (tests, `pnpm synth`): produces templates, deploys nothing. */
  offline: boolean;
  /**
   * Compile each handler's own file and leave every package import external. For the tests of
   * the finished app: each handler is still resolved and compiled, in a fraction of the time
   * (a full bundle of every pipeline task takes minutes on a small machine). Never for deploys.
   */
  entryOnly?: boolean;
}

/**
 * Bundling shared by our Lambdas: native addons are copied beside the bundle, and a bundle whose
 * addons cannot load on arm64 is refused, since such a function would crash on its first request.
 * An offline synth only warns: it produces templates, it deploys nothing.
 */
export function nodeBundling(options: BundlingOptions): Pick<FunctionProps, "nodejs" | "hooks"> {
  const { offline, entryOnly = false } = options;
  if (entryOnly && !offline) throw new Error("Entry-only bundles are for offline synths only");
  return {
    nodejs: {
      loader: { ".node": "copy" },
      // Source maps only serve SST's console, which needs a deploy; offline they are wasted work.
      ...(offline ? { sourcemap: false } : {}),
      ...(entryOnly ? { esbuild: { packages: "external" } } : {}),
    },
    hooks: {
      async afterBuild(props, out) {
        const missing = addonsMissing(out, "arm64");
        if (missing.length === 0) return;
        const message =
          `${props.handler}: native addon(s) without a linux-arm64 build in the bundle: ` +
          `${missing.join("; ")}. Install the arm64 binaries (pnpm-workspace.yaml ` +
          "supportedArchitectures cpu: [current, arm64]) or use a WebAssembly/JavaScript implementation.";
        if (!offline) throw new Error(message);
        console.warn(`warning: ${message}`);
      },
    },
  };
}
