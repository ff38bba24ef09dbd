import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { withActor } from "../actor";
import { logger } from "../log";
import { resetClients } from "../testing";
import { Bus, defineEvent } from "./index";

const NoteAdded = defineEvent(
  "test_note.added",
  z.object({ noteId: z.string(), words: z.number().int() }),
);
const NoteRemoved = defineEvent("test_note.removed", z.object({ noteId: z.string() }));

const actor = {
  type: "user",
  properties: { accountId: "acc_1", userId: "usr_1", role: "owner", siteIds: null },
} as const;

afterEach(() => {
  delete process.env.IGNY8_EVENTS;
  delete process.env.IGNY8_EVENTS_ENDPOINT;
  resetClients();
});

describe("local bus", () => {
  it("delivers after the current tick with the actor in metadata, to typed subscribers", async () => {
    const seen: string[] = [];
    const offAdded = Bus.subscribe(NoteAdded, (event) => {
      seen.push(
        `added ${event.properties.noteId} ${event.properties.words} by ${event.metadata.accountId}`,
      );
    });
    const offAll = Bus.subscribe("*", (event) => {
      seen.push(`any ${event.type}`);
    });
    await withActor(actor, async () => {
      const event = await NoteAdded.publish({ noteId: "n1", words: 3 });
      expect(event.metadata.actor).toEqual(actor);
      expect(event.metadata.id).toMatch(/^evt_/);
      await NoteRemoved.publish({ noteId: "n1" });
      expect(seen).toEqual([]);
    });
    await Bus.idle();
    expect(seen).toEqual(["added n1 3 by acc_1", "any test_note.added", "any test_note.removed"]);
    offAdded();
    offAll();
  });

  it("isolates a failing subscriber and logs it", async () => {
    const logged: unknown[] = [];
    const original = logger.error.bind(logger);
    logger.error = ((obj: unknown) => {
      logged.push(obj);
    }) as typeof logger.error;
    const received: string[] = [];
    const offBad = Bus.subscribe(
      NoteRemoved,
      () => {
        throw new Error("boom");
      },
      { name: "bad" },
    );
    const offGood = Bus.subscribe(NoteRemoved, (event) => {
      received.push(event.properties.noteId);
    });
    try {
      await withActor(actor, () => NoteRemoved.publish({ noteId: "n2" }));
      await Bus.idle();
    } finally {
      logger.error = original;
      offBad();
      offGood();
    }
    expect(received).toEqual(["n2"]);
    expect(logged).toEqual([
      expect.objectContaining({ subscriber: "bad", event: "test_note.removed" }),
    ]);
  });

  it("runs subscribers as a system actor of the event's account and delivers copies", async () => {
    let inside: unknown;
    const off = Bus.subscribe(NoteAdded, async (event) => {
      const { useActor } = await import("../actor");
      inside = useActor();
      (event.properties as { noteId: string }).noteId = "changed";
    });
    const published = await withActor(actor, () => NoteAdded.publish({ noteId: "n3", words: 1 }));
    await Bus.idle();
    off();
    expect(inside).toEqual({ type: "system", properties: { accountId: "acc_1" } });
    expect(published.properties.noteId).toBe("n3");
  });

  it("refuses events that do not match their schema", async () => {
    await withActor(actor, async () => {
      await expect(NoteAdded.publish({ noteId: "n", words: 1.5 })).rejects.toMatchObject({
        code: "events.invalid",
      });
    });
    expect(() => defineEvent("Bad Name", z.object({}))).toThrow(/dotted lowercase/);
  });
});

describe("EventBridge adapter", () => {
  it("sends PutEvents with Source igny8, DetailType = name and Detail = {properties, metadata}", async () => {
    const requests: { target: string | undefined; body: { Entries: Record<string, string>[] } }[] =
      [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        requests.push({ target: req.headers["x-amz-target"] as string, body: JSON.parse(body) });
        const failing = requests.length === 2;
        res.setHeader("content-type", "application/x-amz-json-1.1");
        res.end(
          JSON.stringify(
            failing
              ? {
                  FailedEntryCount: 1,
                  Entries: [{ ErrorCode: "InternalFailure", ErrorMessage: "try later" }],
                }
              : { FailedEntryCount: 0, Entries: [{ EventId: "1" }] },
          ),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    process.env.IGNY8_EVENTS = "aws";
    process.env.IGNY8_EVENTS_ENDPOINT = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    resetClients();
    try {
      await withActor(actor, () => NoteAdded.publish({ noteId: "n4", words: 9 }));
      expect(requests[0]!.target).toBe("AWSEvents.PutEvents");
      const entry = requests[0]!.body.Entries[0]!;
      expect(entry).toMatchObject({
        Source: "igny8",
        DetailType: "test_note.added",
        EventBusName: "igny8",
      });
      const detail = JSON.parse(entry.Detail!);
      expect(detail.properties).toEqual({ noteId: "n4", words: 9 });
      expect(detail.metadata).toMatchObject({ accountId: "acc_1", actor });
      expect(Bus.fromEventBridge({ "detail-type": entry.DetailType!, detail }).properties).toEqual({
        noteId: "n4",
        words: 9,
      });
      await expect(
        withActor(actor, () => NoteRemoved.publish({ noteId: "n5" })),
      ).rejects.toMatchObject({
        code: "events.publish_failed",
      });
    } finally {
      server.close();
    }
  });
});
