// `pnpm synth [--stage <name>] [--out <dir>]`: write the CloudFormation templates of every stack
// without AWS credentials or network, for a fixed dummy account and region.
process.env.SST_TELEMETRY_DISABLED ??= "1";
process.env.AWS_EC2_METADATA_DISABLED = "true";
// SST runs `npm install` in each function's bundle folder (there is nothing to install for us):
// keep it off the network.
process.env.npm_config_offline = "true";
process.env.npm_config_audit = "false";
process.env.npm_config_fund = "false";
process.env.npm_config_update_notifier = "false";
// When finishing an app SST looks up its bootstrap bucket in AWS (for source-map uploads we don't
// use) unless it believes it runs under tests (NODE_ENV=test); nothing else here needs AWS.
process.env.NODE_ENV = "test";

import { rmSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { SSTConfig } from "sst";
import { App } from "sst/constructs";
import { initProject, useProject } from "sst/project.js";
import { load } from "sst/stacks/build.js";
import { BUNDLE_CONTEXT, OFFLINE_CONTEXT } from "./config";

export const OFFLINE_ACCOUNT = "123456789012";
export const OFFLINE_REGION = "us-east-1";

export interface SynthResult {
  stage: string;
  outdir: string;
  templates: { stack: string; file: string }[];
}

export interface SynthOptions {
  stage: string;
  outdir?: string;
  /** "full" (default) bundles every function as a deploy would; "entry" is for the tests. */
  bundle?: "full" | "entry";
}

export async function synthesize(options: SynthOptions): Promise<SynthResult> {
  const { stage } = options;
  if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(stage)) {
    throw new Error(
      `Stage "${stage}" is invalid: start with a letter; letters, digits and hyphens only`,
    );
  }
  await initProject({ stage });
  const project = useProject();
  const outdir = path.resolve(options.outdir ?? path.join(project.paths.out, "synth", stage));
  rmSync(outdir, { recursive: true, force: true });

  const cwd = process.cwd();
  process.chdir(project.paths.root);
  try {
    // The config bundled exactly as `sst deploy` bundles it, so whatever breaks there breaks here.
    const [, config] = (await load(project.paths.config)) as readonly [unknown, SSTConfig];
    const app = new App(
      {
        mode: "deploy",
        stage,
        name: project.config.name,
        account: OFFLINE_ACCOUNT,
        region: OFFLINE_REGION,
      },
      {
        outdir,
        context: { [OFFLINE_CONTEXT]: true, [BUNDLE_CONTEXT]: options.bundle ?? "full" },
      },
    );
    await config.stacks(app);
    await app.finish();
    const assembly = app.synth();
    return {
      stage,
      outdir,
      templates: assembly.stacks.map((artifact) => ({
        stack: artifact.stackName,
        file: path.join(outdir, artifact.templateFile),
      })),
    };
  } finally {
    process.chdir(cwd);
  }
}

function parseArgs(argv: string[]): SynthOptions {
  let stage = "dev";
  let outdir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") continue;
    if (arg === "--stage") stage = argv[++i] ?? "";
    else if (arg.startsWith("--stage=")) stage = arg.slice("--stage=".length);
    else if (arg === "--out") outdir = argv[++i];
    else if (arg.startsWith("--out=")) outdir = arg.slice("--out=".length);
    else if (!arg.startsWith("-")) stage = arg;
    else throw new Error(`Unknown option ${arg}. Usage: pnpm synth [--stage <name>] [--out <dir>]`);
  }
  return { stage, outdir };
}

async function main() {
  const started = performance.now();
  const result = await synthesize(parseArgs(process.argv.slice(2)));
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const relative = (file: string) => {
    const inside = path.relative(process.cwd(), file);
    return inside.startsWith("..") ? file : inside || ".";
  };
  console.log(
    `Synthesized ${result.templates.length} CloudFormation templates for stage "${result.stage}" ` +
      `(account ${OFFLINE_ACCOUNT}, ${OFFLINE_REGION}, offline) in ${seconds} s into ${relative(result.outdir)}/`,
  );
  for (const template of result.templates) {
    console.log(`  ${template.stack.padEnd(28)} ${relative(template.file)}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
