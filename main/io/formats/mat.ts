/**
 * MATLAB .mat files: v5/v7 through our own reader (matv5.ts), v7.3 (HDF5 with a MATLAB header)
 * through the HDF5 engine. A 2-D numeric variable opens as traces (the longer axis is time unless
 * `layout` says otherwise); an n × 2 (or 3) variable whose name says coordinates / centroids /
 * positions, with n the number of neurons, gives the ROI centres.
 */
import { open as openFile, stat } from 'node:fs/promises';
import type { FileInfo, FileObject, RecordingMeta } from '../../../shared/domain/recording.js';
import { asString } from '../hdf5/tree.js';
import { isMatV5, readMatVariable, scanMat, toRowMajor, type MatFile, type MatValue, type MatVariable } from '../matv5.js';
import { checkRange, memoryRecording } from '../recording.js';
import { DataError, type FormatReader, type OpenOptions, type Recording } from '../types.js';
import { isMat73, walkHdf5 } from './hdf5.js';
import { guessLayout } from './npy.js';

const NUMERIC = new Set(['double', 'single', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'logical']);
const COORDS = /coord|centroid|position|center|centre|^xy$/i;

function uses(className: string, dims: number[]): string[] {
  return NUMERIC.has(className) && dims.length === 2 && dims[0] > 1 && dims[1] > 1 ? ['traces', 'raster', 'analyses'] : [];
}

function describeValue(name: string, v: MatValue, out: FileObject[], depth: number): void {
  const className = v.kind === 'numeric' ? (v.logical ? 'logical' : v.className) : v.kind === 'struct' ? (v.className ?? 'struct') : v.kind === 'opaque' ? v.className : v.kind;
  out.push({ path: name, kind: uses(className, v.dims).length ? 'traces' : v.kind === 'struct' ? 'group' : 'other', type: className, shape: v.dims, dtype: className, uses: uses(className, v.dims) });
  if (v.kind === 'struct' && v.items.length === 1 && depth < 3) {
    for (const f of v.fields) describeValue(`${name}.${f}`, v.items[0][f], out, depth + 1);
  }
}

// ---- v5 ----

async function describeV5(mat: MatFile): Promise<FileObject[]> {
  const out: FileObject[] = [];
  for (const v of mat.variables) {
    if (v.className === 'struct' || v.className === 'object') {
      describeValue(v.name, await readMatVariable(mat, v), out, 0);
    } else {
      out.push({ path: v.name, kind: uses(v.className, v.dims).length ? 'traces' : 'other', type: v.className, shape: v.dims, dtype: v.className, uses: uses(v.className, v.dims) });
    }
  }
  return out;
}

/** A variable or a field of 1 × 1 structs ('info.sz'). */
async function resolveV5(mat: MatFile, path: string): Promise<MatValue> {
  const [top, ...fields] = path.split('.');
  const variable = mat.variables.find((v) => v.name === top);
  if (!variable) throw new DataError(mat.path, path, `no such variable (variables: ${mat.variables.map((v) => v.name).join(', ')})`);
  let value = await readMatVariable(mat, variable);
  for (const f of fields) {
    if (value.kind !== 'struct' || value.items.length !== 1 || !(f in value.items[0])) throw new DataError(mat.path, path, `no field '${f}' in a 1 × 1 struct`);
    value = value.items[0][f];
  }
  return value;
}

function biggestMatrix(vars: MatVariable[]): MatVariable | undefined {
  return vars
    .filter((v) => uses(v.className, v.dims).length > 0)
    .sort((a, b) => b.dims[0] * b.dims[1] - a.dims[0] * a.dims[1])[0];
}

/** The matrix data is decoded on the first read; a struct field ('s.traces') is decoded at open. */
async function openV5(path: string, options: OpenOptions): Promise<Recording> {
  const mat = await scanMat(path);
  const name = options.object ?? biggestMatrix(mat.variables)?.name;
  if (!name) throw new DataError(path, '', `no 2-D numeric variable (variables: ${mat.variables.map((v) => `${v.name} ${v.className} [${v.dims.join('×')}]`).join(', ') || 'none'})`);
  const top = mat.variables.find((v) => v.name === name);
  const matrix = (value: MatValue): Float64Array => {
    if (value.kind !== 'numeric' || value.dims.length !== 2) {
      throw new DataError(path, name, `expected a 2-D numeric matrix, found ${value.kind === 'numeric' ? value.className : value.kind} [${value.dims.join(' × ')}]`);
    }
    return toRowMajor(value).data;
  };
  let dims: number[];
  let load: () => Promise<Float64Array>;
  if (top) {
    if (!NUMERIC.has(top.className) || top.dims.length !== 2) throw new DataError(path, name, `expected a 2-D numeric matrix, found ${top.className} [${top.dims.join(' × ')}]`);
    dims = top.dims;
    load = async () => matrix(await readMatVariable(mat, top));
  } else {
    const value = await resolveV5(mat, name);
    const data = matrix(value);
    dims = value.dims;
    load = async () => data;
  }
  const [rows, cols] = dims;
  const timeFirst = guessLayout([rows, cols], options) === 'time-first';
  const nNeurons = timeFirst ? cols : rows;
  const meta: RecordingMeta = {
    source: { path, format: 'mat-v5', object: name },
    nNeurons,
    nFrames: timeFirst ? rows : cols,
    timeBase: { kind: 'rate', rate: options.rate ?? 1, start: 0 },
    hasRois: false,
    hasSpikes: false,
  };
  let loaded: Promise<Recording> | undefined;
  const recording: Recording = {
    meta,
    layout: 'neurons-first',
    readTraces: async (neurons, frames) => (await (loaded ??= load().then((data) => memoryRecording(meta, data, timeFirst)))).readTraces(neurons, frames),
    async close() {},
  };
  const coords = mat.variables.find((v) => COORDS.test(v.name) && NUMERIC.has(v.className) && v.dims[0] === nNeurons && (v.dims[1] === 2 || v.dims[1] === 3));
  if (coords) {
    meta.hasRois = true;
    recording.rois = async () => {
      const c = await readMatVariable(mat, coords);
      if (c.kind !== 'numeric') throw new DataError(path, coords.name, `expected numeric coordinates, found ${c.kind}`);
      const centers = new Float32Array(2 * nNeurons);
      for (let i = 0; i < nNeurons; i++) {
        centers[2 * i] = c.real[i];
        centers[2 * i + 1] = c.real[nNeurons + i];
      }
      return { centers };
    };
  }
  return recording;
}

// ---- v7.3 ----

async function describeV73(path: string): Promise<FileObject[]> {
  const { file, tree } = await walkHdf5(path);
  try {
    const out: FileObject[] = [];
    for (const n of tree.nodes.values()) {
      if (n.path === '/' || n.path.startsWith('/#')) continue;
      const className = asString(n.attrs?.MATLAB_class) ?? (n.kind === 'group' ? 'struct' : 'unknown');
      const dims = [...(n.shape ?? [])].reverse();
      out.push({ path: n.path.slice(1).replaceAll('/', '.'), kind: uses(className, dims).length ? 'traces' : n.kind === 'group' ? 'group' : 'other', type: className, shape: dims, dtype: className, uses: uses(className, dims) });
    }
    return out;
  } finally {
    await file.close();
  }
}

async function openV73(path: string, options: OpenOptions): Promise<Recording> {
  const { file, tree } = await walkHdf5(path);
  try {
    const candidates = [...tree.nodes.values()].filter((n) => n.kind === 'dataset' && !n.path.startsWith('/#') && n.shape?.length === 2 && uses(asString(n.attrs?.MATLAB_class) ?? '', [...n.shape].reverse()).length);
    const wanted = options.object ? `/${options.object.replaceAll('.', '/')}` : undefined;
    const node = wanted ? tree.get(wanted) : candidates.sort((a, b) => b.shape![0] * b.shape![1] - a.shape![0] * a.shape![1])[0];
    if (!node || node.kind !== 'dataset' || node.shape?.length !== 2 || !['float', 'int', 'uint'].includes(node.dtype?.cls ?? '')) {
      throw new DataError(path, options.object ?? '', `expected a 2-D numeric variable, found ${node ? `${node.kind} of shape [${(node.shape ?? []).join(', ')}]` : 'none'}`);
    }
    // MATLAB's rows × cols is HDF5's (cols, rows).
    const [h0, h1] = node.shape;
    const rows = h1;
    const cols = h0;
    const timeFirst = guessLayout([rows, cols], options) === 'time-first';
    const nNeurons = timeFirst ? cols : rows;
    const nFrames = timeFirst ? rows : cols;
    const object = node.path.slice(1).replaceAll('/', '.');
    return {
      meta: { source: { path, format: 'mat-v7.3', object }, nNeurons, nFrames, timeBase: { kind: 'rate', rate: options.rate ?? 1, start: 0 }, hasRois: false, hasSpikes: false },
      // Neurons as MATLAB columns are HDF5 rows: whole-neuron blocks are contiguous.
      layout: timeFirst ? 'neurons-first' : 'time-first',
      async readTraces(neurons, frames) {
        checkRange(path, object, neurons, nNeurons, 'neuron');
        checkRange(path, object, frames, nFrames, 'frame');
        return timeFirst ? file.readMatrix(node.path, neurons, frames, { transpose: false }) : file.readMatrix(node.path, frames, neurons, { transpose: true });
      },
      close: () => file.close(),
    };
  } catch (e) {
    await file.close();
    throw e;
  }
}

async function isV73(path: string): Promise<boolean> {
  const fh = await openFile(path, 'r');
  try {
    const head = new Uint8Array(128);
    await fh.read(head, 0, 128, 0);
    return isMat73(head);
  } finally {
    await fh.close();
  }
}

export const matReader: FormatReader = {
  id: 'mat',
  extensions: ['.mat'],
  sniff: (head) => isMat73(head) || isMatV5(head),
  async inspect(path): Promise<FileInfo> {
    const { size } = await stat(path);
    if (await isV73(path)) return { path, format: 'mat-v7.3', size, objects: await describeV73(path), notes: ['MATLAB v7.3 (HDF5)', 'MAT-files carry no sampling rate: give one when adding the dataset.'] };
    const mat = await scanMat(path);
    return { path, format: 'mat-v5', size, objects: await describeV5(mat), notes: [mat.header, 'MAT-files carry no sampling rate: give one when adding the dataset.'] };
  },
  async open(path, options) {
    return (await isV73(path)) ? openV73(path, options) : openV5(path, options);
  },
};
