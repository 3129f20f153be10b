/**
 * A baseline TIFF writer for exported figures: 8-bit RGB, LZW-compressed strips (what journals ask
 * for), and the resolution in XResolution/YResolution with ResolutionUnit = inch.
 */
import type { RasterImage } from './png.js';

/** TIFF LZW (as libtiff writes it): 9–12-bit codes, MSB first, code width grows one code early. */
export function lzwEncode(input: Uint8Array): Uint8Array {
  const CLEAR = 256;
  const EOI = 257;
  const FIRST = 258;
  const LAST = 4094;
  // Direct-indexed dictionary: (prefix code << 8 | byte) → code, valid while its generation matches.
  const codes = new Uint16Array(4096 * 256);
  const generation = new Uint32Array(4096 * 256);
  let gen = 1;
  let out = new Uint8Array(Math.max(1024, input.length + (input.length >> 2)));
  let outLen = 0;
  let bitBuf = 0;
  let bitCount = 0;
  let nbits = 9;
  let maxcode = 511;
  let free = FIRST;

  const put = (code: number) => {
    bitBuf = (bitBuf << nbits) | code;
    bitCount += nbits;
    while (bitCount >= 8) {
      if (outLen === out.length) {
        const grown = new Uint8Array(out.length * 2);
        grown.set(out);
        out = grown;
      }
      out[outLen++] = (bitBuf >>> (bitCount - 8)) & 0xff;
      bitCount -= 8;
    }
    bitBuf &= (1 << bitCount) - 1;
  };
  const reset = () => {
    gen++;
    free = FIRST;
    nbits = 9;
    maxcode = 511;
  };
  const added = () => {
    if (free === LAST) {
      put(CLEAR);
      reset();
    } else if (free > maxcode) {
      nbits++;
      maxcode = (1 << nbits) - 1;
    }
  };

  put(CLEAR);
  if (input.length > 0) {
    let ent = input[0];
    for (let i = 1; i < input.length; i++) {
      const c = input[i];
      const key = (ent << 8) | c;
      if (generation[key] === gen) {
        ent = codes[key];
        continue;
      }
      put(ent);
      codes[key] = free++;
      generation[key] = gen;
      ent = c;
      added();
    }
    put(ent);
    free++;
    added();
  }
  put(EOI);
  const tail = new Uint8Array(outLen + 1);
  tail.set(out.subarray(0, outLen));
  if (bitCount > 0) tail[outLen++] = (bitBuf << (8 - bitCount)) & 0xff;
  return tail.subarray(0, outLen);
}

const TYPE = { SHORT: 3, LONG: 4, RATIONAL: 5, ASCII: 2 } as const;

interface Entry {
  tag: number;
  type: number;
  values: number[] | string;
}

/** RGB TIFF of the image (alpha composited onto white), `dpi` in its resolution tags. */
export function encodeTiff(image: RasterImage, dpi: number, software: string): Uint8Array {
  const { width, height } = image;
  const rgb = toRgb(image);
  const rowBytes = width * 3;
  const rowsPerStrip = Math.max(1, Math.floor((256 * 1024) / rowBytes));
  const strips: Uint8Array[] = [];
  for (let y = 0; y < height; y += rowsPerStrip) {
    strips.push(lzwEncode(rgb.subarray(y * rowBytes, Math.min(height, y + rowsPerStrip) * rowBytes)));
  }
  const entries: Entry[] = [
    { tag: 256, type: TYPE.LONG, values: [width] },
    { tag: 257, type: TYPE.LONG, values: [height] },
    { tag: 258, type: TYPE.SHORT, values: [8, 8, 8] },
    { tag: 259, type: TYPE.SHORT, values: [5] }, // LZW
    { tag: 262, type: TYPE.SHORT, values: [2] }, // RGB
    { tag: 273, type: TYPE.LONG, values: strips.map(() => 0) }, // strip offsets, filled in below
    { tag: 277, type: TYPE.SHORT, values: [3] },
    { tag: 278, type: TYPE.LONG, values: [rowsPerStrip] },
    { tag: 279, type: TYPE.LONG, values: strips.map((s) => s.length) },
    { tag: 282, type: TYPE.RATIONAL, values: [dpi, 1] },
    { tag: 283, type: TYPE.RATIONAL, values: [dpi, 1] },
    { tag: 284, type: TYPE.SHORT, values: [1] }, // chunky
    { tag: 296, type: TYPE.SHORT, values: [2] }, // inch
    { tag: 305, type: TYPE.ASCII, values: software + '\0' },
  ];
  const size = (e: Entry) =>
    e.type === TYPE.ASCII ? (e.values as string).length : (e.values as number[]).length * (e.type === TYPE.SHORT ? 2 : 4);
  const ifdSize = 2 + entries.length * 12 + 4;
  // Layout: header, IFD, out-of-line values, strips.
  let at = 8 + ifdSize;
  const outOfLine = new Map<number, number>();
  for (const e of entries) {
    if (size(e) > 4) {
      outOfLine.set(e.tag, at);
      at += size(e) + (size(e) & 1);
    }
  }
  const offsets = entries.find((e) => e.tag === 273)!;
  offsets.values = strips.map((s) => {
    const offset = at;
    at += s.length;
    return offset;
  });
  const file = new Uint8Array(at);
  const view = new DataView(file.buffer);
  file.set([0x49, 0x49, 42, 0]); // little-endian
  view.setUint32(4, 8, true);
  view.setUint16(8, entries.length, true);
  const write = (e: Entry, pos: number) => {
    if (e.type === TYPE.ASCII) {
      for (let i = 0; i < (e.values as string).length; i++) file[pos + i] = (e.values as string).charCodeAt(i) & 0x7f;
      return;
    }
    (e.values as number[]).forEach((v, i) => {
      if (e.type === TYPE.SHORT) view.setUint16(pos + i * 2, v, true);
      else view.setUint32(pos + i * 4, v, true);
    });
  };
  entries.forEach((e, i) => {
    const pos = 10 + i * 12;
    view.setUint16(pos, e.tag, true);
    view.setUint16(pos + 2, e.type, true);
    const count = e.type === TYPE.ASCII ? (e.values as string).length : e.type === TYPE.RATIONAL ? 1 : (e.values as number[]).length;
    view.setUint32(pos + 4, count, true);
    const where = outOfLine.get(e.tag);
    if (where === undefined) write(e, pos + 8);
    else {
      view.setUint32(pos + 8, where, true);
      write(e, where);
    }
  });
  view.setUint32(10 + entries.length * 12, 0, true); // no next IFD
  for (let s = 0; s < strips.length; s++) file.set(strips[s], (offsets.values as number[])[s]);
  return file;
}

function toRgb(image: RasterImage): Uint8Array {
  const { width, height, channels, data } = image;
  if (channels === 3) return data;
  const out = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) {
    const grey = channels <= 2;
    const alpha = channels === 2 ? data[p * 2 + 1] : channels === 4 ? data[p * 4 + 3] : 255;
    for (let c = 0; c < 3; c++) {
      const v = grey ? data[p * channels] : data[p * channels + c];
      out[p * 3 + c] = Math.round((v * alpha + 255 * (255 - alpha)) / 255);
    }
  }
  return out;
}
