// The S3 emulator's own process. s3rver pages ListObjectsV2 with a DES-encrypted continuation
// token, which Node 17+ only allows with the OpenSSL legacy provider; that provider can only be
// enabled when a process starts (NODE_OPTIONS=--openssl-legacy-provider), hence this child.
import { createCipheriv, randomBytes } from "node:crypto";
import S3rver from "s3rver";

const options = JSON.parse(process.env.IGNY8_S3RVER ?? "{}");

function report(message) {
  if (process.send) process.send(message);
}

try {
  createCipheriv("des", randomBytes(8), randomBytes(8));
} catch (error) {
  report({
    type: "error",
    code: "LEGACY_PROVIDER",
    message: `OpenSSL legacy provider missing: ${error.message}`,
  });
  process.exit(1);
}

let ready = false;
process.on("uncaughtException", (error) => {
  if (!ready) {
    report({ type: "error", code: error.code, message: error.message });
    process.exit(1);
  }
  console.error(error);
});

const server = new S3rver({
  directory: options.directory,
  port: options.port,
  address: options.host,
  silent: true,
  configureBuckets: (options.buckets ?? []).map((bucket) => ({
    name: bucket.name,
    configs: (bucket.configs ?? []).map((xml) => Buffer.from(xml)),
  })),
});

let closing = false;
async function shutdown() {
  if (closing) return;
  closing = true;
  try {
    server.httpServer?.closeAllConnections?.();
    await server.close();
  } catch {
    // already closed
  }
  process.exit(0);
}

// Ctrl-C reaches the whole process group; the parent stops this child in its own order.
process.on("SIGINT", () => {});
process.on("SIGTERM", shutdown);
// The parent is gone (even if it was killed): do not linger.
process.on("disconnect", shutdown);

const address = await server.run();
ready = true;
report({ type: "ready", port: address.port });
