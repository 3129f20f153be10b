/**
 * One HALS sweep of a non-negative 3-way CP model X ≈ [[A, B, C]] (tensorly's
 * non_negative_parafac_hals with one inner pass per mode), written once over the operations that
 * GraphBuilder (fused: one graph, one session call) and Engine (op by op) both provide, so the
 * benchmark compares the same arithmetic. The NTF engineer's fused sweep can start from this shape.
 *
 * X is I×J×K; A, B, C are I×R, J×R, K×R. Mode A uses MTTKRP X₍₁₎·(B ⊙ C); modes B and C share
 * T = X₍₁₎ᵀ·A (JK×R), so the big tensor is read twice per sweep instead of three times.
 */
import type { MatmulOptions, ReduceOptions } from '../main/compute/graph.js';

type Maybe<V> = V | Promise<V>;

export interface SweepOps<V> {
  matmul(a: V, b: V, opts?: MatmulOptions): Maybe<V>;
  add(a: V, b: V): Maybe<V>;
  sub(a: V, b: V): Maybe<V>;
  mul(a: V, b: V): Maybe<V>;
  div(a: V, b: V): Maybe<V>;
  maximum(a: V, b: number): Maybe<V>;
  khatriRao(a: V, b: V): Maybe<V>;
  reshape(x: V, target: number[]): Maybe<V>;
  sum(x: V, axes?: number | readonly number[], opts?: ReduceOptions): Maybe<V>;
  slice(x: V, axis: number, start: number, end?: number): Maybe<V>;
  concat(values: V[], axis: number): Maybe<V>;
}

export interface SweepDims {
  I: number;
  J: number;
  K: number;
  R: number;
}

export interface SweepResult<V> {
  A: V;
  B: V;
  C: V;
  /** ⟨X, X̂⟩ and ‖X̂‖², with ‖X‖² giving the relative error sqrt(‖X‖² − 2⟨X, X̂⟩ + ‖X̂‖²)/‖X‖. */
  inner: V;
  modelNorm2: V;
}

/** Lower bound of every factor entry (tensorly clips to machine epsilon the same way). */
export const HALS_EPS = 1e-12;

export async function halsSweep<V>(o: SweepOps<V>, X: V, A0: V, B0: V, C0: V, { I, J, K, R }: SweepDims): Promise<SweepResult<V>> {
  const gram = (F: V) => o.matmul(F, F, { transA: true });
  const X1 = await o.reshape(X, [I, J * K]);

  const MA = await o.matmul(X1, await o.khatriRao(B0, C0));
  const GA = await o.mul(await gram(B0), await gram(C0));
  const A = await updateFactor(o, A0, MA, GA, R);

  const T = await o.reshape(await o.matmul(X1, A, { transA: true }), [J, K, R]);
  const gramA = await gram(A);
  const MB = await o.sum(await o.mul(T, await o.reshape(C0, [1, K, R])), 1);
  const B = await updateFactor(o, B0, MB, await o.mul(gramA, await gram(C0)), R);

  const MC = await o.sum(await o.mul(T, await o.reshape(B, [J, 1, R])), 0);
  const GC = await o.mul(gramA, await gram(B));
  const C = await updateFactor(o, C0, MC, GC, R);

  const inner = await o.sum(await o.mul(MC, C));
  const modelNorm2 = await o.sum(await o.mul(GC, await gram(C)));
  return { A, B, C, inner, modelNorm2 };
}

/** Column by column: f_r ← max(ε, f_r + (M_r − F·G_r)/G_rr), each column seeing the ones updated before it. */
async function updateFactor<V>(o: SweepOps<V>, F0: V, M: V, G: V, R: number): Promise<V> {
  let F = F0;
  for (let r = 0; r < R; r++) {
    const g = await o.slice(G, 1, r, r + 1);
    const step = await o.div(await o.sub(await o.slice(M, 1, r, r + 1), await o.matmul(F, g)), await o.slice(g, 0, r, r + 1));
    const col = await o.maximum(await o.add(await o.slice(F, 1, r, r + 1), step), HALS_EPS);
    const parts: V[] = [];
    if (r > 0) parts.push(await o.slice(F, 1, 0, r));
    parts.push(col);
    if (r < R - 1) parts.push(await o.slice(F, 1, r + 1));
    F = await o.concat(parts, 1);
  }
  return F;
}
