/**
 * The planted connectome of the reference notes (fits-reference-implementations.md §1f): 30 neurons in
 * 3 communities of 10 (435 pairs), each component a within-community pair indicator × a Gaussian time
 * bump (t = 40, 100, 160; σ = 15; T = 200) × animal weights U(0.2, 1) over 4 animals.
 */
import { Rng } from '../../../main/util/rng.js';
import type { Tensor3 } from '../../../main/analyses/ntf/tensor3.js';

export const N = 30;
export const COMMUNITY = Array.from({ length: N }, (_, i) => Math.floor(i / 10));
export const PAIRS = (N * (N - 1)) / 2;
export const T = 200;
export const ANIMALS = 4;
export const RANK = 3;

export interface Planted {
  x: Tensor3;
  /** True factors as R × n loading rows (pairs, time, animals). */
  truth: [Float64Array, Float64Array, Float64Array];
}

export function planted(seed: number, noise = 0): Planted {
  const rng = new Rng(seed);
  const a = new Float64Array(RANK * PAIRS);
  let p = 0;
  for (let i = 0; i < N; i++) for (let j = i + 1; j < N; j++, p++) if (COMMUNITY[i] === COMMUNITY[j]) a[COMMUNITY[i]! * PAIRS + p] = 1;
  const t = new Float64Array(RANK * T);
  [40, 100, 160].forEach((mu, r) => {
    for (let s = 0; s < T; s++) t[r * T + s] = Math.exp(-((s - mu) ** 2) / (2 * 15 ** 2));
  });
  const w = new Float64Array(RANK * ANIMALS);
  for (let k = 0; k < w.length; k++) w[k] = 0.2 + 0.8 * rng.uniform();
  const data = new Float64Array(PAIRS * T * ANIMALS);
  for (let q = 0; q < PAIRS; q++) {
    for (let s = 0; s < T; s++) {
      for (let k = 0; k < ANIMALS; k++) {
        let v = 0;
        for (let r = 0; r < RANK; r++) v += a[r * PAIRS + q]! * t[r * T + s]! * w[r * ANIMALS + k]!;
        data[(q * T + s) * ANIMALS + k] = v + (noise > 0 ? noise * rng.uniform() : 0);
      }
    }
  }
  return { x: { shape: [PAIRS, T, ANIMALS], data }, truth: [a, t, w] };
}
