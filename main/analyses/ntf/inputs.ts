/**
 * Everything checked and read before the first affinity is computed: matching neurons across
 * recordings, the window plan, the rank against the mode sizes, finite traces. Each problem is a
 * StudioError naming the file or parameter and what is wrong.
 */
import type { NtfConnectomeParams } from '../../../shared/analyses/ntf-connectome.js';
import { StudioError } from '../../../shared/ipc/contract.js';
import { deltaFOverF } from '../../io/preprocess.js';
import type { Recording } from '../../io/types.js';
import type { AnalysisInput } from '../types.js';
import { pairCount, windowStarts } from './affinity.js';

export interface PreparedRecording {
  /** File the traces came from (for messages and figure legends). */
  source: string;
  /** n × frames float32, neurons in the common order (ΔF/F when converted). */
  traces: Float32Array;
  frames: number;
  /** Whether the traces were converted from raw fluorescence to ΔF/F. */
  converted: boolean;
}

export interface PreparedInput {
  /** Neurons common to every recording. */
  n: number;
  /** Labels of the common neurons when the files name them. */
  labels: string[] | null;
  /** For each common neuron, its row in the first recording (identity unless matched by label). */
  rows: number[];
  /** How the neurons were matched: 'single', 'position' or 'label'. */
  matching: 'single' | 'position' | 'label';
  recordings: PreparedRecording[];
  /** Window starts (frames), shared by all recordings: as many as the shortest recording holds. */
  starts: number[];
  /** Centre of each window in seconds on the first recording's clock. */
  windowTimes: Float64Array;
  /** ROI centres (x, y) of the common neurons in the first recording, when it has ROIs. */
  roiCenters: Float32Array | null;
  /** Ranks to fit: the rank sweep plus the chosen rank, ascending. */
  ranks: number[];
}

const name = (r: Recording) => r.meta.source.path + (r.meta.source.object ? ` [${r.meta.source.object}]` : '');

function invalid(message: string): never {
  throw new StudioError('invalid-input', message);
}

/** Common neurons: by label when every file names its neurons, else by position (counts must agree). */
function matchNeurons(recordings: readonly Recording[]): {
  rows: number[][];
  labels: string[] | null;
  matching: PreparedInput['matching'];
} {
  const counts = recordings.map((r) => r.meta.nNeurons);
  if (recordings.length === 1)
    return { rows: [[...Array(counts[0]).keys()]], labels: recordings[0]!.meta.labels ?? null, matching: 'single' };
  const labelled = recordings.every((r) => r.meta.labels?.length === r.meta.nNeurons && new Set(r.meta.labels).size === r.meta.nNeurons);
  if (labelled) {
    const first = recordings[0]!.meta.labels!;
    const index = recordings.map((r) => new Map(r.meta.labels!.map((l, i) => [l, i])));
    const common = first.filter((l) => index.every((m) => m.has(l)));
    if (common.length < 2) {
      invalid(
        `the recordings share ${common.length} neuron label(s); matching neurons across ${recordings.map(name).join(', ')} needs at least 2`,
      );
    }
    return { rows: index.map((m) => common.map((l) => m.get(l)!)), labels: common, matching: 'label' };
  }
  if (counts.some((c) => c !== counts[0])) {
    invalid(
      `the recordings have different neuron counts (${recordings.map((r) => `${name(r)}: ${r.meta.nNeurons}`).join('; ')}) ` +
        'and no neuron labels to match them by; give recordings of the same neurons in the same order',
    );
  }
  return { rows: recordings.map(() => [...Array(counts[0]).keys()]), labels: null, matching: 'position' };
}

async function readCommon(recording: Recording, rows: number[]): Promise<Float32Array> {
  const { nNeurons: all, nFrames: frames } = recording.meta;
  const full = await recording.readTraces([0, all], [0, frames]);
  const out = new Float32Array(rows.length * frames);
  rows.forEach((row, i) => out.set(full.subarray(row * frames, (row + 1) * frames), i * frames));
  for (let k = 0; k < out.length; k++) {
    if (!Number.isFinite(out[k]!)) {
      const i = Math.floor(k / frames);
      throw new StudioError(
        'bad-data',
        `${name(recording)}: neuron ${rows[i]} has a non-finite value (${out[k]}) at frame ${k % frames}; remove or interpolate it first`,
      );
    }
  }
  return out;
}

/** Frames per second: the stated rate, or the median timestamp step. */
async function rateOf(recording: Recording): Promise<number> {
  const tb = recording.meta.timeBase;
  if (tb.kind === 'rate') return tb.rate;
  const ts = await recording.timestamps!();
  const steps = Array.from({ length: ts.length - 1 }, (_, t) => ts[t + 1]! - ts[t]!).sort((a, b) => a - b);
  return 1 / steps[steps.length >> 1]!;
}

/** ΔF/F per the `traces` parameter: see its help text. */
async function normalised(
  recording: Recording,
  traces: Float32Array,
  n: number,
  params: NtfConnectomeParams,
): Promise<{ traces: Float32Array; converted: boolean }> {
  const frames = recording.meta.nFrames;
  const saysDff = /d\s*f\s*\/\s*f|Δf/i.test(recording.meta.unit ?? '');
  const convert = params.traces === 'dff' || (params.traces === 'auto' && !saysDff && traces.every((v) => v > 0));
  if (!convert) return { traces, converted: false };
  if (!traces.every((v) => v > 0)) {
    invalid(`traces: 'dff' needs raw fluorescence above 0, but ${name(recording)} has values ≤ 0; use 'as-is' for ΔF/F or z-scored traces`);
  }
  const window = Math.max(3, Math.round(params.baselineSeconds * (await rateOf(recording))));
  return { traces: deltaFOverF(traces, n, frames, { window: Math.min(window, frames), percentile: 10 }), converted: true };
}

async function windowCentres(recording: Recording, starts: number[], window: number): Promise<Float64Array> {
  const tb = recording.meta.timeBase;
  const centre = (s: number) => s + (window - 1) / 2;
  if (tb.kind === 'rate') return Float64Array.from(starts, (s) => tb.start + centre(s) / tb.rate);
  const ts = await recording.timestamps!();
  return Float64Array.from(starts, (s) => {
    const c = centre(s);
    const lo = Math.floor(c);
    return ts[lo]! + (c - lo) * ((ts[Math.min(lo + 1, ts.length - 1)] ?? ts[lo]!) - ts[lo]!);
  });
}

export async function prepareInput(input: AnalysisInput, params: NtfConnectomeParams): Promise<PreparedInput> {
  const { recordings } = input;
  const { rows, labels, matching } = matchNeurons(recordings);
  const n = rows[0]!.length;
  if (n < 3) invalid(`a connectome needs at least 3 neurons; ${name(recordings[0]!)} has ${n}`);

  for (const r of recordings) {
    if (params.windowFrames > r.meta.nFrames) {
      invalid(`windowFrames (${params.windowFrames}) is longer than ${name(r)}, which has ${r.meta.nFrames} frames`);
    }
  }
  if (params.affinity === 'coactivation' && params.windowFrames < 3) invalid('co-activation needs windows of at least 3 frames');
  const frames = Math.min(...recordings.map((r) => r.meta.nFrames));
  const starts = windowStarts(frames, params.windowFrames, params.stepFrames);

  const sweepTo = params.rankSweepTo ?? params.rank;
  if (params.rankSweepFrom > sweepTo) invalid(`rankSweepFrom (${params.rankSweepFrom}) is above rankSweepTo (${sweepTo})`);
  const ranks = [
    ...new Set([...Array.from({ length: sweepTo - params.rankSweepFrom + 1 }, (_, k) => params.rankSweepFrom + k), params.rank]),
  ].sort((a, b) => a - b);
  const maxRank = ranks[ranks.length - 1]!;
  const pairs = pairCount(n);
  // The recordings mode is exempt: several components may share one animal (CP rank can exceed a mode's size).
  if (maxRank > starts.length) {
    invalid(
      `rank ${maxRank} is larger than the number of windows (${starts.length} windows of ${params.windowFrames} frames every ${params.stepFrames} in ${frames} frames); ` +
        'lower the rank or use shorter windows or steps',
    );
  }
  if (maxRank > pairs) invalid(`rank ${maxRank} is larger than the number of neuron pairs (${pairs} for ${n} neurons)`);

  const prepared: PreparedRecording[] = [];
  for (let k = 0; k < recordings.length; k++) {
    const r = recordings[k]!;
    const { traces, converted } = await normalised(r, await readCommon(r, rows[k]!), n, params);
    prepared.push({ source: name(r), traces, frames: r.meta.nFrames, converted });
  }
  let roiCenters: Float32Array | null = null;
  const first = recordings[0]!;
  if (first.meta.hasRois && first.rois) {
    const rois = await first.rois();
    if (rois.centers.length >= 2 * first.meta.nNeurons)
      roiCenters = Float32Array.from(rows[0]!.flatMap((i) => [rois.centers[2 * i]!, rois.centers[2 * i + 1]!]));
  }
  return {
    n,
    labels,
    rows: rows[0]!,
    matching,
    recordings: prepared,
    starts,
    windowTimes: await windowCentres(first, starts, params.windowFrames),
    roiCenters,
    ranks,
  };
}
