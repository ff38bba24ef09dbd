export * as Transaction from "./index";

import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  DynamoDBDocumentClient,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from "@aws-sdk/lib-dynamodb";
import { useClient } from "../db";
import { VisibleError } from "../util/error";

/** One write of a transaction, in DocumentClient form: what ElectroDB's `.commit()` returns. */
export type WriteItem = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];

/**
 * A write plus what to answer when its condition fails. `Limit.reserve` returns parts whose
 * failure is `plan.limit_reached`; a record's `create()` part usually fails as a conflict.
 */
export interface Part {
  item: WriteItem;
  onConditionFailed?: () => Error | Promise<Error>;
}

/**
 * An ElectroDB write (`entity.create(...)`, `.update(...).add(...).where(...)`, `.delete(...)`)
 * as a part of a transaction. ElectroDB's `commit()` builds its TransactWriteItem; its types
 * expose `commit` only inside `service.transaction.write`, hence the cast.
 */
export function part(operation: object, onConditionFailed?: Part["onConditionFailed"]): Part {
  const committed = (operation as { commit(): unknown }).commit();
  return { item: committed as WriteItem, onConditionFailed };
}

let documentClient: { source: unknown; client: DynamoDBDocumentClient } | undefined;

function useDocumentClient() {
  const source = useClient();
  if (documentClient?.source !== source) {
    documentClient = {
      source,
      client: DynamoDBDocumentClient.from(source, {
        marshallOptions: { removeUndefinedValues: true },
      }),
    };
  }
  return documentClient.client;
}

/**
 * Writes every part or none (DynamoDB TransactWriteItems). When a condition fails, the first
 * failing part's `onConditionFailed` decides the error; without one the answer is a conflict.
 * A transaction that collides with another is retried a few times before answering 409.
 */
export async function write(parts: Part[], options: { token?: string } = {}): Promise<void> {
  if (parts.length === 0) return;
  if (parts.length > 100) throw new Error("A transaction holds at most 100 writes");
  const input: TransactWriteCommandInput = {
    TransactItems: parts.map((p) => p.item),
    ...(options.token ? { ClientRequestToken: options.token } : {}),
  };
  for (let attempt = 0; ; attempt++) {
    try {
      await useDocumentClient().send(new TransactWriteCommand(input));
      return;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const failed = reasons.findIndex((reason) => reason.Code === "ConditionalCheckFailed");
      if (failed >= 0) {
        const handler = parts[failed]?.onConditionFailed;
        if (handler) throw await handler();
        throw new VisibleError("conflict", "record.conflict", "The record changed or already exists");
      }
      const conflicted = reasons.some((reason) => reason.Code === "TransactionConflict");
      if (conflicted && attempt < 4) {
        await new Promise((resolve) => setTimeout(resolve, 10 * 2 ** attempt + Math.random() * 20));
        continue;
      }
      if (conflicted) {
        throw new VisibleError("conflict", "record.busy", "Another change to the same records is under way; try again", {}, { cause: error });
      }
      throw error;
    }
  }
}
