/**
 * CaImAn results. HDF5 (cnmf.save): /estimates/{C, S, F_dff, YrA …} as (components, frames),
 * footprints /estimates/A as a CSC group (data, indices, indptr, shape) of pixels × components with
 * pixels in Fortran order, frame rate /params/data/fr, image size /params/data/dims (or /dims);
 * None is stored as the string 'NoneType'. .npz (comparison ground truth, older saves): C_full or C
 * traces, A_full or A footprints as a pickled scipy sparse matrix, the rate in information.params.
 */
import type { FileObject } from '../../../shared/domain/recording.js';
import type { H5File, H5Node } from '../hdf5/engine.js';
import { asNumber, type H5Tree } from '../hdf5/tree.js';
import { className, item, toNumbers } from '../pickle.js';
import { checkRange } from '../recording.js';
import { DataError, type OpenOptions, type Recording, type RoiSet } from '../types.js';
import { loadMember, openMemberMatrix, type NpzMember } from './npz.js';

const TRACE_NAMES = ['F_dff', 'C', 'S', 'YrA'];

/** Sparse footprints as CSC: column k holds rows indices[indptr[k] … indptr[k+1]). */
export interface Csc {
  data: ArrayLike<number>;
  indices: ArrayLike<number>;
  indptr: ArrayLike<number>;
  shape: [number, number];
}

/** ROIs from CSC footprints whose rows are pixels of a (height, width) image in Fortran order. */
export function footprintsToRois(csc: Csc, dims: [number, number], file: string, object: string): RoiSet {
  const [h, w] = dims;
  const [nPixels, k] = csc.shape;
  if (h * w !== nPixels) throw new DataError(file, object, `image size ${h} × ${w} = ${h * w} pixels, footprints have ${nPixels}`);
  if (csc.indptr.length !== k + 1) throw new DataError(file, object, `expected ${k + 1} column pointers, found ${csc.indptr.length}`);
  const pixels: Uint32Array[] = [];
  const weights: Float32Array[] = [];
  const centers = new Float32Array(2 * k);
  for (let c = 0; c < k; c++) {
    const a = csc.indptr[c];
    const b = csc.indptr[c + 1];
    if (!(a >= 0 && a <= b && b <= csc.indices.length)) throw new DataError(file, object, `column ${c} spans [${a}, ${b}) beyond ${csc.indices.length} entries`);
    const px = new Uint32Array(b - a);
    const wt = new Float32Array(b - a);
    let sx = 0;
    let sy = 0;
    let sw = 0;
    for (let i = a; i < b; i++) {
      const p = csc.indices[i];
      if (!(p >= 0 && p < nPixels)) throw new DataError(file, object, `pixel index ${p} is outside 0..${nPixels}`);
      const row = p % h;
      const col = Math.floor(p / h);
      px[i - a] = row * w + col;
      wt[i - a] = csc.data[i];
      const aw = Math.abs(csc.data[i]);
      sx += col * aw;
      sy += row * aw;
      sw += aw;
    }
    pixels.push(px);
    weights.push(wt);
    centers[2 * c] = sw > 0 ? sx / sw : NaN;
    centers[2 * c + 1] = sw > 0 ? sy / sw : NaN;
  }
  return { dims, centers, masks: { pixels, weights } };
}

// ---- HDF5 ----

export function isCaimanTree(tree: H5Tree): boolean {
  return tree.get('/estimates')?.kind === 'group' && TRACE_NAMES.some((n) => isMatrix(tree.child('/estimates', n)));
}

function isMatrix(n: H5Node | undefined): boolean {
  return n?.kind === 'dataset' && (n.shape?.length ?? 0) === 2 && ['float', 'int', 'uint'].includes(n.dtype?.cls ?? '');
}

function caimanRate(tree: H5Tree): number | undefined {
  return asNumber(tree.get('/params/data/fr')?.value);
}

function caimanDims(tree: H5Tree): [number, number] | undefined {
  for (const p of ['/params/data/dims', '/dims', '/estimates/dims']) {
    const v = tree.get(p)?.value;
    if (Array.isArray(v) && v.length >= 2) return [Number(v[0]), Number(v[1])];
  }
  return undefined;
}

export function describeCaimanHdf5(tree: H5Tree): { objects: FileObject[]; notes: string[] } {
  const rate = caimanRate(tree);
  const objects: FileObject[] = [];
  for (const name of TRACE_NAMES) {
    const n = tree.child('/estimates', name);
    if (!isMatrix(n)) continue;
    objects.push({ path: n!.path, kind: 'traces', type: `CaImAn ${name}`, shape: n!.shape!, dtype: `${n!.dtype!.cls}${n!.dtype!.size * 8}`, rate, uses: ['traces', 'raster', 'analyses'] });
  }
  const a = tree.get('/estimates/A');
  if (a?.kind === 'group' && tree.child(a.path, 'indptr')) {
    objects.push({ path: a.path, kind: 'rois', type: 'CaImAn A (sparse CSC)', shape: numbersOf(tree.child(a.path, 'shape')?.value), dtype: 'sparse', uses: ['ROI map'] });
  }
  const notes = ['CaImAn CNMF results (HDF5)'];
  if (rate === undefined) notes.push('no frame rate in /params/data/fr: give one when adding the dataset');
  return { objects, notes };
}

function numbersOf(v: unknown): number[] {
  return Array.isArray(v) ? v.map(Number) : typeof v === 'number' ? [v] : [];
}

export async function openCaimanHdf5(file: H5File, tree: H5Tree, options: OpenOptions): Promise<Recording> {
  const name = options.object ?? TRACE_NAMES.map((n) => `/estimates/${n}`).find((p) => isMatrix(tree.get(p)));
  const node = name ? tree.get(name) : undefined;
  if (!node || !isMatrix(node)) {
    throw new DataError(file.path, name ?? '/estimates', `expected a 2-D numeric dataset (components × frames), found ${node ? `${node.kind} of shape [${(node.shape ?? []).join(', ')}]` : 'nothing'}`);
  }
  const [nNeurons, nFrames] = node.shape!;
  const rate = options.rate ?? caimanRate(tree) ?? 1;
  const dims = options.dims ?? caimanDims(tree);
  const a = tree.get('/estimates/A');
  const hasA = a?.kind === 'group' && !!tree.child(a.path, 'indptr');
  const recording: Recording = {
    meta: {
      source: { path: file.path, format: 'caiman-hdf5', object: node.path },
      nNeurons,
      nFrames,
      timeBase: { kind: 'rate', rate, start: 0 },
      hasRois: hasA && !!dims,
      hasSpikes: false,
    },
    layout: 'neurons-first',
    async readTraces(neurons, frames) {
      checkRange(file.path, node.path, neurons, nNeurons, 'component');
      checkRange(file.path, node.path, frames, nFrames, 'frame');
      return file.readMatrix(node.path, neurons, frames, { transpose: false });
    },
    close: () => file.close(),
  };
  if (hasA && dims) {
    recording.rois = async () => {
      const read = async (f: string) => numbersOf2(await file.read(`${a!.path}/${f}`));
      const shape = await read('shape');
      const csc: Csc = { data: await read('data'), indices: await read('indices'), indptr: await read('indptr'), shape: [shape[0], shape[1]] };
      return footprintsToRois(csc, dims, file.path, a!.path);
    };
  }
  return recording;
}

function numbersOf2(v: unknown): ArrayLike<number> & number[] {
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>, Number);
  return numbersOf(v);
}

// ---- .npz ----

export function isCaimanNpz(members: NpzMember[]): boolean {
  const names = new Set(members.map((m) => m.name));
  return (names.has('C_full') && names.has('A_full')) || (names.has('C') && names.has('A') && names.has('YrA'));
}

function tracesMember(members: NpzMember[], options: OpenOptions): NpzMember | undefined {
  const wanted = options.object?.replace(/\.npy$/, '');
  if (wanted !== undefined) return members.find((m) => m.name === wanted);
  return members.find((m) => m.name === 'C_full') ?? members.find((m) => m.name === 'C');
}

/** information.params.final_frate (comparison files) or a top-level fr member. */
async function npzRate(path: string, members: NpzMember[]): Promise<number | undefined> {
  const info = members.find((m) => m.name === 'information');
  if (info) {
    const d = item(await loadMember(path, info)) as { params?: { final_frate?: unknown; fr?: unknown } } | undefined;
    const fr = Number(d?.params?.final_frate ?? d?.params?.fr);
    if (fr > 0) return fr;
  }
  const fr = members.find((m) => m.name === 'fr');
  if (fr) return toNumbers(await loadMember(path, fr))[0];
  return undefined;
}

/** Footprints from a pickled scipy sparse matrix (csc, csr or coo) as CSC. */
export function sparseToCsc(v: unknown, file: string, object: string): Csc {
  const obj = item(v) as Record<string, unknown>;
  const cls = className(obj);
  const shape = toNumbers(obj?._shape ?? obj?.shape) as [number, number];
  if (!/scipy\.sparse/.test(cls) || shape.length !== 2) throw new DataError(file, object, `expected a pickled scipy sparse matrix, found ${cls || typeof obj}`);
  const format = /(csc|csr|coo)_(matrix|array)$/.exec(cls)?.[1];
  const data = toNumbers(obj.data);
  if (format === 'csc') return { data, indices: toNumbers(obj.indices), indptr: toNumbers(obj.indptr), shape };
  let rows: number[];
  let cols: number[];
  if (format === 'coo') {
    rows = toNumbers(obj.row);
    cols = toNumbers(obj.col);
  } else if (format === 'csr') {
    const indptr = toNumbers(obj.indptr);
    cols = toNumbers(obj.indices);
    rows = new Array<number>(cols.length);
    for (let r = 0; r + 1 < indptr.length; r++) for (let i = indptr[r]; i < indptr[r + 1]; i++) rows[i] = r;
  } else {
    throw new DataError(file, object, `sparse format ${cls} is not supported (expected csc, csr or coo)`);
  }
  if (rows.length !== data.length || cols.length !== data.length) throw new DataError(file, object, `sparse arrays disagree: ${data.length} values, ${rows.length} rows, ${cols.length} columns`);
  // Counting sort by column gives CSC.
  const indptr = new Array<number>(shape[1] + 1).fill(0);
  for (const c of cols) {
    if (!(c >= 0 && c < shape[1])) throw new DataError(file, object, `column ${c} is outside 0..${shape[1]}`);
    indptr[c + 1]++;
  }
  for (let c = 0; c < shape[1]; c++) indptr[c + 1] += indptr[c];
  const next = indptr.slice(0, -1);
  const indices = new Array<number>(data.length);
  const values = new Array<number>(data.length);
  for (let i = 0; i < data.length; i++) {
    const at = next[cols[i]]++;
    indices[at] = rows[i];
    values[at] = data[i];
  }
  return { data: values, indices, indptr, shape };
}

export async function describeCaimanNpz(path: string, members: NpzMember[]): Promise<{ objects: FileObject[]; notes: string[] }> {
  const rate = await npzRate(path, members);
  const objects: FileObject[] = members.map((m) => {
    const traces = !!m.header && m.shape.length === 2 && /^(C|C_full|C_patch|S|F_dff|YrA)$/.test(m.name);
    const rois = /^A(_full|_patch)?$/.test(m.name);
    return {
      path: m.entry.name,
      kind: traces ? 'traces' : rois ? 'rois' : 'other',
      type: traces || rois ? `CaImAn ${m.name}` : undefined,
      shape: m.shape,
      dtype: m.descr === '|O' ? 'object (pickled)' : m.descr,
      rate: traces ? rate : undefined,
      uses: traces ? ['traces', 'raster', 'analyses'] : rois ? ['ROI map'] : [],
    };
  });
  const notes = ['CaImAn results (.npz)'];
  if (rate === undefined) notes.push('no frame rate stored: give one when adding the dataset');
  notes.push('the image size of the footprints is not stored unless square: give dims [height, width] to draw ROIs');
  return { objects, notes };
}

export async function openCaimanNpz(path: string, members: NpzMember[], options: OpenOptions): Promise<Recording> {
  const member = tracesMember(members, options);
  if (!member) throw new DataError(path, options.object ?? 'C_full', `no such member (members: ${members.map((m) => m.name).join(', ')})`);
  // CaImAn traces are (components, frames) whatever their lengths.
  const rate = options.rate ?? (await npzRate(path, members)) ?? 1;
  const base = await openMemberMatrix(path, member, { layout: 'neurons-first', ...options, rate }, 'caiman-npz');
  const footprints = members.find((m) => m.name === (member.name.endsWith('_patch') ? 'A_patch' : member.name === 'C' ? 'A' : 'A_full'));
  if (!footprints) return base;
  return {
    ...base,
    meta: { ...base.meta, hasRois: true },
    async rois() {
      const csc = sparseToCsc(await loadMember(path, footprints), path, footprints.entry.name);
      const side = Math.round(Math.sqrt(csc.shape[0]));
      const dims = options.dims ?? (side * side === csc.shape[0] ? ([side, side] as [number, number]) : undefined);
      if (!dims) throw new DataError(path, footprints.entry.name, `the image size is not stored and ${csc.shape[0]} pixels is not a square: give dims [height, width]`);
      return footprintsToRois(csc, dims, path, footprints.entry.name);
    },
  };
}

