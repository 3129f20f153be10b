/**
 * Connectivity priors tying the states' coupling weights together, as MAP terms of the EM objective.
 *
 * - none: a ridge ½·l2·w² on every coupling weight.
 * - gaussian: w_k[n, c] ~ N(μ[n, c], σ²) for every state k, with μ (flat prior) and σ² (inverse-gamma
 *   hyperprior, shape 1, mode σ₀²) learned: given the weights both have closed-form maxima.
 * - onehot (Li et al.'s W = magnitude·(A_exc − A_inh) with magnitude ≥ 0, made deterministic):
 *   every connection of every state has a type inh/none/exc; "none" holds the weight at 0, "exc"
 *   keeps it ≥ 0 and "inh" ≤ 0, and the magnitude carries the ridge. The type prior π[n, m, ·] is
 *   shared across states with a Dirichlet(α) hyperprior, α = 1 + strength·(0.2, 0.6, 0.2). Types
 *   are chosen by classification EM: a quadratic model of each weight's gain proposes new types,
 *   the M-step refits and keeps a neuron's new types only if its exact objective rose; π then has
 *   a closed form. (Li et al. sample A by Gumbel-softmax inside Adam steps; this keeps the
 *   objective monotone and deterministic.)
 *
 * Coordinates of a neuron's weight vector: m·J + j couples presynaptic neuron m through basis j,
 * then come the external covariates' weights (ridge only: no prior ties them across states; with
 * shared covariate weights they are held during the per-state steps and fitted jointly over the
 * states afterwards), the last one is the bias (never penalised).
 */
import type { Penalty } from './glmStep.js';

export type PriorKind = 'none' | 'gaussian' | 'onehot';
export type SelfCoupling = 'free' | 'prior' | 'none';

export interface PriorConfig {
  kind: PriorKind;
  selfCoupling: SelfCoupling;
  l2: number;
  priorScale: number;
  typeConcentration: number;
  /** Neurons, basis functions per connection, states. */
  n: number;
  j: number;
  k: number;
  /** Design columns of external covariates (after the couplings, before the bias). */
  covariates?: number;
  /** One covariate weight per neuron for all states instead of one per state. */
  sharedCovariates?: boolean;
}

/** Type indices in π and in the type maps: 0 inh, 1 none, 2 exc. */
export const INH = 0;
export const NONE = 1;
export const EXC = 2;

const IG_SHAPE = 1;

export class PriorModel {
  readonly p: number;
  /** N × P shared mean (gaussian). */
  mean: Float64Array;
  sigma2: number;
  /** N × N × 3 type prior (onehot). */
  typeProb: Float64Array;
  /** K × N × N connection types INH / NONE / EXC (onehot). */
  types: Uint8Array;
  readonly alpha: [number, number, number];

  constructor(readonly config: PriorConfig) {
    const { n, j, k } = config;
    this.p = n * j + (config.covariates ?? 0) + 1;
    this.mean = new Float64Array(n * this.p);
    this.sigma2 = config.priorScale ** 2;
    const c = config.typeConcentration;
    this.alpha = [1 + 0.2 * c, 1 + 0.6 * c, 1 + 0.2 * c];
    const total = this.alpha[0] + this.alpha[1] + this.alpha[2];
    this.typeProb = new Float64Array(n * n * 3);
    for (let i = 0; i < n * n; i++) for (let t = 0; t < 3; t++) this.typeProb[i * 3 + t] = this.alpha[t]! / total;
    this.types = new Uint8Array(k * n * n).fill(NONE);
    if (config.kind === 'onehot' && j !== 1)
      throw new RangeError('the one-hot prior needs one weight per connection (the exponential basis)');
  }

  clone(): PriorModel {
    const c = new PriorModel(this.config);
    c.mean = Float64Array.from(this.mean);
    c.sigma2 = this.sigma2;
    c.typeProb = Float64Array.from(this.typeProb);
    c.types = Uint8Array.from(this.types);
    return c;
  }

  /** Covariate weights are shared across states (only meaningful with more than one state). */
  get sharedCovariates(): boolean {
    return !!this.config.sharedCovariates && this.config.k > 1 && (this.config.covariates ?? 0) > 0;
  }

  /** Whether neuron n's weight from presynaptic m is governed by the prior. */
  inPrior(n: number, m: number): boolean {
    return m !== n || this.config.selfCoupling === 'prior';
  }

  /**
   * Starts the hyperparameters from initial weights (K × N × P): μ is their mean over states. Every
   * one-hot connection starts absent, so a type is only taken where the data pay for it: starting
   * from the jittered weights' signs would hand noise a type and the shared prior would learn it.
   */
  initialise(w: Float64Array): void {
    if (this.config.kind === 'gaussian') this.updateMean(w);
    this.types.fill(NONE);
  }

  penalty(): Penalty {
    const { n, j, k, l2, kind, selfCoupling } = this.config;
    const p = this.p;
    const B = k * n;
    const prec = new Float64Array(B * p);
    const center = new Float64Array(B * p);
    const fixed = new Uint8Array(B * p);
    const sign = kind === 'onehot' ? new Int8Array(B * p) : undefined;
    const shared = this.sharedCovariates ? new Uint8Array(B * p) : undefined;
    for (let s = 0; s < k; s++) {
      for (let i = 0; i < n; i++) {
        const b = s * n + i;
        for (let c = b * p + n * j; c < (b + 1) * p - 1; c++) {
          prec[c] = l2;
          if (shared) shared[c] = 1;
        }
        for (let m = 0; m < n; m++) {
          for (let f = 0; f < j; f++) {
            const c = b * p + m * j + f;
            if (m === i && selfCoupling === 'none') {
              fixed[c] = 1;
              continue;
            }
            const governed = this.inPrior(i, m);
            if (kind === 'gaussian' && governed) {
              const tau = 1 / this.sigma2;
              prec[c] = l2 + tau;
              center[c] = (tau * this.mean[i * p + m * j + f]!) / prec[c]!;
            } else {
              prec[c] = l2;
            }
            if (kind === 'onehot' && governed) {
              const type = this.types[(s * n + i) * n + m]!;
              if (type === NONE) fixed[c] = 1;
              else sign![c] = type === EXC ? 1 : -1;
            }
          }
        }
      }
    }
    const penalty: Penalty = { prec, center, fixed, sign, shared };
    if (kind === 'onehot') penalty.extra = (b) => this.typeTerm(b);
    return penalty;
  }

  /** Σ_m log π[type] over one neuron-state problem's governed connections (constant while the types are). */
  private typeTerm(b: number): number {
    const n = this.config.n;
    const i = b % n;
    let v = 0;
    for (let m = 0; m < n; m++) {
      if (this.inPrior(i, m)) v += Math.log(this.typeProb[(i * n + m) * 3 + this.types[b * n + m]!]!);
    }
    return v;
  }

  /** log p(W | hyperparameters) + log p(hyperparameters), up to constants. */
  logPrior(w: Float64Array): number {
    const { n, j, k, l2, kind, selfCoupling } = this.config;
    const p = this.p;
    let v = 0;
    let ss = 0;
    let count = 0;
    for (let s = 0; s < k; s++) {
      for (let i = 0; i < n; i++) {
        const b = s * n + i;
        for (let m = 0; m < n; m++) {
          if (m === i && selfCoupling === 'none') continue;
          for (let f = 0; f < j; f++) {
            const x = w[b * p + m * j + f]!;
            v -= 0.5 * l2 * x * x;
            if (kind === 'gaussian' && this.inPrior(i, m)) {
              const d = x - this.mean[i * p + m * j + f]!;
              ss += d * d;
              count++;
            }
          }
        }
        for (let c = b * p + n * j; c < (b + 1) * p - 1; c++) v -= 0.5 * l2 * w[c]! ** 2;
        if (kind === 'onehot') v += this.typeTerm(b);
      }
    }
    if (kind === 'gaussian') {
      const b0 = (IG_SHAPE + 1) * this.config.priorScale ** 2;
      v += (-0.5 * ss) / this.sigma2 - 0.5 * count * Math.log(this.sigma2) - (IG_SHAPE + 1) * Math.log(this.sigma2) - b0 / this.sigma2;
    }
    if (kind === 'onehot') {
      for (let i = 0; i < n; i++) {
        for (let m = 0; m < n; m++) {
          if (!this.inPrior(i, m)) continue;
          for (let t = 0; t < 3; t++) v += (this.alpha[t]! - 1) * Math.log(this.typeProb[(i * n + m) * 3 + t]!);
        }
      }
    }
    return v;
  }

  private updateMean(w: Float64Array): void {
    const { n, k } = this.config;
    const p = this.p;
    this.mean.fill(0);
    for (let s = 0; s < k; s++) for (let c = 0; c < n * p; c++) this.mean[c] += w[s * n * p + c]! / k;
  }

  /** Closed-form maxima of the hyperparameters given the weights (each raises the objective). */
  updateHyper(w: Float64Array): void {
    const { n, j, k, kind } = this.config;
    const p = this.p;
    if (kind === 'gaussian') {
      this.updateMean(w);
      let ss = 0;
      let count = 0;
      for (let s = 0; s < k; s++) {
        for (let i = 0; i < n; i++) {
          for (let m = 0; m < n; m++) {
            if (!this.inPrior(i, m)) continue;
            for (let f = 0; f < j; f++) {
              const d = w[(s * n + i) * p + m * j + f]! - this.mean[i * p + m * j + f]!;
              ss += d * d;
              count++;
            }
          }
        }
      }
      const b0 = (IG_SHAPE + 1) * this.config.priorScale ** 2;
      this.sigma2 = (b0 + ss / 2) / (IG_SHAPE + 1 + count / 2);
    } else if (kind === 'onehot') {
      const total = this.alpha[0] + this.alpha[1] + this.alpha[2] - 3 + k;
      for (let i = 0; i < n; i++) {
        for (let m = 0; m < n; m++) {
          const counts = [0, 0, 0];
          for (let s = 0; s < k; s++) counts[this.types[(s * n + i) * n + m]!]++;
          for (let t = 0; t < 3; t++) this.typeProb[(i * n + m) * 3 + t] = (counts[t]! + this.alpha[t]! - 1) / total;
        }
      }
    }
  }

  /**
   * Proposed one-hot types from a quadratic model of each weight's objective: with gradient g and
   * curvature h at w, the unconstrained best value is v = w + g/h, worth ½·h·v² over 0; "exc" can
   * have it when v > 0 (else its best magnitude is 0), "inh" when v < 0, "none" stays at 0. Each
   * connection takes the type with the highest log π[type] + gain.
   */
  proposeTypes(w: Float64Array, grad: Float64Array, hdiag: Float64Array): Uint8Array {
    const { n, k } = this.config;
    const p = this.p;
    const next = Uint8Array.from(this.types);
    for (let s = 0; s < k; s++) {
      for (let i = 0; i < n; i++) {
        const b = s * n + i;
        for (let m = 0; m < n; m++) {
          if (!this.inPrior(i, m)) continue;
          const c = b * p + m;
          const h = Math.max(hdiag[c]!, 1e-12);
          const v = w[c]! + grad[c]! / h;
          const gain = 0.5 * h * v * v;
          const prob = this.typeProb.subarray((i * n + m) * 3, (i * n + m) * 3 + 3);
          const score = [Math.log(prob[INH]!) + (v < 0 ? gain : 0), Math.log(prob[NONE]!), Math.log(prob[EXC]!) + (v > 0 ? gain : 0)];
          let best = NONE;
          for (const t of [INH, EXC]) if (score[t]! > score[best]!) best = t;
          next[b * n + m] = best;
        }
      }
    }
    return next;
  }

  /** Per-state type maps (K × N × N, −1 inh, 0 none, 1 exc). */
  typeMaps(): Int8Array {
    return Int8Array.from(this.types, (t) => t - 1);
  }
}
