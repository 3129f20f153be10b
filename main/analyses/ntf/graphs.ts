/**
 * The per-iteration graphs of non-negative CP on a 3-way tensor X (I × J × K, fed as its mode-0
 * unfolding I × JK), each built once per fit shape and run by the engine every iteration.
 *
 * Factors travel transposed, as R × n "loading rows" (tensorly's hals_nnls works on Vᵀ the same way):
 * a HALS row update then reads and writes contiguous memory. Modes 1 and 2 share T = X₍₀₎ᵀA (JK × R),
 * so X is read twice per outer iteration (mode 0's MTTKRP and T), never three times.
 * All graphs are float64: the error ‖X‖² + ‖X̂‖² − 2⟨X, X̂⟩ cancels to about √ε_float32 ≈ 3·10⁻⁴ of ‖X‖
 * in float32, too coarse for a 1e-7 stopping tolerance or a monotone error check.
 */
import { GraphBuilder, type Value } from '../../compute/index.js';

const F64 = 'float64';

export interface Dims {
  I: number;
  J: number;
  K: number;
  R: number;
}

/** G = (F₁F₁ᵀ) ∘ (F₂F₂ᵀ) for loading rows F (R × n): the Hadamard of the other modes' Gram matrices. */
function gramProduct(g: GraphBuilder, f1: Value, f2: Value): Value {
  return g.mul(g.matmul(f1, f1, { transB: true }), g.matmul(f2, f2, { transB: true }));
}

/** Mode 0: M = (X₍₀₎ (B ⊙ C))ᵀ, R × I. */
export function mode0Graph({ I, J, K, R }: Dims): GraphBuilder {
  const g = new GraphBuilder();
  const X = g.input('X', F64, [I, J * K]);
  const B = g.input('B', F64, [R, J]);
  const C = g.input('C', F64, [R, K]);
  const kr = g.khatriRao(g.transpose(B), g.transpose(C));
  g.output('M', g.transpose(g.matmul(X, kr)));
  g.output('G', gramProduct(g, B, C));
  return g;
}

/** Mode 1: T = X₍₀₎ᵀAᵀᵀ (JK × R, kept for mode 2) and M[r, j] = Σ_k T[j, k, r] C[r, k]. */
export function mode1Graph({ I, J, K, R }: Dims): GraphBuilder {
  const g = new GraphBuilder();
  const X = g.input('X', F64, [I, J * K]);
  const A = g.input('A', F64, [R, I]);
  const C = g.input('C', F64, [R, K]);
  const T = g.matmul(X, A, { transA: true, transB: true });
  const t3 = g.reshape(T, [J, K, R]);
  const m = g.sum(g.mul(t3, g.reshape(g.transpose(C), [1, K, R])), 1);
  g.output('T', T);
  g.output('M', g.transpose(m));
  g.output('G', gramProduct(g, A, C));
  return g;
}

/** Mode 2 from mode 1's T (A unchanged since): M[r, k] = Σ_j T[j, k, r] B[r, j]. */
export function mode2Graph({ J, K, R, I }: Dims): GraphBuilder {
  const g = new GraphBuilder();
  const T = g.input('T', F64, [J * K, R]);
  const A = g.input('A', F64, [R, I]);
  const B = g.input('B', F64, [R, J]);
  const t3 = g.reshape(T, [J, K, R]);
  const m = g.sum(g.mul(t3, g.reshape(g.transpose(B), [J, 1, R])), 0);
  g.output('M', g.transpose(m));
  g.output('G', gramProduct(g, A, B));
  return g;
}

/** ‖X_c − X̂_c‖² for a block of c pair rows, X̂_c = A_cᵀ (B ⊙ C)ᵀ (A_c: the block's columns of A, R × c). */
export function residualGraph({ J, K, R }: Dims): GraphBuilder {
  const g = new GraphBuilder();
  const X = g.input('X', F64, ['c', J * K]);
  const A = g.input('A', F64, [R, 'c']);
  const B = g.input('B', F64, [R, J]);
  const C = g.input('C', F64, [R, K]);
  const kr = g.khatriRao(g.transpose(B), g.transpose(C));
  g.output('ss', g.sumSquares(g.sub(X, g.matmul(A, kr, { transA: true, transB: true }))));
  return g;
}

/** Sweeps unrolled per HALS inner graph call; later sweeps of a chunk are masked once the inner loop has stopped. */
export const INNER_CHUNK = 5;
/** tensorly's hals_nnls: at most 100 sweeps, stop when Σ‖ΔV‖² ≤ 1e-8 × the first sweep's. */
export const INNER_MAX_SWEEPS = 100;
export const INNER_TOL = 1e-8;

/**
 * INNER_CHUNK sweeps of HALS NNLS for min_{V ≥ 0} ½‖M' − UV‖² + λ‖V‖₁ given UᵀM' = M (R × n) and
 * UᵀU = G, row by row: V_k ← max(0, (M_k − G_k V + G_kk V_k − λ) / G_kk) (tensorly's hals_nnls). State in and out:
 * err0 (first sweep's Σ‖ΔV‖², −1 before it is known), done (0/1) and remaining (sweeps allowed);
 * a sweep runs only while not done and remaining, so chunked calls give tensorly's stopping exactly.
 * Also returns ⟨M, V⟩ and Σ G ∘ VVᵀ of the final V, the error terms when this mode is the last one.
 */
export function halsInnerGraph(R: number, n: number): GraphBuilder {
  const g = new GraphBuilder();
  const M = g.input('M', F64, [R, n]);
  const G = g.input('G', F64, [R, R]);
  let V = g.input('V', F64, [R, n]);
  let err0 = g.input('err0', F64, []);
  let done = g.input('done', F64, []);
  const remaining = g.input('remaining', F64, []);
  const lambda = g.input('lambda', F64, []);

  // Scaled once per call, so a row update is V_k ← max(0, V_k + (M_k − λ)/G_kk − (G_k/G_kk)·V).
  // A zero diagonal means the component is zero in another mode; then M_k and G_k are zero too and
  // the row becomes 0 instead of 0/0.
  const gDen = Array.from({ length: R }, (_, k) => g.maximum(g.reshape(g.slice(g.slice(G, 0, k, k + 1), 1, k, k + 1), []), 1e-300));
  const gRows = gDen.map((d, k) => g.div(g.slice(G, 0, k, k + 1), d));
  const gScaled = g.concat(gRows, 0);
  const coef = gRows.map((row, k) => Array.from({ length: k }, (_, j) => g.slice(row, 1, j, j + 1)));
  const mRows = gDen.map((d, k) => g.div(g.sub(g.slice(M, 0, k, k + 1), lambda), d));

  let sweeps: Value = g.mul(remaining, 0);
  for (let s = 0; s < INNER_CHUNK; s++) {
    const before = V;
    // (G/G_kk)·V for the whole sweep at once, then each row corrects for the rows already updated:
    // (G_k/G_kk)·V_current = P_k + Σ_{j<k} (G_kj/G_kk) Δ_j. Rewriting V after every row would move
    // the whole R × n matrix R times per sweep; this moves it once.
    const P = g.matmul(gScaled, V);
    const rows: Value[] = [];
    const deltas: Value[] = [];
    for (let k = 0; k < R; k++) {
      let t = g.slice(P, 0, k, k + 1);
      for (let j = 0; j < k; j++) t = g.add(t, g.mul(coef[k]![j]!, deltas[j]!));
      const vk = g.slice(V, 0, k, k + 1);
      const row = g.maximum(g.add(vk, g.sub(mRows[k]!, t)), 0);
      rows.push(row);
      deltas.push(g.sub(row, vk));
    }
    const W = R === 1 ? rows[0]! : g.concat(rows, 0);
    const delta = deltas.map((d) => g.sumSquares(d)).reduce((a, b) => g.add(a, b));
    const active = g.and(g.not(g.greater(done, 0.5)), g.greater(remaining, s));
    err0 = g.where(g.and(active, g.less(err0, 0)), delta, err0);
    const stop = g.and(active, g.lessOrEqual(delta, g.mul(err0, INNER_TOL)));
    V = g.where(active, W, before);
    done = g.where(stop, 1, done);
    sweeps = g.add(sweeps, g.cast(active, F64));
  }
  g.output('V', V);
  g.output('err0', err0);
  g.output('done', done);
  g.output('sweeps', sweeps);
  g.output('inner', g.sum(g.mul(M, V)));
  g.output('modelNorm2', g.sum(g.mul(G, g.matmul(V, V, { transB: true }))));
  return g;
}

/** An unconstrained mode (tensorly's modes outside nn_modes): V = G⁻¹M, with the same error terms as the HALS graph. */
export function leastSquaresGraph(R: number, n: number): GraphBuilder {
  const g = new GraphBuilder();
  const M = g.input('M', F64, [R, n]);
  const G = g.input('G', F64, [R, R]);
  const Ginv = g.input('Ginv', F64, [R, R]);
  const V = g.matmul(Ginv, M);
  g.output('V', V);
  g.output('inner', g.sum(g.mul(M, V)));
  g.output('modelNorm2', g.sum(g.mul(G, g.matmul(V, V, { transB: true }))));
  return g;
}

/**
 * One multiplicative-update sweep (tensorly non_negative_parafac, Shashua & Hazan):
 * F ← F ∘ max(M, ε) / max(G F + λ, ε) for each mode in turn, with ε the float64 machine epsilon.
 * With `fixedLast` the recordings mode (a single recording) stays at its input.
 */
export function muSweepGraph({ I, J, K, R }: Dims, fixedLast: boolean): GraphBuilder {
  const g = new GraphBuilder();
  const X = g.input('X', F64, [I, J * K]);
  let A = g.input('A', F64, [R, I]);
  let B = g.input('B', F64, [R, J]);
  let C = g.input('C', F64, [R, K]);
  const lambda = g.input('lambda', F64, [3]);
  const eps = Number.EPSILON;
  const update = (F: Value, M: Value, G: Value, mode: number) =>
    g.div(g.mul(F, g.maximum(M, eps)), g.maximum(g.add(g.matmul(G, F), g.gather(lambda, 0, mode)), eps));

  const M0 = g.transpose(g.matmul(X, g.khatriRao(g.transpose(B), g.transpose(C))));
  A = update(A, M0, gramProduct(g, B, C), 0);

  const T = g.matmul(X, A, { transA: true, transB: true });
  const t3 = g.reshape(T, [J, K, R]);
  const M1 = g.transpose(g.sum(g.mul(t3, g.reshape(g.transpose(C), [1, K, R])), 1));
  const G1 = gramProduct(g, A, C);
  B = update(B, M1, G1, 1);

  let last = { M: M1, G: G1, F: B };
  if (!fixedLast) {
    const M2 = g.transpose(g.sum(g.mul(t3, g.reshape(g.transpose(B), [J, 1, R])), 0));
    const G2 = gramProduct(g, A, B);
    C = update(C, M2, G2, 2);
    last = { M: M2, G: G2, F: C };
  }
  g.output('A', A);
  g.output('B', B);
  g.output('C', C);
  g.output('inner', g.sum(g.mul(last.M, last.F)));
  g.output('modelNorm2', g.sum(g.mul(last.G, g.matmul(last.F, last.F, { transB: true }))));
  return g;
}
