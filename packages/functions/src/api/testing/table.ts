import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { settings } from "@igny8/core/config";
import { Db } from "@igny8/core/db";

/**
 * What a request may change in the table without it counting as a change (explicit list):
 * - every `rateWindow` item: per-IP and per-account request counters, log-in throttles and
 *   reset-mail throttles (they count attempts, including refused ones, by design);
 * - `lastUsedAt` on `apiKey` items (written lazily when a key authenticates).
 */
export const ignoredEntities = ["rateWindow"] as const;
export const ignoredAttributes: Record<string, string[]> = { apiKey: ["lastUsedAt"] };

export type Snapshot = Map<string, string>;

/** Every item of the table, keyed by pk/sk, minus what the lists above ignore. */
export async function snapshot(): Promise<Snapshot> {
  const items: Snapshot = new Map();
  let start: Record<string, import("@aws-sdk/client-dynamodb").AttributeValue> | undefined;
  do {
    const page = await Db.useClient().send(new ScanCommand({ TableName: settings().IGNY8_TABLE, ExclusiveStartKey: start }));
    for (const raw of page.Items ?? []) {
      const item = unmarshall(raw) as Record<string, unknown>;
      const entity = String(item.__edb_e__ ?? "");
      if ((ignoredEntities as readonly string[]).includes(entity)) continue;
      for (const attribute of ignoredAttributes[entity] ?? []) delete item[attribute];
      const key = `${item.pk}|${item.sk}`;
      items.set(key, JSON.stringify(item, Object.keys(item).sort()));
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** The keys that differ between two snapshots (added, removed or changed), optionally filtered. */
export function changes(before: Snapshot, after: Snapshot, only: (item: string) => boolean = () => true): string[] {
  const changed: string[] = [];
  for (const [key, value] of after) {
    const old = before.get(key);
    if (old !== value && (only(value) || (old !== undefined && only(old)))) changed.push(`${old === undefined ? "added" : "changed"} ${key}`);
  }
  for (const [key, value] of before) {
    if (!after.has(key) && only(value)) changed.push(`removed ${key}`);
  }
  return changed;
}
