/**
 * Non-negative CP decomposition X ≈ Σ_r a_r ∘ b_r ∘ c_r of a 3-way tensor on the engine, following
 * tensorly's non_negative_parafac_hals (HALS) and non_negative_parafac (multiplicative updates):
 * same update rules, inner-loop stopping and error, stopping when |Δ relative error| < tol.
 *
 * The relative error sqrt(|‖X‖² + ‖X̂‖² − 2⟨X, X̂⟩|)/‖X‖ comes from the last updated mode's MTTKRP
 * (⟨X, X̂⟩ = Σ M ∘ F, ‖X̂‖² = Σ G ∘ FᵀF), never from the full reconstruction. Float64 throughout.
 * That difference of large sums carries rounding of about 1e-13 of ‖X‖², i.e. an error floor near
 * 3e-7 and jitter of 1e-13/(2e) at error e: once e < 1e-4 (only near-exact synthetic fits get there)
 * the residual is summed directly, block by block, so the reported error stays monotone to 1e-9.
 */
import type { CancellationToken } from '../types.js';
import type { CompiledGraph, Engine, GraphBuilder } from '../../compute/index.js';
import { inverse, tensor } from '../../compute/index.js';
import type { Rng } from '../../util/rng.js';
import {
  INNER_MAX_SWEEPS,
  type Dims,
  halsInnerGraph,
  leastSquaresGraph,
  mode0Graph,
  mode1Graph,
  mode2Graph,
  muSweepGraph,
  residualGraph,
} from './graphs.js';
import { type InitMethod, type Loadings, nndsvdLoadings, randomLoadings } from './init.js';
import { type Tensor3, squaredNorm } from './tensor3.js';

export interface NtfOptions {
  rank: number;
  algorithm: 'hals' | 'mu';
  /** A method, or explicit starting loadings (R × n per mode; copied). */
  init: InitMethod | Loadings;
  tol: number;
  maxIterations: number;
  /** L1 coefficient per mode. */
  sparsity?: readonly [number, number, number];
  /** Per mode, whether it is constrained to be non-negative (HALS only; default all): others are solved by least squares. */
  nonNegative?: readonly [boolean, boolean, boolean];
  /** Keep mode 2 at ones: with a single recording its loadings carry nothing the weights do not. */
  fixLast?: boolean;
  rng: Rng;
  token?: CancellationToken;
  onIteration?(iteration: number, error: number): void;
}

export interface NtfFit {
  /** Unnormalised factors as R × n loading rows. */
  loadings: Loadings;
  /** Relative error after each outer iteration. */
  errors: number[];
  iterations: number;
  converged: boolean;
  /** HALS inner sweeps over all modes and iterations (0 for MU). */
  innerSweeps: number;
}

/** Below this relative error the residual is summed directly (see above). */
export const DIRECT_ERROR_BELOW = 1e-4;
const RESIDUAL_BLOCK_ENTRIES = 4_000_000;

const compiled = new WeakMap<Engine, Map<string, CompiledGraph>>();

/** Graphs are keyed by kind and shape, so restarts, rank sweeps and surrogates build each once; the worker's engine outlives runs, so only recent shapes are kept. */
const GRAPHS_KEPT = 48;

function graph(engine: Engine, key: string, build: () => GraphBuilder): CompiledGraph {
  let cache = compiled.get(engine);
  if (!cache) compiled.set(engine, (cache = new Map()));
  let g = cache.get(key);
  if (g) cache.delete(key);
  else g = engine.compile(build());
  cache.set(key, g);
  if (cache.size > GRAPHS_KEPT) cache.delete(cache.keys().next().value!);
  return g;
}

const t64 = (data: Float64Array, shape: number[]) => tensor(data, shape);
const scalar = (v: number) => tensor(Float64Array.of(v), []);

export async function initialLoadings(
  engine: Engine,
  x: Tensor3,
  options: Pick<NtfOptions, 'rank' | 'init' | 'rng' | 'fixLast'>,
): Promise<Loadings> {
  const { rank, init, rng } = options;
  let loadings: Loadings;
  if (typeof init !== 'string') loadings = init.map((f) => f.slice()) as Loadings;
  else if (init === 'random') loadings = randomLoadings(x.shape, rank, rng);
  else loadings = await nndsvdLoadings(engine, x, rank, init, rng);
  if (options.fixLast) loadings[2] = new Float64Array(rank * x.shape[2]).fill(1);
  return loadings;
}

export async function fitNtf(engine: Engine, x: Tensor3, options: NtfOptions): Promise<NtfFit> {
  const [I, J, K] = x.shape;
  const R = options.rank;
  const dims: Dims = { I, J, K, R };
  const normX2 = squaredNorm(x.data);
  if (options.algorithm === 'mu' && options.nonNegative?.includes(false))
    throw new RangeError('multiplicative updates keep every mode non-negative; use HALS for unconstrained modes');
  if (!(normX2 > 0)) throw new RangeError('the tensor is all zeros: there is nothing to factorize');
  const X = t64(x.data, [I, J * K]);
  const [A0, B0, C0] = await initialLoadings(engine, x, options);
  let A = A0;
  let B = B0;
  let C = C0;
  const lambda = options.sparsity ?? [0, 0, 0];
  const errors: number[] = [];
  let converged = false;
  let innerSweeps = 0;
  const shape = `${I}x${J}x${K}r${R}`;

  const residual = graph(engine, `residual:${J}x${K}r${R}`, () => residualGraph(dims));
  const rows = Math.max(1, Math.floor(RESIDUAL_BLOCK_ENTRIES / (J * K)));
  const relError = async (inner: number, modelNorm2: number) => {
    const e = Math.sqrt(Math.abs(normX2 + modelNorm2 - 2 * inner) / normX2);
    if (e >= DIRECT_ERROR_BELOW) return e;
    let ss = 0;
    for (let i0 = 0; i0 < I; i0 += rows) {
      const c = Math.min(I, i0 + rows) - i0;
      const block = new Float64Array(R * c);
      for (let r = 0; r < R; r++) block.set(A.subarray(r * I + i0, r * I + i0 + c), r * c);
      const out = await residual.run({
        X: t64(x.data.subarray(i0 * J * K, (i0 + c) * J * K), [c, J * K]),
        A: t64(block, [R, c]),
        B: t64(B, [R, J]),
        C: t64(C, [R, K]),
      });
      ss += out.ss!.data[0]!;
    }
    return Math.sqrt(ss / normX2);
  };

  const halsSolve = async (M: Float64Array, G: Float64Array, V: Float64Array, n: number, l1: number, mode: number) => {
    if (options.nonNegative && !options.nonNegative[mode]) {
      const ls = graph(engine, `least-squares:${R}x${n}`, () => leastSquaresGraph(R, n));
      const out = await ls.run({ M: t64(M, [R, n]), G: t64(G, [R, R]), Ginv: inverse(t64(G, [R, R])) });
      return { V: out.V!.data as Float64Array, inner: out.inner!.data[0]!, modelNorm2: out.modelNorm2!.data[0]! };
    }
    const inner = graph(engine, `hals-inner:${R}x${n}`, () => halsInnerGraph(R, n));
    let state = { V: t64(V, [R, n]), err0: scalar(-1), done: scalar(0) };
    let remaining = INNER_MAX_SWEEPS;
    for (;;) {
      const out = await inner.run({ M: t64(M, [R, n]), G: t64(G, [R, R]), ...state, remaining: scalar(remaining), lambda: scalar(l1) });
      const sweeps = out.sweeps!.data[0]!;
      remaining -= sweeps;
      innerSweeps += sweeps;
      state = { V: out.V as typeof state.V, err0: out.err0 as typeof state.err0, done: out.done as typeof state.done };
      if (out.done!.data[0]! > 0.5 || remaining <= 0) {
        return { V: out.V!.data as Float64Array, inner: out.inner!.data[0]!, modelNorm2: out.modelNorm2!.data[0]! };
      }
    }
  };

  for (let it = 0; it < options.maxIterations; it++) {
    options.token?.throwIfCancelled();
    let error: number;
    if (options.algorithm === 'hals') {
      const m0 = await graph(engine, `mode0:${shape}`, () => mode0Graph(dims)).run({ X, B: t64(B, [R, J]), C: t64(C, [R, K]) });
      const a = await halsSolve(m0.M!.data as Float64Array, m0.G!.data as Float64Array, A, I, lambda[0], 0);
      A = a.V;
      const m1 = await graph(engine, `mode1:${shape}`, () => mode1Graph(dims)).run({ X, A: t64(A, [R, I]), C: t64(C, [R, K]) });
      const b = await halsSolve(m1.M!.data as Float64Array, m1.G!.data as Float64Array, B, J, lambda[1], 1);
      B = b.V;
      let last = b;
      if (!options.fixLast) {
        const m2 = await graph(engine, `mode2:${shape}`, () => mode2Graph(dims)).run({ T: m1.T!, A: t64(A, [R, I]), B: t64(B, [R, J]) });
        last = await halsSolve(m2.M!.data as Float64Array, m2.G!.data as Float64Array, C, K, lambda[2], 2);
        C = last.V;
      }
      error = await relError(last.inner, last.modelNorm2);
    } else {
      const out = await graph(engine, `mu:${shape}:${options.fixLast ? 'fixed' : 'free'}`, () =>
        muSweepGraph(dims, Boolean(options.fixLast)),
      ).run({
        X,
        A: t64(A, [R, I]),
        B: t64(B, [R, J]),
        C: t64(C, [R, K]),
        lambda: t64(Float64Array.from(lambda), [3]),
      });
      A = out.A!.data as Float64Array;
      B = out.B!.data as Float64Array;
      C = out.C!.data as Float64Array;
      error = await relError(out.inner!.data[0]!, out.modelNorm2!.data[0]!);
    }
    if (!Number.isFinite(error))
      throw new RangeError(`the ${options.algorithm.toUpperCase()} fit diverged at iteration ${it + 1} (error ${error})`);
    errors.push(error);
    options.onIteration?.(it + 1, error);
    if (it >= 1 && Math.abs(errors[it - 1]! - error) < options.tol) {
      converged = true;
      break;
    }
  }
  return { loadings: [A, B, C], errors, iterations: errors.length, converged, innerSweeps };
}

export interface NormalisedCp {
  /** λ_r = Π_m ‖F_m[:, r]‖, decreasing. */
  weights: Float64Array;
  /** Unit-norm loading rows (R × n per mode), in the order of the weights. */
  factors: Loadings;
}

/** Columns scaled to unit norm with the norms collected in weights; components sorted by weight. */
export function normalise(loadings: Loadings, dims: readonly [number, number, number], rank: number): NormalisedCp {
  const raw = new Float64Array(rank).fill(1);
  const norms = loadings.map((f, m) => {
    const n = dims[m]!;
    return Float64Array.from({ length: rank }, (_, r) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += f[r * n + i]! ** 2;
      const norm = Math.sqrt(s);
      raw[r]! *= norm;
      return norm;
    });
  });
  const order = Array.from({ length: rank }, (_, r) => r).sort((p, q) => raw[q]! - raw[p]! || p - q);
  const factors = loadings.map((f, m) => {
    const n = dims[m]!;
    const out = new Float64Array(rank * n);
    order.forEach((src, dst) => {
      const norm = norms[m]![src]!;
      for (let i = 0; i < n; i++) out[dst * n + i] = norm > 0 ? f[src * n + i]! / norm : 0;
    });
    return out;
  }) as Loadings;
  return { weights: Float64Array.from(order, (r) => raw[r]!), factors };
}
