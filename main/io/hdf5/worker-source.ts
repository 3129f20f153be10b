/**
 * The HDF5 engine's worker thread, as source text. libhdf5 (through h5wasm) runs synchronously and a
 * damaged file can make it abort, corrupt its heap or loop; in a worker the main thread stays
 * responsive, a request can time out, and a poisoned engine is replaced by terminating the worker.
 * It is a string (run with `eval: true`) so that it works the same from TypeScript sources (tests)
 * and from the esbuild bundles, without a separate entry file; `workerData.h5url` is where
 * h5wasm/node lives. Protocol: {id, op, args} → {id, ok, value} | {id, ok: false, message, fatal, restart}.
 */
export const WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');

// Emscripten takes a global navigator (Node >= 21, Electron) for a browser.
try { Object.defineProperty(globalThis, 'navigator', { value: undefined, configurable: true, writable: true }); } catch {}

let h5;
let M;
const ready = import(workerData.h5url).then(async (mod) => {
  await mod.ready;
  h5 = mod;
  M = mod.Module;
  // HDF5 errors become exceptions carrying libhdf5's error stack instead of text on stderr.
  M.activate_throwing_error_handler();
});
const files = new Map();
/** Set when a libhdf5 error was caught and passed over: the engine must be replaced after this request. */
let dirty = false;
function passOver(e) {
  if (/#\d+: /.test(String((e && e.message) || e))) dirty = true;
}
let nextFile = 1;
const BLOCK_BYTES = 32 << 20;
const MAX_NODES = 200000;
const MAX_ATTR_BYTES = 1 << 16;
const SMALL_VALUE = 64;

/** The innermost frame of a libhdf5 error stack ('bad object header version number'), else the text. */
function reason(text) {
  let last = '';
  const re = /#\d+: .*? in [^(]+\(\): ([^\n]*)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) last = m[1];
  return (last || text.split('\n')[0] || '').trim();
}

function fileOf(fid) {
  const f = files.get(fid);
  if (!f) throw new Error('file handle ' + fid + ' is closed');
  return f;
}

function classOf(meta) {
  const T = M.H5T_class_t;
  switch (meta.type) {
    case T.H5T_INTEGER.value: return meta.signed ? 'int' : 'uint';
    case T.H5T_FLOAT.value: return 'float';
    case T.H5T_STRING.value: return 'string';
    case T.H5T_COMPOUND.value: return 'compound';
    case T.H5T_REFERENCE.value: return 'reference';
    case T.H5T_ENUM.value: return 'enum';
    case T.H5T_VLEN.value: return 'vlen';
    case T.H5T_ARRAY.value: return 'array';
    default: return 'other';
  }
}

function describe(meta) {
  const cls = classOf(meta);
  const d = { cls, size: meta.size };
  if (cls === 'compound') d.members = meta.compound_type.members.map((m) => ({ name: m.name, cls: classOf(m), size: m.size, offset: m.offset }));
  if (cls === 'enum') d.enumMembers = meta.enum_type.members;
  return d;
}

function plain(f, v) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof h5.Reference) {
    const isRegion = v.constructor.name === 'RegionReference';
    try { return { ref: M.get_referenced_name(f.file_id, v.ref_data, !isRegion) }; } catch { return { ref: null }; }
  }
  if (v instanceof BigInt64Array || v instanceof BigUint64Array) return Array.from(v, Number);
  if (ArrayBuffer.isView(v)) return v;
  if (Array.isArray(v)) return v.map((x) => plain(f, x));
  return v;
}

function readAttrs(f, path) {
  const out = {};
  let names;
  try { names = M.get_attribute_names(f.file_id, path); } catch (e) { passOver(e); return out; }
  for (const name of names) {
    try {
      const meta = M.get_attribute_metadata(f.file_id, path, name);
      if (meta.size * (meta.total_size || 1) > MAX_ATTR_BYTES) { out[name] = { tooLarge: meta.size * meta.total_size }; continue; }
      let v = new h5.Attribute(f.file_id, path, name).value;
      v = plain(f, v);
      if (ArrayBuffer.isView(v)) v = Array.from(v);
      out[name] = v;
    } catch (e) {
      // An unreadable attribute is left out; the object is still listed.
      passOver(e);
    }
  }
  return out;
}

function walk(fid) {
  const f = fileOf(fid);
  const nodes = [{ path: '/', kind: 'group', attrs: readAttrs(f, '/') }];
  const stack = ['/'];
  while (stack.length) {
    const g = stack.pop();
    let names;
    try {
      names = M.get_names(f.file_id, g, false);
    } catch (e) {
      passOver(e);
      nodes.push({ path: g, kind: 'broken', error: reason(String((e && e.message) || e)) });
      continue;
    }
    for (const name of names) {
      if (nodes.length >= MAX_NODES) return { nodes, truncated: true };
      const p = (g === '/' ? '' : g) + '/' + name;
      try {
        const target = M.get_symbolic_link(f.file_id, p);
        if (typeof target === 'string') { nodes.push({ path: p, kind: 'link', target }); continue; }
        const type = M.get_type(f.file_id, p);
        if (type === M.H5G_GROUP) {
          nodes.push({ path: p, kind: 'group', attrs: readAttrs(f, p) });
          // The cached schema is large and says nothing about the data.
          if (p !== '/specifications') stack.push(p);
        } else if (type === M.H5G_DATASET) {
          const meta = M.get_dataset_metadata(f.file_id, p);
          const node = { path: p, kind: 'dataset', shape: meta.shape, chunks: meta.chunks, dtype: describe(meta), attrs: readAttrs(f, p) };
          const n = meta.shape ? meta.shape.reduce((a, b) => a * b, 1) : 0;
          const cls = node.dtype.cls;
          if (meta.shape && n <= SMALL_VALUE && (cls === 'int' || cls === 'uint' || cls === 'float' || cls === 'string' || cls === 'enum')) {
            try {
              let v = plain(f, new h5.Dataset(f.file_id, p).value);
              if (ArrayBuffer.isView(v)) v = Array.from(v);
              node.value = v;
            } catch (e) { passOver(e); }
          }
          nodes.push(node);
        } else if (type === M.H5G_UDLINK) {
          nodes.push({ path: p, kind: 'external' });
        } else {
          nodes.push({ path: p, kind: 'other' });
        }
      } catch (e) {
        passOver(e);
        nodes.push({ path: p, kind: 'broken', error: reason(String((e && e.message) || e)) });
      }
    }
  }
  return { nodes, truncated: false };
}

function compoundColumns(f, path, slice) {
  const meta = M.get_dataset_metadata(f.file_id, path);
  const ds = new h5.Dataset(f.file_id, path);
  const rows = slice ? ds.slice(slice) : ds.value;
  const members = meta.compound_type.members;
  const cols = {};
  members.forEach((m, j) => {
    const c = new Float64Array(rows.length);
    for (let i = 0; i < rows.length; i++) c[i] = Number(rows[i][j]);
    cols[m.name] = c;
  });
  return { columns: cols };
}

function read(fid, path, slice) {
  const f = fileOf(fid);
  const meta = M.get_dataset_metadata(f.file_id, path);
  if (classOf(meta) === 'compound') return compoundColumns(f, path, slice);
  const ds = new h5.Dataset(f.file_id, path);
  return plain(f, slice ? ds.slice(slice) : ds.value);
}

/**
 * Rows [r0, r1) × columns [c0, c1) of a 1-D or 2-D numeric dataset as float32, value*scale+offset,
 * optionally transposed (columns × rows). Read in blocks of whole chunks along the first axis so
 * the wasm heap stays small and each compressed chunk is decoded once.
 */
function readMatrix(fid, path, r0, r1, c0, c1, transpose, scale, offset) {
  const f = fileOf(fid);
  const meta = M.get_dataset_metadata(f.file_id, path);
  const cls = classOf(meta);
  if (cls !== 'float' && cls !== 'int' && cls !== 'uint') throw new Error('expected a numeric dataset, found ' + cls);
  const shape = meta.shape || [];
  if (shape.length < 1 || shape.length > 2) throw new Error('expected a 1-D or 2-D dataset, found shape [' + shape.join(', ') + ']');
  const rank = shape.length;
  const nCols = rank === 2 ? shape[1] : 1;
  if (r0 < 0 || r1 > shape[0] || r0 > r1 || c0 < 0 || c1 > nCols || c0 > c1) {
    throw new Error('slice rows [' + r0 + ', ' + r1 + ') × columns [' + c0 + ', ' + c1 + ') is outside shape [' + shape.join(', ') + ']');
  }
  const nr = r1 - r0;
  const nc = c1 - c0;
  const out = new Float32Array(nr * nc);
  if (nr === 0 || nc === 0) return out;
  const size = meta.size;
  const Ctor = cls === 'float' ? (size === 8 ? Float64Array : size === 4 ? Float32Array : null)
    : size === 1 ? (cls === 'int' ? Int8Array : Uint8Array)
    : size === 2 ? (cls === 'int' ? Int16Array : Uint16Array)
    : size === 4 ? (cls === 'int' ? Int32Array : Uint32Array)
    : size === 8 ? (cls === 'int' ? BigInt64Array : BigUint64Array) : null;
  if (!Ctor) throw new Error('unsupported element type ' + cls + size * 8);
  const big = Ctor === BigInt64Array || Ctor === BigUint64Array;
  const chunkRows = meta.chunks ? meta.chunks[0] : 1;
  let blockRows = Math.max(1, Math.floor(BLOCK_BYTES / (nc * size)));
  if (blockRows >= chunkRows) blockRows -= blockRows % chunkRows;
  blockRows = Math.min(blockRows, nr);
  const ptr = M._malloc(blockRows * nc * size);
  if (!ptr) throw new Error('out of memory for a block of ' + blockRows * nc * size + ' bytes');
  try {
    // Blocks start on chunk boundaries so that no chunk is decompressed twice.
    let r = r0;
    while (r < r1) {
      const end = Math.min(r1, blockRows >= chunkRows ? (Math.floor(r / chunkRows) * chunkRows) + blockRows : r + blockRows);
      const n = Math.max(1, end - r);
      const count = rank === 2 ? [BigInt(n), BigInt(nc)] : [BigInt(n)];
      const off = rank === 2 ? [BigInt(r), BigInt(c0)] : [BigInt(r)];
      const strides = rank === 2 ? [1n, 1n] : [1n];
      const status = M.get_dataset_data(f.file_id, path, count, off, strides, BigInt(ptr));
      if (status < 0) throw new Error('reading rows [' + r + ', ' + (r + n) + ') failed');
      const src = new Ctor(M.HEAPU8.buffer, ptr, n * nc);
      const base = r - r0;
      if (!transpose) {
        const o = base * nc;
        if (Ctor === Float32Array && scale === 1 && offset === 0) out.set(src, o);
        else if (big) for (let i = 0; i < n * nc; i++) out[o + i] = Number(src[i]) * scale + offset;
        else for (let i = 0; i < n * nc; i++) out[o + i] = src[i] * scale + offset;
      } else {
        // Tiled transpose: out[c][base + i] = src[i][c].
        const T = 64;
        for (let i0 = 0; i0 < n; i0 += T) {
          const i1 = Math.min(n, i0 + T);
          for (let j0 = 0; j0 < nc; j0 += T) {
            const j1 = Math.min(nc, j0 + T);
            for (let j = j0; j < j1; j++) {
              const o = j * nr + base;
              if (big) for (let i = i0; i < i1; i++) out[o + i] = Number(src[i * nc + j]) * scale + offset;
              else for (let i = i0; i < i1; i++) out[o + i] = src[i * nc + j] * scale + offset;
            }
          }
        }
      }
      r += n;
    }
  } finally {
    M._free(ptr);
  }
  return out;
}

const ops = {
  open(path) {
    const f = new h5.File(path, 'r');
    if (typeof f.file_id !== 'bigint' || f.file_id < 0n) throw new Error('not an HDF5 file');
    const fid = nextFile++;
    files.set(fid, f);
    return fid;
  },
  close(fid) {
    const f = files.get(fid);
    files.delete(fid);
    if (f) f.close();
    return null;
  },
  walk,
  read,
  readMatrix,
};

function transferables(v, out) {
  if (ArrayBuffer.isView(v)) out.push(v.buffer);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) transferables(x, out);
  return out;
}

/** A wasm trap or abort: the engine's memory can no longer be trusted. */
function isFatal(e) {
  const msg = String((e && e.message) || e);
  return (e instanceof WebAssembly.RuntimeError) || (e instanceof RangeError) || /^Aborted|has already aborted/.test(msg);
}

parentPort.on('message', async ({ id, op, args }) => {
  try {
    await ready;
    dirty = false;
    const value = ops[op](...args);
    const list = transferables(value, []);
    parentPort.postMessage({ id, ok: true, value, restart: dirty }, [...new Set(list)]);
  } catch (e) {
    const text = String((e && e.message) || e);
    // After an abort the wasm heap can no longer be trusted; after a libhdf5 error the throwing
    // handler has skipped the C++ cleanup, leaving object ids open that keep a stale view of the
    // file cached. Either way the client replaces this engine.
    const fatal = isFatal(e);
    const restart = fatal || /#\d+: /.test(text);
    parentPort.postMessage({ id, ok: false, message: reason(text), fatal, restart });
  }
});
`