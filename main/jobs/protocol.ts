/** Messages between the job pool (main thread) and its worker threads. */
import type { ProviderSetting } from '../../shared/domain/engine.js';
import type { FigureSpec } from '../../shared/domain/figure.js';
import type { AnalysisResult, DatasetRef } from '../analyses/types.js';

export interface JobSpec {
  runId: number;
  analysis: string;
  /** Primary dataset first. */
  datasets: DatasetRef[];
  params: Record<string, unknown>;
  /** Execution provider the user chose for the tensor engine. */
  provider: ProviderSetting;
}

export type ToWorker = { type: 'start'; job: JobSpec };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'progress'; runId: number; fraction: number; message: string; objective: number | null }
  | { type: 'log'; runId: number; message: string }
  | { type: 'done'; runId: number; result: AnalysisResult; figures: FigureSpec[]; timings: Record<string, number> }
  | { type: 'failed'; runId: number; message: string }
  | { type: 'cancelled'; runId: number };

/** workerData handed to each worker: the shared cancel flag (Int32 slot 0 = runId to cancel). */
export interface WorkerData {
  cancelFlag: SharedArrayBuffer;
  threads: number;
  /** Workers in the pool: engines decide from it whether idle threads may spin. */
  workers: number;
}
