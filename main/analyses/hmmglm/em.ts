/**
 * EM for the Poisson HMM-GLM in log space. Each iteration: forward–backward on the engine's T × K
 * emission log-likelihoods (E-step), then the MAP transition matrix under a sticky Dirichlet prior
 * (closed form), the GLM weights by Newton or L-BFGS on the posterior-weighted likelihood plus the
 * connectivity prior, and the prior's hyperparameters (closed form).
 *
 * The quantity EM increases is the log posterior objective = log p(y | θ) + log p(θ) (up to
 * constants): every step above raises it, so it never decreases beyond rounding. The data
 * log-likelihood alone may fall slightly when a prior term gains more (the stated exception); with
 * the one-hot prior the discrete type switches are only kept when they raise the objective.
 * A non-finite objective stops the fit with the last good parameters and says so.
 */
import { CancelledError, type CancellationToken } from '../types.js';
import type { Rng } from '../../util/rng.js';
import type { GlmEvaluator } from './emission.js';
import { type Segment, logForwardBackward, type Posteriors } from './forwardBackward.js';
import { glmMStep, type LbfgsMemory, lbfgsMemory, type MStepResult, sharedStep } from './glmStep.js';
import { PriorModel, type PriorConfig } from './priors.js';

const NEWTON_STEPS = 30;
const LBFGS_STEPS = 6;

export interface EmOptions {
  k: number;
  solver: 'newton' | 'lbfgs';
  maxIterations: number;
  tolerance: number;
  stickiness: number;
  transitionConcentration: number;
  prior: Omit<PriorConfig, 'k'>;
  token?: CancellationToken;
  onIteration?: (iteration: number, objective: number) => void;
}

export interface HmmGlmFit {
  k: number;
  /** K × N × P weights. */
  w: Float64Array;
  /** K × K, rows sum to 1. */
  transition: Float64Array;
  initial: Float64Array;
  prior: PriorModel;
  objective: number;
  logLikelihood: number;
  objectiveHistory: number[];
  logLikelihoodHistory: number[];
  iterations: number;
  converged: boolean;
  stopReason: string;
  /** Iterations whose objective fell by more than 1e-6·|objective| (expected 0). */
  decreases: number;
}

/** The initial sticky transition matrix: 0.95 on the diagonal (as nemos starts). */
export function stickyTransition(k: number, stay = 0.95): Float64Array {
  const p = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) p[i * k + j] = k === 1 ? 1 : i === j ? stay : (1 - stay) / (k - 1);
  return p;
}

function transitionLogPrior(transition: Float64Array, initial: Float64Array, k: number, alpha: number, kappa: number): number {
  let v = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const c = alpha - 1 + (i === j ? kappa : 0);
      if (c > 0) v += c * Math.log(transition[i * k + j]!);
    }
    // Dirichlet(2) on the initial distribution keeps it off the simplex's edges.
    v += Math.log(initial[i]!);
  }
  return v;
}

function updateTransitions(
  post: Posteriors,
  segments: readonly Segment[],
  k: number,
  previous: Float64Array,
  alpha: number,
  kappa: number,
): { transition: Float64Array; initial: Float64Array } {
  const transition = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    let sum = 0;
    for (let j = 0; j < k; j++) sum += transition[i * k + j] = Math.max(0, post.xi[i * k + j]! + alpha - 1 + (i === j ? kappa : 0));
    for (let j = 0; j < k; j++) transition[i * k + j] = sum > 0 ? transition[i * k + j]! / sum : previous[i * k + j]!;
  }
  const initial = new Float64Array(k).fill(1);
  for (const [a] of segments) for (let j = 0; j < k; j++) initial[j] += post.gamma[a * k + j]!;
  const total = segments.length + k;
  for (let j = 0; j < k; j++) initial[j] /= total;
  return { transition, initial };
}

/**
 * The GLM part of the M-step; with the one-hot prior, proposed type switches are refitted and kept
 * per neuron-state only if they pay; weights shared across states (shared covariate weights) are
 * held there and fitted jointly over the states afterwards.
 */
async function weightStep(
  evaluator: GlmEvaluator,
  w: Float64Array,
  k: number,
  gamma: Float64Array,
  prior: PriorModel,
  options: EmOptions,
  scale: number,
  memory: LbfgsMemory | undefined,
): Promise<Float64Array> {
  const step = await perStateStep(evaluator, w, k, gamma, prior, options, scale, memory);
  if (!prior.sharedCovariates) return step.w;
  const b = k * evaluator.data.n;
  return sharedStep(evaluator, step.w, k, gamma, prior.penalty(), {
    solver: options.solver,
    maxIterations: options.solver === 'newton' ? NEWTON_STEPS : LBFGS_STEPS,
    tolerance: Math.max(1e-10, (1e-2 * options.tolerance * scale) / b),
  });
}

async function perStateStep(
  evaluator: GlmEvaluator,
  w: Float64Array,
  k: number,
  gamma: Float64Array,
  prior: PriorModel,
  options: EmOptions,
  scale: number,
  memory: LbfgsMemory | undefined,
): Promise<MStepResult> {
  const b = k * evaluator.data.n;
  // L-BFGS takes a few steps per EM iteration (a generalised M-step). On 100 neurons × 3 states,
  // 6 steps reached the objective of 10 or 20 per iteration, while 3 or 4 left EM in poorer optima.
  const m = {
    solver: options.solver,
    maxIterations: options.solver === 'newton' ? NEWTON_STEPS : LBFGS_STEPS,
    tolerance: Math.max(1e-10, (1e-2 * options.tolerance * scale) / b),
    memory,
    freshDiagonal: prior.config.kind === 'onehot',
  };
  const first = await glmMStep(evaluator, w, k, gamma, prior.penalty(), m);
  if (prior.config.kind !== 'onehot') return first;
  const proposed = prior.proposeTypes(first.w, first.grad, first.hdiag);
  if (proposed.every((v, i) => v === prior.types[i])) return first;
  const kept = prior.types;
  prior.types = proposed;
  const second = await glmMStep(evaluator, first.w, k, gamma, prior.penalty(), m);
  const { n, p } = evaluator.data;
  for (let q = 0; q < b; q++) {
    if (second.f[q]! >= first.f[q]!) continue;
    second.w.set(first.w.subarray(q * p, (q + 1) * p), q * p);
    proposed.set(kept.subarray(q * n, (q + 1) * n), q * n);
  }
  return second;
}

export async function fitEm(
  evaluator: GlmEvaluator,
  segments: readonly Segment[],
  init: { w: Float64Array; transition: Float64Array; initial: Float64Array; prior: PriorModel },
  options: EmOptions,
): Promise<HmmGlmFit> {
  const { k } = options;
  let w: Float64Array = Float64Array.from(init.w);
  let transition: Float64Array = Float64Array.from(init.transition);
  let initial: Float64Array = Float64Array.from(init.initial);
  const prior = init.prior;
  const objectiveHistory: number[] = [];
  const logLikelihoodHistory: number[] = [];
  let logB = await evaluator.emissions(w, k);
  let good: {
    w: Float64Array;
    transition: Float64Array;
    initial: Float64Array;
    prior: PriorModel;
    logLikelihood: number;
    objective: number;
  } | null = null;
  let converged = false;
  let stopReason = 'reached the maximum number of iterations';
  let decreases = 0;
  const memory = options.solver === 'lbfgs' ? lbfgsMemory(k * evaluator.data.n, evaluator.data.p) : undefined;
  for (let it = 0; ; it++) {
    const post = logForwardBackward(logB, k, transition, initial, segments);
    const objective =
      post.logLikelihood +
      prior.logPrior(w) +
      transitionLogPrior(transition, initial, k, options.transitionConcentration, options.stickiness);
    if (!Number.isFinite(objective)) {
      if (!good) throw new DivergenceError(`the log-likelihood of the initial parameters is not finite (${objective})`);
      stopReason = `diverged at iteration ${it}: the log-likelihood became ${objective}; the parameters of iteration ${it - 1} are kept`;
      break;
    }
    objectiveHistory.push(objective);
    logLikelihoodHistory.push(post.logLikelihood);
    options.onIteration?.(it, objective);
    const previous = good?.objective;
    good = { w, transition, initial, prior: prior.clone(), logLikelihood: post.logLikelihood, objective };
    if (previous !== undefined) {
      if (objective < previous - 1e-6 * Math.abs(previous)) decreases++;
      if (Math.abs(objective - previous) <= options.tolerance * Math.abs(objective)) {
        converged = true;
        stopReason = `converged: the objective changed by less than ${options.tolerance}·|objective|`;
        break;
      }
    }
    if (it >= options.maxIterations) break;
    if (options.token?.cancelled) throw new CancelledError();
    ({ transition, initial } = updateTransitions(post, segments, k, transition, options.transitionConcentration, options.stickiness));
    w = await weightStep(evaluator, w, k, post.gamma, prior, options, Math.abs(objective), memory);
    prior.updateHyper(w);
    logB = await evaluator.emissions(w, k);
  }
  const g = good!;
  return {
    k,
    w: g.w,
    transition: g.transition,
    initial: g.initial,
    prior: g.prior,
    objective: g.objective,
    logLikelihood: g.logLikelihood,
    objectiveHistory,
    logLikelihoodHistory,
    iterations: objectiveHistory.length - 1,
    converged,
    stopReason,
    decreases,
  };
}

export class DivergenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DivergenceError';
  }
}

/** A K-state start: every state gets the one-state weights plus independent N(0, jitter²) noise on its free weights (weights shared across states get none). */
export function jitteredStart(
  oneState: Float64Array,
  k: number,
  n: number,
  p: number,
  jitter: number,
  rng: Rng,
  prior: PriorModel,
): Float64Array {
  const { fixed, shared } = prior.penalty();
  const w = new Float64Array(k * n * p);
  for (let s = 0; s < k; s++) {
    for (let c = 0; c < n * p; c++) {
      const i = s * n * p + c;
      w[i] = fixed[i] ? 0 : oneState[c]! + (k > 1 && !shared?.[i] ? jitter * rng.normal() : 0);
    }
  }
  return w;
}
