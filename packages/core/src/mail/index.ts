export * as Mail from "./index";

import { SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import { settings } from "../config";
import { createId } from "../util/id";
import { outboxEntity } from "./outbox.entity";

/**
 * The mail port. Adapters, chosen by IGNY8_MAIL: "outbox" stores each message in the table
 * (read at GET /v1/dev/outbox when IGNY8_DEV_ROUTES is on); "ses" sends through Amazon SES v2
 * from IGNY8_MAIL_FROM.
 */
export interface Message {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** What the message is for ("password_reset", "invitation"): lets tests and logs find it. */
  kind: string;
}

export interface Adapter {
  send(message: Message): Promise<{ messageId: string }>;
}

const OUTBOX_DAYS = 7;

export const outbox: Adapter = {
  async send(message) {
    const messageId = createId("message");
    await outboxEntity()
      .create({
        ...message,
        messageId,
        to: message.to.toLowerCase(),
        expiresAt: Math.floor(Date.now() / 1000) + OUTBOX_DAYS * 86_400,
      })
      .go();
    return { messageId };
  },
};

let sesClient: SESv2Client | undefined;

export const ses: Adapter = {
  async send(message) {
    const { IGNY8_REGION, IGNY8_SES_ENDPOINT, IGNY8_MAIL_FROM } = settings();
    sesClient ??= new SESv2Client({
      region: IGNY8_REGION,
      ...(IGNY8_SES_ENDPOINT ? { endpoint: IGNY8_SES_ENDPOINT } : {}),
    });
    const result = await sesClient.send(
      new SendEmailCommand({
        FromEmailAddress: IGNY8_MAIL_FROM,
        Destination: { ToAddresses: [message.to] },
        Content: {
          Simple: {
            Subject: { Data: message.subject, Charset: "UTF-8" },
            Body: {
              Text: { Data: message.text, Charset: "UTF-8" },
              ...(message.html ? { Html: { Data: message.html, Charset: "UTF-8" } } : {}),
            },
          },
        },
        EmailTags: [{ Name: "kind", Value: message.kind }],
      }),
    );
    return { messageId: result.MessageId ?? "" };
  },
};

/** Forgets the SES client (tests point it at another endpoint). */
export function reset() {
  sesClient?.destroy();
  sesClient = undefined;
}

export function adapter(): Adapter {
  return settings().IGNY8_MAIL === "ses" ? ses : outbox;
}

export function send(message: Message) {
  return adapter().send(message);
}

export interface OutboxMessage extends Message {
  messageId: string;
  createdAt: string;
}

/** The newest outbox messages, optionally to one address (development and tests only). */
export async function readOutbox(options: { to?: string; limit?: number } = {}): Promise<OutboxMessage[]> {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 200);
  const result = options.to
    ? await outboxEntity().query.byRecipient({ to: options.to.toLowerCase() }).go({ order: "desc", count: limit })
    : await outboxEntity().query.byMessage({}).go({ order: "desc", count: limit });
  return result.data.map(({ expiresAt: _expires, ...message }) => message);
}
