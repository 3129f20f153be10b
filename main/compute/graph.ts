/**
 * The fused-graph builder: an analysis describes a whole iteration (a HALS sweep, a GLM gradient and
 * Hessian) as one ONNX graph that runs in one session call, so intermediates never cross into JS.
 *
 *   const g = new GraphBuilder();
 *   const X = g.input('X', 'float32', ['I', 'J']);
 *   const W = g.input('W', 'float32', ['J', 'R']);
 *   g.output('Y', g.softplus(g.matmul(X, W)));
 *   const step = engine.compile(g);
 *   const { Y } = await step.run({ X: x, W: w });
 *
 * Dims are numbers, symbols bound when the graph runs ('I'), or null. Shapes are checked here with
 * what is known, and again with real sizes before each run whose input shapes changed, so a mismatch
 * throws ShapeError naming both shapes instead of reaching ONNX Runtime. Loops over a few components
 * are unrolled in JS while building.
 */
import { createHash } from 'node:crypto';
import { DTypeError, type Dim, ShapeError, formatShape } from './errors.js';
import { type EinsumPlan, einsumShape, parseEinsum } from './einsum.js';
import { type Attr, type ConstantSpec, type NodeSpec, type OutputSpec, type ValueDType, type ValueSpec, elemType, encodeModel } from './onnx-model.js';
import { type Shape, broadcastShapes, normalizeAxes, normalizeAxis, product, unifyDim } from './shapes.js';
import type { FloatDType, Tensor } from './tensor.js';

export type { ValueDType } from './onnx-model.js';

/** A tensor inside a graph under construction. */
export class Value {
  /** Created by GraphBuilder only. */
  constructor(
    readonly graph: GraphBuilder,
    readonly name: string,
    readonly dtype: ValueDType,
    readonly shape: Shape,
  ) {}

  get rank(): number {
    return this.shape.length;
  }
}

/** A number operand becomes a scalar constant of the other operand's dtype. */
export type Operand = Value | number;

/** The size of `value`'s axis, read when the graph runs (for reshapes with symbolic dims). */
export interface DimRef {
  readonly of: Value;
  readonly axis: number;
}

/** Reshape targets: a size, 0 to keep the input's dim at that position, -1 to infer one dim, or a DimRef. */
export type TargetDim = number | DimRef;

export interface MatmulOptions {
  transA?: boolean;
  transB?: boolean;
}

export interface ReduceOptions {
  keepDims?: boolean;
}

interface Step {
  op: string;
  inputs: readonly Value[];
  outputs: readonly Value[];
  infer(shapes: readonly Shape[]): Shape[];
}

const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const INT64_MAX = 2n ** 63n - 1n;

function describe(op: string, shapes: readonly Shape[]): string {
  return `${op}: shapes ${shapes.map(formatShape).join(' and ')} do not fit`;
}

export class GraphBuilder {
  private readonly nodes: NodeSpec[] = [];
  private readonly steps: Step[] = [];
  private readonly inputValues: Value[] = [];
  private readonly outputValues: { name: string; value: Value }[] = [];
  private readonly constants: ConstantSpec[] = [];
  private readonly constantShapes = new Map<Value, Shape>();
  private readonly internedConstants = new Map<string, string>();
  private readonly scalars = new Map<string, Value>();
  private counter = 0;
  private frozen: FrozenGraph | undefined;

  // ── graph interface ───────────────────────────────────────────────────────

  /** An output may reuse an input's name (state in, next state out). */
  input(name: string, dtype: FloatDType, shape: readonly Dim[]): Value {
    this.assertOpen();
    this.checkName(name);
    if (this.inputValues.some((v) => v.name === name)) throw new Error(`input name "${name}" is used twice`);
    for (const d of shape) {
      const ok = d === null || (typeof d === 'number' && Number.isInteger(d) && d >= 0) || (typeof d === 'string' && d.length > 0);
      if (!ok) throw new ShapeError(`input "${name}": invalid dim ${String(d)} in ${formatShape(shape)}`, [shape]);
    }
    const v = new Value(this, name, dtype, [...shape]);
    this.inputValues.push(v);
    return v;
  }

  /** Outputs are float32/float64 tensors; cast masks and counts first. */
  output(name: string, value: Value): void {
    this.assertOpen();
    this.requireFloat(`output "${name}"`, value);
    this.checkName(name);
    this.outputValues.push({ name, value });
  }

  outputs(values: Readonly<Record<string, Value>>): void {
    for (const [name, v] of Object.entries(values)) this.output(name, v);
  }

  /** Data baked into the graph (changing it builds another graph: feed it as an input if it varies). */
  constant(t: Tensor): Value {
    this.assertOpen();
    const name = this.fresh();
    this.constants.push({ name, dtype: t.dtype, shape: [...t.shape], data: t.data.slice() });
    const v = new Value(this, name, t.dtype, [...t.shape]);
    this.constantShapes.set(v, v.shape);
    return v;
  }

  /** A scalar constant; equal scalars share one initializer. */
  scalar(x: number, dtype: FloatDType): Value {
    const key = `${dtype}:${Object.is(x, -0) ? '-0' : x}`;
    let v = this.scalars.get(key);
    if (v === undefined) {
      const data = dtype === 'float32' ? Float32Array.of(x) : Float64Array.of(x);
      v = this.constant({ dtype, shape: [], data } as Tensor);
      this.scalars.set(key, v);
    }
    return v;
  }

  /** The size of an axis at run time, for reshape targets. */
  dim(of: Value, axis: number): DimRef {
    this.own(of);
    return { of, axis: normalizeAxis(axis, of.rank, 'dim', of.shape) };
  }

  // ── element-wise arithmetic (NumPy broadcasting) ─────────────────────────

  add(a: Operand, b: Operand): Value {
    return this.binary('add', 'Add', a, b);
  }
  sub(a: Operand, b: Operand): Value {
    return this.binary('sub', 'Sub', a, b);
  }
  mul(a: Operand, b: Operand): Value {
    return this.binary('mul', 'Mul', a, b);
  }
  div(a: Operand, b: Operand): Value {
    return this.binary('div', 'Div', a, b);
  }
  pow(a: Operand, b: Operand): Value {
    return this.binary('pow', 'Pow', a, b);
  }
  /** With a number bound this is Clip, which ORT vectorises; its broadcasting Max is ~20× slower. */
  maximum(a: Operand, b: Operand): Value {
    if (typeof b === 'number' && typeof a !== 'number') return this.clip(a, b);
    if (typeof a === 'number' && typeof b !== 'number') return this.clip(b, a);
    return this.binary('maximum', 'Max', a, b);
  }
  minimum(a: Operand, b: Operand): Value {
    if (typeof b === 'number' && typeof a !== 'number') return this.clip(a, undefined, b);
    if (typeof a === 'number' && typeof b !== 'number') return this.clip(b, undefined, a);
    return this.binary('minimum', 'Min', a, b);
  }

  // ── element-wise functions ───────────────────────────────────────────────

  neg(x: Value): Value {
    return this.unary('neg', 'Neg', x);
  }
  abs(x: Value): Value {
    return this.unary('abs', 'Abs', x);
  }
  exp(x: Value): Value {
    return this.unary('exp', 'Exp', x);
  }
  log(x: Value): Value {
    return this.unary('log', 'Log', x);
  }
  sqrt(x: Value): Value {
    return this.unary('sqrt', 'Sqrt', x);
  }
  reciprocal(x: Value): Value {
    return this.unary('reciprocal', 'Reciprocal', x);
  }
  /**
   * 1/(1 + e^−x) as (x ≥ 0 ? 1 : e^x)/(1 + e^−|x|): ORT's Sigmoid loses relative accuracy for
   * negative x (4·10⁻⁴ at x = −10 in float32, 10⁻³ at −30 in float64) and flushes to 0 below −18.
   */
  sigmoid(x: Value): Value {
    return this.elementwise('sigmoid', x, (i, o) => {
      const a = this.fresh();
      const na = this.fresh();
      const z = this.fresh();
      const u = this.fresh();
      const pos = this.fresh();
      const num = this.fresh();
      this.node('Abs', [i], [a]);
      this.node('Neg', [a], [na]);
      this.node('Exp', [na], [z]);
      this.node('Add', [z, this.scalarName(1, x.dtype)], [u]);
      this.node('GreaterOrEqual', [i, this.scalarName(0, x.dtype)], [pos]);
      this.node('Where', [pos, this.scalarName(1, x.dtype), z], [num]);
      this.node('Div', [num, u], [o]);
    });
  }
  tanh(x: Value): Value {
    return this.unary('tanh', 'Tanh', x);
  }
  relu(x: Value): Value {
    return this.unary('relu', 'Relu', x);
  }
  square(x: Value): Value {
    return this.elementwise('square', x, (i, o) => this.node('Mul', [i, i], [o]));
  }

  /**
   * log(1 + x), accurate for tiny x (ONNX has no Log1p). Uses log(u)·x/(u − 1) with u = 1 + x, which
   * cancels the rounding of u (Goldberg, "What every computer scientist should know…", thm. 4).
   */
  log1p(x: Value): Value {
    return this.elementwise('log1p', x, (i, o) => {
      const u = this.fresh();
      this.node('Add', [i, this.scalarName(1, x.dtype)], [u]);
      const small = this.log1pOfSum(i, u, x.dtype);
      // For x ≥ 2^53 (and +Inf) u equals x and log(u) is already exact; x/(u − 1) would be Inf/Inf.
      const huge = this.fresh();
      this.node('Equal', [u, i], [huge]);
      const logu = this.fresh();
      this.node('Log', [u], [logu]);
      this.node('Where', [huge, logu, small], [o]);
    });
  }

  /**
   * log(1 + e^x) = max(x, 0) + log1p(e^−|x|): no overflow for large x (ORT's float64 Softplus returns
   * Inf at x = 1000) and full relative accuracy for very negative x.
   */
  softplus(x: Value): Value {
    return this.elementwise('softplus', x, (i, o) => {
      const a = this.fresh();
      const na = this.fresh();
      const z = this.fresh();
      const u = this.fresh();
      const r = this.fresh();
      this.node('Abs', [i], [a]);
      this.node('Neg', [a], [na]);
      this.node('Exp', [na], [z]);
      this.node('Add', [z, this.scalarName(1, x.dtype)], [u]);
      this.node('Relu', [i], [r]);
      this.node('Add', [r, this.log1pOfSum(z, u, x.dtype)], [o]);
    });
  }

  /** Clamps to [lo, hi]; either bound may be omitted, and may be a broadcastable Value. */
  clip(x: Value, lo?: Operand, hi?: Operand): Value {
    this.requireFloat('clip', x);
    const isScalar = (b: Operand | undefined) => b === undefined || typeof b === 'number';
    if (isScalar(lo) && isScalar(hi)) {
      if (typeof lo === 'number' && typeof hi === 'number' && lo > hi) throw new RangeError(`clip: lower bound ${lo} is above upper bound ${hi}`);
      return this.elementwise('clip', x, (i, o) => {
        const bound = (b: Operand | undefined) => (b === undefined ? '' : this.scalarName(b as number, x.dtype));
        this.node('Clip', [i, bound(lo), bound(hi)], [o]);
      });
    }
    let y = x;
    if (lo !== undefined) y = this.maximum(y, lo);
    if (hi !== undefined) y = this.minimum(y, hi);
    return y;
  }

  // ── comparisons and selection ────────────────────────────────────────────

  greater(a: Operand, b: Operand): Value {
    return this.binary('greater', 'Greater', a, b, 'bool');
  }
  greaterOrEqual(a: Operand, b: Operand): Value {
    return this.binary('greaterOrEqual', 'GreaterOrEqual', a, b, 'bool');
  }
  less(a: Operand, b: Operand): Value {
    return this.binary('less', 'Less', a, b, 'bool');
  }
  lessOrEqual(a: Operand, b: Operand): Value {
    return this.binary('lessOrEqual', 'LessOrEqual', a, b, 'bool');
  }
  equal(a: Operand, b: Operand): Value {
    return this.binary('equal', 'Equal', a, b, 'bool');
  }

  and(a: Value, b: Value): Value {
    return this.logical('and', 'And', a, b);
  }
  or(a: Value, b: Value): Value {
    return this.logical('or', 'Or', a, b);
  }
  not(a: Value): Value {
    this.requireDType('not', a, 'bool');
    return this.step('not', [a], 'bool', ([s]) => [s!], ([i], o) => this.node('Not', [i!], [o]));
  }

  /** cond ? a : b, element-wise with broadcasting. */
  where(cond: Value, a: Operand, b: Operand): Value {
    this.own(cond);
    this.requireDType('where', cond, 'bool');
    const [va, vb] = this.coerce('where', a, b);
    return this.step(
      'where',
      [cond, va, vb],
      va.dtype,
      (shapes) => [this.broadcast('where', shapes)],
      ([c, x, y], o) => this.node('Where', [c!, x!, y!], [o]),
    );
  }

  cast(x: Value, dtype: ValueDType): Value {
    this.own(x);
    return this.step('cast', [x], dtype, ([s]) => [s!], ([i], o) => this.node('Cast', [i!], [o], [{ name: 'to', value: elemType(dtype) }]));
  }

  // ── products ─────────────────────────────────────────────────────────────

  /** NumPy matmul with batch broadcasting; transA/transB swap the last two axes of a/b first. */
  matmul(a: Value, b: Value, opts: MatmulOptions = {}): Value {
    this.sameFloat('matmul', a, b);
    const transA = opts.transA ?? false;
    const transB = opts.transB ?? false;
    return this.step(
      'matmul',
      [a, b],
      a.dtype,
      ([sa, sb]) => [matmulShape(sa!, sb!, transA, transB)],
      ([x, y], o) => {
        if (a.rank === 2 && b.rank === 2 && (transA || transB)) {
          // Gemm passes the transposes to the BLAS kernel instead of materialising them.
          this.node('Gemm', [x!, y!], [o], [
            { name: 'transA', value: transA ? 1 : 0 },
            { name: 'transB', value: transB ? 1 : 0 },
          ]);
          return;
        }
        const lhs = transA ? this.swapLastTwo(x!, a.rank) : x!;
        const rhs = transB ? this.swapLastTwo(y!, b.rank) : y!;
        this.node('MatMul', [lhs, rhs], [o]);
      },
    );
  }

  /** NumPy einsum without ellipsis, e.g. MTTKRP 'ijk,jr,kr->ir'. */
  einsum(equation: string, ...operands: Value[]): Value {
    if (operands.length === 0) throw new ShapeError(`einsum '${equation}' needs operands`, []);
    this.sameFloat('einsum', ...operands);
    const plan: EinsumPlan = parseEinsum(equation, operands.length);
    return this.step(
      'einsum',
      operands,
      operands[0]!.dtype,
      (shapes) => [einsumShape(plan, shapes)],
      (ins, o) => this.node('Einsum', ins, [o], [{ name: 'equation', value: plan.equation }]),
    );
  }

  /** Column-wise Kronecker product: (I×R, J×R) → (I·J)×R, row i·J + j holding a[i,:]·b[j,:]. */
  khatriRao(a: Value, b: Value): Value {
    this.sameFloat('khatriRao', a, b);
    return this.step(
      'khatriRao',
      [a, b],
      a.dtype,
      ([sa, sb]) => {
        if (sa!.length !== 2 || sb!.length !== 2) throw new ShapeError(`khatriRao needs two matrices, got ${formatShape(sa!)} and ${formatShape(sb!)}`, [sa!, sb!]);
        const r = unifyDim(sa![1]!, sb![1]!);
        if (r === undefined) throw new ShapeError(`khatriRao: column counts differ in ${formatShape(sa!)} and ${formatShape(sb!)}`, [sa!, sb!]);
        return [[product([sa![0]!, sb![0]!]), r]];
      },
      ([x, y], o) => {
        const ux = this.fresh();
        const uy = this.fresh();
        const m = this.fresh();
        this.node('Unsqueeze', [x!, this.int64Name([1])], [ux]);
        this.node('Unsqueeze', [y!, this.int64Name([0])], [uy]);
        this.node('Mul', [ux, uy], [m]);
        this.node('Flatten', [m], [o], [{ name: 'axis', value: 2 }]);
      },
    );
  }

  // ── reductions (all axes when axes is omitted) ───────────────────────────

  sum(x: Value, axes?: number | readonly number[], opts?: ReduceOptions): Value {
    return this.reduce('sum', 'ReduceSum', x, axes, opts);
  }
  mean(x: Value, axes?: number | readonly number[], opts?: ReduceOptions): Value {
    return this.reduce('mean', 'ReduceMean', x, axes, opts);
  }
  max(x: Value, axes?: number | readonly number[], opts?: ReduceOptions): Value {
    return this.reduce('max', 'ReduceMax', x, axes, opts);
  }
  min(x: Value, axes?: number | readonly number[], opts?: ReduceOptions): Value {
    return this.reduce('min', 'ReduceMin', x, axes, opts);
  }
  /** Sum of squares (a Frobenius norm squared with no axes). */
  sumSquares(x: Value, axes?: number | readonly number[], opts?: ReduceOptions): Value {
    return this.reduce('sumSquares', 'ReduceSumSquare', x, axes, opts);
  }
  /** log Σ exp, shifted by the maximum inside ONNX Runtime so large inputs do not overflow. */
  logsumexp(x: Value, axes?: number | readonly number[], opts?: ReduceOptions): Value {
    return this.reduce('logsumexp', 'ReduceLogSumExp', x, axes, opts);
  }

  /** Number of NaN and ±Inf entries as a scalar of x's dtype: the cheap check a fit adds to its outputs. */
  countNonFinite(x: Value): Value {
    this.requireFloat('countNonFinite', x);
    return this.step('countNonFinite', [x], x.dtype, () => [[]], ([i], o) => {
      // x − x is 0 exactly when x is finite.
      const d = this.fresh();
      const finite = this.fresh();
      const bad = this.fresh();
      const f = this.fresh();
      this.node('Sub', [i!, i!], [d]);
      this.node('Equal', [d, this.scalarName(0, x.dtype)], [finite]);
      this.node('Not', [finite], [bad]);
      this.node('Cast', [bad], [f], [{ name: 'to', value: elemType(x.dtype) }]);
      this.node('ReduceSum', [f], [o], [{ name: 'keepdims', value: 0 }]);
    });
  }

  // ── layout ───────────────────────────────────────────────────────────────

  /** Permutes axes; reverses them when perm is omitted. */
  transpose(x: Value, perm?: readonly number[]): Value {
    this.own(x);
    const p = perm ? [...perm] : x.shape.map((_, k) => x.rank - 1 - k);
    if (p.length !== x.rank || [...p].sort((a, b) => a - b).some((v, k) => v !== k)) {
      throw new ShapeError(`transpose: [${p.join(', ')}] is not a permutation of the axes of ${formatShape(x.shape)}`, [x.shape]);
    }
    return this.step('transpose', [x], x.dtype, ([s]) => [p.map((k) => s![k]!)], ([i], o) => this.node('Transpose', [i!], [o], [{ name: 'perm', value: p }]));
  }

  reshape(x: Value, target: readonly TargetDim[]): Value {
    this.own(x);
    const refs = target.filter((t): t is DimRef => typeof t !== 'number');
    for (const r of refs) this.own(r.of);
    if (target.filter((t) => t === -1).length > 1) throw new ShapeError(`reshape: at most one -1 in the target`, [x.shape]);
    for (const t of target) {
      if (typeof t === 'number' && (!Number.isInteger(t) || t < -1)) throw new ShapeError(`reshape: invalid target dim ${t}`, [x.shape]);
    }
    return this.step(
      'reshape',
      [x, ...refs.map((r) => r.of)],
      x.dtype,
      ([sx, ...sr]) => [reshapeShape(sx!, target, refs, sr)],
      ([i], o) => this.node('Reshape', [i!, this.shapeTensor(target)], [o]),
    );
  }

  /** Collapses to a matrix: axes before `axis` become rows, the rest columns. */
  flatten(x: Value, axis: number): Value {
    this.own(x);
    const k = axis === x.rank ? axis : normalizeAxis(axis, x.rank, 'flatten', x.shape);
    return this.step(
      'flatten',
      [x],
      x.dtype,
      ([s]) => [[product(s!.slice(0, k)), product(s!.slice(k))]],
      ([i], o) => this.node('Flatten', [i!], [o], [{ name: 'axis', value: k }]),
    );
  }

  /** Python-style slice along one axis: start/end may be negative, end defaults to the end. */
  slice(x: Value, axis: number, start: number, end?: number, step = 1): Value {
    this.own(x);
    const k = normalizeAxis(axis, x.rank, 'slice', x.shape);
    if (!Number.isInteger(step) || step === 0) throw new RangeError(`slice: step must be a non-zero integer, got ${step}`);
    return this.step(
      'slice',
      [x],
      x.dtype,
      ([s]) => [s!.map((d, j) => (j === k ? sliceLength(d, start, end, step) : d))],
      ([i], o) => {
        const endValue = end ?? (step > 0 ? INT64_MAX : -INT64_MAX);
        this.node('Slice', [i!, this.int64Name([start]), this.int64Name([endValue]), this.int64Name([k]), this.int64Name([step])], [o]);
      },
    );
  }

  /** Picks entries along an axis; a single index drops the axis, a list keeps it. */
  gather(x: Value, axis: number, indices: number | readonly number[]): Value {
    this.own(x);
    const k = normalizeAxis(axis, x.rank, 'gather', x.shape);
    const list = typeof indices === 'number' ? [indices] : [...indices];
    return this.step(
      'gather',
      [x],
      x.dtype,
      ([s]) => {
        const d = s![k]!;
        if (typeof d === 'number') {
          const bad = list.find((i) => !Number.isInteger(i) || i < -d || i >= d);
          if (bad !== undefined) throw new ShapeError(`gather: index ${bad} is out of range for axis ${k} of ${formatShape(s!)}`, [s!]);
        }
        const mid = typeof indices === 'number' ? [] : [list.length];
        return [[...s!.slice(0, k), ...mid, ...s!.slice(k + 1)]];
      },
      ([i], o) => {
        const idx = typeof indices === 'number' ? this.int64Name([indices], []) : this.int64Name(list);
        this.node('Gather', [i!, idx], [o], [{ name: 'axis', value: k }]);
      },
    );
  }

  concat(values: readonly Value[], axis: number): Value {
    if (values.length === 0) throw new ShapeError('concat needs at least one value', []);
    this.sameFloat('concat', ...values);
    const first = values[0]!;
    const k = normalizeAxis(axis, first.rank, 'concat', first.shape);
    return this.step(
      'concat',
      values,
      first.dtype,
      (shapes) => {
        const out: Dim[] = [...shapes[0]!];
        for (const s of shapes.slice(1)) {
          if (s.length !== out.length) throw new ShapeError(describe('concat', shapes), shapes);
          for (let j = 0; j < s.length; j++) {
            if (j === k) continue;
            const d = unifyDim(out[j]!, s[j]!);
            if (d === undefined) throw new ShapeError(describe('concat', shapes), shapes);
            out[j] = d;
          }
        }
        const along = shapes.map((s) => s[k]!);
        out[k] = along.every((d) => typeof d === 'number') ? (along as number[]).reduce((a, b) => a + b, 0) : null;
        return [out];
      },
      (ins, o) => this.node('Concat', ins, [o], [{ name: 'axis', value: k }]),
    );
  }

  /** Inserts size-1 axes at the given positions of the result. */
  unsqueeze(x: Value, axes: number | readonly number[]): Value {
    this.own(x);
    const list = typeof axes === 'number' ? [axes] : [...axes];
    const outRank = x.rank + list.length;
    const ks = normalizeAxes(list, outRank, 'unsqueeze', x.shape);
    return this.step(
      'unsqueeze',
      [x],
      x.dtype,
      ([s]) => {
        const out: Dim[] = [];
        let j = 0;
        for (let p = 0; p < outRank; p++) out.push(ks.includes(p) ? 1 : s![j++]!);
        return [out];
      },
      ([i], o) => this.node('Unsqueeze', [i!, this.int64Name(ks)], [o]),
    );
  }

  /** Removes size-1 axes. */
  squeeze(x: Value, axes: number | readonly number[]): Value {
    this.own(x);
    const ks = normalizeAxes(typeof axes === 'number' ? [axes] : axes, x.rank, 'squeeze', x.shape);
    return this.step(
      'squeeze',
      [x],
      x.dtype,
      ([s]) => {
        for (const k of ks) {
          const d = s![k]!;
          if (typeof d === 'number' && d !== 1) throw new ShapeError(`squeeze: axis ${k} of ${formatShape(s!)} is not 1`, [s!]);
        }
        return [s!.filter((_, j) => !ks.includes(j))];
      },
      ([i], o) => this.node('Squeeze', [i!, this.int64Name(ks)], [o]),
    );
  }

  // ── finishing ─────────────────────────────────────────────────────────────

  /** Freezes the graph (no more ops) and serialises it once. */
  finish(): FrozenGraph {
    if (this.frozen) return this.frozen;
    if (this.outputValues.length === 0) throw new Error('the graph has no outputs');
    const outNames = this.outputValues.map((o) => o.name);
    const dup = outNames.find((n, k) => outNames.indexOf(n) !== k);
    if (dup !== undefined) throw new Error(`output name "${dup}" is used twice`);
    const inputNames = new Set(this.inputValues.map((v) => v.name));
    // ONNX forbids an output named like an input; user names never start with '_', so this cannot clash.
    const onnxName = (name: string) => (inputNames.has(name) ? `_out_${name}` : name);

    // Outputs take their name at the producing node; Identity only where that is impossible
    // (an input or constant passed through, or one value under two names).
    const rename = new Map<string, string>();
    const extra: NodeSpec[] = [];
    const produced = new Set(this.nodes.flatMap((n) => n.outputs));
    for (const { name, value } of this.outputValues) {
      if (produced.has(value.name) && !rename.has(value.name)) rename.set(value.name, onnxName(name));
      else extra.push({ op: 'Identity', inputs: [rename.get(value.name) ?? value.name], outputs: [onnxName(name)] });
    }
    const r = (n: string) => rename.get(n) ?? n;
    const nodes = [...this.nodes.map((n) => ({ ...n, inputs: n.inputs.map(r), outputs: n.outputs.map(r) })), ...extra];
    const inputs: ValueSpec[] = this.inputValues.map((v) => ({ name: v.name, dtype: v.dtype, shape: v.shape }));
    const outputs: OutputSpec[] = this.outputValues.map(({ name, value }) => ({ name, onnxName: onnxName(name), dtype: value.dtype }));
    const bytes = encodeModel({ nodes, inputs, outputs, constants: this.constants });
    this.frozen = new FrozenGraph(bytes, inputs, outputs, this.steps, this.constantShapes);
    return this.frozen;
  }

  // ── internals ────────────────────────────────────────────────────────────

  private step(op: string, inputs: readonly Value[], dtype: ValueDType, infer: Step['infer'], emit: (ins: string[], out: string) => void): Value {
    this.assertOpen();
    for (const v of inputs) this.own(v);
    const [shape] = infer(inputs.map((v) => v.shape));
    const out = new Value(this, this.fresh(), dtype, shape!);
    emit(
      inputs.map((v) => v.name),
      out.name,
    );
    this.steps.push({ op, inputs, outputs: [out], infer });
    return out;
  }

  private binary(op: string, onnxOp: string, a: Operand, b: Operand, result?: ValueDType): Value {
    const [va, vb] = this.coerce(op, a, b);
    return this.step(op, [va, vb], result ?? va.dtype, (shapes) => [this.broadcast(op, shapes)], ([x, y], o) => this.node(onnxOp, [x!, y!], [o]));
  }

  private logical(op: string, onnxOp: string, a: Value, b: Value): Value {
    this.requireDType(op, a, 'bool');
    this.requireDType(op, b, 'bool');
    return this.step(op, [a, b], 'bool', (shapes) => [this.broadcast(op, shapes)], ([x, y], o) => this.node(onnxOp, [x!, y!], [o]));
  }

  private unary(op: string, onnxOp: string, x: Value): Value {
    return this.elementwise(op, x, (i, o) => this.node(onnxOp, [i], [o]));
  }

  private elementwise(op: string, x: Value, emit: (i: string, o: string) => void): Value {
    this.requireFloat(op, x);
    return this.step(op, [x], x.dtype, ([s]) => [s!], ([i], o) => emit(i!, o));
  }

  private reduce(op: string, onnxOp: string, x: Value, axes: number | readonly number[] | undefined, opts: ReduceOptions = {}): Value {
    this.requireFloat(op, x);
    const keep = opts.keepDims ?? false;
    const ks = axes === undefined ? x.shape.map((_, k) => k) : normalizeAxes(typeof axes === 'number' ? [axes] : axes, x.rank, op, x.shape);
    return this.step(
      op,
      [x],
      x.dtype,
      ([s]) => [keep ? s!.map((d, j) => (ks.includes(j) ? 1 : d)) : s!.filter((_, j) => !ks.includes(j))],
      ([i], o) => {
        const keepdims: Attr = { name: 'keepdims', value: keep ? 1 : 0 };
        if (ks.length === 0) this.node('Identity', [i!], [o]);
        else this.node(onnxOp, [i!, this.int64Name(ks)], [o], [keepdims]);
      },
    );
  }

  /** The where(u − 1 = 0, z, log(u)·z/(u − 1)) core of log1p, given u = 1 + z already computed. */
  private log1pOfSum(z: string, u: string, dtype: ValueDType): string {
    const d = this.fresh();
    const isZero = this.fresh();
    const logu = this.fresh();
    const q = this.fresh();
    const p = this.fresh();
    const out = this.fresh();
    this.node('Sub', [u, this.scalarName(1, dtype)], [d]);
    this.node('Equal', [d, this.scalarName(0, dtype)], [isZero]);
    this.node('Log', [u], [logu]);
    this.node('Div', [z, d], [q]);
    this.node('Mul', [logu, q], [p]);
    this.node('Where', [isZero, z, p], [out]);
    return out;
  }

  private swapLastTwo(name: string, rank: number): string {
    const perm = Array.from({ length: rank }, (_, k) => k);
    [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1]!, perm[rank - 2]!];
    const out = this.fresh();
    this.node('Transpose', [name], [out], [{ name: 'perm', value: perm }]);
    return out;
  }

  /** The int64 shape input of a Reshape: a constant, or Shape slices concatenated when dims are read at run time. */
  private shapeTensor(target: readonly TargetDim[]): string {
    if (target.every((t) => typeof t === 'number')) return this.int64Name(target as number[]);
    const parts = target.map((t) => {
      if (typeof t === 'number') return this.int64Name([t]);
      const out = this.fresh();
      this.node('Shape', [t.of.name], [out], [
        { name: 'start', value: t.axis },
        { name: 'end', value: t.axis + 1 },
      ]);
      return out;
    });
    const out = this.fresh();
    this.node('Concat', parts, [out], [{ name: 'axis', value: 0 }]);
    return out;
  }

  private coerce(op: string, a: Operand, b: Operand): [Value, Value] {
    if (typeof a === 'number' && typeof b === 'number') throw new TypeError(`${op}: at least one operand must be a graph value`);
    const ref = (typeof a === 'number' ? b : a) as Value;
    this.requireFloat(op, ref);
    const va = typeof a === 'number' ? this.scalar(a, ref.dtype as FloatDType) : a;
    const vb = typeof b === 'number' ? this.scalar(b, ref.dtype as FloatDType) : b;
    this.sameFloat(op, va, vb);
    return [va, vb];
  }

  private sameFloat(op: string, ...values: Value[]): void {
    for (const v of values) {
      this.own(v);
      this.requireFloat(op, v);
    }
    const odd = values.find((v) => v.dtype !== values[0]!.dtype);
    if (odd) {
      throw new DTypeError(`${op}: ${values[0]!.dtype} ${formatShape(values[0]!.shape)} and ${odd.dtype} ${formatShape(odd.shape)} differ in dtype`);
    }
  }

  private requireFloat(op: string, v: Value): void {
    this.own(v);
    if (v.dtype !== 'float32' && v.dtype !== 'float64') throw new DTypeError(`${op} needs float32 or float64, got ${v.dtype} ${formatShape(v.shape)}`);
  }

  private requireDType(op: string, v: Value, dtype: ValueDType): void {
    this.own(v);
    if (v.dtype !== dtype) throw new DTypeError(`${op} needs ${dtype}, got ${v.dtype} ${formatShape(v.shape)}`);
  }

  private broadcast(op: string, shapes: readonly Shape[]): Shape {
    const out = broadcastShapes(shapes);
    if (!out) throw new ShapeError(describe(op, shapes), shapes);
    return out;
  }

  private scalarName(x: number, dtype: ValueDType): string {
    return this.scalar(x, dtype as FloatDType).name;
  }

  private int64Name(values: readonly (number | bigint)[], shape: readonly number[] = [values.length]): string {
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    return this.intern(`int64:${shape.join('x')}:${values.join(',')}`, 'int64', shape, data);
  }

  private intern(key: string, dtype: ValueDType, shape: readonly number[], data: ConstantSpec['data']): string {
    let name = this.internedConstants.get(key);
    if (name === undefined) {
      name = this.fresh();
      this.constants.push({ name, dtype, shape, data });
      this.internedConstants.set(key, name);
    }
    return name;
  }

  private node(op: string, inputs: string[], outputs: string[], attrs?: Attr[]): void {
    this.nodes.push({ op, inputs, outputs, attrs });
  }

  private fresh(): string {
    return `_${this.counter++}`;
  }

  private checkName(name: string): void {
    if (!NAME.test(name)) throw new Error(`"${name}" is not a valid input/output name (letters, digits, _; starting with a letter)`);
  }

  private own(v: Value): void {
    if (v.graph !== this) throw new Error(`value ${v.name} belongs to another graph`);
  }

  private assertOpen(): void {
    if (this.frozen) throw new Error('the graph is finished; build a new GraphBuilder to change it');
  }
}

/**
 * A finished graph: its ONNX bytes, a signature for the session cache, and the JS-side check of
 * feeds that runs before ONNX Runtime sees them.
 */
export class FrozenGraph {
  /** sha-256 of the model bytes: equal graphs share one cached session. */
  readonly key: string;
  private checkedShapes = '';

  constructor(
    readonly bytes: Uint8Array,
    readonly inputs: readonly ValueSpec[],
    readonly outputs: readonly OutputSpec[],
    private readonly steps: readonly Step[],
    private readonly constantShapes: ReadonlyMap<Value, Shape>,
  ) {
    this.key = createHash('sha256').update(bytes).digest('hex');
  }

  /** Throws DTypeError/ShapeError for feeds that do not fit the declared inputs or any op on the way. */
  check(feeds: Readonly<Record<string, Tensor>>): void {
    const bound = new Map<string, { size: number; input: string; shape: readonly number[] }>();
    let signature = '';
    for (const spec of this.inputs) {
      const t = feeds[spec.name];
      if (t === undefined) throw new ShapeError(`missing input "${spec.name}" (${spec.dtype} ${formatShape(spec.shape)})`, [spec.shape]);
      if (t.dtype !== spec.dtype) throw new DTypeError(`input "${spec.name}" must be ${spec.dtype}, got ${t.dtype} ${formatShape(t.shape)}`);
      const mismatch = () => new ShapeError(`input "${spec.name}" must have shape ${formatShape(spec.shape)}, got ${formatShape(t.shape)}`, [spec.shape, t.shape]);
      if (t.shape.length !== spec.shape.length) throw mismatch();
      spec.shape.forEach((d, k) => {
        const size = t.shape[k]!;
        if (typeof d === 'number' && d !== size) throw mismatch();
        if (typeof d !== 'string') return;
        const prev = bound.get(d);
        if (prev === undefined) bound.set(d, { size, input: spec.name, shape: t.shape });
        else if (prev.size !== size) {
          throw new ShapeError(
            `input "${spec.name}" ${formatShape(t.shape)} has ${d} = ${size} but input "${prev.input}" ${formatShape(prev.shape)} has ${d} = ${prev.size}`,
            [prev.shape, t.shape],
          );
        }
      });
      if (t.data.length !== t.shape.reduce((a, b) => a * b, 1)) {
        throw new ShapeError(`input "${spec.name}": shape ${formatShape(t.shape)} does not match its ${t.data.length} values`, [t.shape]);
      }
      signature += `${t.shape.join('x')};`;
    }
    for (const name of Object.keys(feeds)) {
      if (!this.inputs.some((s) => s.name === name)) throw new ShapeError(`unknown input "${name}"; the graph takes ${this.inputs.map((s) => s.name).join(', ')}`, []);
    }
    if (signature === this.checkedShapes) return;
    this.inferConcrete(feeds);
    this.checkedShapes = signature;
  }

  private inferConcrete(feeds: Readonly<Record<string, Tensor>>): void {
    const env = new Map<Value, Shape>(this.constantShapes);
    const shapeOf = (v: Value) => env.get(v) ?? feeds[v.name]!.shape;
    for (const step of this.steps) {
      const shapes = step.infer(step.inputs.map(shapeOf));
      step.outputs.forEach((v, k) => env.set(v, shapes[k]!));
    }
  }
}

function matmulShape(a: Shape, b: Shape, transA: boolean, transB: boolean): Shape {
  const fail = (why: string) => new ShapeError(`matmul: ${why}: ${formatShape(a)}${transA ? 'ᵀ' : ''} @ ${formatShape(b)}${transB ? 'ᵀ' : ''}`, [a, b]);
  if (a.length === 0 || b.length === 0) throw fail('scalars cannot be multiplied as matrices');
  if ((transA && a.length < 2) || (transB && b.length < 2)) throw fail('a vector has no transpose');
  const swap = (s: Shape) => [...s.slice(0, -2), s[s.length - 1]!, s[s.length - 2]!];
  const A = a.length === 1 ? [1, a[0]!] : transA ? swap(a) : [...a];
  const B = b.length === 1 ? [b[0]!, 1] : transB ? swap(b) : [...b];
  if (unifyDim(A[A.length - 1]!, B[B.length - 2]!) === undefined) throw fail('inner dimensions differ');
  const batch = broadcastShapes([A.slice(0, -2), B.slice(0, -2)]);
  if (!batch) throw fail('batch dimensions do not broadcast');
  return [...batch, ...(a.length === 1 ? [] : [A[A.length - 2]!]), ...(b.length === 1 ? [] : [B[B.length - 1]!])];
}

function reshapeShape(x: Shape, target: readonly TargetDim[], refs: readonly DimRef[], refShapes: readonly Shape[]): Shape {
  const dims: Dim[] = target.map((t, k) => {
    if (typeof t !== 'number') return refShapes[refs.indexOf(t)]![t.axis]!;
    if (t === 0) {
      if (k >= x.length) throw new ShapeError(`reshape: target dim 0 at position ${k} has no input dim to copy from ${formatShape(x)}`, [x]);
      return x[k]!;
    }
    return t;
  });
  const total = product(x);
  const known = product(dims.filter((d) => d !== -1));
  const fail = () => new ShapeError(`reshape: ${formatShape(x)} cannot become ${formatShape(dims.map((d) => (d === -1 ? '-1' : d)))}`, [x, dims]);
  const inferred = dims.indexOf(-1);
  if (inferred >= 0) {
    if (typeof total === 'number' && typeof known === 'number') {
      if (known === 0 || total % known !== 0) throw fail();
      dims[inferred] = total / known;
    } else {
      dims[inferred] = null;
    }
  } else if (typeof total === 'number' && typeof known === 'number' && total !== known) {
    throw fail();
  }
  return dims;
}

/** Length of x[start:end:step] along a dim of size d (ONNX Slice clamping, which matches Python's). */
function sliceLength(d: Dim, start: number, end: number | undefined, step: number): Dim {
  if (typeof d !== 'number') return null;
  const clamp = (i: number, lo: number, hi: number) => Math.min(Math.max(i, lo), hi);
  const norm = (i: number) => (i < 0 ? i + d : i);
  if (step > 0) {
    const s = clamp(norm(start), 0, d);
    const e = end === undefined ? d : clamp(norm(end), 0, d);
    return Math.max(0, Math.ceil((e - s) / step));
  }
  const s = clamp(norm(start), -1, d - 1);
  const e = end === undefined ? -1 : clamp(norm(end), -1, d - 1);
  return Math.max(0, Math.ceil((e - s) / step));
}
