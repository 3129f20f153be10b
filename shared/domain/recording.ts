/**
 * What the data layer knows about a file and the recordings inside it. Pure metadata: the arrays
 * themselves stay in main and are read in slices on request.
 */
export type ObjectKind = 'traces' | 'spikes' | 'rois' | 'image' | 'timeseries' | 'table' | 'group' | 'other';

/** One addressable object inside a file (an NWB RoiResponseSeries, a Suite2p F.npy, a CSV table …). */
export interface FileObject {
  /** Path of the object inside the file ('/processing/ophys/DfOverF/RRS', 'F.npy', '' for the whole file). */
  path: string;
  kind: ObjectKind;
  /** NWB neurodata_type or the format's own name for it. */
  type?: string;
  shape: number[];
  dtype: string;
  /** Sampling rate in Hz when the file states one. */
  rate?: number;
  unit?: string;
  description?: string;
  /** What the studio can do with it, in words the user sees ("traces", "spike raster", "ROI map"). */
  uses: string[];
}

export interface FileInfo {
  path: string;
  format: string;
  size: number;
  objects: FileObject[];
  /** Notes for the user: "no calcium or spike data here", "orientation guessed", missing values … */
  notes: string[];
}

export type TimeBase = { kind: 'rate'; rate: number; start: number } | { kind: 'timestamps'; count: number };

export interface RecordingMeta {
  /** Where it came from: file, format and the object inside the file. */
  source: { path: string; format: string; object: string };
  nNeurons: number;
  nFrames: number;
  timeBase: TimeBase;
  unit?: string;
  /** Per-neuron labels when the file has them (ROI ids, unit ids, CSV row names). */
  labels?: string[];
  hasRois: boolean;
  hasSpikes: boolean;
}

/**
 * A view of traces for drawing (main answers view requests with these; the renderer never gets a
 * whole recording): per neuron and pixel column the min and max (drawn as a vertical extent, so
 * one-frame transients stay visible) and the mean (for the neurons × columns raster).
 */
export interface DecimatedView {
  neurons: [number, number];
  frames: [number, number];
  /** Number of pixel columns (≤ the width asked for; = frames when there are fewer frames than pixels). */
  columns: number;
  /** First frame of each column relative to frames[0], plus the end: columns + 1 entries. */
  edges: Float64Array;
  /** Frames behind each value: 1 when read from the file, the pyramid bin size otherwise. */
  binFrames: number;
  /** neurons × columns, row-major. NaN where a column holds no finite value. */
  min: Float32Array;
  max: Float32Array;
  mean: Float32Array;
}
