import type { FileInfo, RecordingMeta } from '../../shared/domain/recording.js';

/** Half-open index range [start, end). */
export type Range = readonly [start: number, end: number];

/** ROI geometry in pixel coordinates of an imaging plane. */
export interface RoiSet {
  /** Image size [height, width] when known. */
  dims?: [number, number];
  /** Per ROI: centre [x, y] in pixels. */
  centers: Float32Array;
  /** Per ROI sparse pixels: flat pixel indices (row-major in dims) and weights. */
  masks?: { pixels: Uint32Array[]; weights: Float32Array[] };
  /** A mean/max image of the plane (row-major, dims) to draw masks over. */
  background?: { name: string; data: Float32Array };
}

/** Spike trains as ragged arrays, times in seconds. */
export interface SpikeTrains {
  times: Float64Array[];
  /** Intervals [start, stop] in seconds when each unit was observed; absent means the whole recording. */
  observed?: Float64Array[];
}

/**
 * A recording opened read-only. Only metadata is read at open time; arrays are read in slices.
 * Traces are neurons × frames, float32, row-major.
 */
export interface Recording {
  meta: RecordingMeta;
  /** Storage order on disk: whole-neuron blocks read fastest when 'neurons-first', frame blocks when 'time-first'. */
  layout?: 'neurons-first' | 'time-first';
  readTraces(neurons: Range, frames: Range): Promise<Float32Array>;
  timestamps?(): Promise<Float64Array>;
  rois?(): Promise<RoiSet>;
  spikes?(): Promise<SpikeTrains>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Which object inside the file; the reader picks the most useful one when absent. */
  object?: string;
  /** Sampling rate in Hz for formats that do not store one (NPY, CSV). */
  rate?: number;
  /** For 2-D matrices without a stated orientation. */
  layout?: 'neurons-first' | 'time-first';
  /** Image size [height, width] for ROI footprints in files that do not store it (CaImAn .npz). */
  dims?: [number, number];
}

/** One module per format registers one of these. */
export interface FormatReader {
  id: string;
  extensions: string[];
  /** Content sniffing on the first bytes (and the path, for folders). */
  sniff(head: Uint8Array, path: string): boolean;
  inspect(path: string): Promise<FileInfo>;
  open(path: string, options: OpenOptions): Promise<Recording>;
}

/** Every data-layer error names the file, the object inside it, and what was expected versus found. */
export class DataError extends Error {
  constructor(
    readonly file: string,
    readonly object: string,
    readonly problem: string,
  ) {
    super(`${file}${object ? ` [${object}]` : ''}: ${problem}`);
    this.name = 'DataError';
  }
}
