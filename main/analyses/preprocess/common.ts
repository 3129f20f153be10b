/**
 * What the preprocessing steps share: reading a recording in neuron blocks (progress and
 * cancellation between blocks, bounded memory per read) and the frame rate a derived dataset keeps.
 */
import { StudioError } from '../../../shared/ipc/contract.js';
import type { Recording } from '../../io/types.js';
import type { FitContext } from '../types.js';

/** Values read per block: 4M float32 = 16 MB. */
const BLOCK_VALUES = 1 << 22;

/**
 * Applies `step` to every block of whole neuron rows (neurons × all frames, row-major) and writes
 * what it returns into one neurons × frames result.
 */
export async function mapNeuronBlocks(
  recording: Recording,
  ctx: FitContext,
  message: string,
  step: (block: Float32Array, neurons: number, frames: number, first: number) => Float32Array | Promise<Float32Array>,
): Promise<Float32Array> {
  const { nNeurons, nFrames } = recording.meta;
  const out = new Float32Array(nNeurons * nFrames);
  const perBlock = Math.max(1, Math.floor(BLOCK_VALUES / Math.max(1, nFrames)));
  for (let n0 = 0; n0 < nNeurons; n0 += perBlock) {
    ctx.token.throwIfCancelled();
    ctx.progress({ fraction: n0 / nNeurons, message: `${message}: neurons ${n0}–${Math.min(nNeurons, n0 + perBlock)} of ${nNeurons}` });
    const n1 = Math.min(nNeurons, n0 + perBlock);
    const block = await recording.readTraces([n0, n1], [0, nFrames]);
    out.set(await step(block, n1 - n0, nFrames, n0), n0 * nFrames);
  }
  ctx.progress({ fraction: 1, message: `${message}: done` });
  return out;
}

/** Frames per second and start time of a recording (mean rate over its timestamps when it has them). */
export async function timingOf(recording: Recording): Promise<{ rate: number; start: number }> {
  const tb = recording.meta.timeBase;
  if (tb.kind === 'rate') return { rate: tb.rate, start: tb.start };
  const ts = await recording.timestamps?.();
  if (!ts || ts.length < 2 || !(ts[ts.length - 1] > ts[0])) {
    throw new StudioError('bad-data', `${recording.meta.source.path}: cannot tell the frame rate (timestamps missing or not increasing)`);
  }
  return { rate: (ts.length - 1) / (ts[ts.length - 1] - ts[0]), start: ts[0] };
}

/** Counts the values that are not finite, for the run's metrics. */
export function countNonFinite(data: Float32Array): number {
  let n = 0;
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) n++;
  return n;
}

/** "dff of zebrafish.nwb": the name a derived dataset is listed under. */
export function derivedName(step: string, source: string): string {
  const base = source.split(/[\\/]/).filter(Boolean).pop() ?? source;
  return `${step} of ${base}`;
}
