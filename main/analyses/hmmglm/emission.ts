/**
 * The dense part of the HMM-GLM on the engine: for weights W (K × N × P) and a design X (T × P), one
 * fused graph gives the per-bin, per-state Poisson log-likelihoods (T × K, for the E-step) and, for
 * the M-step, every neuron's and state's posterior-weighted objective with its gradient and Hessian
 * (or the Hessian's diagonal). Time is processed in chunks so intermediates of T × K × N stay small;
 * the graphs are compiled once per fit and run once per chunk.
 *
 * Model per state k and neuron n: z = X W[k, n]ᵀ, λ = exp(z) or softplus(z), and the Poisson term
 * ℓ = s·log λ − λ (the log s! constant is added in JS), masked by the observed bins M.
 */
import { type CompiledGraph, type Engine, GraphBuilder, type Value, tensor } from '../../compute/index.js';

export type Link = 'exp' | 'softplus';
/** value: log-likelihoods only; newton: + objective, gradient, packed Hessian; gradient: + objective, gradient; diagonal: + Hessian diagonal. */
export type EvalMode = 'value' | 'newton' | 'gradient' | 'diagonal';

export interface GlmData {
  /** T × P design (history features, constant last). */
  x: Float64Array;
  /** T × N counts (unobserved bins 0). */
  s: Float64Array;
  /** T × N, 1 where the bin is observed. */
  m: Float64Array;
  /** Σ_n M·log s! per bin. */
  logFact: Float64Array;
  t: number;
  n: number;
  p: number;
}

export interface Evaluation {
  /** T × K emission log-likelihoods including log s!. */
  logB: Float64Array;
  /** K·N posterior-weighted objectives. */
  obj?: Float64Array;
  /** K·N × P gradients. */
  grad?: Float64Array;
  /** K·N × P(P+1)/2 negative Hessians, upper triangle packed row by row. */
  hess?: Float64Array;
  /** K·N × P diagonals of the negative Hessian. */
  hdiag?: Float64Array;
}

/** Upper-triangle pairs (p ≤ q) in packing order. */
export function packedPairs(p: number): Int32Array {
  const pairs = new Int32Array(p * (p + 1));
  let c = 0;
  for (let a = 0; a < p; a++) {
    for (let b = a; b < p; b++) {
      pairs[c++] = a;
      pairs[c++] = b;
    }
  }
  return pairs;
}

/** Elements of one T × K × N intermediate per chunk (8 bytes each). */
const CHUNK_ELEMENTS = 1 << 21;

function buildGraph(link: Link, mode: EvalMode): GraphBuilder {
  const g = new GraphBuilder();
  const X = g.input('X', 'float64', ['T', 'P']);
  const S = g.input('S', 'float64', ['T', 'N']);
  const M = g.input('M', 'float64', ['T', 'N']);
  const W = g.input('W', 'float64', ['K', 'N', 'P']);
  const z2 = g.matmul(X, g.reshape(W, [-1, g.dim(W, 2)]), { transB: true });
  const z = g.reshape(z2, [g.dim(X, 0), g.dim(W, 0), g.dim(W, 1)]);
  const s = g.unsqueeze(S, 1);
  const mask = g.unsqueeze(M, 1);
  let rate: Value;
  let logRate: Value;
  let sig: Value | null = null;
  if (link === 'exp') {
    rate = g.exp(z);
    logRate = z;
  } else {
    rate = g.softplus(z);
    logRate = g.log(rate);
    sig = g.sigmoid(z);
  }
  const ell = g.sub(g.mul(s, logRate), rate);
  g.output('logB', g.sum(g.mul(mask, ell), 2));
  if (mode === 'value') return g;

  const G = g.input('G', 'float64', ['T', 'K']);
  const weight = g.mul(g.unsqueeze(G, 2), mask);
  g.output('obj', g.sum(g.mul(weight, ell), 0));
  const flat = (v: Value) => g.reshape(v, [g.dim(X, 0), -1]);
  let d1: Value;
  let d2: Value;
  if (link === 'exp') {
    d1 = g.sub(s, rate);
    d2 = rate;
  } else {
    // ℓ' = (s/λ − 1)·σ;  −ℓ'' = s(σ² − λσ(1 − σ))/λ² + σ(1 − σ)
    const sg = sig!;
    const dsg = g.mul(sg, g.sub(1, sg));
    d1 = g.mul(g.sub(g.div(s, rate), 1), sg);
    d2 = g.add(g.div(g.mul(s, g.sub(g.square(sg), g.mul(rate, dsg))), g.square(rate)), dsg);
  }
  g.output('grad', g.matmul(flat(g.mul(weight, d1)), X, { transA: true }));
  if (mode === 'gradient') return g;
  const h = flat(g.mul(weight, d2));
  if (mode === 'newton') {
    const U = g.input('U', 'float64', ['T', 'Q']);
    g.output('hess', g.matmul(h, U, { transA: true }));
  } else {
    const X2 = g.input('X2', 'float64', ['T', 'P']);
    g.output('hdiag', g.matmul(h, X2, { transA: true }));
  }
  return g;
}

/** Evaluates the model on one data set; graphs and the Hessian's pair products are built on first use. */
export class GlmEvaluator {
  private readonly graphs = new Map<EvalMode, CompiledGraph>();
  private pairProducts: Float64Array | null = null;
  private squares: Float64Array | null = null;
  /** Evaluations run so far (graph runs / chunks), for benchmarks and tests. */
  evaluations = 0;

  constructor(
    private readonly engine: Engine,
    readonly data: GlmData,
    readonly link: Link,
    /** Bins per graph run; by default as many as keep a T × K × N intermediate near 16 MB. */
    private readonly chunkRows?: number,
  ) {}

  get packedSize(): number {
    return (this.data.p * (this.data.p + 1)) / 2;
  }

  private graph(mode: EvalMode): CompiledGraph {
    let c = this.graphs.get(mode);
    if (!c) {
      c = this.engine.compile(buildGraph(this.link, mode));
      this.graphs.set(mode, c);
    }
    return c;
  }

  /** x_p·x_q per bin for p ≤ q: the Hessian of every neuron and state is then one product with the weights. */
  private pairs(): Float64Array {
    if (!this.pairProducts) {
      const { x, t, p } = this.data;
      const q = this.packedSize;
      const pairs = packedPairs(p);
      const u = new Float64Array(t * q);
      for (let r = 0; r < t; r++) {
        const row = r * p;
        for (let c = 0; c < q; c++) u[r * q + c] = x[row + pairs[2 * c]!]! * x[row + pairs[2 * c + 1]!]!;
      }
      this.pairProducts = u;
    }
    return this.pairProducts;
  }

  private squared(): Float64Array {
    if (!this.squares) this.squares = this.data.x.map((v) => v * v);
    return this.squares;
  }

  /** W is K × N × P; gamma (T × K) is needed for every mode but 'value'. */
  async evaluate(w: Float64Array, k: number, mode: EvalMode, gamma?: Float64Array): Promise<Evaluation> {
    const { x, s, m, logFact, t, n, p } = this.data;
    const kn = k * n;
    const q = this.packedSize;
    const graph = this.graph(mode);
    const width = Math.max(kn, mode === 'newton' ? q : 1);
    const chunk = this.chunkRows ?? Math.max(64, Math.floor(CHUNK_ELEMENTS / width));
    const logB = new Float64Array(t * k);
    const out: Evaluation = { logB };
    if (mode !== 'value') {
      if (!gamma) throw new Error('the M-step evaluation needs state posteriors');
      out.obj = new Float64Array(kn);
      out.grad = new Float64Array(kn * p);
      if (mode === 'newton') out.hess = new Float64Array(kn * q);
      if (mode === 'diagonal') out.hdiag = new Float64Array(kn * p);
    }
    const W = tensor(w, [k, n, p]);
    for (let a = 0; a < t; a += chunk) {
      const b = Math.min(t, a + chunk);
      const rows = b - a;
      const feeds: Record<string, ReturnType<typeof tensor>> = {
        X: tensor(x.subarray(a * p, b * p), [rows, p]),
        S: tensor(s.subarray(a * n, b * n), [rows, n]),
        M: tensor(m.subarray(a * n, b * n), [rows, n]),
        W,
      };
      if (mode !== 'value') feeds.G = tensor(gamma!.subarray(a * k, b * k), [rows, k]);
      if (mode === 'newton') feeds.U = tensor(this.pairs().subarray(a * q, b * q), [rows, q]);
      if (mode === 'diagonal') feeds.X2 = tensor(this.squared().subarray(a * p, b * p), [rows, p]);
      const r = await graph.run(feeds);
      this.evaluations++;
      const lb = r.logB!.data;
      for (let i = 0; i < rows; i++) {
        const c = logFact[a + i]!;
        for (let j = 0; j < k; j++) logB[(a + i) * k + j] = lb[i * k + j]! - c;
      }
      if (mode === 'value') continue;
      accumulate(out.obj!, r.obj!.data);
      accumulate(out.grad!, r.grad!.data);
      if (out.hess) accumulate(out.hess, r.hess!.data);
      if (out.hdiag) accumulate(out.hdiag, r.hdiag!.data);
    }
    return out;
  }
}

function accumulate(into: Float64Array, add: ArrayLike<number>): void {
  for (let i = 0; i < into.length; i++) into[i] += add[i]!;
}

/** log s! for integer counts, from a table (counts are small integers). */
export function logFactorialSums(s: Float64Array, m: Float64Array, t: number, n: number): Float64Array {
  let max = 0;
  for (let i = 0; i < s.length; i++) if (m[i]! > 0 && s[i]! > max) max = s[i]!;
  const table = new Float64Array(max + 1);
  for (let c = 2; c <= max; c++) table[c] = table[c - 1]! + Math.log(c);
  const out = new Float64Array(t);
  for (let r = 0; r < t; r++) {
    let sum = 0;
    for (let j = 0; j < n; j++) if (m[r * n + j]! > 0) sum += table[s[r * n + j]!]!;
    out[r] = sum;
  }
  return out;
}
