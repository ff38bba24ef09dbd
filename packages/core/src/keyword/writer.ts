import { useAccount } from "../actor";
import { Limit } from "../limit";
import { logger } from "../log";
import { Transaction } from "../transaction";
import { isVisibleError } from "../util/error";
import { createId } from "../util/id";
import { KeywordAdded } from "./events";
import { cleanFields, fromItem, type KeywordFields, mergeFields, toAttributes } from "./fields";
import { type KeywordItem, keywordEntity, keywordKeyEntity, NO_CLUSTER } from "./keyword.entity";
import { mapLimited } from "./store";

/**
 * The one way keywords are added (imports and manual adds): de-duplicated per sector by the
 * normalized key, merged into the keyword already there, created in transactions that also take
 * `max_keywords` slots, and announced (`keyword.added`) after each batch committed.
 *
 * A batch is processed as: look the keys up (uniqueness items), merge repeats into what exists,
 * create the rest in transactions of at most MAX_PER_TRANSACTION keywords (each keyword is two
 * items, the keyword and its uniqueness item, plus one limit counter per transaction). Writing
 * the same rows again creates nothing and changes nothing: every repeat is a merge, and a merge
 * that changes no value writes nothing.
 */

/** 2 items per keyword + 1 limit counter stays within DynamoDB's 100 items per transaction. */
export const MAX_PER_TRANSACTION = 49;

export interface WriterOptions {
  siteId: string;
  sectorId: string;
  /** A format id (`semrush_keyword_magic`...) or `manual`. */
  source: string;
  /** Set on keywords this writer creates; a repeat of such a keyword counts as created, not merged. */
  importId?: string;
  /** Added to every keyword written (new and merged). */
  tags?: string[];
}

export interface IncomingRow {
  /** The caller's reference for the row (its row number). */
  ref: number;
  fields: KeywordFields;
  /** "duplicate": the file already had this keyword on an earlier row (the first row wins). */
  kind: "row" | "duplicate";
}

export type RowResult =
  | { ref: number; outcome: "created"; keywordId: string }
  | { ref: number; outcome: "merged"; keywordId: string; into: "existing" | "file"; changed: boolean }
  | { ref: number; outcome: "rejected"; reason: string; message: string };

export interface BatchResult {
  results: RowResult[];
  /** Keywords this batch created (announced in one keyword.added event). */
  createdIds: string[];
  /** Existing keywords whose values changed. */
  updatedIds: string[];
}

class KeyTaken extends Error {
  constructor(readonly normalizedKey: string) {
    super(`Keyword ${normalizedKey} was created by another writer`);
  }
}

interface Pending {
  keywordId: string;
  fields: KeywordFields;
  refs: { ref: number; kind: IncomingRow["kind"] }[];
}

interface Existing {
  item: KeywordItem;
  fields: KeywordFields;
  changes: Partial<KeywordFields>;
  newTags: boolean;
}

const limitMessage = (max: number) =>
  `The plan allows ${max} keywords and that many are in use; this row was not added.`;

export function createWriter(options: WriterOptions) {
  const accountId = useAccount();
  const { siteId, sectorId } = options;
  const tags = [...new Set(options.tags ?? [])];
  /** Set once a reservation failed with nothing left: later new rows are rejected without trying. */
  let exhausted: { max: number } | null = null;
  let created = 0;

  /** normalized key → keyword id of what the sector already holds. */
  async function lookup(keys: string[]): Promise<Map<string, KeywordItem>> {
    const found = new Map<string, KeywordItem>();
    if (keys.length === 0) return found;
    const owners = await keywordKeyEntity()
      .get(keys.map((normalizedKey) => ({ accountId, siteId, sectorId, normalizedKey })))
      .go({ concurrency: 4 });
    if (owners.unprocessed.length > 0) throw new Error("DynamoDB left keyword keys unprocessed; retry");
    if (owners.data.length === 0) return found;
    const items = await keywordEntity()
      .get(owners.data.map((owner) => ({ accountId, siteId, keywordId: owner.keywordId })))
      .go({ concurrency: 4 });
    if (items.unprocessed.length > 0) throw new Error("DynamoDB left keywords unprocessed; retry");
    const byId = new Map(items.data.map((item) => [item.keywordId, item]));
    for (const owner of owners.data) {
      const item = byId.get(owner.keywordId);
      if (item && item.sectorId === sectorId) found.set(owner.normalizedKey, item);
      else {
        // A uniqueness item without its keyword (should not happen): repair it so the key is free.
        logger.warn({ siteId, sectorId, key: owner.normalizedKey }, "stale keyword key removed");
        await keywordKeyEntity()
          .delete({ accountId, siteId, sectorId, normalizedKey: owner.normalizedKey })
          .where((attr, op) => op.eq(attr.keywordId, owner.keywordId))
          .go()
          .catch(() => undefined);
      }
    }
    return found;
  }

  function createParts(pending: Pending[]): Transaction.Part[] {
    const now = new Date().toISOString();
    return pending.flatMap((p) => [
      Transaction.part(
        keywordEntity().create({
          ...(toAttributes(p.fields) as { keyword: string; normalizedKey: string }),
          accountId,
          siteId,
          sectorId,
          keywordId: p.keywordId,
          source: options.source,
          status: "new",
          clusterKey: NO_CLUSTER,
          ...(tags.length ? { tags } : {}),
          ...(options.importId ? { importId: options.importId } : {}),
          createdAt: now,
          updatedAt: now,
        }),
      ),
      Transaction.part(
        keywordKeyEntity().create({
          accountId,
          siteId,
          sectorId,
          normalizedKey: p.fields.normalizedKey,
          keywordId: p.keywordId,
        }),
        () => new KeyTaken(p.fields.normalizedKey),
      ),
    ]);
  }

  /**
   * Creates `list` in transactions, taking max_keywords slots in each. Returns the keywords
   * created, those whose key another writer took meanwhile (to merge instead), and those refused
   * by the plan's limit.
   */
  async function createAll(list: Pending[]) {
    const done: Pending[] = [];
    const taken: Pending[] = [];
    const refused: Pending[] = [];
    let queue = [...list];
    let races = 0;
    while (queue.length > 0) {
      if (exhausted) {
        refused.push(...queue);
        break;
      }
      const chunk = queue.slice(0, MAX_PER_TRANSACTION);
      try {
        const slot = await Limit.reserve({ limit: "max_keywords", amount: chunk.length });
        await Transaction.write([slot, ...createParts(chunk)]);
        done.push(...chunk);
        created += chunk.length;
        queue = queue.slice(chunk.length);
      } catch (error) {
        if (error instanceof KeyTaken) {
          // Another writer got there first: every key of the chunk it took is merged instead.
          const now = await lookup(chunk.map((p) => p.fields.normalizedKey));
          const lost = new Set(chunk.filter((p) => now.has(p.fields.normalizedKey) || p.fields.normalizedKey === error.normalizedKey));
          taken.push(...lost);
          queue = queue.filter((p) => !lost.has(p));
          continue;
        }
        if (isVisibleError(error) && error.code === "plan.limit_reached") {
          const max = Number(error.details.max);
          const left = max - Number(error.details.current);
          if (left <= 0) exhausted = { max };
          else if (left < chunk.length) {
            // Only part of the chunk fits: write what fits, refuse the rest of the chunk.
            refused.push(...chunk.slice(left));
            queue = [...chunk.slice(0, left), ...queue.slice(chunk.length)];
          } else if (++races > 5) {
            throw error;
          }
          continue;
        }
        throw error;
      }
    }
    return { done, taken, refused };
  }

  async function writeBatch(incoming: IncomingRow[]): Promise<BatchResult> {
    const rows = incoming.map((row) => ({ ...row, fields: cleanFields(row.fields) }));
    const results = new Map<number, RowResult>();
    const keys = [...new Set(rows.map((row) => row.fields.normalizedKey))];
    const found = await lookup(keys);
    const existing = new Map<string, Existing>();
    const pending = new Map<string, Pending>();

    const mergeInto = (key: string, item: KeywordItem, row: IncomingRow) => {
      let state = existing.get(key);
      if (!state) {
        state = { item, fields: fromItem(item), changes: {}, newTags: tags.some((t) => !(item.tags ?? []).includes(t)) };
        existing.set(key, state);
      }
      const ownedByThisImport = options.importId !== undefined && item.importId === options.importId;
      const policy = row.kind === "duplicate" || ownedByThisImport ? "fill" : "update";
      const changes = mergeFields(state.fields, row.fields, policy);
      Object.assign(state.fields, changes);
      Object.assign(state.changes, changes);
      if (row.kind === "row" && ownedByThisImport) {
        // Written by an earlier attempt of this same import: it is this row's keyword.
        results.set(row.ref, { ref: row.ref, outcome: "created", keywordId: item.keywordId });
      } else {
        results.set(row.ref, {
          ref: row.ref,
          outcome: "merged",
          keywordId: item.keywordId,
          into: row.kind === "duplicate" ? "file" : "existing",
          changed: Object.keys(changes).length > 0 || state.newTags,
        });
      }
    };

    for (const row of rows) {
      const key = row.fields.normalizedKey;
      const waiting = pending.get(key);
      if (waiting) {
        Object.assign(waiting.fields, mergeFields(waiting.fields, row.fields, "fill"));
        waiting.refs.push({ ref: row.ref, kind: row.kind });
        continue;
      }
      const item = found.get(key);
      if (item) {
        mergeInto(key, item, row);
        continue;
      }
      pending.set(key, { keywordId: createId("keyword"), fields: { ...row.fields }, refs: [{ ref: row.ref, kind: row.kind }] });
    }

    const { done, taken, refused } = await createAll([...pending.values()]);
    for (const p of done) {
      p.refs.forEach(({ ref }, i) => {
        results.set(
          ref,
          i === 0
            ? { ref, outcome: "created", keywordId: p.keywordId }
            : { ref, outcome: "merged", keywordId: p.keywordId, into: "file", changed: false },
        );
      });
    }
    for (const p of refused) {
      for (const { ref } of p.refs) {
        results.set(ref, {
          ref,
          outcome: "rejected",
          reason: "plan.limit_reached",
          message: limitMessage(exhausted?.max ?? 0),
        });
      }
    }
    if (taken.length > 0) {
      // Another writer created these keys between the lookup and the write: merge into theirs.
      const again = await lookup(taken.map((p) => p.fields.normalizedKey));
      for (const p of taken) {
        const item = again.get(p.fields.normalizedKey);
        for (const { ref, kind } of p.refs) {
          if (item) mergeInto(p.fields.normalizedKey, item, { ref, kind, fields: p.fields });
          else results.set(ref, { ref, outcome: "rejected", reason: "keyword.conflict", message: "The keyword changed while it was written; import it again." });
        }
      }
    }

    const updates = [...existing.values()].filter((state) => Object.keys(state.changes).length > 0 || state.newTags);
    const updatedIds: string[] = [];
    await mapLimited(updates, 8, async (state) => {
      const key = { accountId, siteId, keywordId: state.item.keywordId };
      let operation = keywordEntity().patch(key).set(toAttributes(state.changes));
      if (state.newTags) operation = operation.add({ tags });
      try {
        await operation.go();
        updatedIds.push(state.item.keywordId);
      } catch (error) {
        if (!String(error).includes("conditional request failed")) throw error;
        // Deleted while the batch ran: its rows could not be merged.
        for (const result of results.values()) {
          if (result.outcome === "merged" && result.keywordId === state.item.keywordId) {
            results.set(result.ref, {
              ref: result.ref,
              outcome: "rejected",
              reason: "keyword.conflict",
              message: "The keyword was deleted while the file was imported.",
            });
          }
        }
      }
    });

    const createdIds = done.map((p) => p.keywordId);
    if (createdIds.length > 0) {
      await KeywordAdded.publish({
        siteId,
        sectorId,
        keywordIds: createdIds,
        count: createdIds.length,
        source: options.source,
        ...(options.importId ? { importId: options.importId } : {}),
      });
    }
    return {
      results: rows.map((row) => results.get(row.ref) as RowResult),
      createdIds,
      updatedIds,
    };
  }

  return {
    writeBatch,
    /** Keywords created so far by this writer. */
    created: () => created,
    /** The plan's max once it was reached, else null. */
    limitReached: () => exhausted,
  };
}
