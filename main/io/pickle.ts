/**
 * Pickled NumPy data (Suite2p stat.npy/ops.npy, CaImAn .npz members): pickleparser with a resolver
 * that rebuilds ndarrays, dtypes and scalars for NumPy 1.x (`numpy.core`) and 2.x (`numpy._core`)
 * module names, and Python-2 pickles whose byte strings must be read as latin1. Nothing in a pickle
 * is executed: unknown classes become inert objects that name their module and class.
 */
import { BufferReader, NameRegistry, Parser } from 'pickleparser';
import type { DType, TypedArray } from '../../shared/domain/ndarray.js';
import { decodeNumbers, fortranToC, isNpy, parseNpyHeader } from './npy.js';
import { DataError } from './types.js';

/** An ndarray rebuilt from a pickle. Object arrays hold their items in `items`. */
export class PickledArray {
  shape: number[] = [];
  dtype: PickledDtype | undefined;
  data: TypedArray | undefined;
  items: unknown[] | undefined;

  __setstate__(state: unknown[]): void {
    // (version, shape, dtype, is_fortran, rawdata), or the old form without the version.
    const s = state.length === 5 ? state.slice(1) : state;
    const [shape, dtype, fortran, raw] = s as [unknown, PickledDtype, boolean, unknown];
    this.shape = Array.isArray(shape) ? shape.map(Number) : [];
    this.dtype = dtype;
    if (Array.isArray(raw)) {
      this.items = raw;
      return;
    }
    // Strings, records and other non-numeric arrays are kept out: nothing here needs them.
    if (!(dtype instanceof PickledDtype) || !dtype.numeric) return;
    const bytes = toBytes(raw);
    const n = this.shape.reduce((a, b) => a * b, 1);
    if (bytes.length < n * dtype.itemSize) throw new Error(`ndarray data holds ${bytes.length} bytes, shape [${this.shape.join(', ')}] needs ${n * dtype.itemSize}`);
    let data = decodeNumbers(bytes.subarray(0, n * dtype.itemSize), { dtype: dtype.numeric, littleEndian: dtype.littleEndian, itemSize: dtype.itemSize });
    if (fortran) data = fortranToC(data, this.shape);
    this.data = data;
  }

  /** Items of an object array, or the numbers of a numeric one. */
  get values(): unknown[] {
    return this.items ?? Array.from((this.data ?? []) as ArrayLike<number>, Number);
  }
}

const NUMERIC: Record<string, DType> = {
  f4: 'float32',
  f8: 'float64',
  i1: 'int8',
  i2: 'int16',
  i4: 'int32',
  i8: 'int64',
  u1: 'uint8',
  u2: 'uint16',
  u4: 'uint32',
  u8: 'uint64',
  b1: 'uint8',
};

export class PickledDtype {
  littleEndian = true;
  constructor(readonly descr: string) {}

  get numeric(): DType | undefined {
    return NUMERIC[this.descr];
  }

  get itemSize(): number {
    return Number(/\d+$/.exec(this.descr)?.[0] ?? 0);
  }

  __setstate__(state: unknown[]): void {
    // (version, byteorder, subdescr, names, fields, elsize, alignment, flags)
    if (state[1] === '>') this.littleEndian = false;
  }
}

function toBytes(raw: unknown): Uint8Array {
  if (raw instanceof Uint8Array) return raw;
  if (ArrayBuffer.isView(raw)) return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  if (typeof raw === 'string') {
    // Python 2 str / _codecs.encode(…, 'latin1'): one char per byte.
    const out = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i) & 0xff;
    return out;
  }
  throw new Error(`expected array bytes, found ${typeof raw}`);
}

/** Python-2 byte strings decoded byte for byte (TextDecoder's 'ascii' is windows-1252 and would alter bytes 0x80–0x9f). */
class Latin1Reader extends BufferReader {
  override string(size: number, encoding: 'ascii' | 'utf-8'): string {
    if (encoding !== 'ascii') return super.string(size, encoding);
    const bytes = this.bytes(size);
    let s = '';
    for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
    return s;
  }
}

function reconstruct(): PickledArray {
  return new PickledArray();
}

function scalar(dtype: PickledDtype, raw: unknown): number | bigint | string {
  const bytes = toBytes(raw);
  if (!dtype.numeric) return new TextDecoder().decode(bytes);
  const v = decodeNumbers(bytes, { dtype: dtype.numeric, littleEndian: dtype.littleEndian, itemSize: dtype.itemSize })[0];
  return typeof v === 'bigint' ? Number(v) : v;
}

const registry = new NameRegistry();
for (const mod of ['numpy.core.multiarray', 'numpy._core.multiarray']) {
  registry.register(mod, '_reconstruct', reconstruct);
  registry.register(mod, 'scalar', scalar);
}
registry
  .register('numpy', 'ndarray', PickledArray)
  .register('numpy', 'dtype', function dtype(descr: string) {
    return new PickledDtype(String(descr));
  })
  .register('_codecs', 'encode', (s: string) => toBytes(s))
  .register('builtins', 'bytearray', (s: unknown) => (s === undefined ? new Uint8Array(0) : toBytes(s)))
  .register('__builtin__', 'bytearray', (s: unknown) => (s === undefined ? new Uint8Array(0) : toBytes(s)));

/** Unpickles bytes with the NumPy resolver; `file`/`object` name the source in errors. */
export function unpickle(bytes: Uint8Array, file: string, object: string): unknown {
  try {
    const parser = new Parser({ nameResolver: registry });
    return parser.read(new Latin1Reader(bytes));
  } catch (e) {
    throw new DataError(file, object, `not a readable pickle: ${(e as Error).message}`);
  }
}

/** The contents of a .npy file held in memory: numbers, or a pickled object array. */
export function loadNpyBytes(bytes: Uint8Array, file: string, object: string): PickledArray {
  if (!isNpy(bytes)) throw new DataError(file, object, 'not a NumPy .npy file (magic bytes \\x93NUMPY missing)');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = major === 1 ? 10 : 12;
  const len = major === 1 ? view.getUint16(8, true) : bytes.length >= 12 ? view.getUint32(8, true) : 0;
  const text = new TextDecoder('latin1').decode(bytes.subarray(start, start + len));
  if (/'descr'\s*:\s*'\|O'/.test(text)) {
    const shape = (/'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1] ?? '')
      .split(',')
      .filter((s) => s.trim())
      .map(Number);
    const value = unpickle(bytes.subarray(start + len), file, object);
    if (value instanceof PickledArray) return value;
    // np.save of an object array pickles the array itself; anything else is wrapped like a 0-d array.
    const arr = new PickledArray();
    arr.shape = shape;
    arr.items = [value];
    return arr;
  }
  const header = parseNpyHeader(bytes, file, object);
  const n = header.shape.reduce((a, b) => a * b, 1);
  const need = header.dataOffset + n * header.itemSize;
  if (bytes.length < need) throw new DataError(file, object, `truncated: shape [${header.shape.join(', ')}] needs ${need} bytes, found ${bytes.length}`);
  const arr = new PickledArray();
  arr.shape = header.shape;
  let data = decodeNumbers(bytes.subarray(header.dataOffset, need), header);
  if (header.fortranOrder) data = fortranToC(data, header.shape);
  arr.data = data;
  return arr;
}

/** The single item of a 0-d object array (ops.npy's dict), or the array itself. */
export function item(v: unknown): unknown {
  return v instanceof PickledArray && v.items && v.shape.length === 0 ? v.items[0] : v;
}

/** Numbers out of an ndarray, list or scalar. */
export function toNumbers(v: unknown): number[] {
  if (v instanceof PickledArray) return v.values.map(Number);
  if (Array.isArray(v)) return v.map(Number);
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>, Number);
  return typeof v === 'number' || typeof v === 'bigint' ? [Number(v)] : [];
}

/** Python class name of an unpickled object ('scipy.sparse._csc.csc_matrix'), '' for plain values. */
export function className(v: unknown): string {
  if (v && typeof v === 'object' && '__module__' in v && '__name__' in v) return `${String(v.__module__)}.${String(v.__name__)}`;
  return '';
}
