/**
 * Ground truth for the HMM-GLM tests and benchmark: spike counts simulated from a known Poisson
 * HMM-GLM (Markov chain of states; each state's rates depend on all neurons' recent counts through
 * one history basis function per connection, exp link).
 */
import type { Basis } from '../../../main/analyses/hmmglm/basis.js';
import { Rng } from '../../../main/util/rng.js';

export interface Truth {
  n: number;
  k: number;
  /** K × N biases. */
  bias: Float64Array;
  /** K × N × N couplings (target n, source m). */
  weights: Float64Array;
  transition: Float64Array;
  /** N × N, 1 where every state has the same connection. */
  shared: Uint8Array;
}

/** External covariates acting on every state's log-rate: x (T × C, time-major) with weights K × N × C. */
export interface CovariateDrive {
  x: Float64Array;
  c: number;
  weights: Float64Array;
}

export interface Simulation {
  /** T × N counts, time-major. */
  s: Float64Array;
  states: Int32Array;
}

function poisson(rate: number, rng: Rng): number {
  // Knuth's product method is exact and fast for the small rates here.
  const limit = Math.exp(-rate);
  let k = 0;
  let prod = rng.uniform();
  while (prod > limit) {
    k++;
    prod *= rng.uniform();
  }
  return k;
}

export function simulate(truth: Truth, basis: Basis, t: number, seed: number, drive?: CovariateDrive): Simulation {
  const { n, k, bias, weights, transition } = truth;
  const rng = new Rng(seed);
  const s = new Float64Array(t * n);
  const states = new Int32Array(t);
  const phi = basis.values;
  const x = new Float64Array(n);
  let state = rng.int(k);
  for (let r = 0; r < t; r++) {
    if (r > 0) {
      const u = rng.uniform();
      let acc = 0;
      let next = k - 1;
      for (let j = 0; j < k; j++) {
        acc += transition[state * k + j]!;
        if (u < acc) {
          next = j;
          break;
        }
      }
      state = next;
    }
    states[r] = state;
    // History features x_m = Σ_l φ(l)·s_m(r − l), then z_i = b_i + Σ_m W_im·x_m.
    x.fill(0);
    for (let l = 1; l <= Math.min(basis.length, r); l++) {
      for (let m = 0; m < n; m++) x[m] += phi[l - 1]! * s[(r - l) * n + m]!;
    }
    for (let i = 0; i < n; i++) {
      let z = bias[state * n + i]!;
      const row = (state * n + i) * n;
      for (let m = 0; m < n; m++) z += weights[row + m]! * x[m]!;
      if (drive) for (let c = 0; c < drive.c; c++) z += drive.weights[(state * n + i) * drive.c + c]! * drive.x[r * drive.c + c]!;
      // A cap keeps a runaway excitatory loop from stalling the sampler; the tests' networks stay far below it.
      s[r * n + i] = poisson(Math.min(Math.exp(z), 50), rng);
    }
  }
  return { s, states };
}

/** Li et al.'s test network: baseline rates U(lo, hi) per bin, a fraction of couplings ±U(0.5, 1), self-coupling −1, sticky transitions. */
export function randomTruth(
  n: number,
  k: number,
  seed: number,
  options: { density?: number; stay?: number; rates?: [number, number]; shared?: number } = {},
): Truth {
  const { density = 0.2, stay = 0.99, rates = [0.2, 0.6], shared = 0 } = options;
  const rng = new Rng(seed);
  const bias = new Float64Array(k * n);
  for (let i = 0; i < n; i++) {
    const b = Math.log(rates[0] + (rates[1] - rates[0]) * rng.uniform());
    for (let s = 0; s < k; s++) bias[s * n + i] = b;
  }
  const draw = () => (rng.uniform() < density ? (rng.uniform() < 0.5 ? -1 : 1) * (0.5 + 0.5 * rng.uniform()) : 0);
  const weights = new Float64Array(k * n * n);
  const sharedMask = new Uint8Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let m = 0; m < n; m++) {
      if (m === i) {
        for (let s = 0; s < k; s++) weights[(s * n + i) * n + m] = -1;
        continue;
      }
      if (rng.uniform() < shared) {
        sharedMask[i * n + m] = 1;
        const w = draw();
        for (let s = 0; s < k; s++) weights[(s * n + i) * n + m] = w;
      } else {
        for (let s = 0; s < k; s++) weights[(s * n + i) * n + m] = draw();
      }
    }
  }
  const transition = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) transition[i * k + j] = i === j ? stay : (1 - stay) / (k - 1);
  return { n, k, bias, weights, transition, shared: sharedMask };
}
