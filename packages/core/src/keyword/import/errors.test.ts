import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { VisibleError } from "../../util/error";
import { detect } from "./detect";
import { MAX_COLUMNS, MAX_FIELD_CHARS, MAX_FILE_BYTES, MAX_RECORD_CHARS } from "./limits";
import { type ByteSource, openKeywordFile, type ParseOptions } from "./parse";

/** Opens and reads the whole file; resolves to the number of rows or rejects with the error. */
async function parseAll(source: ByteSource, options: ParseOptions = {}): Promise<number> {
  const file = await openKeywordFile(source, options);
  let count = 0;
  for await (const _ of file.rows()) count++;
  return count;
}

async function expectCode(run: Promise<unknown>, code: string) {
  const error = await run.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VisibleError);
  expect(error).toMatchObject({ kind: "input", code });
  return error as VisibleError;
}

const GSC = "Top queries,Clicks,Impressions,CTR,Position\n";

async function* chunks(...parts: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield typeof part === "string" ? Buffer.from(part) : part;
}

describe("binary files", () => {
  it.each([
    ["PNG", [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "png"],
    ["XLSX (ZIP)", [0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00], "zip"],
    ["PDF", [...Buffer.from("%PDF-1.7\n")], "pdf"],
    ["legacy XLS", [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], "ole"],
    ["gzip", [0x1f, 0x8b, 0x08, 0x00], "gzip"],
  ])("refuses %s by its magic number", async (_name, magic, detected) => {
    const bytes = Buffer.concat([Buffer.from(magic), Buffer.from("keyword\nshoes\n")]);
    const error = await expectCode(parseAll(bytes), "import.binary_file");
    expect(error.details.detected).toBe(detected);
  });

  it("refuses NUL bytes in a UTF-8 file", async () => {
    await expectCode(
      parseAll(Buffer.from("keyword\nshoes\u0000\u0000x\nboots\n")),
      "import.binary_file",
    );
  });

  it("refuses a file full of control bytes", async () => {
    const junk = Buffer.from(
      Array.from({ length: 400 }, (_, i) => (i % 3 ? 0x41 : 0x01 + (i % 7))),
    );
    await expectCode(parseAll(junk), "import.binary_file");
  });

  it("refuses random bytes", async () => {
    await expectCode(parseAll(randomBytes(20_000)), "import.binary_file");
  });

  it("refuses NUL bytes that appear after the sampled start, while streaming", async () => {
    const head = `keyword\n${"shoes\n".repeat(20_000)}`;
    const source = chunks(head, Buffer.from([0x61, 0x00, 0x62, 0x0a]));
    await expectCode(parseAll(source), "import.binary_file");
  });
});

describe("wrong encodings", () => {
  it("refuses Windows-1252 / Latin-1 text", async () => {
    const latin1 = Buffer.from("keyword\ncaf\xe9 cr\xe8me\nna\xefve\n", "latin1");
    const error = await expectCode(parseAll(latin1), "import.encoding_unsupported");
    expect(error.details.byteOffset).toBe(11);
  });

  it("refuses invalid UTF-8 after the sampled start, while streaming", async () => {
    const source = chunks(
      `keyword\n${"tea\n".repeat(30_000)}`,
      Buffer.from([0xff, 0xfe, 0x41, 0x0a]),
    );
    await expectCode(parseAll(source), "import.encoding_unsupported");
  });

  it("refuses UTF-32", async () => {
    const utf32 = Buffer.from([0xff, 0xfe, 0x00, 0x00, 0x6b, 0x00, 0x00, 0x00]);
    await expectCode(parseAll(utf32), "import.encoding_unsupported");
  });
});

describe("empty files", () => {
  it.each([
    ["no bytes", Buffer.alloc(0)],
    ["a UTF-8 BOM only", Buffer.from([0xef, 0xbb, 0xbf])],
    ["a UTF-16 BOM only", Buffer.from([0xff, 0xfe])],
    ["blank lines", Buffer.from("\r\n\n   \n\t\n")],
  ])("refuses %s", async (_name, bytes) => {
    await expectCode(parseAll(bytes), "import.empty_file");
  });

  it("refuses a header without rows", async () => {
    await expectCode(
      parseAll(Buffer.from("Keyword,Volume,Keyword Difficulty\n")),
      "import.no_data_rows",
    );
    await expectCode(parseAll(Buffer.from("keyword\n")), "import.no_data_rows");
  });

  it("refuses a header followed only by blank rows past the sample", async () => {
    const source = chunks("Top queries,Clicks,Impressions,CTR,Position\n", ",,,,\n".repeat(20_000));
    await expectCode(parseAll(source), "import.no_data_rows");
  });
});

describe("size limits", () => {
  it("refuses a 2 GB upload from its declared size without reading a byte", async () => {
    let pulled = false;
    const source = (async function* () {
      pulled = true;
      yield Buffer.from("keyword\nshoes\n");
    })();
    const error = await expectCode(
      parseAll(source, { declaredSize: 2 * 1024 ** 3 }),
      "import.too_large",
    );
    expect(pulled).toBe(false);
    expect(error.details).toMatchObject({ limit: MAX_FILE_BYTES, declared: true });
    expect(() => detect(Buffer.from("keyword\nx\n"), { declaredSize: 2 * 1024 ** 3 })).toThrow(
      VisibleError,
    );
  });

  it("stops a stream that turns out larger than the limit", async () => {
    const source = (async function* () {
      yield Buffer.from("keyword\n");
      for (let i = 0; i < 100; i++) yield Buffer.from("running shoes\n".repeat(1000));
    })();
    const error = await expectCode(parseAll(source, { maxBytes: 512 * 1024 }), "import.too_large");
    expect(error.details).toMatchObject({ declared: false, limit: 512 * 1024 });
  });
});

describe("CSV bombs", () => {
  it("refuses too many columns", async () => {
    const header = Array.from({ length: MAX_COLUMNS + 50 }, (_, i) => `c${i}`).join(",");
    const error = await expectCode(
      parseAll(Buffer.from(`keyword,${header}\nshoes,1\n`)),
      "import.too_many_columns",
    );
    expect(error.details).toMatchObject({ line: 1, limit: MAX_COLUMNS });
  });

  it("refuses a row of too many columns deep in the file", async () => {
    const wide = `${"x,".repeat(5000)}x\n`;
    const source = chunks(`${GSC}${"tea,1,10,10%,1\n".repeat(20_000)}`, wide);
    const error = await expectCode(parseAll(source), "import.too_many_columns");
    expect(error.details.line).toBe(20_002);
  });

  it("refuses a cell larger than 64 KB", async () => {
    const bytes = Buffer.from(`${GSC}shoes,1,10,10%,1\n"${"a".repeat(MAX_FIELD_CHARS + 10)}",5\n`);
    const error = await expectCode(parseAll(bytes), "import.field_too_large");
    expect(error.details).toMatchObject({ line: 3 });
  });

  it("refuses a line longer than 1 MB", async () => {
    const cell = "b".repeat(60_000);
    const line = `${Array.from({ length: 20 }, () => cell).join(",")}\n`;
    expect(line.length).toBeGreaterThan(MAX_RECORD_CHARS);
    const source = chunks(`${GSC}shoes,1,10,10%,1\n`, line);
    await expectCode(parseAll(source), "import.line_too_large");
  });

  it("refuses an unterminated quote", async () => {
    await expectCode(
      parseAll(Buffer.from(`${GSC}"shoes,1,10,10%,1\nboots,2,20,10%,1\n`)),
      "import.malformed_csv",
    );
    // Past the sample, while streaming.
    const source = chunks(`${GSC}${"tea,1,10,10%,1\n".repeat(20_000)}`, '"boots,2,20,10%,1\n');
    await expectCode(parseAll(source), "import.malformed_csv");
  });
});

describe("columns", () => {
  it.each([
    [
      "Pages.csv",
      "Top pages,Clicks,Impressions,CTR,Position\nhttps://a.example/,1,2,50%,1\n",
      "gsc_pages",
    ],
    [
      "Countries.csv",
      "Country,Clicks,Impressions,CTR,Position\nFrance,1,2,50%,1\n",
      "gsc_countries",
    ],
    ["Dates.csv", "Date,Clicks,Impressions,CTR,Position\n2026-01-01,1,2,50%,1\n", "gsc_dates"],
    ["Filters.csv", "Filter,Value\nSearch type,Web\n", "gsc_filters"],
  ])("names the Search Console sheet %s that holds no queries", async (_name, csv, sheet) => {
    const error = await expectCode(parseAll(Buffer.from(csv)), "import.no_keyword_column");
    expect(error.details.sheet).toBe(sheet);
    expect(error.message).toMatch(/Queries\.csv/);
  });

  it("refuses a table where no column can hold keywords", async () => {
    await expectCode(parseAll(Buffer.from("a,b,c\n1,2,3\n4,5,6\n")), "import.no_keyword_column");
  });

  it("refuses a mapping without a keyword column", async () => {
    await expectCode(
      parseAll(Buffer.from("Keyword,Volume\nshoes,10\n"), {
        mapping: { keyword: null, volume: "Volume" },
      }),
      "import.no_keyword_column",
    );
  });

  it("refuses a mapping that names a missing column, pointing at the field", async () => {
    const error = await expectCode(
      parseAll(Buffer.from("Keyword,Volume\nshoes,10\n"), { mapping: { keyword: "Query" } }),
      "import.mapping_invalid",
    );
    expect(error.details.fields).toEqual([
      { path: "mapping.keyword", message: 'No column "Query" in the file' },
    ]);
  });

  it("refuses an unrecognised file until its mapping is confirmed", async () => {
    await expectCode(
      parseAll(Buffer.from("Begriff,Anzahl\nschuhe,10\n")),
      "import.mapping_required",
    );
  });
});
