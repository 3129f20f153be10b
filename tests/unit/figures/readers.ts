/**
 * Reading what exports write, independently of the code that wrote it: PDF page size and fonts
 * (poppler-utils), baseline TIFF with LZW, and image comparison helpers. Used by unit and e2e tests.
 */
import { execFileSync } from 'node:child_process';

/** pdfinfo's page size in points. */
export function pdfPageSize(file: string): { widthPt: number; heightPt: number; pages: number } {
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  const size = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(info);
  const pages = /Pages:\s+(\d+)/.exec(info);
  if (!size || !pages) throw new Error(`pdfinfo gave no page size for ${file}:\n${info}`);
  return { widthPt: Number(size[1]), heightPt: Number(size[2]), pages: Number(pages[1]) };
}

/** pdffonts' table rows: name, type, embedded, subset. */
export function pdfFonts(file: string): Array<{ name: string; type: string; embedded: boolean; subset: boolean; line: string }> {
  const lines = execFileSync('pdffonts', [file], { encoding: 'utf8' }).trim().split('\n').slice(2);
  return lines.map((line) => {
    const m = /^(\S+)\s+(.+?)\s{2,}(\S+)\s+(yes|no)\s+(yes|no)\s+(yes|no)/.exec(line);
    if (!m) throw new Error(`cannot read pdffonts line: ${line}`);
    return { name: m[1], type: m[2], embedded: m[4] === 'yes', subset: m[5] === 'yes', line };
  });
}

export interface TiffImage {
  width: number;
  height: number;
  tags: Map<number, number[]>;
  /** Pixel data, decompressed. */
  data: Uint8Array;
}

/** TIFF LZW decoding (with the early code-width change libtiff writes), written apart from the encoder. */
export function lzwDecode(input: Uint8Array, expectedLength: number): Uint8Array {
  const out = new Uint8Array(expectedLength);
  let n = 0;
  const prefix = new Int32Array(4096);
  const suffix = new Uint8Array(4096);
  const lengths = new Int32Array(4096);
  for (let i = 0; i < 256; i++) {
    suffix[i] = i;
    lengths[i] = 1;
    prefix[i] = -1;
  }
  let free = 258;
  let nbits = 9;
  let prev = -1;
  let bitPos = 0;
  const emit = (code: number) => {
    const len = lengths[code];
    if (n + len > out.length) throw new Error('LZW data decode to more bytes than the image holds');
    for (let k = len - 1, c = code; k >= 0; k--, c = prefix[c]) out[n + k] = suffix[c];
    n += len;
  };
  const firstByte = (code: number) => {
    let c = code;
    while (prefix[c] >= 0) c = prefix[c];
    return suffix[c];
  };
  while (bitPos + nbits <= input.length * 8) {
    let code = 0;
    for (let i = 0; i < nbits; i++, bitPos++) code = (code << 1) | ((input[bitPos >> 3] >> (7 - (bitPos & 7))) & 1);
    if (code === 257) break;
    if (code === 256) {
      free = 258;
      nbits = 9;
      prev = -1;
      continue;
    }
    if (prev < 0) {
      emit(code);
      prev = code;
      continue;
    }
    if (code > free) throw new Error(`bad LZW code ${code} (next free ${free})`);
    const head = code === free ? firstByte(prev) : firstByte(code);
    prefix[free] = prev;
    suffix[free] = head;
    lengths[free] = lengths[prev] + 1;
    free++;
    emit(code);
    prev = code;
    if (free + 1 >= 1 << nbits && nbits < 12) nbits++;
  }
  return out.subarray(0, n);
}

/** A baseline little- or big-endian TIFF: first IFD's tags and its strips, LZW or uncompressed. */
export function readTiff(file: Uint8Array): TiffImage {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const little = file[0] === 0x49;
  if (view.getUint16(2, little) !== 42) throw new Error('not a TIFF');
  const ifd = view.getUint32(4, little);
  const count = view.getUint16(ifd, little);
  const tags = new Map<number, number[]>();
  const SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8 };
  for (let i = 0; i < count; i++) {
    const at = ifd + 2 + i * 12;
    const tag = view.getUint16(at, little);
    const type = view.getUint16(at + 2, little);
    const n = view.getUint32(at + 4, little);
    const bytes = SIZE[type] * n;
    const base = bytes > 4 ? view.getUint32(at + 8, little) : at + 8;
    const values: number[] = [];
    for (let k = 0; k < n; k++) {
      if (type === 3) values.push(view.getUint16(base + k * 2, little));
      else if (type === 4) values.push(view.getUint32(base + k * 4, little));
      else if (type === 5) values.push(view.getUint32(base + k * 8, little), view.getUint32(base + k * 8 + 4, little));
      else values.push(file[base + k]);
    }
    tags.set(tag, values);
  }
  const width = tags.get(256)![0];
  const height = tags.get(257)![0];
  const offsets = tags.get(273)!;
  const counts = tags.get(279)!;
  const lzw = tags.get(259)?.[0] === 5;
  const parts = offsets.map((o, i) => {
    const strip = file.subarray(o, o + counts[i]);
    return lzw ? lzwDecode(strip, width * height * 4) : strip;
  });
  const data = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    data.set(p, at);
    at += p.length;
  }
  return { width, height, tags, data };
}

export interface GreyImage {
  width: number;
  height: number;
  /** 0 (black) … 1 (white), row-major. */
  data: Float32Array;
}

/** Luma (Rec. 601) of an 8-bit grey, RGB or RGBA image, 0–1. */
export function grey(image: { width: number; height: number; channels: number; data: Uint8Array }): GreyImage {
  const { width, height, channels, data } = image;
  const out = new Float32Array(width * height);
  for (let p = 0; p < out.length; p++) {
    const i = p * channels;
    out[p] = (channels >= 3 ? 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2] : data[i]) / 255;
  }
  return { width, height, data: out };
}

function crop(image: GreyImage, x0: number, y0: number, width: number, height: number): GreyImage {
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++)
    data.set(image.data.subarray((y0 + y) * image.width + x0, (y0 + y) * image.width + x0 + width), y * width);
  return { width, height, data };
}

/**
 * The overlap of two images at the shift (within ±maxShift px) that minimises their mean absolute
 * difference: sub-pixel placement and text metrics may move a figure by a pixel or two.
 */
export function aligned(a: GreyImage, b: GreyImage, maxShift: number): { dx: number; dy: number; a: GreyImage; b: GreyImage } {
  const width = Math.min(a.width, b.width) - 2 * maxShift;
  const height = Math.min(a.height, b.height) - 2 * maxShift;
  let best = { cost: Infinity, dx: 0, dy: 0 };
  for (let dy = -maxShift; dy <= maxShift; dy++) {
    for (let dx = -maxShift; dx <= maxShift; dx++) {
      let cost = 0;
      for (let y = 0; y < height; y += 2) {
        const ra = (y + maxShift) * a.width + maxShift;
        const rb = (y + maxShift + dy) * b.width + maxShift + dx;
        for (let x = 0; x < width; x += 2) cost += Math.abs(a.data[ra + x] - b.data[rb + x]);
      }
      if (cost < best.cost) best = { cost, dx, dy };
    }
  }
  return {
    dx: best.dx,
    dy: best.dy,
    a: crop(a, maxShift, maxShift, width, height),
    b: crop(b, maxShift + best.dx, maxShift + best.dy, width, height),
  };
}

/** Mean grey level over a cols × rows grid of boxes. */
export function boxGrey(image: GreyImage, cols: number, rows: number): Float64Array {
  const sums = new Float64Array(cols * rows);
  const counts = new Float64Array(cols * rows);
  for (let y = 0; y < image.height; y++) {
    const r = Math.min(rows - 1, Math.floor((y / image.height) * rows));
    for (let x = 0; x < image.width; x++) {
      const c = Math.min(cols - 1, Math.floor((x / image.width) * cols));
      sums[r * cols + c] += image.data[y * image.width + x];
      counts[r * cols + c]++;
    }
  }
  return sums.map((s, i) => s / counts[i]);
}

export { pearson as correlation } from '../helpers.js';
