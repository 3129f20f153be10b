/** Store records as the renderer and the CLI see them. Times are ISO-8601 strings (UTC). */
export interface Project {
  id: number;
  name: string;
  createdAt: string;
  updatedAt: string;
}

export interface Dataset {
  id: number;
  projectId: number;
  name: string;
  path: string;
  format: string;
  /** Object inside the file this dataset points at ('' = the reader's default). */
  object: string;
  size: number;
  mtimeMs: number;
  /** Sampled content hash (see main/store/hash.ts): detects edits without reading whole files. */
  hash: string;
  /** Sampling rate given by the user for formats that store none. */
  rate: number | null;
  /** Shapes, rates and units of the objects found when it was added. */
  info: unknown;
  addedAt: string;
}

/** Warning about the file behind a dataset, computed when datasets are listed. */
export type DatasetFileState = 'ok' | 'missing' | 'changed';

export type RunStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';

export interface RunSummary {
  id: number;
  projectId: number;
  datasetId: number | null;
  analysis: string;
  status: RunStatus;
  progress: number;
  message: string;
  objective: number | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface RunArrayInfo {
  name: string;
  dtype: string;
  shape: number[];
}

/** One dataset a run read, as it was when the run started. */
export interface RunInput {
  datasetId: number;
  path: string;
  object: string;
  hash: string;
}

export interface Run extends RunSummary {
  /** Every dataset the run read, primary first. */
  inputs: RunInput[];
  params: Record<string, unknown>;
  metrics: Record<string, unknown>;
  /** Structured results (per component, per iteration …), as written to result.json. */
  report: Record<string, unknown>;
  timings: Record<string, number>;
  appVersion: string;
  dataHash: string | null;
  arrays: RunArrayInfo[];
}
