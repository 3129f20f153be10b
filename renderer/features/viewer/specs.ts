/**
 * Plotly data for the viewer, built from view answers (pure, tested in tests/unit/viewer): stacked
 * traces as one WebGL line with NaN gaps (a column's min and max as a vertical stroke, so a one-frame
 * transient stays visible), the raster as a heatmap on column and row edges, spike ticks, ROI masks.
 */
import type { RasterView, RoiView, SpikeView, TraceView } from '../../../shared/domain/viewer';

/** Fraction of its lane a trace may use: the rest keeps neighbouring traces apart. */
export const LANE_FILL = 0.85;

/** Per-neuron value range used to fit each trace into its lane (from a whole-recording overview, so lanes keep still while panning). */
export interface LaneScale {
  low: Float32Array;
  high: Float32Array;
}

export function laneScale(overview: TraceView): LaneScale {
  const n = overview.neurons[1] - overview.neurons[0];
  const low = new Float32Array(n);
  const high = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let j = 0; j < overview.columns; j++) {
      const a = overview.min[i * overview.columns + j];
      const b = overview.max[i * overview.columns + j];
      if (a < lo) lo = a;
      if (b > hi) hi = b;
    }
    low[i] = Number.isFinite(lo) ? lo : 0;
    high[i] = Number.isFinite(hi) && hi > lo ? hi : low[i] + 1;
  }
  return { low, high };
}

/**
 * Lane k (the k-th neuron shown, from the top) spans y ∈ [−k − 1, −k]. Each column adds two points
 * (its min and its max at the column's start time) and each neuron ends with a NaN gap, so a trace
 * never has more than 2 × columns + 1 points.
 */
export function stackedTraces(view: TraceView, scale: LaneScale, scaleOffset: number): { x: Float64Array; y: Float32Array } {
  const n = view.neurons[1] - view.neurons[0];
  const { columns } = view;
  const x = new Float64Array(n * (2 * columns + 1));
  const y = new Float32Array(n * (2 * columns + 1));
  let p = 0;
  for (let i = 0; i < n; i++) {
    const s = scaleOffset + i;
    const lo = scale.low[s] ?? 0;
    const span = (scale.high[s] ?? 1) - lo || 1;
    const base = -i - 1 + (1 - LANE_FILL) / 2;
    for (let j = 0; j < columns; j++) {
      const t = view.times[j];
      const a = view.min[i * columns + j];
      const b = view.max[i * columns + j];
      x[p] = t;
      y[p++] = base + ((a - lo) / span) * LANE_FILL;
      x[p] = t;
      y[p++] = base + ((b - lo) / span) * LANE_FILL;
    }
    x[p] = view.times[columns];
    y[p++] = NaN;
  }
  return { x, y };
}

/** Lane centres and their labels for the traces' y axis. */
export function laneTicks(first: number, count: number, labels: string[] | undefined): { tickvals: number[]; ticktext: string[] } {
  const tickvals: number[] = [];
  const ticktext: string[] = [];
  // At most ~40 labels: every k-th lane when more are shown.
  const every = Math.max(1, Math.ceil(count / 40));
  for (let k = 0; k < count; k += every) {
    tickvals.push(-k - 0.5);
    ticktext.push(labels?.[first + k] ?? String(first + k));
  }
  return { tickvals, ticktext };
}

/**
 * The raster as heatmap cells on a uniform grid (x0, dx in seconds; y0, dy in neurons), so plotly
 * draws it as one image (zsmooth 'fast') rather than one rectangle per cell. Column and row edges
 * are uniform up to one frame or one neuron of rounding: under a pixel, since a column is a pixel.
 */
export function rasterCells(view: RasterView): { x0: number; dx: number; y0: number; dy: number; z: Array<Array<number | null>> } {
  const z: Array<Array<number | null>> = [];
  for (let r = 0; r < view.rows; r++) {
    const row: Array<number | null> = new Array(view.columns);
    for (let j = 0; j < view.columns; j++) {
      const v = view.mean[r * view.columns + j];
      row[j] = Number.isFinite(v) ? v : null;
    }
    z.push(row);
  }
  const dx = (view.times[view.columns] - view.times[0]) / view.columns;
  const dy = (view.rowEdges[view.rows] - view.rowEdges[0]) / view.rows;
  // Heatmap coordinates are cell centres.
  return { x0: view.times[0] + dx / 2, dx, y0: view.rowEdges[0] + dy / 2, dy, z };
}

/** Spike ticks: one vertical stroke per spike in lane u (y from u + 0.1 to u + 0.9), NaN between. */
export function spikeTicks(view: SpikeView): { x: Float64Array; y: Float32Array } {
  const total = view.times?.length ?? 0;
  const x = new Float64Array(3 * total);
  const y = new Float32Array(3 * total);
  const offsets = view.offsets!;
  let p = 0;
  for (let u = 0; u + 1 < offsets.length; u++) {
    const lane = view.units[0] + u;
    for (let k = offsets[u]; k < offsets[u + 1]; k++) {
      const t = view.times![k];
      x[p] = t;
      y[p++] = lane + 0.1;
      x[p] = t;
      y[p++] = lane + 0.9;
      x[p] = t;
      y[p++] = NaN;
    }
  }
  return { x, y };
}

/** Unobserved stretches as horizontal segments through each unit's lane centre, NaN between. */
export function spikeGaps(view: SpikeView): { x: Float64Array; y: Float32Array } | null {
  if (!view.gaps || !view.gapOffsets || view.gaps.length === 0) return null;
  const count = view.gaps.length / 2;
  const x = new Float64Array(3 * count);
  const y = new Float32Array(3 * count);
  let p = 0;
  for (let u = 0; u + 1 < view.gapOffsets.length; u++) {
    for (let k = view.gapOffsets[u]; k < view.gapOffsets[u + 1]; k++) {
      x[p] = view.gaps[2 * k];
      y[p++] = view.units[0] + u + 0.5;
      x[p] = view.gaps[2 * k + 1];
      y[p++] = view.units[0] + u + 0.5;
      x[p] = view.gaps[2 * k + 1];
      y[p++] = NaN;
    }
  }
  return { x, y };
}

/** Spike counts per pixel column as heatmap cells on their uniform grid (cell centres). */
export function spikeCountCells(view: SpikeView): { x0: number; dx: number; y0: number; dy: number; z: number[][] } {
  const columns = view.columns!;
  const units = view.units[1] - view.units[0];
  const z = Array.from({ length: units }, (_, u) => Array.from(view.counts!.subarray(u * columns, (u + 1) * columns)));
  return { x0: view.window[0] + view.binWidth! / 2, dx: view.binWidth!, y0: view.units[0] + 0.5, dy: 1, z };
}

/** A calm categorical palette; neighbouring ROI indices get well separated hues. */
export const ROI_COLOURS = [
  '#e6194b',
  '#3cb44b',
  '#4363d8',
  '#f58231',
  '#911eb4',
  '#42d4f4',
  '#f032e6',
  '#bfef45',
  '#fabed4',
  '#469990',
  '#dcbeff',
  '#ffe119',
];

/**
 * The ROI map as an image: per pixel the ROI with the largest weight there (colour index = ROI mod
 * palette, null where no ROI), and per pixel its label for hovering.
 */
export function roiImage(view: RoiView): { z: Array<Array<number | null>>; text: string[][]; roiAt: Int32Array } {
  const [h, w] = view.dims;
  const roiAt = new Int32Array(h * w).fill(-1);
  const best = new Float32Array(h * w);
  for (let k = 0; k < view.count; k++) {
    for (let p = view.offsets[k]; p < view.offsets[k + 1]; p++) {
      const px = view.pixels[p];
      const wt = Math.abs(view.weights[p]);
      if (px < h * w && wt > 0 && (roiAt[px] < 0 || wt > best[px])) {
        roiAt[px] = k;
        best[px] = wt;
      }
    }
  }
  const z: Array<Array<number | null>> = [];
  const text: string[][] = [];
  for (let r = 0; r < h; r++) {
    const zr: Array<number | null> = new Array(w);
    const tr: string[] = new Array(w);
    for (let c = 0; c < w; c++) {
      const k = roiAt[r * w + c];
      zr[c] = k < 0 ? null : k % ROI_COLOURS.length;
      tr[c] = k < 0 ? '' : `ROI ${view.labels[k]} (row ${k})`;
    }
    z.push(zr);
    text.push(tr);
  }
  return { z, text, roiAt };
}

/** A stepped colour scale: index i of the palette is one flat band. */
export function categoricalScale(colours: readonly string[]): Array<[number, string]> {
  const n = colours.length;
  return colours.flatMap((c, i) => [
    [i / n, c],
    [(i + 1) / n, c],
  ]) as Array<[number, string]>;
}

/** A 2-D array of an image (row-major, dims), for a heatmap. */
export function imageRows(data: Float32Array, [h, w]: [number, number]): number[][] {
  return Array.from({ length: h }, (_, r) => Array.from(data.subarray(r * w, (r + 1) * w)));
}

/** A window kept inside the recording: panned past an end it slides back, zoomed out past both it is the whole. */
export function clampWindow([a, b]: [number, number], start: number, end: number): [number, number] {
  const span = b - a;
  if (!(span > 0) || span >= end - start) return [start, end];
  if (a < start) return [start, start + span];
  if (b > end) return [end - span, end];
  return [a, b];
}
