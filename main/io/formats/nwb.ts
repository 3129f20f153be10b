/**
 * NWB 2.x (HDF5). Objects are found by `neurodata_type` and by the schema's own field names (data,
 * timestamps, starting_time, rois, spike_times …), never by user-chosen group names. RoiResponseSeries
 * data are (time, rois) on disk and are read as transposed slices; Units become spike trains and,
 * as traces, spike counts per bin with unobserved bins set to NaN.
 */
import type { FileObject } from '../../../shared/domain/recording.js';
import type { H5File, H5Node } from '../hdf5/engine.js';
import { asNumber, asString, H5Tree, refPath } from '../hdf5/tree.js';
import { checkRange } from '../recording.js';
import { DataError, type OpenOptions, type Recording, type RoiSet, type SpikeTrains } from '../types.js';
import { binSpikes } from '../views.js';

const TABLE_COLUMNS = new Set(['VectorData', 'VectorIndex', 'ElementIdentifiers', 'DynamicTableRegion']);
/** Spike counts per second when Units are opened as traces and the caller names no rate. */
const DEFAULT_BIN_RATE = 100;

export function isNwb(tree: H5Tree): boolean {
  const root = tree.get('/')?.attrs ?? {};
  return root.neurodata_type === 'NWBFile' || typeof root.nwb_version === 'string';
}

function typeOf(n: H5Node | undefined): string {
  return String(n?.attrs?.neurodata_type ?? '');
}

/** A TimeSeries of any subtype: a typed group with a `data` dataset and a time base. */
function isTimeSeries(tree: H5Tree, n: H5Node): boolean {
  return (
    n.kind === 'group' &&
    typeOf(n) !== '' &&
    tree.child(n.path, 'data')?.kind === 'dataset' &&
    (tree.child(n.path, 'timestamps') !== undefined || tree.child(n.path, 'starting_time') !== undefined)
  );
}

function rateOf(tree: H5Tree, series: string): number | undefined {
  return asNumber(tree.child(series, 'starting_time')?.attrs?.rate);
}

function isNumeric(n: H5Node | undefined): boolean {
  return n?.kind === 'dataset' && ['float', 'int', 'uint'].includes(n.dtype?.cls ?? '');
}

function describeSeries(tree: H5Tree, n: H5Node): FileObject {
  const data = tree.child(n.path, 'data')!;
  const shape = data.shape ?? [];
  const type = typeOf(n);
  const rrs = type === 'RoiResponseSeries';
  const numeric = isNumeric(data) && (shape.length === 1 || shape.length === 2) && shape[0] > 0;
  const rois = rrs ? tree.get(refPath(tree.child(n.path, 'rois')?.attrs?.table) ?? '') : undefined;
  const uses = numeric ? ['traces', 'raster', 'analyses'] : [];
  if (numeric && rois && (tree.child(rois.path, 'pixel_mask') || tree.child(rois.path, 'image_mask'))) uses.push('ROI map');
  return {
    path: n.path,
    kind: rrs ? 'traces' : shape.length >= 3 ? 'image' : 'timeseries',
    type,
    shape,
    dtype: dtypeName(data),
    rate: rateOf(tree, n.path),
    unit: asString(data.attrs?.unit),
    description: [asString(n.attrs?.description), rrs ? 'stored time × ROIs' : undefined].filter(Boolean).join('; ') || undefined,
    uses,
  };
}

function dtypeName(n: H5Node): string {
  const d = n.dtype;
  if (!d) return 'unknown';
  if (d.cls === 'float' || d.cls === 'int' || d.cls === 'uint') return `${d.cls}${d.size * 8}`;
  if (d.cls === 'compound') return `compound{${(d.members ?? []).map((m) => `${m.name}:${m.cls}${m.size * 8}`).join(', ')}}`;
  return d.cls;
}

export function describeNwb(tree: H5Tree): { objects: FileObject[]; notes: string[] } {
  const objects: FileObject[] = [];
  for (const n of tree.nodes.values()) {
    if (n.kind === 'link' || n.path.startsWith('/specifications')) continue;
    const type = typeOf(n);
    if (!type || type === 'NWBFile' || TABLE_COLUMNS.has(type)) continue;
    if (isTimeSeries(tree, n)) objects.push(describeSeries(tree, n));
    else if (type === 'Units') {
      const times = tree.child(n.path, 'spike_times');
      const index = tree.child(n.path, 'spike_times_index');
      const nUnits = tree.child(n.path, 'id')?.shape?.[0] ?? index?.shape?.[0] ?? 0;
      objects.push({
        path: n.path,
        kind: 'spikes',
        type,
        shape: [nUnits],
        dtype: times ? dtypeName(times) : 'none',
        unit: 'seconds',
        description: [asString(n.attrs?.description), `${times?.shape?.[0] ?? 0} spikes`, tree.child(n.path, 'obs_intervals') ? 'with obs_intervals' : ''].filter(Boolean).join('; '),
        uses: times && index ? ['spike raster', 'binned counts', 'analyses'] : [],
      });
    } else if (type === 'PlaneSegmentation') {
      const id = tree.child(n.path, 'id');
      const mask = tree.child(n.path, 'image_mask') ? 'image_mask' : tree.child(n.path, 'pixel_mask') ? 'pixel_mask' : tree.child(n.path, 'voxel_mask') ? 'voxel_mask' : 'no masks';
      objects.push({ path: n.path, kind: 'rois', type, shape: [id?.shape?.[0] ?? 0], dtype: mask, uses: mask === 'no masks' ? [] : ['ROI map'] });
    } else if (n.kind === 'group') {
      const table = tree.child(n.path, 'id')?.kind === 'dataset' && Array.isArray(n.attrs?.colnames);
      objects.push({
        path: n.path,
        kind: table ? 'table' : 'group',
        type,
        shape: table ? [tree.child(n.path, 'id')?.shape?.[0] ?? 0] : [],
        dtype: '',
        description: asString(n.attrs?.description),
        uses: [],
      });
    } else if (n.kind === 'dataset') {
      objects.push({ path: n.path, kind: (n.shape?.length ?? 0) >= 2 ? 'image' : 'other', type, shape: n.shape ?? [], dtype: dtypeName(n), uses: [] });
    }
  }
  const notes = [`NWB ${String(tree.get('/')?.attrs?.nwb_version ?? '(version not stated)')}`];
  if (!objects.some((o) => o.type === 'RoiResponseSeries' || o.kind === 'spikes')) {
    notes.push('no calcium or spike data here: the file has no RoiResponseSeries and no Units table');
  }
  return { objects, notes };
}

/** The object opened when the caller names none: ΔF/F traces, then fluorescence, then any ROI traces, then units. */
function defaultObject(tree: H5Tree, file: string): H5Node {
  const rrs = tree.ofType('RoiResponseSeries').filter((n) => isTimeSeries(tree, n));
  const parentType = (n: H5Node) => typeOf(tree.get(n.path.slice(0, n.path.lastIndexOf('/')) || '/'));
  const pick = rrs.find((n) => parentType(n) === 'DfOverF') ?? rrs.find((n) => parentType(n) === 'Fluorescence') ?? rrs[0] ?? tree.ofType('Units')[0];
  if (pick) return pick;
  const listing = describeNwb(tree)
    .objects.map((o) => `${o.type ?? o.kind} ${o.path}`)
    .join(', ');
  const broken = tree.broken();
  const damaged = broken.length ? `; ${broken.length} object(s) could not be read, the file may be damaged (first: ${broken[0].path}: ${broken[0].error})` : '';
  throw new DataError(file, '', `no calcium or spike data here (expected an NWB RoiResponseSeries or Units table); objects in the file: ${listing || 'none'}${damaged}`);
}

export async function openNwb(file: H5File, tree: H5Tree, options: OpenOptions): Promise<Recording> {
  let target: H5Node;
  if (options.object) {
    const named = tree.get(options.object);
    // The data dataset of a series names its series.
    const node = named?.kind === 'dataset' && named.path.endsWith('/data') ? tree.get(named.path.slice(0, -5)) : named;
    if (!node) throw new DataError(file.path, options.object, 'no such object in the file');
    target = node;
  } else {
    target = defaultObject(tree, file.path);
  }
  if (typeOf(target) === 'Units') return openUnits(file, tree, target, options);
  if (!isTimeSeries(tree, target)) {
    throw new DataError(file.path, target.path, `expected a TimeSeries (RoiResponseSeries …) or a Units table, found ${typeOf(target) || target.kind}`);
  }
  return openSeries(file, tree, target);
}

async function openSeries(file: H5File, tree: H5Tree, series: H5Node): Promise<Recording> {
  const dataPath = `${series.path}/data`;
  const data = tree.get(dataPath)!;
  const shape = data.shape ?? [];
  if (!isNumeric(data) || shape.length < 1 || shape.length > 2) {
    throw new DataError(file.path, dataPath, `expected numeric data of shape (time) or (time, channels), found ${dtypeName(data)} of shape [${shape.join(', ')}]`);
  }
  const nFrames = shape[0];
  const nNeurons = shape.length === 2 ? shape[1] : 1;
  const scale = asNumber(data.attrs?.conversion) ?? 1;
  const offset = asNumber(data.attrs?.offset) ?? 0;
  const start = tree.child(series.path, 'starting_time');
  const stamps = tree.child(series.path, 'timestamps');
  let timeBase: Recording['meta']['timeBase'];
  if (start) {
    const rate = asNumber(start.attrs?.rate);
    if (!rate || !(rate > 0)) throw new DataError(file.path, start.path, `expected a positive 'rate' attribute, found ${String(start.attrs?.rate)}`);
    timeBase = { kind: 'rate', rate, start: asNumber(start.value) ?? 0 };
  } else {
    if (stamps?.shape?.[0] !== nFrames) {
      throw new DataError(file.path, `${series.path}/timestamps`, `expected ${nFrames} timestamps (one per frame), found ${stamps?.shape?.[0] ?? 'none'}`);
    }
    timeBase = { kind: 'timestamps', count: nFrames };
  }
  const isRrs = typeOf(series) === 'RoiResponseSeries';
  const roisNode = isRrs ? tree.child(series.path, 'rois') : undefined;
  const tablePath = refPath(roisNode?.attrs?.table);
  const table = tablePath ? tree.get(tablePath) : undefined;
  let rows: number[] | undefined;
  let labels: string[] | undefined;
  if (roisNode && table) {
    rows = numbers(await file.read(roisNode.path));
    const ids = tree.child(table.path, 'id') ? numbers(await file.read(`${table.path}/id`)) : undefined;
    labels = rows.map((r) => String(ids?.[r] ?? r));
    if (rows.length !== nNeurons) {
      throw new DataError(file.path, roisNode.path, `expected ${nNeurons} ROI indices (one per data column), found ${rows.length}`);
    }
  }
  const hasMasks = !!table && !!(tree.child(table.path, 'pixel_mask') || tree.child(table.path, 'image_mask') || tree.child(table.path, 'voxel_mask'));
  const recording: Recording = {
    meta: {
      source: { path: file.path, format: 'nwb', object: series.path },
      nNeurons,
      nFrames,
      timeBase,
      unit: asString(data.attrs?.unit),
      labels,
      hasRois: hasMasks,
      hasSpikes: false,
    },
    async readTraces(neurons, frames) {
      checkRange(file.path, dataPath, neurons, nNeurons, 'neuron');
      checkRange(file.path, dataPath, frames, nFrames, 'frame');
      return file.readMatrix(dataPath, frames, neurons, { transpose: true, scale, offset });
    },
    close: () => file.close(),
  };
  if (stamps) recording.timestamps = async () => Float64Array.from(numbers(await file.read(stamps.path)));
  if (hasMasks && table && rows) {
    const order = rows;
    recording.rois = () => readPlaneSegmentation(file, tree, table, order);
  }
  return recording;
}

/** Any numeric value the engine returns (typed array, nested arrays, scalar) as a flat number list. */
function numbers(v: unknown): number[] {
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number | bigint>, Number);
  if (Array.isArray(v)) return v.flat(Infinity).map(Number);
  return [Number(v)];
}

/** Ragged column: the rows of `values` that belong to table row `row` under `index` (exclusive ends). */
function raggedBounds(index: number[], row: number): [number, number] {
  return [row === 0 ? 0 : index[row - 1], index[row]];
}

async function readPlaneSegmentation(file: H5File, tree: H5Tree, table: H5Node, order: number[]): Promise<RoiSet> {
  const pixels: Uint32Array[] = [];
  const weights: Float32Array[] = [];
  const centers = new Float32Array(order.length * 2);
  let dims: [number, number];
  const image = tree.child(table.path, 'image_mask');
  if (image) {
    const shape = image.shape ?? [];
    if (shape.length < 3) throw new DataError(file.path, image.path, `expected image masks of shape (rois, height, width), found [${shape.join(', ')}]`);
    const [, h, w] = shape;
    dims = [h, w];
    for (const row of order) {
      const mask = numbers(await file.read(image.path, [[row, row + 1], [], []]));
      const px: number[] = [];
      const wt: number[] = [];
      mask.forEach((v, i) => {
        if (v !== 0) {
          px.push(i);
          wt.push(v);
        }
      });
      pixels.push(Uint32Array.from(px));
      weights.push(Float32Array.from(wt));
    }
  } else {
    const maskName = tree.child(table.path, 'pixel_mask') ? 'pixel_mask' : 'voxel_mask';
    const maskPath = `${table.path}/${maskName}`;
    const indexPath = `${maskPath}_index`;
    if (!tree.get(indexPath)) throw new DataError(file.path, indexPath, `expected the index of ${maskName}, found none`);
    const cols = (await file.read(maskPath)) as { columns?: Record<string, Float64Array> };
    const x = cols.columns?.x;
    const y = cols.columns?.y;
    const w = cols.columns?.weight;
    if (!x || !y || !w) throw new DataError(file.path, maskPath, 'expected a compound dataset with fields x, y, weight');
    const index = numbers(await file.read(indexPath));
    let maxX = 0;
    let maxY = 0;
    for (let i = 0; i < x.length; i++) {
      maxX = Math.max(maxX, x[i]);
      maxY = Math.max(maxY, y[i]);
    }
    dims = [maxY + 1, maxX + 1];
    for (const row of order) {
      if (row < 0 || row >= index.length) throw new DataError(file.path, indexPath, `ROI row ${row} is outside 0..${index.length}`);
      const [a, b] = raggedBounds(index, row);
      if (a > b || b > x.length) throw new DataError(file.path, indexPath, `row ${row} spans [${a}, ${b}) beyond ${x.length} mask entries`);
      const px = new Uint32Array(b - a);
      const wt = new Float32Array(b - a);
      for (let i = a; i < b; i++) {
        px[i - a] = y[i] * dims[1] + x[i];
        wt[i - a] = w[i];
      }
      pixels.push(px);
      weights.push(wt);
    }
  }
  pixels.forEach((px, k) => {
    let sx = 0;
    let sy = 0;
    let sw = 0;
    px.forEach((p, i) => {
      const wt = Math.abs(weights[k][i]);
      sx += (p % dims[1]) * wt;
      sy += Math.floor(p / dims[1]) * wt;
      sw += wt;
    });
    centers[2 * k] = sw > 0 ? sx / sw : NaN;
    centers[2 * k + 1] = sw > 0 ? sy / sw : NaN;
  });
  return { dims, centers, masks: { pixels, weights } };
}

async function readUnits(file: H5File, tree: H5Tree, units: H5Node): Promise<SpikeTrains> {
  const timesPath = `${units.path}/spike_times`;
  const indexPath = `${units.path}/spike_times_index`;
  if (!tree.get(timesPath) || !tree.get(indexPath)) {
    throw new DataError(file.path, units.path, 'expected spike_times and spike_times_index columns, found none');
  }
  const all = numbers(await file.read(timesPath));
  const index = numbers(await file.read(indexPath));
  const times = index.map((_, u) => {
    const [a, b] = raggedBounds(index, u);
    if (a > b || b > all.length) throw new DataError(file.path, indexPath, `unit ${u} spans [${a}, ${b}) beyond ${all.length} spike times`);
    return Float64Array.from(all.slice(a, b));
  });
  const trains: SpikeTrains = { times };
  if (tree.get(`${units.path}/obs_intervals`) && tree.get(`${units.path}/obs_intervals_index`)) {
    const iv = numbers(await file.read(`${units.path}/obs_intervals`));
    const ivIndex = numbers(await file.read(`${units.path}/obs_intervals_index`));
    if (ivIndex.length !== index.length) {
      throw new DataError(file.path, `${units.path}/obs_intervals_index`, `expected ${index.length} rows (one per unit), found ${ivIndex.length}`);
    }
    trains.observed = ivIndex.map((_, u) => {
      const [a, b] = raggedBounds(ivIndex, u);
      if (a > b || 2 * b > iv.length) throw new DataError(file.path, `${units.path}/obs_intervals_index`, `unit ${u} spans intervals [${a}, ${b}) beyond ${iv.length / 2}`);
      return Float64Array.from(iv.slice(2 * a, 2 * b));
    });
  }
  return trains;
}

async function openUnits(file: H5File, tree: H5Tree, units: H5Node, options: OpenOptions): Promise<Recording> {
  const trains = await readUnits(file, tree, units);
  const ids = tree.child(units.path, 'id') ? numbers(await file.read(`${units.path}/id`)) : undefined;
  const rate = options.rate ?? DEFAULT_BIN_RATE;
  let t0 = Infinity;
  let t1 = -Infinity;
  const extend = (v: number) => {
    if (Number.isFinite(v)) {
      t0 = Math.min(t0, v);
      t1 = Math.max(t1, v);
    }
  };
  trains.times.forEach((t) => t.forEach(extend));
  trains.observed?.forEach((iv) => iv.forEach(extend));
  if (!Number.isFinite(t0)) {
    t0 = 0;
    t1 = 0;
  }
  const start = Math.min(0, t0);
  const nFrames = Math.max(1, Math.ceil((t1 - start) * rate - 1e-9));
  const nNeurons = trains.times.length;
  return {
    meta: {
      source: { path: file.path, format: 'nwb', object: units.path },
      nNeurons,
      nFrames,
      timeBase: { kind: 'rate', rate, start },
      unit: 'spikes per bin',
      labels: trains.times.map((_, i) => String(ids?.[i] ?? i)),
      hasRois: false,
      hasSpikes: true,
    },
    async readTraces(neurons, frames) {
      checkRange(file.path, units.path, neurons, nNeurons, 'unit');
      checkRange(file.path, units.path, frames, nFrames, 'bin');
      const sub: SpikeTrains = {
        times: trains.times.slice(neurons[0], neurons[1]),
        observed: trains.observed?.slice(neurons[0], neurons[1]),
      };
      return binSpikes(sub, { start: start + frames[0] / rate, binWidth: 1 / rate, nBins: frames[1] - frames[0] }).counts;
    },
    spikes: async () => trains,
    close: () => file.close(),
  };
}
