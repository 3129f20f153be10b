/**
 * The dense part of the HMM-GLM on the engine: for weights W (K × N × P) and a design X (T × P),
 * fused graphs give the per-bin, per-state Poisson log-likelihoods (T × K, for the E-step) and, for
 * the M-step, every neuron's and state's posterior-weighted objective with its gradient and Hessian
 * (or the Hessian's diagonal). Time is processed in chunks so intermediates of T × K × N stay small;
 * the graphs are compiled once per evaluator and run once per chunk.
 *
 * Model per state k and neuron n: z = X W[k, n]ᵀ, λ = exp(z) or softplus(z), and the Poisson term
 * ℓ = s·log λ − λ (the log s! constant is added in JS), masked by the observed bins M.
 *
 * With the exp link the objective splits into a part linear in W, Σ_t γ M s z = W·C with
 * C = Xᵀ(γ ⊗ M·s) fixed while γ is, and Σ_t γ M λ, which is the bias column of Xᵀ(γ M λ): an
 * M-step evaluation is then one exp and one product per element of T × K × N plus two matrix
 * products. `float32` runs the graphs in single precision (products and per-chunk sums; chunks are
 * accumulated in float64), which halves the memory traffic for large designs; the rounding it adds
 * to the objective is about 1e-7 of its size.
 */
import { type CompiledGraph, type Engine, GraphBuilder, type Tensor, type Value, tensor } from '../../compute/index.js';

export type Link = 'exp' | 'softplus';
export type Precision = 'float64' | 'float32';
/** value: log-likelihoods; gradient: objective and gradient; newton: + packed Hessian; diagonal: + Hessian diagonal. */
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
  /** T × K emission log-likelihoods including log s! ('value' only). */
  logB?: Float64Array;
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

/** Bytes of one T × K × N intermediate per chunk: large enough for efficient products, small enough to stay out of the way. */
const CHUNK_BYTES = 16 << 20;

type GraphKind = EvalMode | 'linear';

interface Shape {
  link: Link;
  dtype: Precision;
  masked: boolean;
}

/** z (T × K × N) from X and W, with the observed mask and counts broadcast to match. */
function linearPredictor(g: GraphBuilder, dtype: Precision) {
  const X = g.input('X', dtype, ['T', 'P']);
  const W = g.input('W', dtype, ['K', 'N', 'P']);
  const z2 = g.matmul(X, g.reshape(W, [-1, g.dim(W, 2)]), { transB: true });
  const z = g.reshape(z2, [g.dim(X, 0), g.dim(W, 0), g.dim(W, 1)]);
  return { X, W, z };
}

function buildGraph(kind: GraphKind, { link, dtype, masked }: Shape): GraphBuilder {
  const g = new GraphBuilder();
  const flat = (v: Value, like: Value) => g.reshape(v, [g.dim(like, 0), -1]);
  if (kind === 'linear') {
    // C = Xᵀ(γ ⊗ M·s): the part of the exp-link objective that is linear in W.
    const X = g.input('X', dtype, ['T', 'P']);
    const G = g.input('G', dtype, ['T', 'K']);
    const MS = g.input('MS', dtype, ['T', 'N']);
    g.output('C', g.matmul(flat(g.mul(g.unsqueeze(G, 2), g.unsqueeze(MS, 1)), X), X, { transA: true }));
    return g;
  }
  const { X, z } = linearPredictor(g, dtype);
  const mask = masked ? g.unsqueeze(g.input('M', dtype, ['T', 'N']), 1) : null;
  const masking = (v: Value) => (mask ? g.mul(mask, v) : v);
  if (kind === 'value') {
    const s = g.unsqueeze(g.input('S', dtype, ['T', 'N']), 1);
    const rate = link === 'exp' ? g.exp(z) : g.softplus(z);
    const logRate = link === 'exp' ? z : g.log(rate);
    g.output('logB', g.sum(masking(g.sub(g.mul(s, logRate), rate)), 2));
    return g;
  }
  const G = g.unsqueeze(g.input('G', dtype, ['T', 'K']), 2);
  let d2: Value;
  if (link === 'exp') {
    // Xᵀ(γ M λ): the gradient's data-dependent part; its bias column is Σ_t γ M λ.
    const weighted = masking(g.mul(G, g.exp(z)));
    d2 = weighted;
    g.output('grad', g.matmul(flat(weighted, X), X, { transA: true }));
  } else {
    const s = g.unsqueeze(g.input('S', dtype, ['T', 'N']), 1);
    const rate = g.softplus(z);
    const sg = g.sigmoid(z);
    const weight = masking(G);
    g.output('obj', g.sum(g.mul(weight, g.sub(g.mul(s, g.log(rate)), rate)), 0));
    // ℓ' = (s/λ − 1)·σ;  −ℓ'' = s(σ² − λσ(1 − σ))/λ² + σ(1 − σ)
    const dsg = g.mul(sg, g.sub(1, sg));
    const d1 = g.mul(g.sub(g.div(s, rate), 1), sg);
    d2 = g.mul(weight, g.add(g.div(g.mul(s, g.sub(g.square(sg), g.mul(rate, dsg))), g.square(rate)), dsg));
    g.output('grad', g.matmul(flat(g.mul(weight, d1), X), X, { transA: true }));
  }
  if (kind === 'newton') g.output('hess', g.matmul(flat(d2, X), g.input('U', dtype, ['T', 'Q']), { transA: true }));
  if (kind === 'diagonal') g.output('hdiag', g.matmul(flat(d2, X), g.input('X2', dtype, ['T', 'P']), { transA: true }));
  return g;
}

function cast(data: Float64Array, dtype: Precision): Float64Array | Float32Array {
  return dtype === 'float64' ? data : Float32Array.from(data);
}

export interface EvaluatorOptions {
  precision?: Precision;
  /** Bins per graph run; by default as many as keep a T × K × N intermediate near 16 MB. */
  chunkRows?: number;
}

/** Evaluates the model on one data set; graphs and the Hessian's pair products are built on first use. */
export class GlmEvaluator {
  private readonly graphs = new Map<GraphKind, CompiledGraph>();
  private readonly inputs = new Map<string, Float64Array | Float32Array>();
  private readonly shape: Shape;
  private linearTerm: { gamma: Float64Array; k: number; c: Float64Array } | null = null;
  /** Graph runs so far (one per chunk), for benchmarks and tests. */
  graphRuns = 0;
  /** Evaluations so far. */
  evaluations = 0;

  constructor(
    private readonly engine: Engine,
    readonly data: GlmData,
    readonly link: Link,
    private readonly options: EvaluatorOptions = {},
  ) {
    this.shape = { link, dtype: options.precision ?? 'float64', masked: data.m.some((v) => v !== 1) };
  }

  get precision(): Precision {
    return this.shape.dtype;
  }

  get packedSize(): number {
    return (this.data.p * (this.data.p + 1)) / 2;
  }

  private graph(kind: GraphKind): CompiledGraph {
    let c = this.graphs.get(kind);
    if (!c) {
      c = this.engine.compile(buildGraph(kind, this.shape));
      this.graphs.set(kind, c);
    }
    return c;
  }

  /** The data in the graphs' precision, built once: X, S, M, M·S, X² and the pair products x_p·x_q (p ≤ q). */
  private input(name: 'X' | 'S' | 'M' | 'MS' | 'X2' | 'U'): Float64Array | Float32Array {
    let v = this.inputs.get(name);
    if (v) return v;
    const { x, s, m, t, p } = this.data;
    const dtype = this.shape.dtype;
    if (name === 'X') v = cast(x, dtype);
    else if (name === 'S') v = cast(s, dtype);
    else if (name === 'M') v = cast(m, dtype);
    else if (name === 'MS')
      v = cast(
        s.map((c, i) => c * m[i]!),
        dtype,
      );
    else if (name === 'X2')
      v = cast(
        x.map((c) => c * c),
        dtype,
      );
    else {
      // With these, every neuron's and state's Hessian is one product with the weights.
      const q = this.packedSize;
      const pairs = packedPairs(p);
      const u = new Float64Array(t * q);
      for (let r = 0; r < t; r++) {
        const row = r * p;
        for (let c = 0; c < q; c++) u[r * q + c] = x[row + pairs[2 * c]!]! * x[row + pairs[2 * c + 1]!]!;
      }
      v = cast(u, dtype);
    }
    this.inputs.set(name, v);
    return v;
  }

  private async runChunks(
    kind: GraphKind,
    k: number,
    feeds: (a: number, b: number) => Record<string, Tensor>,
    each: (out: Record<string, Tensor>, a: number, b: number) => void,
  ): Promise<void> {
    const { t, n } = this.data;
    const width = Math.max(k * n, kind === 'newton' ? this.packedSize : 1);
    const chunk = this.options.chunkRows ?? Math.max(64, Math.floor(CHUNK_BYTES / (this.shape.dtype === 'float32' ? 4 : 8) / width));
    const graph = this.graph(kind);
    for (let a = 0; a < t; a += chunk) {
      const b = Math.min(t, a + chunk);
      each(await graph.run(feeds(a, b)), a, b);
      this.graphRuns++;
    }
  }

  private slice(name: 'X' | 'S' | 'M' | 'MS' | 'X2' | 'U', a: number, b: number, cols: number): Tensor {
    return tensor(this.input(name).subarray(a * cols, b * cols), [b - a, cols]);
  }

  private async linear(gamma: Float64Array, k: number): Promise<Float64Array> {
    if (this.linearTerm?.gamma === gamma && this.linearTerm.k === k) return this.linearTerm.c;
    const { n, p } = this.data;
    const c = new Float64Array(k * n * p);
    const g = cast(gamma, this.shape.dtype);
    await this.runChunks(
      'linear',
      k,
      (a, b) => ({ X: this.slice('X', a, b, p), MS: this.slice('MS', a, b, n), G: tensor(g.subarray(a * k, b * k), [b - a, k]) }),
      (out) => accumulate(c, out.C!.data),
    );
    this.linearTerm = { gamma, k, c };
    return c;
  }

  /** The T × K emission log-likelihoods (log s! included) of weights W (K × N × P). */
  async emissions(w: Float64Array, k: number): Promise<Float64Array> {
    return (await this.evaluate(w, k, 'value')).logB!;
  }

  /** W is K × N × P; gamma (T × K) is needed for every mode but 'value'. */
  async evaluate(w: Float64Array, k: number, mode: EvalMode, gamma?: Float64Array): Promise<Evaluation> {
    this.evaluations++;
    const { logFact, t, n, p } = this.data;
    const kn = k * n;
    const q = this.packedSize;
    const W = tensor(cast(w, this.shape.dtype), [k, n, p]);
    const base = (a: number, b: number): Record<string, Tensor> => {
      const f: Record<string, Tensor> = { X: this.slice('X', a, b, p), W };
      if (this.shape.masked) f.M = this.slice('M', a, b, n);
      return f;
    };
    if (mode === 'value') {
      const logB = new Float64Array(t * k);
      await this.runChunks(
        'value',
        k,
        (a, b) => ({ ...base(a, b), S: this.slice('S', a, b, n) }),
        (out, a, b) => {
          const lb = out.logB!.data;
          for (let r = a; r < b; r++) for (let j = 0; j < k; j++) logB[r * k + j] = lb[(r - a) * k + j]! - logFact[r]!;
        },
      );
      return { logB };
    }
    if (!gamma) throw new Error('the M-step evaluation needs state posteriors');
    const g = cast(gamma, this.shape.dtype);
    const out: Evaluation = { obj: new Float64Array(kn), grad: new Float64Array(kn * p) };
    if (mode === 'newton') out.hess = new Float64Array(kn * q);
    if (mode === 'diagonal') out.hdiag = new Float64Array(kn * p);
    const exp = this.link === 'exp';
    await this.runChunks(
      mode,
      k,
      (a, b) => {
        const f: Record<string, Tensor> = { ...base(a, b), G: tensor(g.subarray(a * k, b * k), [b - a, k]) };
        if (!exp) f.S = this.slice('S', a, b, n);
        if (mode === 'newton') f.U = this.slice('U', a, b, q);
        if (mode === 'diagonal') f.X2 = this.slice('X2', a, b, p);
        return f;
      },
      (r) => {
        accumulate(out.grad!, r.grad!.data);
        if (!exp) accumulate(out.obj!, r.obj!.data);
        if (out.hess) accumulate(out.hess, r.hess!.data);
        if (out.hdiag) accumulate(out.hdiag, r.hdiag!.data);
      },
    );
    if (exp) {
      // grad holds Xᵀ(γMλ) so far: objective W·C − ΣγMλ (the bias column), gradient C − Xᵀ(γMλ).
      const c = await this.linear(gamma, k);
      for (let b = 0; b < kn; b++) {
        let lin = 0;
        for (let j = 0; j < p; j++) lin += w[b * p + j]! * c[b * p + j]!;
        out.obj![b] = lin - out.grad![b * p + p - 1]!;
        for (let j = 0; j < p; j++) out.grad![b * p + j] = c[b * p + j]! - out.grad![b * p + j]!;
      }
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
