export * as Bus from "./index";

import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import type { z } from "zod";
import { type Actor, useActor, withActor } from "../actor";
import { settings } from "../config";
import { logger, useRequestId } from "../log";
import { VisibleError } from "../util/error";
import { createId } from "../util/id";

/**
 * Domain events. Each domain declares its events beside its code with `defineEvent`, and
 * publishes them through the returned publisher.
 *
 * Publish AFTER the write the event describes has committed (after the DynamoDB call or
 * transaction resolved), never before or inside it: a subscriber must be able to read what the
 * event announces, and a failed write must announce nothing.
 *
 * In AWS (IGNY8_EVENTS=aws) events go to the EventBridge bus IGNY8_EVENT_BUS with Source "igny8",
 * DetailType = the event name and Detail = { properties, metadata }; rules route them. Locally
 * (IGNY8_EVENTS=local) an in-process bus delivers the same shapes to `subscribe`rs after the
 * current tick, each subscriber isolated: one that throws is logged and the others still run.
 */

export const source = "igny8";

export interface EventMetadata {
  /** `evt_...`, unique per publication. */
  id: string;
  /** ISO time of publication. */
  occurredAt: string;
  /** Who caused it (the actor at publication time). */
  actor: Actor;
  accountId?: string;
  requestId?: string;
}

export interface DomainEvent<Type extends string = string, Properties = unknown> {
  type: Type;
  properties: Properties;
  metadata: EventMetadata;
}

export interface EventDefinition<Type extends string, Schema extends z.ZodType> {
  type: Type;
  schema: Schema;
  /** Validates the properties and stamps the metadata from the current actor. */
  create(properties: z.input<Schema>): DomainEvent<Type, z.output<Schema>>;
  /** create + publish; call it after the write the event describes has committed. */
  publish(properties: z.input<Schema>): Promise<DomainEvent<Type, z.output<Schema>>>;
  is(event: DomainEvent): event is DomainEvent<Type, z.output<Schema>>;
}

const eventName = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
const definitions = new Map<string, EventDefinition<string, z.ZodType>>();

/** Declares an event: `export const KeywordAdded = defineEvent("keyword.added", z.object({...}))`. */
export function defineEvent<Type extends string, Schema extends z.ZodType>(
  type: Type,
  schema: Schema,
): EventDefinition<Type, Schema> {
  if (!eventName.test(type))
    throw new Error(`Event name "${type}" must be dotted lowercase, e.g. keyword.added`);
  const definition: EventDefinition<Type, Schema> = {
    type,
    schema,
    create(properties) {
      const parsed = schema.safeParse(properties);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new VisibleError(
          "internal",
          "events.invalid",
          `Event ${type} is invalid: ${issue?.path.join(".")} ${issue?.message}`,
        );
      }
      const actor = useActor();
      return {
        type,
        properties: parsed.data,
        metadata: {
          id: createId("event"),
          occurredAt: new Date().toISOString(),
          actor,
          accountId: actor.type === "public" ? undefined : actor.properties.accountId,
          requestId: useRequestId(),
        },
      };
    },
    async publish(properties) {
      const event = definition.create(properties);
      await publish(event);
      return event;
    },
    is(event): event is DomainEvent<Type, z.output<Schema>> {
      return event.type === type;
    },
  };
  definitions.set(type, definition as unknown as EventDefinition<string, z.ZodType>);
  return definition;
}

/** Every event declared so far (for documentation and for the stacks' rules). */
export function definedEvents(): string[] {
  return [...definitions.keys()].sort();
}

/** Where published events go; chosen by IGNY8_EVENTS. */
export interface EventTransport {
  name: "aws" | "local";
  publish(events: DomainEvent[]): Promise<void>;
}

let transport: EventTransport | undefined;
let transportKind: string | undefined;

function useTransport(): EventTransport {
  const kind = settings().IGNY8_EVENTS;
  if (!transport || transportKind !== kind) {
    transport = kind === "aws" ? awsTransport() : localTransport();
    transportKind = kind;
  }
  return transport;
}

/** Publishes events (already created by their definitions). Call after the write committed. */
export async function publish(...events: DomainEvent[]): Promise<void> {
  if (events.length === 0) return;
  await useTransport().publish(events);
}

// ---------------------------------------------------------------- subscribers

export type Subscriber<E extends DomainEvent = DomainEvent> = (
  event: E,
) => unknown | Promise<unknown>;

interface Subscription {
  type: string;
  name: string;
  handler: Subscriber;
}

const subscriptions = new Set<Subscription>();

/**
 * Runs `handler` for every event of `definition` ("*" for all). Handlers run as a system actor of
 * the event's account. Returns a function that unsubscribes.
 */
export function subscribe<Type extends string, Schema extends z.ZodType>(
  definition: EventDefinition<Type, Schema> | "*",
  handler: Subscriber<DomainEvent<Type, z.output<Schema>>>,
  options: { name?: string } = {},
): () => void {
  const type = definition === "*" ? "*" : definition.type;
  const subscription: Subscription = {
    type,
    name: options.name ?? (handler.name || "anonymous"),
    handler: handler as Subscriber,
  };
  subscriptions.add(subscription);
  return () => {
    subscriptions.delete(subscription);
  };
}

export function subscriberCount(): number {
  return subscriptions.size;
}

/**
 * Delivers one event to its subscribers now, each isolated. The local bus calls it after the
 * tick; in AWS an EventBridge rule's target function calls it with the event's detail.
 */
export async function dispatch(event: DomainEvent): Promise<void> {
  const definition = definitions.get(event.type);
  if (definition) {
    const parsed = definition.schema.safeParse(event.properties);
    if (!parsed.success) {
      logger.error(
        { event: event.type, eventId: event.metadata.id },
        "event properties do not match the definition; not delivered",
      );
      return;
    }
  }
  const actor: Actor = { type: "system", properties: { accountId: event.metadata.accountId } };
  const targets = [...subscriptions].filter((s) => s.type === event.type || s.type === "*");
  await Promise.all(
    targets.map((subscription) =>
      withActor(actor, async () => {
        try {
          await subscription.handler(event);
        } catch (error) {
          logger.error(
            {
              err: error,
              event: event.type,
              eventId: event.metadata.id,
              subscriber: subscription.name,
            },
            "event subscriber failed",
          );
        }
      }),
    ),
  );
}

/** Turns an EventBridge event (as a rule target receives it) back into a domain event. */
export function fromEventBridge(input: {
  "detail-type": string;
  detail: { properties: unknown; metadata: EventMetadata };
}): DomainEvent {
  return {
    type: input["detail-type"],
    properties: input.detail.properties,
    metadata: input.detail.metadata,
  };
}

// ---------------------------------------------------------------- local transport

const inFlight = new Set<Promise<void>>();

function localTransport(): EventTransport {
  return {
    name: "local",
    async publish(events) {
      // Serialise as EventBridge would, so subscribers never share objects with the publisher.
      const copies = events.map((event) => JSON.parse(JSON.stringify(event)) as DomainEvent);
      const delivery = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
        for (const event of copies) await dispatch(event);
      });
      inFlight.add(delivery);
      delivery.finally(() => inFlight.delete(delivery));
    },
  };
}

/** Resolves when every local delivery published so far (and any they caused) has finished. */
export async function idle(): Promise<void> {
  while (inFlight.size > 0) await Promise.all([...inFlight]);
}

// ---------------------------------------------------------------- AWS transport

function awsTransport(): EventTransport {
  const { IGNY8_REGION, IGNY8_EVENTS_ENDPOINT, IGNY8_EVENT_BUS } = settings();
  const client = new EventBridgeClient({
    region: IGNY8_REGION,
    ...(IGNY8_EVENTS_ENDPOINT
      ? {
          endpoint: IGNY8_EVENTS_ENDPOINT,
          credentials: { accessKeyId: "local", secretAccessKey: "local" },
        }
      : {}),
  });
  return {
    name: "aws",
    async publish(events) {
      // PutEvents takes at most 10 entries per call.
      for (let start = 0; start < events.length; start += 10) {
        const batch = events.slice(start, start + 10);
        const result = await client.send(
          new PutEventsCommand({
            Entries: batch.map((event) => ({
              EventBusName: IGNY8_EVENT_BUS,
              Source: source,
              DetailType: event.type,
              Detail: JSON.stringify({ properties: event.properties, metadata: event.metadata }),
              Time: new Date(event.metadata.occurredAt),
            })),
          }),
        );
        if (result.FailedEntryCount) {
          const failed = (result.Entries ?? []).find((entry) => entry.ErrorCode);
          throw new VisibleError(
            "unavailable",
            "events.publish_failed",
            `EventBridge refused ${result.FailedEntryCount} event(s): ${failed?.ErrorCode} ${failed?.ErrorMessage ?? ""}`.trim(),
          );
        }
      }
    },
  };
}

/** Forget the transport (tests switch IGNY8_EVENTS). Subscriptions stay. */
export function reset() {
  transport = undefined;
  transportKind = undefined;
}
