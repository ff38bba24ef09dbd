import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { openKeywordFile } from "./parse";

// A full garbage collection before each heap reading, so live memory is measured, not garbage.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const liveHeap = () => {
  gc();
  return process.memoryUsage().heapUsed;
};

const ROWS = 100_000;
const HEADER =
  "Keyword,Position,Previous position,Search Volume,Keyword Difficulty,CPC,URL,Traffic,Trends,SERP Features by Keyword,Keyword Intents\n";

/** A 100k-row Semrush positions export generated on the fly: never materialised whole. */
function generated(progress: { bytes: number; done: boolean }) {
  return (async function* () {
    const header = Buffer.from(HEADER);
    progress.bytes += header.length;
    yield header;
    let batch = "";
    for (let i = 0; i < ROWS; i++) {
      // Every 10th keyword repeats an earlier one (another ranking URL), as in real exports.
      const k = i % 10 === 9 ? i - 9 : i;
      batch += `hiking boots model ${k},${(i % 90) + 1},0,${(i * 37) % 90_000},${i % 100},1.${i % 100},https://shop.example/p/${i},${i % 500},"[10,20,30,40,50,60,70,80,90,100,80,60]","Sitelinks, People also ask, Video","commercial, transactional"\n`;
      if (batch.length >= 16 * 1024) {
        const chunk = Buffer.from(batch);
        progress.bytes += chunk.length;
        batch = "";
        yield chunk;
      }
    }
    const chunk = Buffer.from(batch);
    progress.bytes += chunk.length;
    progress.done = true;
    yield chunk;
  })();
}

describe("streaming", () => {
  it("parses a 100k-row file incrementally: rows arrive while most of the file is unread", async () => {
    const progress = { bytes: 0, done: false };
    const file = await openKeywordFile(generated(progress));
    expect(file.detection.format).toBe("semrush_organic_positions");
    // Detection read only the first 64 KB.
    expect(progress.bytes).toBeLessThan(64 * 1024 + 16 * 1024 + 1024);

    const heapBefore = liveHeap();
    let heapPeak = heapBefore;
    let readAtFirstRow = -1;
    let readAtHalf = -1;
    let count = 0;
    const kinds = { row: 0, duplicate: 0, rejected: 0 };
    let lastVolume: number | null = null;
    for await (const item of file.rows()) {
      count++;
      kinds[item.kind]++;
      if (item.kind !== "rejected") lastVolume = item.volume;
      if (count === 1) readAtFirstRow = progress.bytes;
      if (count === ROWS / 2) readAtHalf = progress.bytes;
      if (count % 20_000 === 0) heapPeak = Math.max(heapPeak, liveHeap());
    }
    const total = progress.bytes;
    expect(progress.done).toBe(true);
    expect(count).toBe(ROWS);
    expect(kinds).toEqual({ row: 90_000, duplicate: 10_000, rejected: 0 });
    expect(lastVolume).toBe(((ROWS - 1) * 37) % 90_000);
    expect(file.summary).toMatchObject({
      dataRows: ROWS,
      accepted: 90_000,
      duplicates: 10_000,
      bytes: total,
    });

    // The parser reads ahead by a bounded amount, not the file.
    expect(total).toBeGreaterThan(15 * 1024 * 1024);
    expect(readAtFirstRow).toBeLessThan(256 * 1024);
    expect(readAtHalf).toBeLessThan(total * 0.6);
    // Live memory grows by the de-duplication index (90,000 keys), far less than the file.
    expect(heapPeak - heapBefore).toBeLessThan(total / 2);
  });

  it("holds no memory that grows with the file when de-duplication is off", async () => {
    const progress = { bytes: 0, done: false };
    const file = await openKeywordFile(generated(progress), { dedupe: false });
    const heapBefore = liveHeap();
    const readings: number[] = [];
    let count = 0;
    for await (const _ of file.rows()) {
      if (++count % 20_000 === 0) readings.push(liveHeap() - heapBefore);
    }
    expect(count).toBe(ROWS);
    expect(readings).toHaveLength(5);
    // Flat: the last reading is no larger than the first by more than a few chunks' worth.
    expect(Math.max(...readings)).toBeLessThan(4 * 1024 * 1024);
    expect((readings.at(-1) as number) - (readings[0] as number)).toBeLessThan(1024 * 1024);
  });

  it("stops reading the source when the consumer stops", async () => {
    const progress = { bytes: 0, done: false };
    const file = await openKeywordFile(generated(progress));
    let count = 0;
    for await (const _ of file.rows()) {
      if (++count === 1000) break;
    }
    const readWhenStopped = progress.bytes;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(progress.done).toBe(false);
    expect(progress.bytes).toBe(readWhenStopped);
    expect(readWhenStopped).toBeLessThan(1024 * 1024);
  });
});
