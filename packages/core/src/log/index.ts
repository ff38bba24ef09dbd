import { AsyncLocalStorage } from "node:async_hooks";
import pino from "pino";
import { maybeAccount } from "../actor";

const requestContext = new AsyncLocalStorage<{ requestId: string }>();

/** Runs `cb` with `requestId` attached to every log line written inside it. */
export function withRequestId<T>(requestId: string, cb: () => T): T {
  return requestContext.run({ requestId }, cb);
}

export function useRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}

/** The one structured logger: JSON lines carrying the request id and account id as keys. */
export const logger = pino({
  level: process.env.IGNY8_LOG_LEVEL ?? "info",
  base: undefined,
  mixin() {
    return { requestId: useRequestId(), accountId: maybeAccount() };
  },
});
