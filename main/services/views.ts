/**
 * View requests of the viewer: main keeps recently viewed recordings open with their min/max/mean
 * pyramids and answers with views sized to the renderer's pixels, never with a whole recording.
 * Open recordings are kept in least-recently-used order within a count and memory bound, and are
 * closed when their dataset is removed or the studio shuts down. Pyramids are built in small
 * blocks that yield to the event loop between them, so main keeps answering while one is built.
 */
import { statedLayout } from '../../shared/domain/derived.js';
import type { Dataset } from '../../shared/domain/project.js';
import type { RasterView, RoiView, SpikeView, TraceView, ViewerInfo } from '../../shared/domain/viewer.js';
import { openRecording } from '../io/registry.js';
import { DataError, type Range, type Recording, type RoiSet, type SpikeTrains } from '../io/types.js';
import { TraceViews } from '../io/views.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import type { DatasetService } from './datasets.js';

export interface ViewServiceOptions {
  /** Recordings kept open (default 4). */
  maxOpen?: number;
  /** Pyramid memory of each open recording, bytes (default 96 MiB). */
  pyramidBytes?: number;
  /** Values read per pyramid block (default 1M = 4 MB: a few milliseconds of work between yields). */
  blockValues?: number;
}

/** Spike marks drawn one by one up to this many in a view, else counts per pixel column. */
const MAX_SPIKE_MARKS = 60_000;
/** Stacked traces beyond this many min/max values per view could not be drawn anyway. */
const MAX_TRACE_VALUES = 1 << 22;
/** Values a raster may read from the file (8 MB of float32, a few milliseconds); wider ones come from the overview. */
const MAX_RASTER_READ = 1 << 21;

interface Entry {
  key: string;
  datasetId: number;
  object: string;
  recording: Recording;
  /** Frame start times when the file has timestamps. */
  timestamps: Float64Array | null;
  start: number;
  end: number;
  rate: number;
  views?: Promise<TraceViews>;
  spikes?: Promise<SpikeTrains>;
  rois?: Promise<RoiSet>;
  colourRange?: Promise<[number, number]>;
  /** Requests in flight: an evicted entry closes when the last one ends. */
  users: number;
  evicted: boolean;
}

export interface TraceRequest {
  datasetId: number;
  object?: string;
  neurons: [number, number];
  /** Seconds. */
  window: [number, number];
  width: number;
  coarse?: boolean;
}

export class ViewService {
  readonly name = 'views';
  private readonly entries = new Map<string, Entry>();
  private readonly opening = new Map<string, Promise<Entry>>();
  private readonly options: Required<ViewServiceOptions>;

  constructor(
    private readonly store: Store,
    private readonly datasets: DatasetService,
    private readonly log: Logger,
    options: ViewServiceOptions = {},
  ) {
    this.options = { maxOpen: 4, pyramidBytes: 96 << 20, blockValues: 1 << 20, ...options };
  }

  async info(datasetId: number, object?: string): Promise<ViewerInfo> {
    const dataset = this.store.datasets.get(datasetId);
    return this.use(dataset, object, async (e) => {
      const { meta } = e.recording;
      return {
        datasetId,
        object: e.object,
        nNeurons: meta.nNeurons,
        nFrames: meta.nFrames,
        timeBase: meta.timeBase,
        start: e.start,
        end: e.end,
        rate: e.rate,
        unit: meta.unit,
        labels: meta.labels,
        hasRois: meta.hasRois && !!e.recording.rois,
        hasSpikes: meta.hasSpikes && !!e.recording.spikes,
        fileState: await this.datasets.fileState(dataset),
      };
    });
  }

  async traces(req: TraceRequest): Promise<TraceView> {
    return this.use(this.store.datasets.get(req.datasetId), req.object, async (e) => {
      const neurons = this.neuronRange(e, req.neurons);
      if ((neurons[1] - neurons[0]) * req.width > MAX_TRACE_VALUES) {
        throw new DataError(
          e.recording.meta.source.path,
          e.object,
          `${neurons[1] - neurons[0]} traces × ${req.width} pixels is more than a view holds (${MAX_TRACE_VALUES} values): show fewer neurons`,
        );
      }
      const frames = this.frameRange(e, req.window);
      const view = await (await this.pyramid(e)).view(neurons, frames, req.width, { coarse: req.coarse });
      return {
        neurons: view.neurons,
        frames: view.frames,
        columns: view.columns,
        times: this.columnTimes(e, frames, view.edges),
        binFrames: view.binFrames,
        min: view.min,
        max: view.max,
      };
    });
  }

  /**
   * The neurons × time raster: column means, rows averaged in groups when there are more neurons
   * than `height`. Columns narrower than the overview's bins are read from the file only when that
   * read is small; otherwise they repeat the overview's bins (a heatmap cell shows no more anyway).
   */
  async raster(req: TraceRequest & { height: number }): Promise<RasterView> {
    return this.use(this.store.datasets.get(req.datasetId), req.object, async (e) => {
      const neurons = this.neuronRange(e, req.neurons);
      const frames = this.frameRange(e, req.window);
      const coarse = req.coarse || (neurons[1] - neurons[0]) * (frames[1] - frames[0]) > MAX_RASTER_READ;
      const view = await (await this.pyramid(e)).view(neurons, frames, req.width, { coarse });
      const n = neurons[1] - neurons[0];
      const rows = Math.max(1, Math.min(n, Math.floor(req.height)));
      const rowEdges = new Uint32Array(rows + 1);
      for (let r = 0; r <= rows; r++) rowEdges[r] = neurons[0] + Math.floor((r * n) / rows);
      const { columns } = view;
      const mean = rows === n ? view.mean : groupRows(view.mean, rowEdges, neurons[0], columns);
      const [low, high] = await (e.colourRange ??= this.colourRange(e));
      return {
        neurons: view.neurons,
        frames: view.frames,
        rows,
        columns,
        rowEdges,
        times: this.columnTimes(e, frames, view.edges),
        binFrames: view.binFrames,
        mean,
        low,
        high,
      };
    });
  }

  async spikes(req: {
    datasetId: number;
    object?: string;
    units: [number, number];
    window: [number, number];
    width: number;
  }): Promise<SpikeView> {
    return this.use(this.store.datasets.get(req.datasetId), req.object, async (e) => {
      if (!e.recording.spikes)
        throw new DataError(e.recording.meta.source.path, e.object, 'holds no spike trains (expected an NWB Units table)');
      const trains = await (e.spikes ??= e.recording.spikes());
      const units = this.neuronRange(e, req.units);
      return spikeView(trains, units, req.window, Math.max(1, Math.floor(req.width)));
    });
  }

  async rois(req: { datasetId: number; object?: string }): Promise<RoiView> {
    return this.use(this.store.datasets.get(req.datasetId), req.object, async (e) => {
      const { recording } = e;
      if (!recording.rois)
        throw new DataError(
          recording.meta.source.path,
          e.object,
          'holds no ROI geometry (no PlaneSegmentation masks, stat.npy or footprints)',
        );
      const set = await (e.rois ??= recording.rois());
      return roiView(set, recording.meta.labels);
    });
  }

  /** Closes what is open of a dataset (it was removed, or its file is to be re-read). */
  async forget(datasetId: number): Promise<void> {
    for (const e of [...this.entries.values()]) if (e.datasetId === datasetId) await this.evict(e);
  }

  async shutdown(): Promise<void> {
    await Promise.allSettled(this.opening.values());
    for (const e of [...this.entries.values()]) await this.evict(e);
  }

  /** Open entries, most recently used last (for tests and the status line). */
  openKeys(): string[] {
    return [...this.entries.keys()];
  }

  private async use<T>(dataset: Dataset, object: string | undefined, work: (e: Entry) => Promise<T>): Promise<T> {
    let e = await this.entry(dataset, object ?? dataset.object);
    // Evicted (and closed) while this request waited for it: open it again.
    while (e.evicted) e = await this.entry(dataset, object ?? dataset.object);
    e.users++;
    try {
      return await work(e);
    } finally {
      e.users--;
      if (e.evicted && e.users === 0) await this.close(e);
    }
  }

  private async entry(dataset: Dataset, object: string): Promise<Entry> {
    const key = `${dataset.id}:${object}`;
    const open = this.entries.get(key);
    if (open) {
      // Most recently used last.
      this.entries.delete(key);
      this.entries.set(key, open);
      return open;
    }
    let pending = this.opening.get(key);
    if (!pending) {
      pending = this.open(dataset, object, key).finally(() => this.opening.delete(key));
      this.opening.set(key, pending);
    }
    return pending;
  }

  private async open(dataset: Dataset, object: string, key: string): Promise<Entry> {
    const recording = await openRecording(dataset.path, {
      object: object || undefined,
      rate: dataset.rate ?? undefined,
      layout: statedLayout(dataset),
    });
    try {
      const { timeBase, nFrames } = recording.meta;
      let timestamps: Float64Array | null = null;
      let start: number;
      let end: number;
      let rate: number;
      if (timeBase.kind === 'rate') {
        rate = timeBase.rate;
        start = timeBase.start;
        end = start + nFrames / rate;
      } else {
        timestamps = (await recording.timestamps?.()) ?? null;
        if (!timestamps || timestamps.length !== nFrames || nFrames === 0) {
          throw new DataError(recording.meta.source.path, object, `expected ${nFrames} timestamps, found ${timestamps?.length ?? 'none'}`);
        }
        start = timestamps[0];
        const span = timestamps[nFrames - 1] - start;
        // The last frame lasts as long as the frames on average.
        rate = nFrames > 1 && span > 0 ? (nFrames - 1) / span : 1;
        end = timestamps[nFrames - 1] + 1 / rate;
      }
      const entry: Entry = { key, datasetId: dataset.id, object, recording, timestamps, start, end, rate, users: 0, evicted: false };
      this.entries.set(key, entry);
      await this.trim();
      return entry;
    } catch (error) {
      await recording.close().catch(() => {});
      throw error;
    }
  }

  /** Least recently used entries beyond the bound are closed (after their requests in flight). */
  private async trim(): Promise<void> {
    const excess = this.entries.size - this.options.maxOpen;
    for (const e of [...this.entries.values()].slice(0, Math.max(0, excess))) await this.evict(e);
  }

  private async evict(e: Entry): Promise<void> {
    this.entries.delete(e.key);
    e.evicted = true;
    if (e.users === 0) await this.close(e);
  }

  private async close(e: Entry): Promise<void> {
    try {
      await e.recording.close();
    } catch (error) {
      this.log.warn(`closing ${e.recording.meta.source.path}: ${String(error)}`);
    }
  }

  private pyramid(e: Entry): Promise<TraceViews> {
    if (!e.views) {
      const t0 = performance.now();
      e.views = TraceViews.build(yielding(e.recording), { budgetBytes: this.options.pyramidBytes, blockValues: this.options.blockValues });
      e.views.then(
        (v) => {
          const { nNeurons, nFrames } = e.recording.meta;
          this.log.info(
            `views: ${nNeurons} × ${nFrames} overview of ${e.recording.meta.source.path} (bins of ${v.baseFactor} frames) in ${Math.round(performance.now() - t0)} ms`,
          );
        },
        // A failed build is retried by the next request.
        () => (e.views = undefined),
      );
    }
    return e.views;
  }

  /** 1st and 99th percentile of the whole recording's column means: one colour scale for every window. */
  private async colourRange(e: Entry): Promise<[number, number]> {
    const { nNeurons, nFrames } = e.recording.meta;
    const overview = await (await this.pyramid(e)).view([0, nNeurons], [0, nFrames], 512, { coarse: true });
    const finite = overview.mean.filter((v) => Number.isFinite(v)).sort();
    if (finite.length === 0) return [0, 1];
    const at = (q: number) => finite[Math.min(finite.length - 1, Math.floor(q * (finite.length - 1)))];
    const [low, high] = [at(0.01), at(0.99)];
    return high > low ? [low, high] : [low - 0.5, low + 0.5];
  }

  private neuronRange(e: Entry, [a, b]: [number, number]): Range {
    const n = e.recording.meta.nNeurons;
    if (!(a >= 0 && b <= n && a < b))
      throw new DataError(e.recording.meta.source.path, e.object, `neuron range [${a}, ${b}) is outside 0..${n} or empty`);
    return [a, b];
  }

  /** Frames whose time span meets [t0, t1): at least one frame, clipped to the recording. */
  private frameRange(e: Entry, [t0, t1]: [number, number]): Range {
    const n = e.recording.meta.nFrames;
    if (!(t1 > t0)) throw new DataError(e.recording.meta.source.path, e.object, `time window [${t0}, ${t1}] is empty`);
    let f0: number;
    let f1: number;
    if (e.timestamps) {
      f0 = Math.max(0, upperBound(e.timestamps, t0) - 1);
      f1 = lowerBound(e.timestamps, t1);
    } else {
      f0 = Math.floor((t0 - e.start) * e.rate + 1e-9);
      f1 = Math.ceil((t1 - e.start) * e.rate - 1e-9);
    }
    f0 = Math.min(n - 1, Math.max(0, f0));
    f1 = Math.max(f0 + 1, Math.min(n, f1));
    return [f0, f1];
  }

  private frameTime(e: Entry, f: number): number {
    if (e.timestamps) return f >= e.timestamps.length ? e.end : e.timestamps[f];
    return e.start + f / e.rate;
  }

  private columnTimes(e: Entry, frames: Range, edges: Float64Array): Float64Array {
    return Float64Array.from(edges, (edge) => this.frameTime(e, frames[0] + edge));
  }
}

/** Reads that yield to the event loop first, so a pyramid build never holds main for long. */
function yielding(recording: Recording): Recording {
  return {
    meta: recording.meta,
    layout: recording.layout,
    async readTraces(neurons, frames) {
      await new Promise((resolve) => setImmediate(resolve));
      return recording.readTraces(neurons, frames);
    },
    close: () => recording.close(),
  };
}

/** Averages groups of rows (neurons) of a neurons × columns block, NaN-aware. */
function groupRows(mean: Float32Array, rowEdges: Uint32Array, first: number, columns: number): Float32Array {
  const rows = rowEdges.length - 1;
  const out = new Float32Array(rows * columns);
  const sums = new Float64Array(columns);
  const counts = new Uint32Array(columns);
  for (let r = 0; r < rows; r++) {
    sums.fill(0);
    counts.fill(0);
    for (let i = rowEdges[r] - first; i < rowEdges[r + 1] - first; i++) {
      const o = i * columns;
      for (let j = 0; j < columns; j++) {
        const v = mean[o + j];
        if (v === v) {
          sums[j] += v;
          counts[j]++;
        }
      }
    }
    for (let j = 0; j < columns; j++) out[r * columns + j] = counts[j] ? sums[j] / counts[j] : NaN;
  }
  return out;
}

function lowerBound(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Spike trains are sorted in NWB files but not guaranteed to be: the window is found by scanning when they are not. */
function windowOf(times: Float64Array, t0: number, t1: number): [number, number] {
  let sorted = true;
  for (let i = 1; i < times.length && sorted; i++) sorted = times[i - 1] <= times[i];
  if (sorted) return [lowerBound(times, t0), lowerBound(times, t1)];
  return [-1, -1];
}

export function spikeView(trains: SpikeTrains, units: Range, window: [number, number], width: number): SpikeView {
  const [t0, t1] = window;
  const nUnits = units[1] - units[0];
  const inWindow: Float64Array[] = [];
  let total = 0;
  for (let u = units[0]; u < units[1]; u++) {
    const times = trains.times[u];
    const [a, b] = windowOf(times, t0, t1);
    const picked = a >= 0 ? times.subarray(a, b) : times.filter((t) => t >= t0 && t < t1);
    inWindow.push(picked);
    total += picked.length;
  }
  const gapOffsets = new Uint32Array(nUnits + 1);
  const gaps: number[] = [];
  if (trains.observed) {
    for (let u = 0; u < nUnits; u++) {
      for (const [a, b] of unobserved(trains.observed[units[0] + u], t0, t1)) gaps.push(a, b);
      gapOffsets[u + 1] = gaps.length / 2;
    }
  }
  const base: SpikeView = { units: [units[0], units[1]], window: [t0, t1], mode: 'times', total };
  if (trains.observed) Object.assign(base, { gapOffsets, gaps: Float64Array.from(gaps) });
  if (total <= MAX_SPIKE_MARKS) {
    const offsets = new Uint32Array(nUnits + 1);
    const times = new Float64Array(total);
    inWindow.forEach((t, u) => {
      times.set(t, offsets[u]);
      offsets[u + 1] = offsets[u] + t.length;
    });
    return { ...base, offsets, times };
  }
  const binWidth = (t1 - t0) / width;
  const counts = new Float32Array(nUnits * width);
  inWindow.forEach((t, u) => {
    for (const v of t) counts[u * width + Math.min(width - 1, Math.floor((v - t0) / binWidth))]++;
  });
  return { ...base, mode: 'counts', counts, columns: width, binWidth };
}

/** The parts of [t0, t1) outside a unit's observation intervals [a0, b0, a1, b1 …]. */
function unobserved(intervals: Float64Array, t0: number, t1: number): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (let k = 0; k + 1 < intervals.length; k += 2) spans.push([intervals[k], intervals[k + 1]]);
  spans.sort((x, y) => x[0] - y[0]);
  const out: Array<[number, number]> = [];
  let cursor = t0;
  for (const [a, b] of spans) {
    if (b <= cursor) continue;
    if (a > cursor) out.push([cursor, Math.min(a, t1)]);
    cursor = Math.max(cursor, b);
    if (cursor >= t1) break;
  }
  if (cursor < t1) out.push([cursor, t1]);
  return out.filter(([a, b]) => b > a);
}

export function roiView(set: RoiSet, labels: string[] | undefined): RoiView {
  const count = set.centers.length / 2;
  const offsets = new Uint32Array(count + 1);
  const masks = set.masks;
  for (let k = 0; k < count; k++) offsets[k + 1] = offsets[k] + (masks?.pixels[k]?.length ?? 0);
  const pixels = new Uint32Array(offsets[count]);
  const weights = new Float32Array(offsets[count]);
  for (let k = 0; k < count && masks; k++) {
    pixels.set(masks.pixels[k], offsets[k]);
    weights.set(masks.weights[k], offsets[k]);
  }
  let dims = set.dims;
  if (!dims) {
    // No image size stated: the ROIs' extent (centres only, when there are no masks).
    let w = 1;
    let h = 1;
    for (let k = 0; k < count; k++) {
      w = Math.max(w, Math.ceil(set.centers[2 * k] + 1));
      h = Math.max(h, Math.ceil(set.centers[2 * k + 1] + 1));
    }
    dims = [h, w];
  }
  return {
    dims,
    count,
    labels: labels?.length === count ? labels : Array.from({ length: count }, (_, k) => String(k)),
    centers: set.centers,
    offsets,
    pixels,
    weights,
    background: set.background,
  };
}
