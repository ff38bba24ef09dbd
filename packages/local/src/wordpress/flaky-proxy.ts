import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A reverse proxy in front of the test WordPress that can fail requests the way a struggling
 * host does: answer 503 without passing the request on ("refuse"), or pass it on and then answer
 * 502 so the client never sees what WordPress did ("lose the answer"). Failures are armed per
 * matching request (method + path substring), each used once.
 */
export type FailureMode = "refuse" | "lose-answer";

interface Armed {
  method: string;
  path: string;
  mode: FailureMode;
}

export interface FlakyProxy {
  url: string;
  /** Fails the next `count` requests matching method and path fragment. */
  fail(method: string, path: string, mode: FailureMode, count?: number): void;
  /** Failures served so far: method, path and mode. */
  served: Array<{ method: string; path: string; mode: FailureMode }>;
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

const unavailable = (status: number) =>
  JSON.stringify({ code: "upstream_unavailable", message: `The test proxy answered ${status}`, data: { status } });

export async function startFlakyProxy(target: string): Promise<FlakyProxy> {
  const armed: Armed[] = [];
  const served: FlakyProxy["served"] = [];
  const server: Server = createServer(async (request, response) => {
    try {
      const method = request.method ?? "GET";
      const path = request.url ?? "/";
      const body = await readBody(request);
      const index = armed.findIndex((a) => a.method === method && decodeURIComponent(path).includes(a.path));
      const failure = index >= 0 ? armed.splice(index, 1)[0] : undefined;
      if (failure?.mode === "refuse") {
        served.push({ method, path, mode: failure.mode });
        response.writeHead(503, { "content-type": "application/json" }).end(unavailable(503));
        return;
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (name === "host" || name === "connection" || name === "content-length" || value === undefined) continue;
        headers[name] = Array.isArray(value) ? value.join(", ") : value;
      }
      const upstream = await fetch(`${target}${path}`, {
        method,
        headers,
        body: method === "GET" || method === "HEAD" ? undefined : body,
        redirect: "manual",
      });
      const bytes = Buffer.from(await upstream.arrayBuffer());
      if (failure?.mode === "lose-answer") {
        served.push({ method, path, mode: failure.mode });
        response.writeHead(502, { "content-type": "application/json" }).end(unavailable(502));
        return;
      }
      const out: Record<string, string> = {};
      upstream.headers.forEach((value, name) => {
        if (!["content-encoding", "content-length", "transfer-encoding", "connection"].includes(name)) out[name] = value;
      });
      response.writeHead(upstream.status, out).end(bytes);
    } catch (error) {
      response.writeHead(500, { "content-type": "text/plain" }).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    fail(method, path, mode, count = 1) {
      for (let i = 0; i < count; i++) armed.push({ method, path, mode });
    },
    served,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
