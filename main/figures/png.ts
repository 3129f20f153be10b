/**
 * Just enough PNG: read the chunks, write the physical pixel size (pHYs) a browser screenshot
 * lacks, and decode 8-bit non-interlaced images (what Chromium writes) for re-encoding as TIFF.
 */
import { unzlibSync } from 'fflate';

const SIGNATURE = Uint8Array.of(137, 80, 78, 71, 13, 10, 26, 10);
const METRES_PER_INCH = 0.0254;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export interface PngChunk {
  type: string;
  data: Uint8Array;
}

export class PngError extends Error {
  override readonly name = 'PngError';
}

export function pngChunks(png: Uint8Array): PngChunk[] {
  if (png.length < 8 || !SIGNATURE.every((b, i) => png[i] === b)) throw new PngError('not a PNG file: bad signature');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: PngChunk[] = [];
  let at = 8;
  while (at + 12 <= png.length) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    if (at + 12 + length > png.length) throw new PngError(`PNG chunk ${type} runs past the end of the file`);
    chunks.push({ type, data: png.subarray(at + 8, at + 8 + length) });
    at += 12 + length;
    if (type === 'IEND') break;
  }
  return chunks;
}

function chunkBytes(chunk: PngChunk): Uint8Array {
  const out = new Uint8Array(12 + chunk.data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, chunk.data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = chunk.type.charCodeAt(i);
  out.set(chunk.data, 8);
  view.setUint32(8 + chunk.data.length, crc32(out.subarray(4, 8 + chunk.data.length)));
  return out;
}

export function encodeChunks(chunks: PngChunk[]): Uint8Array {
  const parts = [SIGNATURE, ...chunks.map(chunkBytes)];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The PNG with its resolution set to `dpi` (pHYs in pixels per metre, as the format requires). */
export function withResolution(png: Uint8Array, dpi: number): Uint8Array {
  const ppm = Math.round(dpi / METRES_PER_INCH);
  const phys = new Uint8Array(9);
  const view = new DataView(phys.buffer);
  view.setUint32(0, ppm);
  view.setUint32(4, ppm);
  phys[8] = 1; // unit: metre
  const chunks = pngChunks(png).filter((c) => c.type !== 'pHYs');
  // pHYs must come before the first IDAT; right after IHDR always is.
  chunks.splice(1, 0, { type: 'pHYs', data: phys });
  return encodeChunks(chunks);
}

/** Resolution of a PNG in dots per inch, or null without a pHYs chunk in metres. */
export function pngResolution(png: Uint8Array): { x: number; y: number } | null {
  const phys = pngChunks(png).find((c) => c.type === 'pHYs');
  if (!phys || phys.data[8] !== 1) return null;
  const view = new DataView(phys.data.buffer, phys.data.byteOffset, 9);
  return { x: view.getUint32(0) * METRES_PER_INCH, y: view.getUint32(4) * METRES_PER_INCH };
}

export interface RasterImage {
  width: number;
  height: number;
  /** 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA; 8 bits each, row-major, no padding. */
  channels: 1 | 2 | 3 | 4;
  data: Uint8Array;
}

const CHANNELS: Record<number, RasterImage['channels']> = { 0: 1, 4: 2, 2: 3, 6: 4 };

export function decodePng(png: Uint8Array): RasterImage {
  const chunks = pngChunks(png);
  const ihdr = chunks[0];
  if (ihdr?.type !== 'IHDR') throw new PngError('PNG without IHDR');
  const view = new DataView(ihdr.data.buffer, ihdr.data.byteOffset, 13);
  const width = view.getUint32(0);
  const height = view.getUint32(4);
  const [depth, colourType, , , interlace] = ihdr.data.subarray(8, 13);
  const channels = CHANNELS[colourType];
  if (depth !== 8 || !channels || interlace !== 0) {
    throw new PngError(
      `unsupported PNG (bit depth ${depth}, colour type ${colourType}, interlace ${interlace}): 8-bit non-interlaced only`,
    );
  }
  const idat = chunks.filter((c) => c.type === 'IDAT');
  const joined = new Uint8Array(idat.reduce((n, c) => n + c.data.length, 0));
  let at = 0;
  for (const c of idat) {
    joined.set(c.data, at);
    at += c.data.length;
  }
  const raw = unzlibSync(joined);
  const stride = width * channels;
  if (raw.length < height * (stride + 1)) throw new PngError('PNG image data is shorter than its size says');
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = out.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? out.subarray((y - 1) * stride, y * stride) : null;
    unfilter(filter, src, row, prev, channels);
  }
  return { width, height, channels, data: out };
}

function unfilter(filter: number, src: Uint8Array, row: Uint8Array, prev: Uint8Array | null, bpp: number): void {
  const n = src.length;
  for (let i = 0; i < n; i++) {
    const a = i >= bpp ? row[i - bpp] : 0;
    const b = prev ? prev[i] : 0;
    const c = prev && i >= bpp ? prev[i - bpp] : 0;
    let v: number;
    switch (filter) {
      case 0:
        v = src[i];
        break;
      case 1:
        v = src[i] + a;
        break;
      case 2:
        v = src[i] + b;
        break;
      case 3:
        v = src[i] + ((a + b) >> 1);
        break;
      case 4: {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v = src[i] + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
        break;
      }
      default:
        throw new PngError(`bad PNG row filter ${filter}`);
    }
    row[i] = v & 0xff;
  }
}
