/**
 * What the viewer asks main for and gets back. Main keeps the recording; the renderer only ever
 * receives views sized to its pixels. Times are seconds; arrays are typed (binary on the wire).
 */
import type { DatasetFileState } from './project.js';
import type { TimeBase } from './recording.js';

/** An object of a dataset's file opened for viewing. */
export interface ViewerInfo {
  datasetId: number;
  /** The object inside the file ('' = the reader's default). */
  object: string;
  nNeurons: number;
  nFrames: number;
  timeBase: TimeBase;
  /** Time of the first frame and the end of the last one, in seconds. */
  start: number;
  end: number;
  /** Frames per second (the mean rate when the file has timestamps). */
  rate: number;
  unit?: string;
  /** Per-neuron labels (ROI or unit ids); row index when absent. */
  labels?: string[];
  hasRois: boolean;
  hasSpikes: boolean;
  fileState: DatasetFileState;
}

/** Min/max per neuron and pixel column of a time window: the stacked traces. */
export interface TraceView {
  neurons: [number, number];
  frames: [number, number];
  columns: number;
  /** Time of each column's left edge, plus the end of the last: columns + 1 entries. */
  times: Float64Array;
  /** Frames behind each value: 1 when read from the file, the overview's bin size otherwise. */
  binFrames: number;
  /** neurons × columns, row-major; NaN where a column holds no finite value. */
  min: Float32Array;
  max: Float32Array;
}

/** Mean per row and pixel column: the neurons × time raster. A row averages `rowEdges` neurons when there are more neurons than rows. */
export interface RasterView {
  neurons: [number, number];
  frames: [number, number];
  rows: number;
  columns: number;
  /** First neuron of each row, plus the end: rows + 1 entries. */
  rowEdges: Uint32Array;
  times: Float64Array;
  binFrames: number;
  /** rows × columns, row-major. */
  mean: Float32Array;
  /** 1st–99th percentile of the whole recording's column means: a colour scale that stays put while panning. */
  low: number;
  high: number;
}

/**
 * Spikes of a range of units in a time window: their times when few enough to draw one mark each,
 * else counts per pixel column. Unobserved stretches (NWB obs_intervals) come as intervals.
 */
export interface SpikeView {
  units: [number, number];
  window: [number, number];
  mode: 'times' | 'counts';
  /** Spikes in the window, all units. */
  total: number;
  /** mode 'times': unit u's spikes are times[offsets[u] … offsets[u+1]). */
  offsets?: Uint32Array;
  times?: Float64Array;
  /** mode 'counts': units × columns, row-major; column j covers window[0] + j·binWidth. */
  counts?: Float32Array;
  columns?: number;
  binWidth?: number;
  /** Unobserved intervals of unit u inside the window: gaps[2k], gaps[2k+1] for k in gapOffsets[u] … gapOffsets[u+1]. */
  gapOffsets?: Uint32Array;
  gaps?: Float64Array;
}

/** ROI geometry for an ROI map: flattened ragged masks (pixel indices row-major in dims). */
export interface RoiView {
  dims: [number, number];
  count: number;
  labels: string[];
  /** [x, y] per ROI. */
  centers: Float32Array;
  /** ROI k's pixels are pixels[offsets[k] … offsets[k+1]). */
  offsets: Uint32Array;
  pixels: Uint32Array;
  weights: Float32Array;
  /** A mean or max image of the plane (row-major, dims). */
  background?: { name: string; data: Float32Array };
}

/** One entry of a folder listing (the file browser of the browser host). */
export interface FolderEntry {
  name: string;
  path: string;
  kind: 'folder' | 'file';
  size: number;
  /** A file or folder the studio can open (by extension, or a Suite2p plane folder). */
  openable: boolean;
}

export interface FolderListing {
  path: string;
  parent: string | null;
  entries: FolderEntry[];
  /** Places to start from: home, the shared data folder when present … */
  places: Array<{ name: string; path: string }>;
}
