import { deflateSync } from "node:zlib";

/** A small PNG writer and header reader: 8-bit RGB, one IDAT, optional tEXt chunks. */

export const pngSignature = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const crcTable = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffffffff;
  for (let i = start; i < end; i++) crc = crcTable[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "latin1");
  out.set(data, 8);
  out.writeUInt32BE(crc32(out, 4, 8 + data.length), 8 + data.length);
  return out;
}

/**
 * Encodes `rgb` (width * height * 3 bytes, row-major) as a PNG. Rows use the "Up" filter, which
 * turns smooth vertical gradients into runs of small numbers that deflate well.
 */
export function encodePng(
  width: number,
  height: number,
  rgb: Uint8Array,
  text: Record<string, string> = {},
): Uint8Array {
  if (rgb.length !== width * height * 3) throw new Error("encodePng: pixel buffer size mismatch");
  const stride = width * 3;
  const raw = Buffer.alloc((stride + 1) * height);
  raw.set(rgb.subarray(0, stride), 1); // first row: filter 0 (None)
  for (let y = 1; y < height; y++) {
    const out = y * (stride + 1) + 1;
    const row = y * stride;
    const above = row - stride;
    raw[out - 1] = 2;
    for (let x = 0; x < stride; x++) raw[out + x] = (rgb[row + x]! - rgb[above + x]!) & 0xff;
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: truecolour RGB
  const textChunks = Object.entries(text).map(([key, value]) =>
    chunk("tEXt", Buffer.from(`${key}\0${toLatin1(value)}`, "latin1")),
  );
  return new Uint8Array(
    Buffer.concat([
      pngSignature,
      chunk("IHDR", ihdr),
      ...textChunks,
      chunk("IDAT", deflateSync(raw, { level: 6 })),
      chunk("IEND", new Uint8Array(0)),
    ]),
  );
}

function toLatin1(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, "?").slice(0, 2000);
}

export interface PngInfo {
  width: number;
  height: number;
  bitDepth: number;
  colourType: number;
}

/** Reads the IHDR of a PNG; undefined when the bytes are not a PNG. */
export function readPngInfo(bytes: Uint8Array): PngInfo | undefined {
  if (bytes.length < 33) return undefined;
  for (let i = 0; i < pngSignature.length; i++) if (bytes[i] !== pngSignature[i]) return undefined;
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.toString("latin1", 12, 16) !== "IHDR") return undefined;
  return {
    width: view.readUInt32BE(16),
    height: view.readUInt32BE(20),
    bitDepth: view[24]!,
    colourType: view[25]!,
  };
}

export interface PngChunk {
  type: string;
  data: Buffer;
  crcOk: boolean;
}

/** Splits a PNG into its chunks, checking every CRC (used by tests and by image validation). */
export function readPngChunks(bytes: Uint8Array): PngChunk[] {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks: PngChunk[] = [];
  let offset = pngSignature.length;
  while (offset + 12 <= view.length) {
    const length = view.readUInt32BE(offset);
    const type = view.toString("latin1", offset + 4, offset + 8);
    const end = offset + 8 + length;
    if (end + 4 > view.length) throw new Error(`PNG chunk ${type} runs past the end`);
    const crcOk = crc32(view, offset + 4, end) === view.readUInt32BE(end);
    chunks.push({ type, data: view.subarray(offset + 8, end), crcOk });
    offset = end + 4;
    if (type === "IEND") break;
  }
  return chunks;
}
