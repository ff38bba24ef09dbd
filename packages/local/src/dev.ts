import { isVisibleError } from "@igny8/core/util";
import type { LocalCloud } from "./cloud";
import { preflight } from "./cloud/preflight";

/**
 * `pnpm dev`: starts the local cloud, prints where everything is, and shuts it all down on
 * Ctrl-C (SIGINT) or SIGTERM with exit code 0. A bad setting or a busy port prints one line and
 * exits 1 (checked before the heavier modules load, so it answers at once).
 */

const started = Date.now();
// AWS SDK clients warn on Node 20 that future releases need Node 22; here it only buries messages.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

function fail(error: unknown): never {
  if (isVisibleError(error)) console.error(error.message);
  else console.error(error);
  process.exit(1);
}

// Signals count from the start: one that arrives while starting stops right after start-up.
let cloud: LocalCloud | undefined;
let stopping = false;
let pending: string | undefined;

async function shutdown(signal: string) {
  if (!cloud) {
    pending = signal;
    return;
  }
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the local cloud...`);
  const timer = setTimeout(() => {
    console.error("Some part did not stop within 10 s; exiting anyway");
    process.exit(1);
  }, 10_000);
  timer.unref();
  await cloud.stop();
  console.log("Stopped.");
  process.exit(0);
}

process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));

const plan = await preflight().catch(fail);
const { startLocalCloud } = await import("./cloud");
cloud = await startLocalCloud(plan).catch(fail);

const { urls, dashboard, dataDir } = cloud;
const lines = [
  `IGNY8 local cloud is up (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  `  API        ${urls.api}`,
  `  Health     ${urls.health}`,
  `  Dashboard  ${dashboard.mode === "off" ? `off: ${dashboard.reason}` : `${dashboard.url} (${dashboard.mode})`}`,
  `  DynamoDB   ${urls.dynamo}`,
  `  S3         ${urls.s3}`,
  `  Data       ${dataDir}`,
  "Press Ctrl-C to stop.",
];
console.log(lines.join("\n"));
if (pending) void shutdown(pending);
