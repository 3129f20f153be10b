/**
 * Truncated SVD of a large matrix (a tensor unfolding of 44,850 × 800 for an NNDSVD initialisation):
 * the randomized range finder of Halko, Martinsson & Tropp (2011, alg. 4.4 with power iterations).
 * The two products with A run on the engine; only m×l and l×n panels (l = k + oversample) are
 * orthonormalised and decomposed in JS. Deterministic for a given seed.
 */
import { Matrix, QrDecomposition } from 'ml-matrix';
import type { Engine } from './engine.js';
import { ShapeError, formatShape } from './errors.js';
import { type Svd, svd } from './linalg.js';
import { type Tensor, arrayOf } from './tensor.js';

export interface RandomizedSvdOptions {
  /** Extra random directions beyond k; default 10. */
  oversample?: number;
  /** Passes through AᵀA that sharpen a slowly decaying spectrum; default 2. */
  powerIterations?: number;
  seed?: number;
}

export async function randomizedSvd(engine: Engine, a: Tensor, k: number, opts: RandomizedSvdOptions = {}): Promise<Svd> {
  if (a.shape.length !== 2) throw new ShapeError(`randomizedSvd needs a matrix, got shape ${formatShape(a.shape)}`, [a.shape]);
  const [m, n] = a.shape as [number, number];
  const full = Math.min(m, n);
  if (!Number.isInteger(k) || k < 1 || k > full) throw new RangeError(`randomizedSvd: k must be an integer in [1, ${full}], got ${k}`);
  const l = Math.min(full, k + (opts.oversample ?? 10));
  const random = gaussian(opts.seed ?? 0);
  const omega = arrayOf(a.dtype, n * l);
  for (let i = 0; i < omega.length; i++) omega[i] = random();

  let q = orthonormalColumns(await engine.matmul(a, { dtype: a.dtype, shape: [n, l], data: omega } as Tensor));
  for (let it = 0; it < (opts.powerIterations ?? 2); it++) {
    // Re-orthonormalising between the two products keeps the small singular directions from being lost to rounding.
    const z = orthonormalColumns(await engine.matmul(a, q, { transA: true }));
    q = orthonormalColumns(await engine.matmul(a, z));
  }
  const b = await engine.matmul(q, a, { transA: true });
  const small = svd(b, { k });
  // U = Q·Ub: m×l by l×k, small enough for a JS loop next to the products above.
  const u = new Float64Array(m * k);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let p = 0; p < l; p++) s += q.data[i * l + p]! * small.u.data[p * k + j]!;
      u[i * k + j] = s;
    }
  }
  // Same sign convention as svd(): each column of U has its largest-magnitude entry positive.
  for (let j = 0; j < k; j++) {
    let big = j;
    for (let i = 0; i < m; i++) if (Math.abs(u[i * k + j]!) > Math.abs(u[big]!)) big = i * k + j;
    if (u[big]! >= 0) continue;
    for (let i = 0; i < m; i++) u[i * k + j] = -u[i * k + j]!;
    for (let i = 0; i < n; i++) small.v.data[i * k + j] = -small.v.data[i * k + j]!;
  }
  return { u: { dtype: 'float64', shape: [m, k], data: u }, s: small.s, v: small.v };
}

/** Thin Q of a Householder QR, in the input's dtype so it can go back to the engine. */
function orthonormalColumns(y: Tensor): Tensor {
  const [m, l] = y.shape as [number, number];
  const q = new QrDecomposition(Matrix.from1DArray(m, l, Float64Array.from(y.data))).orthogonalMatrix;
  const out = arrayOf(y.dtype, m * l);
  for (let i = 0; i < m; i++) for (let j = 0; j < l; j++) out[i * l + j] = q.get(i, j);
  return { dtype: y.dtype, shape: [m, l], data: out } as Tensor;
}

/** Standard normal draws: mulberry32 uniforms through Box–Muller. */
function gaussian(seed: number): () => number {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(uniform()));
    const th = 2 * Math.PI * uniform();
    spare = r * Math.sin(th);
    return r * Math.cos(th);
  };
}
