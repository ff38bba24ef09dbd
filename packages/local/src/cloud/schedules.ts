import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { Scheduler } from "@igny8/core/scheduler";

/**
 * Keeps the local scheduler's definitions in one JSON file of the data directory (as EventBridge
 * Scheduler keeps them in AWS), so schedules survive a restart of `pnpm dev`. Writes go to a
 * temporary file renamed over the old one, so a crash never leaves half a file.
 */
export function fileScheduleStore(path: string): Scheduler.ScheduleStore {
  let queue: Promise<unknown> = Promise.resolve();

  async function read(): Promise<Record<string, Scheduler.Schedule>> {
    try {
      return JSON.parse(await readFile(path, "utf8")) as Record<string, Scheduler.Schedule>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
      throw new Error(
        `The local schedules file ${path} is unreadable: ${(error as Error).message}`,
      );
    }
  }

  // One change at a time: read, modify, write.
  function change(modify: (all: Record<string, Scheduler.Schedule>) => void): Promise<void> {
    const next = queue.then(async () => {
      const all = await read();
      modify(all);
      await mkdir(dirname(path), { recursive: true });
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, `${JSON.stringify(all, null, 2)}\n`);
      await rename(temporary, path);
    });
    queue = next.catch(() => undefined);
    return next;
  }

  return {
    async all() {
      return Object.values(await read());
    },
    async get(id) {
      return (await read())[id];
    },
    put(schedule) {
      return change((all) => {
        all[schedule.id] = schedule;
      });
    },
    delete(id) {
      return change((all) => {
        delete all[id];
      });
    },
  };
}
