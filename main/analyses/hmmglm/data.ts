/**
 * Spike counts for the HMM-GLM: spike trains binned at a chosen width (NWB Units, respecting each
 * unit's observation intervals), or any neurons × time count matrix (Suite2p spks after rounding,
 * a 2-D .npy …). Several recordings are several sequences: the HMM and the history filters restart
 * at each one. Bad input is refused here, before any fitting, with the file and place named.
 */
import { StudioError } from '../../../shared/ipc/contract.js';
import { openRecording } from '../../io/registry.js';
import type { Recording } from '../../io/types.js';
import { binSpikes } from '../../io/views.js';
import type { AnalysisInput, DatasetRef } from '../types.js';

export interface SpikeCounts {
  /** T × N counts, time-major; unobserved bins hold 0. */
  s: Float64Array;
  /** T × N, 1 where observed. */
  m: Float64Array;
  t: number;
  n: number;
  /** Start row of every sequence. */
  starts: number[];
  /** Seconds per bin, when known. */
  binSeconds: number | null;
  /** Per sequence: the time of its first bin's start and the bin width in seconds, when known (covariates are resampled onto them). */
  timing?: Array<BinTiming | null>;
  labels: string[];
  notes: string[];
}

export interface BinTiming {
  start: number;
  binSeconds: number;
}

/** Formats whose 2-D matrices carry no stated orientation: the reader guessed it. */
export const GUESSED_ORIENTATION = new Set(['npy', 'npz', 'csv', 'mat-v5', 'mat-v7.3', 'hdf5']);

interface LoadOptions {
  binSeconds: number;
  layout: 'auto' | 'time-first' | 'neurons-first';
  nonInteger: 'reject' | 'round';
}

export function where(d: DatasetRef): string {
  return `${d.path}${d.object ? ` [${d.object}]` : ''}`;
}

async function sequenceOf(
  recording: Recording,
  dataset: DatasetRef,
  options: LoadOptions,
  notes: string[],
): Promise<{ s: Float64Array; m: Float64Array; t: number; n: number; binSeconds: number | null; start: number }> {
  const { meta } = recording;
  if (meta.hasSpikes && recording.spikes) {
    const trains = await recording.spikes();
    const tb = meta.timeBase;
    const start = tb.kind === 'rate' ? tb.start : 0;
    const duration = tb.kind === 'rate' ? meta.nFrames / tb.rate : 0;
    const bins = Math.ceil(duration / options.binSeconds - 1e-9);
    const n = trains.times.length;
    const { counts } = binSpikes(trains, { start, binWidth: options.binSeconds, nBins: bins });
    const s = new Float64Array(bins * n);
    const m = new Float64Array(bins * n);
    for (let i = 0; i < n; i++) {
      for (let r = 0; r < bins; r++) {
        const c = counts[i * bins + r]!;
        if (Number.isNaN(c)) continue;
        s[r * n + i] = c;
        m[r * n + i] = 1;
      }
    }
    notes.push(
      `${where(dataset)}: ${n} units binned at ${options.binSeconds} s into ${bins} bins${trains.observed ? ' (bins outside each unit’s observation intervals are left out)' : ''}`,
    );
    return { s, m, t: bins, n, binSeconds: options.binSeconds, start };
  }

  let rec = recording;
  let reopened: Recording | null = null;
  const guessed = GUESSED_ORIENTATION.has(meta.source.format);
  if (guessed && options.layout !== 'auto') {
    reopened = await openRecording(dataset.path, {
      object: dataset.object || undefined,
      rate: dataset.rate ?? undefined,
      layout: options.layout,
    });
    rec = reopened;
  }
  try {
    const { nNeurons: n, nFrames: t } = rec.meta;
    if (guessed && options.layout === 'auto') {
      notes.push(
        `${where(dataset)}: orientation guessed from the shape (the longer axis is time): ${n} neurons × ${t} bins; set “Matrix layout” to time-first or neurons-first to override`,
      );
    }
    const x = await rec.readTraces([0, n], [0, t]);
    const s = new Float64Array(t * n);
    const m = new Float64Array(t * n);
    let rounded = 0;
    for (let i = 0; i < n; i++) {
      for (let r = 0; r < t; r++) {
        let v = x[i * t + r]!;
        if (Number.isNaN(v)) continue;
        const at = `${where(dataset)}: neuron ${i}${meta.labels?.[i] !== undefined ? ` (${meta.labels[i]})` : ''}, bin ${r}`;
        if (!Number.isFinite(v)) throw new StudioError('bad-data', `${at} is ${v}; spike counts must be finite`);
        if (v < 0) throw new StudioError('bad-data', `${at} is ${v}; spike counts cannot be negative`);
        if (!Number.isInteger(v)) {
          if (options.nonInteger === 'reject') {
            throw new StudioError(
              'bad-data',
              `${at} is ${v}, not a whole spike count; the HMM-GLM models counts (set “Non-integer counts” to round to use e.g. deconvolved activity)`,
            );
          }
          v = Math.round(v);
          rounded++;
        }
        s[r * n + i] = v;
        m[r * n + i] = 1;
      }
    }
    if (rounded > 0) notes.push(`${where(dataset)}: ${rounded} non-integer values rounded to whole counts`);
    const tb = rec.meta.timeBase;
    // The same plain-matrix formats store no sampling rate either: their bins are frames of unknown length.
    const rateKnown = dataset.rate !== null || !guessed;
    return { s, m, t, n, binSeconds: tb.kind === 'rate' && rateKnown ? 1 / tb.rate : null, start: tb.kind === 'rate' ? tb.start : 0 };
  } finally {
    await reopened?.close();
  }
}

/** All input recordings as one count matrix with sequence starts; several recordings must have the same neurons. */
export async function loadCounts(input: AnalysisInput, options: LoadOptions): Promise<SpikeCounts> {
  const notes: string[] = [];
  const parts = [];
  for (let i = 0; i < input.recordings.length; i++) parts.push(await sequenceOf(input.recordings[i]!, input.datasets[i]!, options, notes));
  const n = parts[0]!.n;
  parts.forEach((part, i) => {
    if (part.n !== n) {
      throw new StudioError(
        'invalid-input',
        `${where(input.datasets[i]!)} has ${part.n} neurons but ${where(input.datasets[0]!)} has ${n}; sequences must share their neurons`,
      );
    }
  });
  const t = parts.reduce((a, b) => a + b.t, 0);
  const s = new Float64Array(t * n);
  const m = new Float64Array(t * n);
  const starts: number[] = [];
  let row = 0;
  for (const part of parts) {
    starts.push(row);
    s.set(part.s, row * n);
    m.set(part.m, row * n);
    row += part.t;
  }
  const meta = input.recordings[0]!.meta;
  const labels = Array.from({ length: n }, (_, i) => meta.labels?.[i] ?? String(i));
  const timing = parts.map((part) => (part.binSeconds === null ? null : { start: part.start, binSeconds: part.binSeconds }));
  return { s, m, t, n, starts, binSeconds: parts[0]!.binSeconds, timing, labels, notes };
}
