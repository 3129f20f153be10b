/**
 * External covariates of the HMM-GLM (running speed, pupil …) on the spike bins. They come from
 * TimeSeries inside each sequence's NWB file, named by object path, or from covariate recordings
 * given as further inputs of the run (time × covariates matrices), one per spike sequence. Every
 * covariate is resampled onto its sequence's bins, the mean of the samples inside each bin (bins
 * holding none, under a coarser covariate, take the linear interpolation at their centre), and
 * standardised over the training bins so the ridge acts evenly on every weight.
 *
 * When either side's time base is unknown (a .npy without a rate), the covariate needs exactly one
 * sample per bin. Non-finite samples, gaps in coverage, length mismatches and constant covariates
 * are refused with the covariate named, before any fitting.
 */
import { basename } from 'node:path';
import { StudioError } from '../../../shared/ipc/contract.js';
import { openRecording } from '../../io/registry.js';
import { DataError, type Recording } from '../../io/types.js';
import type { AnalysisInput, DatasetRef } from '../types.js';
import { type BinTiming, GUESSED_ORIENTATION, type SpikeCounts, where } from './data.js';
import type { Segment } from './forwardBackward.js';

export interface CovariateOptions {
  /** Object paths of TimeSeries inside each sequence's NWB file. */
  paths: string[];
  /** Position among the run's inputs of the first covariate recording, or null. */
  covariateInput: number | null;
  /** Sampling rate of the covariate recordings when their files state none (or a wrong one). */
  rate: number | null;
  layout: 'auto' | 'time-first' | 'covariates-first';
}

export interface CovariateSource {
  name: string;
  sequence: number;
  /** Position of its file among the run's inputs: the run's recorded inputs hold that file's hash. */
  input: number;
  path: string;
  object: string;
  channel: number;
  samples: number;
  timeBase: string;
  resampling: 'mean per bin' | 'one sample per bin';
}

export interface Covariates {
  /** T × C values on the spike bins, time-major, in the covariates' own units. */
  values: Float64Array;
  c: number;
  names: string[];
  sources: CovariateSource[];
  notes: string[];
}

export interface Standardised {
  /** T × C z-scores. */
  values: Float64Array;
  mean: Float64Array;
  sd: Float64Array;
}

/** Sample times of one covariate recording, or null when its time base is unknown. */
async function sampleTimes(
  recording: Recording,
  dataset: DatasetRef,
  rate: number | null,
): Promise<{ times: Float64Array | null; words: string }> {
  const { timeBase, nFrames, source } = recording.meta;
  const start = timeBase.kind === 'rate' ? timeBase.start : 0;
  const known =
    rate ?? (timeBase.kind === 'rate' && (dataset.rate !== null || !GUESSED_ORIENTATION.has(source.format)) ? timeBase.rate : null);
  if (known !== null) {
    return { times: Float64Array.from({ length: nFrames }, (_, i) => start + i / known), words: `${known} Hz from ${start} s` };
  }
  if (timeBase.kind === 'timestamps' && recording.timestamps)
    return { times: await recording.timestamps(), words: `${nFrames} timestamps` };
  return { times: null, words: 'no time base' };
}

/**
 * The mean of the samples inside each bin [start + r·w, start + (r + 1)·w); a bin without samples
 * takes the linear interpolation at its centre, or the nearest sample within one sampling interval
 * beyond the covariate's ends. `describe` names the covariate in errors.
 */
export function resampleToBins(
  times: Float64Array,
  values: ArrayLike<number>,
  timing: BinTiming,
  bins: number,
  describe: string,
): Float64Array {
  const f = times.length;
  if (f < 2)
    throw new StudioError('bad-data', `${describe}: ${f} sample${f === 1 ? '' : 's'}; a covariate needs at least 2 to be resampled`);
  const diffs = new Float64Array(f - 1);
  for (let i = 1; i < f; i++) {
    diffs[i - 1] = times[i]! - times[i - 1]!;
    if (!(diffs[i - 1]! >= 0))
      throw new StudioError('bad-data', `${describe}: sample times decrease at sample ${i} (${times[i - 1]} s, then ${times[i]} s)`);
  }
  const interval = Float64Array.from(diffs).sort()[Math.floor((f - 1) / 2)]!;
  const { start, binSeconds: w } = timing;
  const sums = new Float64Array(bins);
  const counts = new Float64Array(bins);
  for (let i = 0; i < f; i++) {
    // The small offset keeps samples on a bin edge in the bin they start, despite rounding in the division.
    const r = Math.floor((times[i]! - start) / w + 1e-9);
    if (r >= 0 && r < bins) {
      sums[r] += values[i]!;
      counts[r]++;
    }
  }
  const out = new Float64Array(bins);
  let j = 0;
  for (let r = 0; r < bins; r++) {
    if (counts[r]! > 0) {
      out[r] = sums[r]! / counts[r]!;
      continue;
    }
    const centre = start + (r + 0.5) * w;
    while (j + 1 < f && times[j + 1]! <= centre) j++;
    if (centre < times[0]! || centre > times[f - 1]!) {
      const end = centre < times[0]! ? 0 : f - 1;
      if (Math.abs(centre - times[end]!) > interval) {
        throw new StudioError(
          'bad-data',
          `${describe}: the covariate covers ${times[0]}–${times[f - 1]} s but the spike bins span ${start}–${start + bins * w} s (bin ${r} lies outside it); covariates must cover every bin`,
        );
      }
      out[r] = values[end]!;
      continue;
    }
    const a = times[j]!;
    const b = times[j + 1]!;
    out[r] = b > a ? values[j]! + ((values[j + 1]! - values[j]!) * (centre - a)) / (b - a) : values[j]!;
  }
  return out;
}

interface Source {
  recording: Recording;
  dataset: DatasetRef;
  input: number;
  /** Close after reading (opened here rather than handed in with the run). */
  owned: boolean;
  /** Name per channel. */
  names: string[];
  /** Whether the run's rate override applies (covariate recordings) or the file's own time base does (NWB TimeSeries). */
  override: boolean;
}

/** A TimeSeries inside the NWB file the spikes of one sequence came from (`spikes`: that sequence's recording). */
async function inFileSeries(spikes: Recording, dataset: DatasetRef, input: number, path: string): Promise<Source> {
  if (spikes.meta.source.format !== 'nwb') {
    throw new StudioError(
      'invalid-input',
      `covariate '${path}': ${where(dataset)} is not an NWB file; TimeSeries covariates are read from NWB files (give other covariates as a covariate input)`,
    );
  }
  let recording: Recording;
  try {
    recording = await openRecording(dataset.path, { object: path });
  } catch (e) {
    if (e instanceof DataError) throw new StudioError('invalid-input', `covariate '${path}': ${e.message}`);
    throw e;
  }
  if (recording.meta.hasSpikes) {
    await recording.close();
    throw new StudioError('invalid-input', `covariate '${path}' in ${dataset.path} is a Units table, not a TimeSeries`);
  }
  const base = path.replace(/\/+$/, '').split('/').pop() || path;
  const { nNeurons, labels } = recording.meta;
  const names = Array.from({ length: nNeurons }, (_, c) => (nNeurons === 1 ? base : `${base}[${labels?.[c] ?? c}]`));
  return { recording, dataset: { ...dataset, object: path }, input, owned: true, names, override: false };
}

async function covariateRecording(input: AnalysisInput, index: number, layout: CovariateOptions['layout']): Promise<Source> {
  let recording = input.recordings[index]!;
  const dataset = input.datasets[index]!;
  let owned = false;
  if (layout !== 'auto' && GUESSED_ORIENTATION.has(recording.meta.source.format)) {
    recording = await openRecording(dataset.path, {
      object: dataset.object || undefined,
      rate: dataset.rate ?? undefined,
      layout: layout === 'time-first' ? 'time-first' : 'neurons-first',
    });
    owned = true;
  }
  const { nNeurons, labels } = recording.meta;
  const file = basename(dataset.path);
  const names = Array.from({ length: nNeurons }, (_, c) => labels?.[c] ?? `${file}[${c}]`);
  return { recording, dataset, input: index, owned, names, override: true };
}

/** The covariates on the spike bins of every sequence, or null when the parameters name none. */
export async function loadCovariates(input: AnalysisInput, counts: SpikeCounts, options: CovariateOptions): Promise<Covariates | null> {
  const sequences = counts.starts.length;
  const external = options.covariateInput;
  if (options.paths.length === 0 && external === null) return null;
  if (external !== null && input.recordings.length - external !== sequences) {
    const given = input.recordings.length - external;
    throw new StudioError(
      'invalid-input',
      given <= 0
        ? `covariateInput is ${external} but the run has ${input.recordings.length} input${input.recordings.length === 1 ? '' : 's'}; add the covariate file as input ${external} (e.g. a second --input)`
        : `${given} covariate recording${given === 1 ? '' : 's'} (inputs ${external}…${input.recordings.length - 1}) for ${sequences} spike sequence${sequences === 1 ? '' : 's'}; give one per sequence, in the same order`,
    );
  }
  const notes: string[] = [];
  const bounds = [...counts.starts, counts.t];
  let names: string[] | null = null;
  let values = new Float64Array(0);
  const sources: CovariateSource[] = [];
  for (let q = 0; q < sequences; q++) {
    const parts: Source[] = [];
    try {
      for (const path of options.paths) parts.push(await inFileSeries(input.recordings[q]!, input.datasets[q]!, q, path));
      if (external !== null) {
        const part = await covariateRecording(input, external + q, options.layout);
        parts.push(part);
        const { nNeurons: c, nFrames: f, source } = part.recording.meta;
        if (options.layout === 'auto' && GUESSED_ORIENTATION.has(source.format)) {
          notes.push(
            `${where(part.dataset)}: orientation guessed from the shape (the longer axis is time): ${c} covariate${c === 1 ? '' : 's'} × ${f} samples; set “Covariate matrix layout” to override`,
          );
        }
      }
      const seqNames = parts.flatMap((p) => p.names);
      if (names === null) {
        names = seqNames;
        values = new Float64Array(counts.t * names.length);
      } else if (seqNames.join('\u0000') !== names.join('\u0000')) {
        throw new StudioError(
          'invalid-input',
          `the covariates of ${where(input.datasets[q]!)} (${seqNames.join(', ')}) differ from those of ${where(input.datasets[0]!)} (${names.join(', ')}); every sequence needs the same covariates`,
        );
      }
      const c = names.length;
      const bins = bounds[q + 1]! - bounds[q]!;
      const timing = counts.timing?.[q] ?? null;
      let column = 0;
      for (const part of parts) {
        const { recording, dataset } = part;
        const { nNeurons: channels, nFrames: f } = recording.meta;
        const clock = await sampleTimes(recording, dataset, part.override ? options.rate : null);
        const raw = await recording.readTraces([0, channels], [0, f]);
        for (let ch = 0; ch < channels; ch++, column++) {
          const name = part.names[ch]!;
          const describe = `covariate '${name}' (${where(dataset)}${channels > 1 ? `, channel ${ch}` : ''})`;
          const series = raw.subarray(ch * f, (ch + 1) * f);
          const bad = series.findIndex((v) => !Number.isFinite(v));
          if (bad >= 0) throw new StudioError('bad-data', `${describe} is ${series[bad]} at sample ${bad}; covariates must be finite`);
          let resampled: Float64Array;
          let how: CovariateSource['resampling'];
          if (timing && clock.times) {
            resampled = resampleToBins(clock.times, series, timing, bins, describe);
            how = 'mean per bin';
          } else {
            if (f !== bins) {
              const missing = !timing
                ? `the spike bins of ${where(input.datasets[q]!)} have no stated duration`
                : 'the covariate has no time base';
              throw new StudioError(
                'bad-data',
                `${describe} has ${f} samples but ${where(input.datasets[q]!)} has ${bins} bins; ${missing}, so covariates need one sample per bin (or give both a sampling rate to resample by time${part.override ? ', e.g. covariateRate' : ''})`,
              );
            }
            resampled = Float64Array.from(series);
            how = 'one sample per bin';
          }
          for (let r = 0; r < bins; r++) values[(bounds[q]! + r) * c + column] = resampled[r]!;
          sources.push({
            name,
            sequence: q,
            input: part.input,
            path: dataset.path,
            object: dataset.object,
            channel: ch,
            samples: f,
            timeBase: clock.words,
            resampling: how,
          });
        }
      }
    } finally {
      for (const part of parts) if (part.owned) await part.recording.close();
    }
  }
  const c = names!.length;
  if (c === 0) throw new StudioError('bad-data', 'the covariate sources hold no channels');
  const resampledBy = new Set(sources.map((s) => s.resampling));
  notes.push(`${c} covariate${c === 1 ? '' : 's'} (${names!.join(', ')}) on the spike bins: ${[...resampledBy].join(', ')}`);
  return { values, c, names: names!, sources, notes };
}

/** z-scores with mean and standard deviation over the given (training) rows; a constant covariate is refused. */
export function standardise(covariates: Covariates, ranges: readonly Segment[]): Standardised {
  const { values, c, names } = covariates;
  const mean = new Float64Array(c);
  const sd = new Float64Array(c);
  let rows = 0;
  for (const [a, b] of ranges) {
    rows += b - a;
    for (let r = a; r < b; r++) for (let q = 0; q < c; q++) mean[q] += values[r * c + q]!;
  }
  for (let q = 0; q < c; q++) mean[q] /= rows;
  for (const [a, b] of ranges) {
    for (let r = a; r < b; r++) for (let q = 0; q < c; q++) sd[q] += (values[r * c + q]! - mean[q]!) ** 2;
  }
  for (let q = 0; q < c; q++) {
    sd[q] = Math.sqrt(sd[q]! / rows);
    if (!(sd[q]! > 1e-9 * Math.max(Math.abs(mean[q]!), 1e-300))) {
      throw new StudioError(
        'bad-data',
        `covariate '${names[q]}' is constant over the training bins (${mean[q]}); it cannot be told apart from each neuron's bias: leave it out`,
      );
    }
  }
  const z = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) z[i] = (values[i]! - mean[i % c]!) / sd[i % c]!;
  return { values: z, mean, sd };
}
