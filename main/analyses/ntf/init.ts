/**
 * Starting factors for non-negative CP, as tensorly's initialize_cp(init="svd", non_negative=True):
 * per mode, the leading singular triplets of the unfolding X₍ₘ₎ made non-negative by NNDSVD
 * (Boutsidis & Gallopoulos 2008; tenalg/svd.py make_svd_non_negative), mode 0 further scaled by the
 * singular values, columns beyond a mode's size filled with uniform random numbers; or uniform [0, 1)
 * factors. Only the left vectors and the norms of the positive and negative parts of the right vectors
 * are needed, so the wide unfoldings are never formed: their Gram matrices and the norms come from
 * einsums over X on the engine, in chunks of the pair mode.
 */
import { type Engine, GraphBuilder, eigh, randomizedSvd, svd, tensor } from '../../compute/index.js';
import type { Rng } from '../../util/rng.js';
import type { Tensor3 } from './tensor3.js';

export type InitMethod = 'nndsvda' | 'nndsvd' | 'random';

/** Factors as R × n loading rows, one per mode. */
export type Loadings = [Float64Array, Float64Array, Float64Array];

/** Leading singular triplets of one unfolding, reduced to what NNDSVD reads. */
interface Triplets {
  /** n × k left singular vectors, row-major. */
  u: Float64Array;
  s: Float64Array;
  /** ‖v₊‖ and ‖v₋‖ of each unit right singular vector. */
  posNorm: Float64Array;
  negNorm: Float64Array;
}

const EXACT_SVD_MAX_ENTRIES = 250_000;
const CHUNK_ENTRIES = 4_000_000;

export function randomLoadings(dims: readonly number[], rank: number, rng: Rng): Loadings {
  return dims.map((n) => {
    const f = new Float64Array(rank * n);
    for (let i = 0; i < f.length; i++) f[i] = rng.uniform();
    return f;
  }) as Loadings;
}

export async function nndsvdLoadings(engine: Engine, x: Tensor3, rank: number, method: 'nndsvda' | 'nndsvd', rng: Rng): Promise<Loadings> {
  let mean = 0;
  for (let i = 0; i < x.data.length; i++) mean += x.data[i]!;
  mean /= x.data.length;
  const out: Float64Array[] = [];
  for (let mode = 0; mode < 3; mode++) {
    const n = x.shape[mode]!;
    const k = Math.min(rank, n, x.data.length / n);
    const t = mode === 0 ? await mode0Triplets(engine, x, k, rng) : await gramTriplets(engine, x, mode as 1 | 2, k);
    const w = nonNegative(t, n, k, method, mean);
    const f = new Float64Array(rank * n);
    for (let r = 0; r < rank; r++) {
      for (let i = 0; i < n; i++) {
        // tensorly scales mode 0 by the singular values on top of NNDSVD's √(s·σ), keeping the tensor's scale.
        f[r * n + i] = r < k ? (mode === 0 ? w[i * k + r]! * t.s[r]! : w[i * k + r]!) : rng.uniform();
      }
    }
    out.push(f);
  }
  return out as Loadings;
}

/** W (n × k) of make_svd_non_negative, with small entries set to the mean (nndsvda) or to zero (nndsvd). */
function nonNegative(t: Triplets, n: number, k: number, method: 'nndsvda' | 'nndsvd', mean: number): Float64Array {
  const w = new Float64Array(n * k);
  for (let j = 0; j < k; j++) {
    let pp = 0;
    let nn = 0;
    for (let i = 0; i < n; i++) {
      const v = t.u[i * k + j]!;
      if (v > 0) pp += v * v;
      else nn += v * v;
    }
    const xp = Math.sqrt(pp);
    const xn = Math.sqrt(nn);
    if (j === 0) {
      // The leading pair is one-signed; abs() removes the SVD's sign ambiguity.
      for (let i = 0; i < n; i++) w[i * k] = Math.sqrt(t.s[0]!) * Math.abs(t.u[i * k]!);
      continue;
    }
    const mp = xp * t.posNorm[j]!;
    const mn = xn * t.negNorm[j]!;
    const positive = mp > mn;
    const norm = positive ? xp : xn;
    const scale = norm > 0 ? Math.sqrt(t.s[j]! * (positive ? mp : mn)) / norm : 0;
    for (let i = 0; i < n; i++) {
      const v = t.u[i * k + j]!;
      w[i * k + j] = positive ? Math.max(v, 0) * scale : Math.max(-v, 0) * scale;
    }
  }
  const eps = Number.EPSILON;
  for (let i = 0; i < w.length; i++) {
    if (method === 'nndsvda') w[i] = w[i]! < eps ? mean : w[i]!;
    else w[i] = Math.max(w[i]! - eps, 0);
  }
  return w;
}

/** Mode 0 (I × JK, tall): exact SVD when small, else the randomized range finder on the engine. */
async function mode0Triplets(engine: Engine, x: Tensor3, k: number, rng: Rng): Promise<Triplets> {
  const [I, J, K] = x.shape;
  const a = tensor(x.data, [I, J * K]);
  const dec =
    I * J * K <= EXACT_SVD_MAX_ENTRIES ? svd(a, { k }) : await randomizedSvd(engine, a, k, { seed: rng.nextU32(), powerIterations: 4 });
  const m = J * K;
  const posNorm = new Float64Array(k);
  const negNorm = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let p = 0;
    let q = 0;
    for (let i = 0; i < m; i++) {
      const v = dec.v.data[i * k + j]!;
      if (v > 0) p += v * v;
      else q += v * v;
    }
    posNorm[j] = Math.sqrt(p);
    negNorm[j] = Math.sqrt(q);
  }
  return { u: dec.u.data, s: dec.s, posNorm, negNorm };
}

/**
 * Modes 1 and 2 (J or K rows, wide): U and s from the eigen-decomposition of the n × n Gram matrix;
 * the right vectors' positive and negative norms from Y = UᵀX₍ₘ₎ accumulated over chunks of the pair mode.
 */
async function gramTriplets(engine: Engine, x: Tensor3, mode: 1 | 2, k: number): Promise<Triplets> {
  const [I, J, K] = x.shape;
  const n = mode === 1 ? J : K;
  const rows = Math.max(1, Math.floor(CHUNK_ENTRIES / (J * K * Math.max(k, 1))));
  const gram = new Float64Array(n * n);
  const gramGraph = new GraphBuilder();
  const xc = gramGraph.input('X', 'float64', ['c', J, K]);
  gramGraph.output('G', gramGraph.einsum(mode === 1 ? 'ijk,ilk->jl' : 'ijk,ijl->kl', xc, xc));
  const gramRun = engine.compile(gramGraph);
  for (let i0 = 0; i0 < I; i0 += rows) {
    const i1 = Math.min(I, i0 + rows);
    const { G } = await gramRun.run({ X: tensor(x.data.subarray(i0 * J * K, i1 * J * K), [i1 - i0, J, K]) });
    for (let q = 0; q < n * n; q++) gram[q] += G!.data[q]!;
  }
  const { values, vectors } = eigh(tensor(gram, [n, n]));
  const u = new Float64Array(n * k);
  const s = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const col = n - 1 - j;
    s[j] = Math.sqrt(Math.max(values[col]!, 0));
    for (let i = 0; i < n; i++) u[i * k + j] = vectors.data[i * n + col]!;
  }

  const normGraph = new GraphBuilder();
  const xn = normGraph.input('X', 'float64', ['c', J, K]);
  const un = normGraph.input('U', 'float64', [n, k]);
  const y = normGraph.einsum(mode === 1 ? 'ijk,jr->rik' : 'ijk,kr->rij', xn, un);
  normGraph.output('pos', normGraph.sumSquares(normGraph.relu(y), [1, 2]));
  normGraph.output('neg', normGraph.sumSquares(normGraph.relu(normGraph.neg(y)), [1, 2]));
  const normRun = engine.compile(normGraph);
  const pos2 = new Float64Array(k);
  const neg2 = new Float64Array(k);
  for (let i0 = 0; i0 < I; i0 += rows) {
    const i1 = Math.min(I, i0 + rows);
    const out = await normRun.run({ X: tensor(x.data.subarray(i0 * J * K, i1 * J * K), [i1 - i0, J, K]), U: tensor(u, [n, k]) });
    for (let j = 0; j < k; j++) {
      pos2[j] += out.pos!.data[j]!;
      neg2[j] += out.neg!.data[j]!;
    }
  }
  // Y's rows are s·v; dividing by s gives the unit right vectors' norms (zero for a null direction).
  const posNorm = Float64Array.from(pos2, (p, j) => (s[j]! > 0 ? Math.sqrt(p) / s[j]! : 0));
  const negNorm = Float64Array.from(neg2, (p, j) => (s[j]! > 0 ? Math.sqrt(p) / s[j]! : 0));
  return { u, s, posNorm, negNorm };
}
