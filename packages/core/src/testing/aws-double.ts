import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A tiny HTTP server standing in for an AWS service at the wire level (the real SDK client talks
 * to it), for tests of the AWS adapters. `answer` gets each request and returns status, body and
 * an optional error type (sent as x-amzn-errortype, as AWS does).
 */
export interface RecordedRequest {
  method: string;
  path: string;
  target?: string;
  body: unknown;
}

export interface AwsAnswer {
  status?: number;
  body?: unknown;
  errorType?: string;
}

export async function awsDouble(answer: (request: RecordedRequest) => AwsAnswer) {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    let raw = "";
    req.on("data", (chunk) => {
      raw += chunk;
    });
    req.on("end", () => {
      const request: RecordedRequest = {
        method: req.method ?? "GET",
        path: req.url ?? "/",
        target: req.headers["x-amz-target"] as string | undefined,
        body: raw ? JSON.parse(raw) : undefined,
      };
      requests.push(request);
      const reply = answer(request);
      const status = reply.status ?? 200;
      res.statusCode = status;
      res.setHeader("content-type", "application/x-amz-json-1.0");
      if (reply.errorType) res.setHeader("x-amzn-errortype", reply.errorType);
      const body =
        reply.errorType && reply.body === undefined
          ? { __type: reply.errorType, message: `${reply.errorType} from the test double` }
          : (reply.body ?? {});
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
