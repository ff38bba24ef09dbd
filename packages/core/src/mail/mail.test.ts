import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Config } from "../config";
import { useTestTable } from "../testing";
import { Mail } from "./index";

useTestTable();

/** An HTTP server answering like SES v2's SendEmail (POST /v2/email/outbound-emails). */
const received: { path: string; body: Record<string, unknown>; authorization?: string }[] = [];
const server = createServer((request, response) => {
  let raw = "";
  request.on("data", (chunk) => {
    raw += chunk;
  });
  request.on("end", () => {
    received.push({ path: request.url ?? "", body: JSON.parse(raw || "{}"), authorization: request.headers.authorization });
    if (request.method === "POST" && request.url === "/v2/email/outbound-emails") {
      response.writeHead(200, { "content-type": "application/json", "x-amzn-requestid": "test-request" });
      response.end(JSON.stringify({ MessageId: `ses-${received.length}` }));
      return;
    }
    response.writeHead(404, { "content-type": "application/json", "x-amzn-errortype": "NotFoundException" });
    response.end(JSON.stringify({ message: "not found" }));
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("Mail", () => {
  it("keeps messages in the outbox by default, newest first, per recipient", async () => {
    await Mail.send({ to: "Reader@Example.com", subject: "One", text: "first", kind: "test" });
    await Mail.send({ to: "reader@example.com", subject: "Two", text: "second", kind: "test" });
    await Mail.send({ to: "other@example.com", subject: "Three", text: "third", kind: "test" });
    const mine = await Mail.readOutbox({ to: "reader@example.com" });
    expect(mine.map((m) => m.subject)).toEqual(["Two", "One"]);
    expect((await Mail.readOutbox({ limit: 1 }))[0]?.subject).toBe("Three");
  });

  it("sends through SES v2 when IGNY8_MAIL=ses", async () => {
    const port = (server.address() as AddressInfo).port;
    Object.assign(process.env, {
      IGNY8_MAIL: "ses",
      IGNY8_SES_ENDPOINT: `http://127.0.0.1:${port}`,
      IGNY8_MAIL_FROM: "IGNY8 <mail@igny8.test>",
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
    });
    Config.reset();
    Mail.reset();
    try {
      const sent = await Mail.send({ to: "someone@example.com", subject: "Hello", text: "Body", html: "<p>Body</p>", kind: "invitation" });
      expect(sent.messageId).toBe("ses-1");
      expect(received[0]?.path).toBe("/v2/email/outbound-emails");
      expect(received[0]?.authorization).toMatch(/^AWS4-HMAC-SHA256 /);
      expect(received[0]?.body).toMatchObject({
        FromEmailAddress: "IGNY8 <mail@igny8.test>",
        Destination: { ToAddresses: ["someone@example.com"] },
        Content: { Simple: { Subject: { Data: "Hello" }, Body: { Text: { Data: "Body" }, Html: { Data: "<p>Body</p>" } } } },
        EmailTags: [{ Name: "kind", Value: "invitation" }],
      });
      // Nothing went to the outbox.
      expect((await Mail.readOutbox({ to: "someone@example.com" })).length).toBe(0);
    } finally {
      process.env.IGNY8_MAIL = "outbox";
      Config.reset();
      Mail.reset();
    }
  });
});
