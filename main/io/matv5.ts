/**
 * Our own MATLAB Level 5 MAT-file reader (v5/v6/v7: miCOMPRESSED variables, numeric classes of any
 * mi storage type, logical, char, cell, struct, object, sparse; opaque classes such as string or
 * table are listed but not decoded). At open only each variable's tag, name, class and dimensions
 * are read (a compressed variable is inflated just far enough); a variable's data is decoded on request.
 */
import { open as openFile } from 'node:fs/promises';
import { Inflate, inflateSync } from 'fflate';
import { readAt } from './read-at.js';
import { DataError } from './types.js';

export type MatValue =
  | { kind: 'numeric'; className: string; dims: number[]; /** column-major */ real: Float64Array; imag?: Float64Array; logical: boolean }
  | { kind: 'char'; dims: number[]; text: string }
  | { kind: 'cell'; dims: number[]; items: MatValue[] }
  | { kind: 'struct'; dims: number[]; className?: string; fields: string[]; items: Record<string, MatValue>[] }
  | { kind: 'sparse'; dims: number[]; ir: Int32Array; jc: Int32Array; real: Float64Array }
  | { kind: 'opaque'; dims: number[]; className: string };

export interface MatVariable {
  name: string;
  className: string;
  dims: number[];
  /** Where its element starts in the file, and whether it is compressed. */
  offset: number;
  length: number;
  compressed: boolean;
}

const CLASS_NAMES: Record<number, string> = {
  1: 'cell',
  2: 'struct',
  3: 'object',
  4: 'char',
  5: 'sparse',
  6: 'double',
  7: 'single',
  8: 'int8',
  9: 'uint8',
  10: 'int16',
  11: 'uint16',
  12: 'int32',
  13: 'uint32',
  14: 'int64',
  15: 'uint64',
  16: 'function',
  17: 'opaque',
};
const MI_MATRIX = 14;
const MI_COMPRESSED = 15;
const MAX_DEPTH = 64;

export function isMatV5(head: Uint8Array): boolean {
  if (head.length < 128) return false;
  const text = new TextDecoder('latin1').decode(head.subarray(0, 10));
  const mark = String.fromCharCode(head[126], head[127]);
  return text.startsWith('MATLAB 5.0') || (text.startsWith('MATLAB') && (mark === 'IM' || mark === 'MI') && head[124] + head[125] > 0);
}

/** Reads elements out of a buffer with bounds checks; every failure names the file and variable. */
class Cursor {
  readonly view: DataView;
  pos = 0;
  constructor(
    readonly bytes: Uint8Array,
    readonly le: boolean,
    readonly file: string,
    readonly object: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  fail(problem: string): never {
    throw new DataError(this.file, this.object, problem);
  }

  /** A data element: its type and payload; `pos` moves past its padding. */
  element(): { type: number; data: Uint8Array } {
    if (this.pos + 8 > this.bytes.length) this.fail(`truncated: element tag expected at byte ${this.pos} of ${this.bytes.length}`);
    const first = this.view.getUint32(this.pos, this.le);
    const small = first >>> 16;
    if (small !== 0) {
      // Small data element: type and size share the first word, data the second.
      const type = first & 0xffff;
      if (small > 4) this.fail(`small data element claims ${small} bytes (at most 4)`);
      const data = this.bytes.subarray(this.pos + 4, this.pos + 4 + small);
      this.pos += 8;
      return { type, data };
    }
    const type = first;
    const n = this.view.getUint32(this.pos + 4, this.le);
    const start = this.pos + 8;
    if (start + n > this.bytes.length)
      this.fail(`truncated: element of type ${type} needs ${n} bytes at byte ${start}, ${this.bytes.length - start} remain`);
    this.pos = start + n;
    if (type !== MI_COMPRESSED) this.pos += (8 - (n % 8)) % 8;
    return { type, data: this.bytes.subarray(start, start + n) };
  }

  numbers(el: { type: number; data: Uint8Array }): Float64Array {
    const sizes: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 2, 5: 4, 6: 4, 7: 4, 9: 8, 12: 8, 13: 8, 16: 1 };
    const size = sizes[el.type];
    if (!size) this.fail(`expected a numeric data element, found type ${el.type}`);
    const n = Math.floor(el.data.length / size);
    const out = new Float64Array(n);
    const v = new DataView(el.data.buffer, el.data.byteOffset, el.data.byteLength);
    const le = this.le;
    for (let i = 0, o = 0; i < n; i++, o += size) {
      switch (el.type) {
        case 1:
          out[i] = v.getInt8(o);
          break;
        case 2:
        case 16:
          out[i] = v.getUint8(o);
          break;
        case 3:
          out[i] = v.getInt16(o, le);
          break;
        case 4:
          out[i] = v.getUint16(o, le);
          break;
        case 5:
          out[i] = v.getInt32(o, le);
          break;
        case 6:
          out[i] = v.getUint32(o, le);
          break;
        case 7:
          out[i] = v.getFloat32(o, le);
          break;
        case 9:
          out[i] = v.getFloat64(o, le);
          break;
        case 12:
          out[i] = Number(v.getBigInt64(o, le));
          break;
        case 13:
          out[i] = Number(v.getBigUint64(o, le));
          break;
      }
    }
    return out;
  }
}

function matrixHeader(c: Cursor): { className: string; classId: number; complex: boolean; logical: boolean; dims: number[]; name: string } {
  const flags = c.element();
  if (flags.data.length < 8) c.fail(`array flags hold ${flags.data.length} bytes (expected 8)`);
  const fv = new DataView(flags.data.buffer, flags.data.byteOffset, 8);
  const word = fv.getUint32(0, c.le);
  const classId = word & 0xff;
  const dims = Array.from(c.numbers(c.element()));
  if (dims.some((d) => !Number.isInteger(d) || d < 0)) c.fail(`dimensions [${dims.join(', ')}] are not non-negative integers`);
  const nameEl = c.element();
  const name = new TextDecoder('latin1').decode(nameEl.data);
  return {
    className: CLASS_NAMES[classId] ?? `class ${classId}`,
    classId,
    complex: (word & 0x800) !== 0,
    logical: (word & 0x200) !== 0,
    dims,
    name,
  };
}

function count(dims: number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** Decodes one miMATRIX payload. */
function decodeMatrix(c: Cursor, depth: number): MatValue {
  if (depth > MAX_DEPTH) c.fail(`nesting deeper than ${MAX_DEPTH} levels`);
  if (c.pos >= c.bytes.length) return { kind: 'numeric', className: 'double', dims: [0, 0], real: new Float64Array(0), logical: false };
  const h = matrixHeader(c);
  const n = count(h.dims);
  switch (h.classId) {
    case 1: {
      if (n > c.bytes.length) c.fail(`cell of ${n} elements cannot fit in ${c.bytes.length} bytes`);
      const items: MatValue[] = [];
      for (let i = 0; i < n; i++) items.push(child(c, depth));
      return { kind: 'cell', dims: h.dims, items };
    }
    case 2:
    case 3: {
      const className = h.classId === 3 ? new TextDecoder('latin1').decode(c.element().data) : undefined;
      const lenEl = c.numbers(c.element());
      const len = lenEl[0];
      const namesEl = c.element().data;
      if (!(len > 0) || namesEl.length % len !== 0)
        c.fail(`struct field names: ${namesEl.length} bytes is not a multiple of the name length ${len}`);
      const fields: string[] = [];
      for (let i = 0; i < namesEl.length / len; i++) {
        const raw = namesEl.subarray(i * len, (i + 1) * len);
        const end = raw.indexOf(0);
        fields.push(new TextDecoder('latin1').decode(end >= 0 ? raw.subarray(0, end) : raw));
      }
      if (n * fields.length > c.bytes.length) c.fail(`struct of ${n} × ${fields.length} fields cannot fit in ${c.bytes.length} bytes`);
      const items: Record<string, MatValue>[] = [];
      for (let i = 0; i < n; i++) {
        const rec: Record<string, MatValue> = {};
        for (const f of fields) rec[f] = child(c, depth);
        items.push(rec);
      }
      return { kind: 'struct', dims: h.dims, className, fields, items };
    }
    case 4: {
      const el = c.element();
      const text =
        el.type === 17
          ? new TextDecoder(c.le ? 'utf-16le' : 'utf-16be').decode(el.data)
          : el.type === 16
            ? new TextDecoder('utf-8').decode(el.data)
            : String.fromCharCode(...Array.from(c.numbers(el)).slice(0, 1 << 20));
      return { kind: 'char', dims: h.dims, text: columnMajorText(text, h.dims) };
    }
    case 5: {
      const ir = Int32Array.from(c.numbers(c.element()));
      const jc = Int32Array.from(c.numbers(c.element()));
      const real = c.numbers(c.element());
      if (jc.length !== (h.dims[1] ?? 0) + 1) c.fail(`sparse column pointers: expected ${(h.dims[1] ?? 0) + 1}, found ${jc.length}`);
      return { kind: 'sparse', dims: h.dims, ir, jc, real };
    }
    case 6:
    case 7:
    case 8:
    case 9:
    case 10:
    case 11:
    case 12:
    case 13:
    case 14:
    case 15: {
      const real = c.numbers(c.element());
      if (real.length !== n) c.fail(`'${h.name}' (${h.className} [${h.dims.join(' × ')}]): expected ${n} values, found ${real.length}`);
      const imag = h.complex ? c.numbers(c.element()) : undefined;
      return { kind: 'numeric', className: h.className, dims: h.dims, real, imag, logical: h.logical };
    }
    default:
      return { kind: 'opaque', dims: h.dims, className: h.className };
  }
}

function child(c: Cursor, depth: number): MatValue {
  const el = c.element();
  if (el.type !== MI_MATRIX) c.fail(`expected a miMATRIX element inside a cell or struct, found type ${el.type}`);
  return decodeMatrix(new Cursor(el.data, c.le, c.file, c.object), depth + 1);
}

/** MATLAB char arrays are column-major: rows of a char matrix are joined with newlines. */
function columnMajorText(text: string, dims: number[]): string {
  const [rows, cols] = dims;
  if (!rows || rows <= 1 || !cols) return text;
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    let line = '';
    for (let k = 0; k < cols; k++) line += text[k * rows + r] ?? '';
    lines.push(line);
  }
  return lines.join('\n');
}

export interface MatFile {
  path: string;
  littleEndian: boolean;
  header: string;
  variables: MatVariable[];
}

/** Reads the header and every variable's name, class and dims. */
export async function scanMat(path: string): Promise<MatFile> {
  const fh = await openFile(path, 'r');
  try {
    const { size } = await fh.stat();
    const head = await readAt(fh, 0, 128);
    if (head.length < 128) throw new DataError(path, '', `truncated: a MAT-file header has 128 bytes, the file ${head.length}`);
    const mark = String.fromCharCode(head[126], head[127]);
    if (mark !== 'IM' && mark !== 'MI')
      throw new DataError(path, '', `not a MATLAB 5 MAT-file (endian indicator '${mark}', expected 'IM' or 'MI')`);
    const le = mark === 'IM';
    const variables: MatVariable[] = [];
    let pos = 128;
    while (pos + 8 <= size) {
      const tag = await readAt(fh, pos, 8);
      const tv = new DataView(tag.buffer, tag.byteOffset, 8);
      const type = tv.getUint32(0, le);
      const n = tv.getUint32(4, le);
      const start = pos + 8;
      if (start + n > size) throw new DataError(path, `element at byte ${pos}`, `truncated: needs ${n} bytes, ${size - start} remain`);
      if (type === MI_MATRIX || type === MI_COMPRESSED) {
        const compressed = type === MI_COMPRESSED;
        let first: Uint8Array;
        if (compressed) {
          first = await inflateHead(await readAt(fh, start, Math.min(n, 1 << 16)), path, `element at byte ${pos}`);
          const fv = new DataView(first.buffer, first.byteOffset, first.byteLength);
          if (first.length < 8 || fv.getUint32(0, le) !== MI_MATRIX)
            throw new DataError(path, `element at byte ${pos}`, 'compressed element does not hold a miMATRIX');
          first = first.subarray(8);
        } else {
          first = await readAt(fh, start, Math.min(n, 4096));
        }
        try {
          const h = matrixHeader(new Cursor(first, le, path, `element at byte ${pos}`));
          // A nameless variable is MATLAB's subsystem data (function handles, objects), not user data.
          if (h.name) variables.push({ name: h.name, className: h.className, dims: h.dims, offset: pos, length: n + 8, compressed });
        } catch (e) {
          if (!(e instanceof DataError)) throw e;
          throw new DataError(path, `element at byte ${pos}`, e.problem);
        }
      }
      pos = start + n + (type === MI_COMPRESSED ? 0 : (8 - (n % 8)) % 8);
    }
    return { path, littleEndian: le, header: new TextDecoder('latin1').decode(head.subarray(0, 116)).trim(), variables };
  } finally {
    await fh.close();
  }
}

/** Inflates just the first bytes of a zlib stream (enough for a variable's header). */
async function inflateHead(raw: Uint8Array, path: string, object: string): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const inflate = new Inflate((chunk) => parts.push(chunk));
  try {
    // zlib wrapper: 2 header bytes, then raw deflate.
    inflate.push(raw.subarray(2), false);
  } catch (e) {
    throw new DataError(path, object, `compressed variable is damaged: ${(e as Error).message}`);
  }
  const total = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Decodes one variable completely. */
export async function readMatVariable(mat: MatFile, variable: MatVariable): Promise<MatValue> {
  const fh = await openFile(mat.path, 'r');
  let raw: Uint8Array;
  try {
    raw = await readAt(fh, variable.offset + 8, variable.length - 8);
  } finally {
    await fh.close();
  }
  let payload = raw;
  if (variable.compressed) {
    try {
      payload = inflateSync(raw.subarray(2));
    } catch (e) {
      throw new DataError(mat.path, variable.name, `compressed variable is damaged: ${(e as Error).message}`);
    }
    const c = new Cursor(payload, mat.littleEndian, mat.path, variable.name);
    const el = c.element();
    if (el.type !== MI_MATRIX) c.fail(`expected a miMATRIX element, found type ${el.type}`);
    payload = el.data;
  }
  return decodeMatrix(new Cursor(payload, mat.littleEndian, mat.path, variable.name), 0);
}

/** A numeric matrix as row-major rows × cols (MATLAB stores columns first). */
export function toRowMajor(v: Extract<MatValue, { kind: 'numeric' }>): { rows: number; cols: number; data: Float64Array } {
  const [rows, cols = 1] = v.dims;
  const data = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) for (let i = 0; i < rows; i++) data[i * cols + j] = v.real[j * rows + i];
  return { rows, cols, data };
}
