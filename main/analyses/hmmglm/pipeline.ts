/**
 * From counts to a scored model: the design, training/held-out splits, the one-state GLM and the
 * K-state restarts, held-out log-likelihood and bits/spike (selection.ts adds the cross-validated
 * number of states and the null). Held-out data are the last part of every sequence; their
 * predictive log-likelihood is log p(y_test | y_train) = log p(y_train, y_test) − log p(y_train),
 * so the HMM enters the held-out block with the state belief the training part left it.
 */
import type { Rng } from '../../util/rng.js';
import type { CancellationToken } from '../types.js';
import { type Basis, columnsPerCovariate, type CovariateColumns, historyDesign } from './basis.js';
import { type Covariates, type Standardised, standardise } from './covariates.js';
import type { SpikeCounts } from './data.js';
import { fitEm, type HmmGlmFit, jitteredStart, stickyTransition } from './em.js';
import type { Engine } from '../../compute/index.js';
import { GlmEvaluator, type GlmData, type Link, logFactorialSums, type Precision } from './emission.js';
import { forwardLogLikelihoods, type Segment } from './forwardBackward.js';
import { type PriorConfig, PriorModel } from './priors.js';

export interface ModelSettings {
  link: Link;
  solver: 'newton' | 'lbfgs';
  /** Precision of the engine's graphs (float32 pays off for the large designs L-BFGS serves). */
  precision: Precision;
  maxIterations: number;
  tolerance: number;
  stickiness: number;
  transitionConcentration: number;
  restarts: number;
  jitter: number;
  prior: Omit<PriorConfig, 'k'>;
}

/** Rows [from, to) scored given the context [from, split) before them. */
export interface Scored {
  from: number;
  split: number;
  to: number;
}

export interface Prepared {
  counts: SpikeCounts;
  /** The whole data set (all rows of all sequences). */
  all: GlmData;
  /** Per sequence: [start, trainEnd, end). */
  sequences: Array<{ start: number; trainEnd: number; end: number }>;
  /** The covariates as they enter the design (z-scored over the training bins), when there are any. */
  covariates: (Standardised & { columns: CovariateColumns }) | null;
}

/** External covariates for `prepare`: their values on the bins, and whether their history enters too. */
export interface CovariateSpec {
  covariates: Covariates;
  history: boolean;
}

export function prepare(counts: SpikeCounts, basis: Basis, heldOutFraction: number, covariateSpec?: CovariateSpec | null): Prepared {
  const { s, m, t, n, starts } = counts;
  const bounds = [...starts, t];
  const sequences = starts.map((start, i) => {
    const end = bounds[i + 1]!;
    const test = Math.max(1, Math.round(heldOutFraction * (end - start)));
    return { start, trainEnd: end - test, end };
  });
  let covariates: Prepared['covariates'] = null;
  if (covariateSpec) {
    const z = standardise(
      covariateSpec.covariates,
      sequences.map(({ start, trainEnd }) => [start, trainEnd] as Segment),
    );
    covariates = { ...z, columns: { values: z.values, c: covariateSpec.covariates.c, history: covariateSpec.history ? basis : null } };
  }
  const x = historyDesign(s, t, n, starts, basis, covariates?.columns);
  const c = covariates ? covariates.columns.c * columnsPerCovariate(covariates.columns) : 0;
  const all: GlmData = { x, s, m, logFact: logFactorialSums(s, m, t, n), t, n, p: n * basis.count + c + 1 };
  return { counts, all, sequences, covariates };
}

export function evaluatorFor(engine: Engine, data: GlmData, settings: ModelSettings): GlmEvaluator {
  return new GlmEvaluator(engine, data, settings.link, { precision: settings.precision });
}

/** Copies the given row ranges into a contiguous data set; its segments are the copied ranges. */
export function gather(data: GlmData, ranges: readonly Segment[]): { data: GlmData; segments: Segment[] } {
  const { n, p } = data;
  const t = ranges.reduce((a, [from, to]) => a + Math.max(0, to - from), 0);
  const out: GlmData = {
    x: new Float64Array(t * p),
    s: new Float64Array(t * n),
    m: new Float64Array(t * n),
    logFact: new Float64Array(t),
    t,
    n,
    p,
  };
  const segments: Segment[] = [];
  let row = 0;
  for (const [from, to] of ranges) {
    if (to <= from) continue;
    out.x.set(data.x.subarray(from * p, to * p), row * p);
    out.s.set(data.s.subarray(from * n, to * n), row * n);
    out.m.set(data.m.subarray(from * n, to * n), row * n);
    out.logFact.set(data.logFact.subarray(from, to), row);
    segments.push([row, row + to - from]);
    row += to - from;
  }
  return { data: out, segments };
}

export interface StateFits {
  oneState: HmmGlmFit;
  /** The best restart (the one-state fit when k = 1). */
  best: HmmGlmFit;
  restarts: HmmGlmFit[];
}

export interface FitHooks {
  token?: CancellationToken;
  /** Called after every EM iteration of every restart. */
  onIteration?: (label: string, iteration: number, objective: number) => void;
}

/** The one-state GLM, then `restarts` K-state EM runs started from it with independent jitter; keeps the best objective. */
function emOptions(settings: ModelSettings, hooks: FitHooks) {
  const { solver, maxIterations, tolerance, stickiness, transitionConcentration } = settings;
  return { solver, maxIterations, tolerance, stickiness, transitionConcentration, token: hooks.token };
}

/**
 * The one-state GLM (ridge only: a prior tying states together says nothing about one state), the
 * reference every gain is measured against and the start of every K-state restart.
 */
export async function fitOneState(
  evaluator: GlmEvaluator,
  segments: readonly Segment[],
  settings: ModelSettings,
  hooks: FitHooks = {},
): Promise<HmmGlmFit> {
  const prior = new PriorModel({ ...settings.prior, kind: 'none', k: 1 });
  const init = { w: initialWeights(evaluator.data, settings.link), transition: stickyTransition(1), initial: Float64Array.of(1), prior };
  return fitEm(evaluator, segments, init, {
    ...emOptions(settings, hooks),
    k: 1,
    prior: prior.config,
    onIteration: (it, obj) => hooks.onIteration?.('one-state GLM', it, obj),
  });
}

export async function fitStates(
  evaluator: GlmEvaluator,
  segments: readonly Segment[],
  k: number,
  settings: ModelSettings,
  rng: Rng,
  hooks: FitHooks = {},
  known?: HmmGlmFit,
): Promise<StateFits> {
  const { n, p } = evaluator.data;
  const oneState = known ?? (await fitOneState(evaluator, segments, settings, hooks));
  if (k === 1) return { oneState, best: oneState, restarts: [oneState] };
  const restarts: HmmGlmFit[] = [];
  for (let r = 0; r < settings.restarts; r++) {
    const stream = rng.fork();
    const prior = new PriorModel({ ...settings.prior, k });
    const w = jitteredStart(oneState.w, k, n, p, settings.jitter, stream, prior);
    prior.initialise(w);
    restarts.push(
      await fitEm(
        evaluator,
        segments,
        { w, transition: stickyTransition(k), initial: new Float64Array(k).fill(1 / k), prior },
        {
          ...emOptions(settings, hooks),
          k,
          prior: settings.prior,
          onIteration: (it, obj) => hooks.onIteration?.(`restart ${r + 1} of ${settings.restarts}`, it, obj),
        },
      ),
    );
  }
  const best = restarts.reduce((a, b) => (b.objective > a.objective ? b : a));
  return { oneState, best, restarts };
}

/** Biases at each neuron's log mean rate, couplings 0: the one-state GLM's starting point. */
function initialWeights(data: GlmData, link: Link): Float64Array {
  const { s, m, t, n, p } = data;
  const w = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    let spikes = 0;
    let bins = 0;
    for (let r = 0; r < t; r++) {
      spikes += s[r * n + i]! * m[r * n + i]!;
      bins += m[r * n + i]!;
    }
    const rate = Math.max(spikes, 0.5) / Math.max(bins, 1);
    w[i * p + p - 1] = link === 'softplus' ? Math.log(Math.expm1(rate)) : Math.log(rate);
  }
  return w;
}

export interface HeldOut {
  bins: number;
  spikes: number;
  logLikelihood: number;
  homogeneous: number;
  bitsPerSpike: number | null;
}

/** Mean rate per neuron over the given rows (the homogeneous Poisson baseline). */
export function meanRates(data: GlmData, ranges: readonly Segment[]): Float64Array {
  const { s, m, n } = data;
  const spikes = new Float64Array(n);
  const bins = new Float64Array(n);
  for (const [a, b] of ranges) {
    for (let r = a; r < b; r++) {
      for (let i = 0; i < n; i++) {
        spikes[i] += s[r * n + i]! * m[r * n + i]!;
        bins[i] += m[r * n + i]!;
      }
    }
  }
  return spikes.map((v, i) => v / Math.max(1, bins[i]!));
}

/** Held-out predictive log-likelihood of a fit and of the homogeneous Poisson baseline (rates from the training rows), with bits/spike. */
export async function scoreHeldOut(
  evaluator: GlmEvaluator,
  fit: HmmGlmFit,
  scored: readonly Scored[],
  rates: Float64Array,
): Promise<HeldOut> {
  const { s, m, n, logFact } = evaluator.data;
  const logB = await evaluator.emissions(fit.w, fit.k);
  const full = forwardLogLikelihoods(
    logB,
    fit.k,
    fit.transition,
    fit.initial,
    scored.map(({ from, to }) => [from, to] as Segment),
  );
  const context = forwardLogLikelihoods(
    logB,
    fit.k,
    fit.transition,
    fit.initial,
    scored.map(({ from, split }) => [from, split] as Segment),
  );
  let logLikelihood = 0;
  let homogeneous = 0;
  let spikes = 0;
  let bins = 0;
  const logRate = rates.map(Math.log);
  scored.forEach(({ split, to }, i) => {
    logLikelihood += full[i]! - context[i]!;
    bins += to - split;
    for (let r = split; r < to; r++) {
      homogeneous -= logFact[r]!;
      for (let j = 0; j < n; j++) {
        if (!m[r * n + j]) continue;
        const c = s[r * n + j]!;
        spikes += c;
        homogeneous += (c > 0 ? c * logRate[j]! : 0) - rates[j]!;
      }
    }
  });
  return {
    bins,
    spikes,
    logLikelihood,
    homogeneous,
    bitsPerSpike: spikes > 0 ? (logLikelihood - homogeneous) / (spikes * Math.LN2) : null,
  };
}
