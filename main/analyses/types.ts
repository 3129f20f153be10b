/**
 * What an analysis is: `fit(input, params, ctx)`, deterministic given params.seed, reporting
 * progress and checking ctx.token between iterations. Runs inside a worker thread.
 */
import type { z } from 'zod';
import type { FigureSpec } from '../../shared/domain/figure.js';
import type { NdArray } from '../../shared/domain/ndarray.js';
import type { Engine } from '../compute/index.js';
import type { Recording } from '../io/types.js';
import type { Rng } from '../util/rng.js';

export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

export interface CancellationToken {
  readonly cancelled: boolean;
  /** Throws CancelledError when cancellation was requested; call between iterations. */
  throwIfCancelled(): void;
}

export interface ProgressReport {
  /** 0..1 */
  fraction: number;
  message?: string;
  /** Current objective (error, log-likelihood …) for the progress display. */
  objective?: number | null;
}

export interface FitContext {
  progress(report: ProgressReport): void;
  token: CancellationToken;
  /** Seeded from params.seed when the analysis has one, else from 0. */
  rng: Rng;
  log(message: string): void;
  /** The worker's tensor engine (created on first use, on the provider the user chose). */
  engine(): Promise<Engine>;
}

export interface DatasetRef {
  path: string;
  format: string;
  object: string;
  rate: number | null;
  /** Orientation of a 2-D matrix when the dataset states it (derived datasets); guessed by the reader otherwise. */
  layout?: 'neurons-first' | 'time-first';
}

export interface AnalysisInput {
  /** The primary recording (the first of `recordings`). */
  recording: Recording;
  dataset: DatasetRef;
  /** Every recording the run was given (several sessions or animals), primary first. */
  recordings: Recording[];
  datasets: DatasetRef[];
}

export interface AnalysisResult {
  /** Small JSON facts: objective, iterations, convergence, shapes, summary statistics. */
  metrics: Record<string, unknown>;
  /** Result arrays, stored as typed blobs and written as .npy by the CLI. */
  arrays: Record<string, NdArray>;
  /**
   * Structured results beyond scalar metrics (per-component summaries, objective per iteration,
   * p-values …): stored with the run and written at the top level of the CLI's result.json.
   */
  report?: Record<string, unknown>;
  /**
   * A result array to offer as a new dataset (preprocessing): the job system writes it as .npy
   * (neurons × frames) into the studio's own folder and registers it with the run's provenance,
   * in the same transaction that completes the run.
   */
  derived?: DerivedOutput;
}

export interface DerivedOutput {
  /** Name of the array in `arrays` (2-D, neurons × frames). */
  array: string;
  /** Dataset name the user sees. */
  name: string;
  /** Frames per second of the array. */
  rate: number;
  /** Time of its first frame in seconds (a .npy keeps only the rate: kept as provenance). */
  start: number;
}

export interface Analysis<S extends z.ZodObject = z.ZodObject> {
  id: string;
  params: S;
  fit(input: AnalysisInput, params: z.output<S>, ctx: FitContext): Promise<AnalysisResult>;
  /** The run's default figures, built in the worker from the result (stored with the run). */
  figures?(result: AnalysisResult, params: z.output<S>, input: AnalysisInput): FigureSpec[];
}

/** Keeps each analysis module's params and fit types tied together. */
export function defineAnalysis<S extends z.ZodObject>(analysis: Analysis<S>): Analysis<S> {
  return analysis;
}
