export * as S3 from "./index";

import { type ChildProcess, fork } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { VisibleError } from "@igny8/core/util";

export interface StartS3Options {
  /** Where objects are kept (created if missing); survives restarts. */
  directory: string;
  /** 0 or absent picks a free port. */
  port?: number;
  host?: string;
  /** Buckets to create (kept if they exist), each optionally with a CORS rule for these origins. */
  buckets?: { name: string; corsOrigins?: string[] }[];
}

export interface RunningS3 {
  /** http://host:port, for the S3 client's `endpoint` (path-style). */
  endpoint: string;
  port: number;
  pid: number;
  /** Resolves when the child process has exited. */
  stop(): Promise<void>;
  /** Resolves if the child exits on its own (a crash), with its exit code. */
  exited: Promise<number | null>;
}

const escapeXml = (value: string) =>
  value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** A CORS rule letting the dashboard upload and download with presigned URLs. */
export function corsXml(origins: string[]): string {
  const allowed = origins
    .map((origin) => `<AllowedOrigin>${escapeXml(origin)}</AllowedOrigin>`)
    .join("");
  const methods = ["GET", "PUT", "HEAD", "POST", "DELETE"]
    .map((m) => `<AllowedMethod>${m}</AllowedMethod>`)
    .join("");
  return (
    `<CORSConfiguration><CORSRule>${allowed}${methods}` +
    "<AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>3000</MaxAgeSeconds>" +
    "</CORSRule></CORSConfiguration>"
  );
}

/**
 * Starts s3rver in a child process run with NODE_OPTIONS=--openssl-legacy-provider (it pages
 * listings with a DES cipher). The child exits when this process goes away.
 */
export async function startS3(options: StartS3Options): Promise<RunningS3> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 0;
  await mkdir(options.directory, { recursive: true });
  const child: ChildProcess = fork(fileURLToPath(new URL("./child.mjs", import.meta.url)), [], {
    execArgv: [],
    env: {
      ...process.env,
      NODE_OPTIONS: "--openssl-legacy-provider",
      IGNY8_S3RVER: JSON.stringify({
        directory: options.directory,
        port,
        host,
        buckets: (options.buckets ?? []).map((bucket) => ({
          name: bucket.name,
          configs: bucket.corsOrigins?.length ? [corsXml(bucket.corsOrigins)] : [],
        })),
      }),
    },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });

  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );

  const actualPort = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error("The S3 emulator did not start within 20 s")),
      20_000,
    );
    child.on(
      "message",
      (message: { type: string; port?: number; code?: string; message?: string }) => {
        clearTimeout(timer);
        if (message.type === "ready") resolve(message.port!);
        else if (message.code === "EADDRINUSE") {
          reject(
            new VisibleError(
              "unavailable",
              "s3.port_in_use",
              `Port ${port} on ${host} is already in use, so the S3 emulator cannot start; choose another with IGNY8_S3_PORT`,
              { port, host, setting: "IGNY8_S3_PORT" },
            ),
          );
        } else reject(new Error(`The S3 emulator did not start: ${message.message}`));
      },
    );
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`The S3 emulator exited with code ${code} before it was ready`));
    });
  });

  let stopping: Promise<void> | undefined;
  return {
    endpoint: `http://${host}:${actualPort}`,
    port: actualPort,
    pid: child.pid!,
    exited,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill("SIGTERM");
          const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
          await exited;
          clearTimeout(timer);
        }
      })();
      return stopping;
    },
  };
}
