import { isUtf8 } from "node:buffer";
import { importError } from "./limits";

export type TextEncoding = "utf-8" | "utf-16le" | "utf-16be";

export interface EncodingInfo {
  encoding: TextEncoding;
  /** A byte-order mark opened the file (it is dropped from the text). */
  bom: boolean;
}

interface Magic {
  bytes: number[];
  offset?: number;
  kind: string;
  hint: string;
}

// Formats users upload by mistake; a ZIP is usually an .xlsx workbook.
const MAGIC: Magic[] = [
  { bytes: [0x50, 0x4b, 0x03, 0x04], kind: "zip", hint: "an Excel workbook or ZIP archive" },
  { bytes: [0x50, 0x4b, 0x05, 0x06], kind: "zip", hint: "a ZIP archive" },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0], kind: "ole", hint: "an old Excel (.xls) workbook" },
  { bytes: [0x89, 0x50, 0x4e, 0x47], kind: "png", hint: "a PNG image" },
  { bytes: [0xff, 0xd8, 0xff], kind: "jpeg", hint: "a JPEG image" },
  { bytes: [0x47, 0x49, 0x46, 0x38], kind: "gif", hint: "a GIF image" },
  { bytes: [0x25, 0x50, 0x44, 0x46], kind: "pdf", hint: "a PDF document" },
  { bytes: [0x1f, 0x8b], kind: "gzip", hint: "a gzip archive" },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf], kind: "7z", hint: "a 7-Zip archive" },
  { bytes: [0x52, 0x61, 0x72, 0x21], kind: "rar", hint: "a RAR archive" },
  { bytes: [0x42, 0x5a, 0x68], kind: "bzip2", hint: "a bzip2 archive" },
  { bytes: [0x7f, 0x45, 0x4c, 0x46], kind: "elf", hint: "a program" },
  { bytes: [0x4d, 0x5a], kind: "exe", hint: "a program" },
  { bytes: [0x57, 0x45, 0x42, 0x50], offset: 8, kind: "webp", hint: "a WebP image" },
];

function startsWith(bytes: Uint8Array, prefix: number[], offset = 0): boolean {
  if (bytes.length < offset + prefix.length) return false;
  return prefix.every((b, i) => bytes[offset + i] === b);
}

function binaryFile(kind: string, hint: string) {
  return importError(
    "import.binary_file",
    `This is not a text file (it looks like ${hint}). Export the keywords as CSV and upload that file.`,
    { detected: kind },
  );
}

/** Share of code units that are NUL at even and at odd positions: UTF-16 text is full of them. */
function nulPattern(bytes: Uint8Array): { even: number; odd: number } {
  const pairs = Math.min(bytes.length, 4096) >> 1;
  if (pairs === 0) return { even: 0, odd: 0 };
  let even = 0;
  let odd = 0;
  for (let i = 0; i < pairs; i++) {
    if (bytes[2 * i] === 0) even++;
    if (bytes[2 * i + 1] === 0) odd++;
  }
  return { even: even / pairs, odd: odd / pairs };
}

/**
 * Reads the encoding from the first bytes: a BOM when there is one, else the NUL pattern of
 * UTF-16, else UTF-8 (which must then be valid). Binary files are refused here.
 */
export function sniffEncoding(bytes: Uint8Array): EncodingInfo {
  for (const magic of MAGIC) {
    if (startsWith(bytes, magic.bytes, magic.offset)) throw binaryFile(magic.kind, magic.hint);
  }
  if (startsWith(bytes, [0xff, 0xfe, 0x00, 0x00]) || startsWith(bytes, [0x00, 0x00, 0xfe, 0xff])) {
    throw importError(
      "import.encoding_unsupported",
      "The file is UTF-32 encoded. Save it as UTF-8 (or UTF-16) CSV and upload it again.",
      { encoding: "utf-32" },
    );
  }
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) return { encoding: "utf-8", bom: true };
  if (startsWith(bytes, [0xff, 0xfe])) return { encoding: "utf-16le", bom: true };
  if (startsWith(bytes, [0xfe, 0xff])) return { encoding: "utf-16be", bom: true };
  const { even, odd } = nulPattern(bytes);
  if (odd > 0.3 && even < 0.05) return { encoding: "utf-16le", bom: false };
  if (even > 0.3 && odd < 0.05) return { encoding: "utf-16be", bom: false };
  return { encoding: "utf-8", bom: false };
}

/** Length of the prefix of `bytes` that ends on a whole UTF-8 character. */
export function completeUtf8Length(bytes: Uint8Array): number {
  const len = bytes.length;
  for (let i = len - 1; i >= Math.max(0, len - 4); i--) {
    const b = bytes[i] as number;
    if ((b & 0xc0) === 0x80) continue;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return i + need <= len ? len : i;
  }
  return len;
}

/** Offset of the first byte that does not start a well-formed UTF-8 sequence (for the message). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] as number;
    if (lead < 0x80) {
      i++;
      continue;
    }
    const tail =
      lead >= 0xc2 && lead < 0xe0
        ? 1
        : lead >= 0xe0 && lead < 0xf0
          ? 2
          : lead >= 0xf0 && lead <= 0xf4
            ? 3
            : -1;
    if (tail < 0) return i;
    for (let k = 1; k <= tail; k++) {
      if (i + k >= bytes.length || ((bytes[i + k] as number) & 0xc0) !== 0x80) return i;
    }
    i += tail + 1;
  }
  return bytes.length;
}

function wrongEncoding(offset: number) {
  return importError(
    "import.encoding_unsupported",
    "The file is not UTF-8 or UTF-16 text (it may be Windows-1252 or Latin-1). Save it as UTF-8 CSV and upload it again.",
    { byteOffset: offset },
  );
}

/** C0 controls other than TAB, LF, VT, FF, CR, plus DEL: text files hardly ever hold them. */
function countControls(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && (c < 0x09 || c > 0x0d)) || c === 0x7f) count++;
  }
  return count;
}

/** Refuses text that is really binary: NUL characters, or more than a trace of control bytes. */
export function assertTextual(text: string): void {
  if (text.includes("\u0000")) throw binaryFile("nul", "binary data (it contains NUL bytes)");
  const controls = countControls(text);
  if (controls > 8 && controls > text.length * 0.005) {
    throw binaryFile("control", "binary data (it contains control bytes)");
  }
}

/**
 * Streaming UTF-16 decoding: an odd byte or half a surrogate pair at the end of a chunk waits
 * for the next one. Big-endian is byte-swapped into little-endian, which every Node build decodes.
 */
class Utf16Decoder {
  // The default TextDecoder drops a leading BOM (a big-endian one is swapped into it first).
  private readonly decoder = new TextDecoder("utf-16le");
  private carry: number | null = null;

  constructor(private readonly encoding: "utf-16le" | "utf-16be") {}

  write(chunk: Uint8Array): string {
    let bytes = chunk;
    if (this.carry !== null) {
      bytes = new Uint8Array(chunk.length + 1);
      bytes[0] = this.carry;
      bytes.set(chunk, 1);
      this.carry = null;
    }
    if (bytes.length % 2) {
      this.carry = bytes[bytes.length - 1] as number;
      bytes = bytes.subarray(0, bytes.length - 1);
    }
    if (this.encoding === "utf-16be") bytes = Buffer.from(bytes).swap16();
    return this.decoder.decode(bytes, { stream: true });
  }

  end(): string {
    return this.decoder.decode();
  }
}

/**
 * Decodes the sample `detect` looks at. `final` says the bytes are the whole file; otherwise a
 * character cut by the end of the sample is dropped.
 */
export function decodeSample(bytes: Uint8Array, info: EncodingInfo, final: boolean): string {
  let text: string;
  if (info.encoding === "utf-8") {
    const body = info.bom ? bytes.subarray(3) : bytes;
    const end = final ? body.length : completeUtf8Length(body);
    const whole = body.subarray(0, end);
    if (whole.includes(0)) throw binaryFile("nul", "binary data (it contains NUL bytes)");
    if (!isUtf8(whole)) throw wrongEncoding(firstInvalidUtf8(whole) + (info.bom ? 3 : 0));
    text = Buffer.from(whole.buffer, whole.byteOffset, whole.byteLength).toString("utf8");
  } else {
    const utf16 = new Utf16Decoder(info.encoding);
    text = utf16.write(bytes) + (final ? utf16.end() : "");
    // A cut surrogate pair at the end of a partial sample decodes to U+FFFD; drop it.
    if (!final && text.endsWith("\ufffd")) text = text.slice(0, -1);
  }
  assertTextual(text);
  return text;
}

/**
 * Streams the file as UTF-8 bytes for the CSV parser: UTF-8 is validated and passed through,
 * UTF-16 is transcoded chunk by chunk. The BOM is dropped. Bytes are never held whole.
 */
export async function* toUtf8Chunks(
  chunks: AsyncIterable<Uint8Array>,
  info: EncodingInfo,
): AsyncGenerator<Buffer> {
  let offset = 0;
  let skipBom = info.bom;
  if (info.encoding === "utf-8") {
    let carry: Buffer = Buffer.alloc(0);
    for await (const chunk of chunks) {
      let buf = carry.length
        ? Buffer.concat([carry, chunk])
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      if (skipBom) {
        if (buf.length < 3) {
          carry = buf;
          continue;
        }
        buf = buf.subarray(3);
        offset = 3;
        skipBom = false;
      }
      const end = completeUtf8Length(buf);
      const whole = buf.subarray(0, end);
      carry = Buffer.from(buf.subarray(end));
      if (whole.includes(0)) throw binaryFile("nul", "binary data (it contains NUL bytes)");
      if (!isUtf8(whole)) throw wrongEncoding(offset + firstInvalidUtf8(whole));
      offset += whole.length;
      if (whole.length) yield whole;
    }
    if (carry.length) {
      if (!isUtf8(carry)) throw wrongEncoding(offset);
      yield carry;
    }
    return;
  }
  const decoder = new Utf16Decoder(info.encoding);
  for await (const chunk of chunks) {
    const text = decoder.write(chunk);
    if (text.includes("\u0000"))
      throw binaryFile("nul", "binary data (it contains NUL characters)");
    if (text) yield Buffer.from(text, "utf8");
  }
  const rest = decoder.end();
  if (rest) yield Buffer.from(rest, "utf8");
}
