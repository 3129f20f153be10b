/** Test-side references: the full reconstruction of a CP model and random CP tensors, written out plainly. */
import type { Loadings } from '../../../main/analyses/ntf/init.js';
import type { Tensor3 } from '../../../main/analyses/ntf/tensor3.js';

/** X̂[i, j, k] = Σ_r A[r, i] B[r, j] C[r, k] from R × n loading rows. */
export function reconstruct([A, B, C]: Loadings, [I, J, K]: readonly [number, number, number], R: number): Float64Array {
  const out = new Float64Array(I * J * K);
  for (let i = 0; i < I; i++)
    for (let j = 0; j < J; j++)
      for (let k = 0; k < K; k++) {
        let v = 0;
        for (let r = 0; r < R; r++) v += A[r * I + i]! * B[r * J + j]! * C[r * K + k]!;
        out[(i * J + j) * K + k] = v;
      }
  return out;
}

export function relativeError(x: Tensor3, xhat: Float64Array): number {
  let num = 0;
  let den = 0;
  for (let q = 0; q < xhat.length; q++) {
    num += (x.data[q]! - xhat[q]!) ** 2;
    den += x.data[q]! ** 2;
  }
  return Math.sqrt(num / den);
}

export function maxAbsDifference(x: Tensor3, xhat: Float64Array): number {
  let m = 0;
  for (let q = 0; q < xhat.length; q++) m = Math.max(m, Math.abs(x.data[q]! - xhat[q]!));
  return m;
}

/** Largest increase between consecutive errors (negative when strictly decreasing). */
export function largestIncrease(errors: readonly number[]): number {
  let worst = -Infinity;
  for (let i = 1; i < errors.length; i++) worst = Math.max(worst, errors[i]! - errors[i - 1]!);
  return worst;
}
