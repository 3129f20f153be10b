/**
 * Model selection and the null control.
 *
 * Number of states: every sequence's training part is cut into `folds` contiguous blocks; for each
 * fold the models with 1…K_max states are fitted without that block and score it by its predictive
 * log-likelihood given the bins before it. The number with the best total wins; the held-out part
 * stays untouched for the final score.
 *
 * Null: each surrogate circularly shifts every neuron's counts (and observation mask) within each
 * sequence by its own seeded offset, which keeps each neuron's rate and autocorrelation and breaks
 * the coordination between neurons a hidden state expresses; the same fit then gives a null value
 * of the held-out bits/spike gain over one state. p = (1 + #{null ≥ observed}) / (1 + surrogates).
 * External covariates stay in place: they are inputs, not part of the coordination being broken.
 */
import type { Engine } from '../../compute/index.js';
import type { Rng } from '../../util/rng.js';
import type { Basis } from './basis.js';
import type { SpikeCounts } from './data.js';
import type { Segment } from './forwardBackward.js';
import {
  type CovariateSpec,
  evaluatorFor,
  type FitHooks,
  fitOneState,
  fitStates,
  gather,
  meanRates,
  type ModelSettings,
  prepare,
  type Prepared,
  type Scored,
  scoreHeldOut,
} from './pipeline.js';

export interface StatesCandidate {
  states: number;
  /** Summed over folds. */
  logLikelihood: number;
  bitsPerSpike: number | null;
}

export interface SelectionHooks extends FitHooks {
  /** After each fitted model (one-state or K-state) of a fold. */
  onModel?: () => void;
}

export async function crossValidateStates(
  engine: Engine,
  prep: Prepared,
  maxStates: number,
  folds: number,
  settings: ModelSettings,
  rng: Rng,
  hooks: SelectionHooks = {},
): Promise<{ candidates: StatesCandidate[]; chosen: number }> {
  const totals = Array.from({ length: maxStates }, () => ({ ll: 0, homogeneous: 0, spikes: 0 }));
  const all = evaluatorFor(engine, prep.all, settings);
  for (let f = 0; f < folds; f++) {
    const train: Segment[] = [];
    const scored: Scored[] = [];
    for (const { start, trainEnd } of prep.sequences) {
      const len = trainEnd - start;
      const a = start + Math.floor((f * len) / folds);
      const b = start + Math.floor(((f + 1) * len) / folds);
      if (a > start) train.push([start, a]);
      if (trainEnd > b) train.push([b, trainEnd]);
      scored.push({ from: start, split: a, to: b });
    }
    const sub = gather(prep.all, train);
    const evaluator = evaluatorFor(engine, sub.data, settings);
    const rates = meanRates(prep.all, train);
    const label = (text: string) => ({
      ...hooks,
      onIteration: (what: string, it: number, obj: number) => hooks.onIteration?.(`fold ${f + 1} of ${folds}, ${text}: ${what}`, it, obj),
    });
    const oneState = await fitOneState(evaluator, sub.segments, settings, label('1 state'));
    hooks.onModel?.();
    for (let k = 1; k <= maxStates; k++) {
      const fit =
        k === 1 ? oneState : (await fitStates(evaluator, sub.segments, k, settings, rng.fork(), label(`${k} states`), oneState)).best;
      if (k > 1) hooks.onModel?.();
      const score = await scoreHeldOut(all, fit, scored, rates);
      totals[k - 1]!.ll += score.logLikelihood;
      totals[k - 1]!.homogeneous += score.homogeneous;
      totals[k - 1]!.spikes += score.spikes;
    }
  }
  const candidates = totals.map((t, i) => ({
    states: i + 1,
    logLikelihood: t.ll,
    bitsPerSpike: t.spikes > 0 ? (t.ll - t.homogeneous) / (t.spikes * Math.LN2) : null,
  }));
  const chosen = candidates.reduce((a, b) => (b.logLikelihood > a.logLikelihood ? b : a)).states;
  return { candidates, chosen };
}

/** Each neuron's counts rotated within every sequence by its own offset. */
export function circularShift(counts: SpikeCounts, rng: Rng): SpikeCounts {
  const { s, m, t, n, starts } = counts;
  const out = { ...counts, s: new Float64Array(t * n), m: new Float64Array(t * n), notes: [] };
  const bounds = [...starts, t];
  for (let q = 0; q < starts.length; q++) {
    const a = bounds[q]!;
    const len = bounds[q + 1]! - a;
    for (let i = 0; i < n; i++) {
      const shift = rng.int(len);
      for (let r = 0; r < len; r++) {
        const to = a + ((r + shift) % len);
        out.s[to * n + i] = s[(a + r) * n + i]!;
        out.m[to * n + i] = m[(a + r) * n + i]!;
      }
    }
  }
  return out;
}

/** Held-out bits/spike gain of K states over one state on one data set. */
export async function heldOutGain(
  engine: Engine,
  prep: Prepared,
  k: number,
  settings: ModelSettings,
  rng: Rng,
  hooks: FitHooks = {},
): Promise<number | null> {
  const trainRanges = prep.sequences.map(({ start, trainEnd }) => [start, trainEnd] as Segment);
  const train = gather(prep.all, trainRanges);
  const fits = await fitStates(evaluatorFor(engine, train.data, settings), train.segments, k, settings, rng, hooks);
  const all = evaluatorFor(engine, prep.all, settings);
  const rates = meanRates(prep.all, trainRanges);
  const scored = prep.sequences.map(({ start, trainEnd, end }) => ({ from: start, split: trainEnd, to: end }));
  const one = await scoreHeldOut(all, fits.oneState, scored, rates);
  const many = await scoreHeldOut(all, fits.best, scored, rates);
  return one.bitsPerSpike === null || many.bitsPerSpike === null ? null : many.bitsPerSpike - one.bitsPerSpike;
}

export async function nullGains(
  engine: Engine,
  counts: SpikeCounts,
  basis: Basis,
  heldOutFraction: number,
  covariates: CovariateSpec | null,
  k: number,
  surrogates: number,
  settings: ModelSettings,
  rng: Rng,
  hooks: FitHooks & { onSurrogate?: (index: number) => void } = {},
): Promise<number[]> {
  const gains: number[] = [];
  for (let i = 0; i < surrogates; i++) {
    hooks.token?.throwIfCancelled();
    const stream = rng.fork();
    const shifted = prepare(circularShift(counts, stream), basis, heldOutFraction, covariates);
    const gain = await heldOutGain(engine, shifted, k, settings, stream, {
      ...hooks,
      onIteration: (what, it, obj) => hooks.onIteration?.(`surrogate ${i + 1} of ${surrogates}: ${what}`, it, obj),
    });
    gains.push(gain ?? Number.NaN);
    hooks.onSurrogate?.(i);
  }
  return gains;
}

export function nullPValue(observed: number, gains: readonly number[]): number {
  const valid = gains.filter((g) => Number.isFinite(g));
  return (1 + valid.filter((g) => g >= observed).length) / (1 + valid.length);
}
