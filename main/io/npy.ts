/**
 * NumPy .npy files: our own small reader and writer (format versions 1–3). Reads the header only at
 * open time; row slices of C-ordered arrays are read at their byte offset without loading the file.
 */
import { open as openFile, writeFile, type FileHandle } from 'node:fs/promises';
import type { DType, NdArray, TypedArray } from '../../shared/domain/ndarray.js';
import { sizeOf, typedArrayConstructor } from '../../shared/domain/ndarray.js';
import { DataError } from './types.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export interface NpyHeader {
  dtype: DType;
  /** Original descr string, e.g. '<f4'. */
  descr: string;
  littleEndian: boolean;
  itemSize: number;
  shape: number[];
  fortranOrder: boolean;
  /** Byte offset of the first data byte. */
  dataOffset: number;
}

const KINDS: Record<string, Record<number, DType>> = {
  f: { 4: 'float32', 8: 'float64' },
  i: { 1: 'int8', 2: 'int16', 4: 'int32', 8: 'int64' },
  u: { 1: 'uint8', 2: 'uint16', 4: 'uint32', 8: 'uint64' },
  b: { 1: 'uint8' },
};

export function isNpy(head: Uint8Array): boolean {
  return MAGIC.every((b, i) => head[i] === b);
}

/** Parses the header from the first bytes of a file; `file` and `object` only name things in errors. */
export function parseNpyHeader(head: Uint8Array, file: string, object = ''): NpyHeader {
  const fail = (problem: string): never => {
    throw new DataError(file, object, problem);
  };
  if (head.length < 10 || !isNpy(head)) fail('not a NumPy .npy file (magic bytes \\x93NUMPY missing)');
  const major = head[6];
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (head.length < 12) fail('truncated .npy header');
    headerLen = view.getUint32(8, true);
    start = 12;
  } else {
    return fail(`unsupported .npy format version ${major}.${head[7]} (expected 1, 2 or 3)`);
  }
  if (headerLen > 1 << 20) fail(`header length ${headerLen} bytes is absurd (expected < 1 MiB)`);
  if (head.length < start + headerLen) fail(`truncated header: expected ${start + headerLen} bytes, file has ${head.length}`);
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(head.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    return fail(`header is not a NumPy header dict: ${JSON.stringify(text.slice(0, 120))}`);
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const n = Number(s.replace(/L$/, ''));
      if (!Number.isSafeInteger(n) || n < 0) fail(`shape entry ${JSON.stringify(s)} is not a non-negative integer`);
      return n;
    });
  const m = /^([<>|=])([a-zA-Z])(\d+)$/.exec(descr);
  if (!m) return fail(`dtype '${descr}' is not supported (expected numeric dtypes such as <f4, <f8, <i4)`);
  const [, order, kind, sizeText] = m;
  const itemSize = Number(sizeText);
  const dtype = KINDS[kind]?.[itemSize];
  if (!dtype) {
    return fail(
      kind === 'O'
        ? 'holds Python objects (a pickled object array), not numbers'
        : `dtype '${descr}' is not supported (expected numeric dtypes such as <f4, <f8, <i4)`,
    );
  }
  return {
    dtype,
    descr,
    littleEndian: order !== '>',
    itemSize,
    shape,
    fortranOrder: fortran === 'True',
    dataOffset: start + headerLen,
  };
}

/** Converts raw bytes (any alignment, either byte order) into a fresh typed array of the dtype. */
export function decodeNumbers(bytes: Uint8Array, header: Pick<NpyHeader, 'dtype' | 'littleEndian' | 'itemSize'>): TypedArray {
  const Ctor = typedArrayConstructor(header.dtype);
  const n = Math.floor(bytes.byteLength / header.itemSize);
  const out = new Ctor(n);
  const dst = new Uint8Array(out.buffer);
  dst.set(bytes.subarray(0, n * header.itemSize));
  if (!header.littleEndian && header.itemSize > 1) {
    const s = header.itemSize;
    for (let i = 0; i < dst.length; i += s) {
      for (let a = i, b = i + s - 1; a < b; a++, b--) {
        const t = dst[a];
        dst[a] = dst[b];
        dst[b] = t;
      }
    }
  }
  return out;
}

/** Transposes a Fortran-ordered buffer into row-major order (any rank). */
export function fortranToC<T extends TypedArray>(data: T, shape: readonly number[]): T {
  if (shape.length < 2) return data;
  const out = new (data.constructor as new (n: number) => T)(data.length);
  const rank = shape.length;
  const cStride = new Array<number>(rank);
  cStride[rank - 1] = 1;
  for (let d = rank - 2; d >= 0; d--) cStride[d] = cStride[d + 1] * shape[d + 1];
  const idx = new Array<number>(rank).fill(0);
  for (let f = 0; f < data.length; f++) {
    let c = 0;
    for (let d = 0; d < rank; d++) c += idx[d] * cStride[d];
    (out as unknown as number[])[c] = (data as unknown as number[])[f];
    for (let d = 0; d < rank; d++) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

/** Reads the header of a .npy file on disk (only its first bytes). */
export async function readNpyHeader(path: string): Promise<NpyHeader> {
  const fh = await openFile(path, 'r');
  try {
    const probe = new Uint8Array(12);
    await fh.read(probe, 0, 12, 0);
    const len = probe[6] === 1 ? 10 + (probe[8] | (probe[9] << 8)) : 12 + new DataView(probe.buffer).getUint32(8, true);
    const head = new Uint8Array(Math.min(Math.max(len, 12), (1 << 20) + 12));
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    const header = parseNpyHeader(head.subarray(0, bytesRead), path);
    const { size } = await fh.stat();
    const need = header.dataOffset + sizeOf(header.shape) * header.itemSize;
    if (size < need) {
      throw new DataError(path, '', `truncated: shape [${header.shape.join(', ')}] needs ${need} bytes, file has ${size}`);
    }
    return header;
  } finally {
    await fh.close();
  }
}

/** Reads a whole .npy file into a row-major NdArray. */
export async function readNpy(path: string): Promise<NdArray> {
  const header = await readNpyHeader(path);
  const bytes = await readBytes(path, header.dataOffset, sizeOf(header.shape) * header.itemSize);
  let data = decodeNumbers(bytes, header);
  if (header.fortranOrder) data = fortranToC(data, header.shape);
  return { dtype: header.dtype, shape: header.shape, data };
}

/**
 * Reads rows [start, end) of the first axis of a C-ordered array without loading the rest.
 * Fortran-ordered arrays are read column by column (strided), still without loading the file.
 */
export async function readNpyRows(path: string, header: NpyHeader, start: number, end: number): Promise<TypedArray> {
  const rows = header.shape[0] ?? 1;
  if (start < 0 || end > rows || start > end) {
    throw new DataError(path, '', `row range [${start}, ${end}) is outside 0..${rows}`);
  }
  const rowSize = sizeOf(header.shape.slice(1));
  if (!header.fortranOrder || header.shape.length < 2) {
    const bytes = await readBytes(path, header.dataOffset + start * rowSize * header.itemSize, (end - start) * rowSize * header.itemSize);
    return decodeNumbers(bytes, header);
  }
  if (header.shape.length !== 2) throw new DataError(path, '', 'row slices of Fortran-ordered arrays are supported for 2-D arrays only');
  const cols = header.shape[1];
  const out = new (typedArrayConstructor(header.dtype))((end - start) * cols);
  const fh = await openFile(path, 'r');
  try {
    const col = new Uint8Array((end - start) * header.itemSize);
    for (let c = 0; c < cols; c++) {
      await fh.read(col, 0, col.length, header.dataOffset + (c * rows + start) * header.itemSize);
      const values = decodeNumbers(col, header);
      for (let r = 0; r < end - start; r++) (out as unknown as number[])[r * cols + c] = (values as unknown as number[])[r];
    }
  } finally {
    await fh.close();
  }
  return out;
}

/** Scratch size for block reads: bounds memory beyond the output itself. */
const BLOCK_BYTES = 16 << 20;

/**
 * Rows [r0, r1) × columns [c0, c1) of a 2-D array as float32, read in blocks straight into the
 * result (rows × cols, or cols × rows with `transpose`). Memory beyond the result stays at one block.
 */
export async function readNpyMatrix(
  path: string,
  header: NpyHeader,
  rows: readonly [number, number],
  cols: readonly [number, number],
  transpose: boolean,
): Promise<Float32Array> {
  if (header.shape.length !== 2) throw new DataError(path, '', `expected a 2-D array, found shape [${header.shape.join(', ')}]`);
  const [nRows, nCols] = header.shape;
  if (rows[0] < 0 || rows[1] > nRows || rows[0] > rows[1] || cols[0] < 0 || cols[1] > nCols || cols[0] > cols[1]) {
    throw new DataError(
      path,
      '',
      `slice rows [${rows[0]}, ${rows[1]}) × columns [${cols[0]}, ${cols[1]}) is outside shape [${nRows}, ${nCols}]`,
    );
  }
  // A Fortran-ordered (R, C) array is a C-ordered (C, R) array on disk.
  const f = header.fortranOrder;
  return readCMatrix(path, header, f ? nRows : nCols, f ? cols : rows, f ? rows : cols, f !== transpose);
}

async function readCMatrix(
  path: string,
  header: NpyHeader,
  nCols: number,
  rows: readonly [number, number],
  cols: readonly [number, number],
  transpose: boolean,
): Promise<Float32Array> {
  const r = rows[1] - rows[0];
  const c = cols[1] - cols[0];
  const out = new Float32Array(r * c);
  if (r === 0 || c === 0) return out;
  const item = header.itemSize;
  // Whole rows in one read when the wanted columns are most of a row; else one read per row segment.
  const wholeRows = c * 4 >= nCols;
  const rowBytes = (wholeRows ? nCols : c) * item;
  const perBlock = Math.max(1, Math.floor(BLOCK_BYTES / rowBytes));
  const fh = await openFile(path, 'r');
  try {
    const scratch = new Uint8Array(Math.min(r, perBlock) * rowBytes);
    for (let i0 = 0; i0 < r; i0 += perBlock) {
      const n = Math.min(perBlock, r - i0);
      if (wholeRows) {
        await readFully(fh, scratch, n * rowBytes, header.dataOffset + (rows[0] + i0) * nCols * item, path);
      } else {
        for (let k = 0; k < n; k++) {
          const at = header.dataOffset + ((rows[0] + i0 + k) * nCols + cols[0]) * item;
          await readFully(fh, scratch.subarray(k * rowBytes), rowBytes, at, path);
        }
      }
      const raw = asNumbers(scratch.subarray(0, n * rowBytes), header);
      // 64-bit integers arrive as BigInt; everything else converts by plain assignment.
      const values = raw instanceof BigInt64Array || raw instanceof BigUint64Array ? Float64Array.from(raw, Number) : raw;
      const stride = wholeRows ? nCols : c;
      const skip = wholeRows ? cols[0] : 0;
      for (let k = 0; k < n; k++) {
        const src = k * stride + skip;
        const i = i0 + k;
        if (transpose) for (let j = 0; j < c; j++) out[j * r + i] = values[src + j];
        else out.set(values.subarray(src, src + c), i * c);
      }
    }
  } finally {
    await fh.close();
  }
  return out;
}

/** A typed view of little-endian bytes when aligned, else a decoded copy. */
function asNumbers(bytes: Uint8Array, header: NpyHeader): TypedArray {
  if (header.littleEndian && bytes.byteOffset % header.itemSize === 0) {
    const Ctor = typedArrayConstructor(header.dtype);
    return new Ctor(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength / header.itemSize);
  }
  return decodeNumbers(bytes, header);
}

async function readFully(fh: FileHandle, buf: Uint8Array, length: number, offset: number, path: string): Promise<void> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, offset + done);
    if (bytesRead === 0) throw new DataError(path, '', `truncated: expected ${length} data bytes at offset ${offset}, got ${done}`);
    done += bytesRead;
  }
}

async function readBytes(path: string, offset: number, length: number): Promise<Uint8Array> {
  const fh = await openFile(path, 'r');
  try {
    const buf = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await fh.read(buf, done, length - done, offset + done);
      if (bytesRead === 0) throw new DataError(path, '', `truncated: expected ${length} data bytes at offset ${offset}, got ${done}`);
      done += bytesRead;
    }
    return buf;
  } finally {
    await fh.close();
  }
}

const DESCR: Record<DType, string> = {
  float32: '<f4',
  float64: '<f8',
  int8: '|i1',
  uint8: '|u1',
  int16: '<i2',
  uint16: '<u2',
  int32: '<i4',
  uint32: '<u4',
  int64: '<i8',
  uint64: '<u8',
};

/** The .npy header (version 1.0, C order, little-endian) for an array of this dtype and shape. */
export function npyHeader(dtype: DType, shape: readonly number[]): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${DESCR[dtype]}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = 10 + dict.length + 1;
  dict += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const header = new Uint8Array(10 + dict.length);
  header.set(MAGIC, 0);
  header[6] = 1;
  header[7] = 0;
  new DataView(header.buffer).setUint16(8, dict.length, true);
  header.set(new TextEncoder().encode(dict), 10);
  return header;
}

/** Encodes an NdArray as .npy bytes (version 1.0, C order, little-endian). */
export function encodeNpy(array: NdArray): Uint8Array {
  const header = npyHeader(array.dtype, array.shape);
  const body = new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength);
  const out = new Uint8Array(header.length + body.length);
  out.set(header, 0);
  out.set(body, header.length);
  return out;
}

export async function writeNpy(path: string, array: NdArray): Promise<void> {
  await writeFile(path, encodeNpy(array));
}
