import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Engine, createEngine } from '../../../main/compute/engine.js';
import { DTypeError, ShapeError } from '../../../main/compute/errors.js';
import type { FloatDType, Tensor } from '../../../main/compute/tensor.js';
import { TOL, expectClose, rand, refBinary, refEinsum, refMatmul, refReduce, size, strides, forEachIndex, t64 } from './reference.js';

let engine: Engine;
beforeAll(async () => {
  engine = await createEngine({ provider: 'cpu' });
});
afterAll(async () => {
  await engine.dispose();
});

const DTYPES: FloatDType[] = ['float64', 'float32'];
const SHAPES = [[1, 7], [7, 1], [2, 3, 4], [5], [1], []] as const;

function refUnary(t: Tensor, f: (x: number) => number) {
  return { shape: t.shape, data: Float64Array.from(t.data, f) };
}

function withExtremes(dtype: FloatDType, values: number[]): Tensor {
  return { dtype, shape: [values.length], data: dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values) } as Tensor;
}

describe.each(DTYPES)('element-wise functions (%s)', (dtype) => {
  const tol = TOL[dtype];
  const cases: [string, (e: Engine, t: Tensor) => Promise<Tensor>, (x: number) => number, [number, number], number[]][] = [
    ['exp', (e, t) => e.exp(t), Math.exp, [-20, 20], [-800, 0, 80]],
    ['log', (e, t) => e.log(t), Math.log, [1e-6, 50], [0, 1, 1e-30]],
    ['log1p', (e, t) => e.log1p(t), Math.log1p, [-0.9, 5], [1e-20, -1e-12, -1, 3e30, Infinity]],
    ['sqrt', (e, t) => e.sqrt(t), Math.sqrt, [0, 10], [0, 1e-30, 4]],
    ['neg', (e, t) => e.neg(t), (x) => -x, [-3, 3], [0]],
    ['abs', (e, t) => e.abs(t), Math.abs, [-3, 3], [-0, -Infinity]],
    ['reciprocal', (e, t) => e.reciprocal(t), (x) => 1 / x, [0.1, 3], [-2, 1e-3]],
    ['square', (e, t) => e.square(t), (x) => x * x, [-3, 3], [1e-10]],
    ['sigmoid', (e, t) => e.sigmoid(t), (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))), [-40, 40], [-80, -700, 0, 30, 700, -Infinity, Infinity]],
    ['softplus', (e, t) => e.softplus(t), (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))), [-40, 40], [-80, -700, 0, 1000, -Infinity, Infinity]],
    ['tanh', (e, t) => e.tanh(t), Math.tanh, [-5, 5], [-30, 1e-9, 30]],
    ['relu', (e, t) => e.relu(t), (x) => Math.max(x, 0), [-3, 3], [0, -1e-30]],
  ];
  for (const [name, op, ref, [lo, hi], extremes] of cases) {
    it(`${name} matches Math on random and edge shapes`, async () => {
      for (const [k, shape] of SHAPES.entries()) {
        const t = rand(dtype, shape, 10 + k, lo, hi);
        expectClose(await op(engine, t), refUnary(t, ref), tol);
      }
      const edge = withExtremes(dtype, extremes.filter((x) => dtype === 'float64' || Math.abs(Math.fround(x)) === Math.abs(x) || !Number.isFinite(x)));
      const expected = refUnary(edge, (x) => (dtype === 'float32' ? Math.fround(ref(x)) : ref(x)));
      expectClose(await op(engine, edge), expected, tol);
    });
  }

  it('keeps NaN as NaN in every function', async () => {
    const t = withExtremes(dtype, [NaN]);
    for (const [, op] of cases) expect(Number.isNaN((await op(engine, t)).data[0])).toBe(true);
  });
});

describe.each(DTYPES)('element-wise arithmetic with broadcasting (%s)', (dtype) => {
  const tol = TOL[dtype];
  const ops: [string, (e: Engine, a: Tensor | number, b: Tensor | number) => Promise<Tensor>, (x: number, y: number) => number][] = [
    ['add', (e, a, b) => e.add(a, b), (x, y) => x + y],
    ['sub', (e, a, b) => e.sub(a, b), (x, y) => x - y],
    ['mul', (e, a, b) => e.mul(a, b), (x, y) => x * y],
    ['div', (e, a, b) => e.div(a, b), (x, y) => x / y],
    ['pow', (e, a, b) => e.pow(a, b), (x, y) => x ** y],
    ['maximum', (e, a, b) => e.maximum(a, b), Math.max],
    ['minimum', (e, a, b) => e.minimum(a, b), Math.min],
  ];
  const pairs = [
    [[3, 4], [3, 4]],
    [[3, 1], [1, 4]],
    [[4], [2, 3, 4]],
    [[1, 6], [6, 1]],
    [[2, 1, 5], [3, 1]],
    [[], [3]],
    [[1], [1]],
  ] as const;
  for (const [name, op, ref] of ops) {
    it(`${name} matches JS for broadcast pairs and scalar operands`, async () => {
      for (const [k, [sa, sb]] of pairs.entries()) {
        // Positive operands keep pow real; they do not weaken the other checks.
        const a = rand(dtype, sa, 100 + k, 0.5, 2);
        const b = rand(dtype, sb, 200 + k, -2, 2);
        expectClose(await op(engine, a, b), refBinary(a, b, ref), tol);
      }
      const a = rand(dtype, [2, 3], 7, 0.5, 2);
      const s = { dtype: 'float64', shape: [], data: Float64Array.of(1.5) } as Tensor;
      expectClose(await op(engine, a, 1.5), refBinary(a, s, ref), tol);
      expectClose(await op(engine, 1.5, a), refBinary(s, a, ref), tol);
    });
  }

  it('clip clamps with both, one or no changing bounds and reuses one session per bound pattern', async () => {
    const a = rand(dtype, [4, 5], 3, -3, 3);
    expectClose(await engine.clip(a, -1, 0.5), refUnary(a, (x) => Math.min(Math.max(x, -1), 0.5)), tol);
    expectClose(await engine.clip(a, 0), refUnary(a, (x) => Math.max(x, 0)), tol);
    expectClose(await engine.clip(a, undefined, 0.25), refUnary(a, (x) => Math.min(x, 0.25)), tol);
    const before = engine.stats().created;
    expectClose(await engine.clip(a, -2, 2), refUnary(a, (x) => Math.min(Math.max(x, -2), 2)), tol);
    expect(engine.stats().created).toBe(before);
    await expect(engine.clip(a, 1, 0)).rejects.toThrow(RangeError);
  });
});

describe.each(DTYPES)('matmul (%s)', (dtype) => {
  const tol = TOL[dtype];
  const cases: [number[], number[], boolean, boolean][] = [
    [[1, 9], [9, 1], false, false],
    [[9, 1], [1, 9], false, false],
    [[3, 5000], [5000, 2], false, false],
    [[17, 13], [13, 11], false, false],
    [[13, 17], [13, 11], true, false],
    [[17, 13], [11, 13], false, true],
    [[13, 17], [11, 13], true, true],
    [[1, 3, 4], [1, 4, 5], false, false],
    [[2, 3, 4], [4, 5], false, false],
    [[2, 1, 3, 4], [5, 4, 6], false, false],
    [[2, 4, 3], [2, 5, 4], true, true],
    [[3, 4, 2], [4, 5], true, false],
    [[6], [6, 3], false, false],
    [[3, 6], [6], false, false],
    [[64, 256], [256, 64], false, false],
  ];
  it.each(cases)('%j @ %j (transA %s, transB %s) matches the triple loop', async (sa, sb, transA, transB) => {
    const a = rand(dtype, sa, size(sa) + 1);
    const b = rand(dtype, sb, size(sb) + 2);
    expectClose(await engine.matmul(a, b, { transA, transB }), refMatmul(a, b, transA, transB), tol);
  });

  it('names both shapes when the inner dimensions differ', async () => {
    const a = rand(dtype, [3, 4], 1);
    const b = rand(dtype, [5, 2], 2);
    const err = await engine.matmul(a, b).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShapeError);
    expect(String(err)).toContain('[3, 4]');
    expect(String(err)).toContain('[5, 2]');
    expect((err as ShapeError).shapes).toEqual([
      [3, 4],
      [5, 2],
    ]);
  });
});

describe.each(DTYPES)('einsum and Khatri–Rao (%s)', (dtype) => {
  const tol = TOL[dtype];
  const cases: [string, number[][]][] = [
    ['ij,jk->ik', [[4, 5], [5, 3]]],
    ['ijk,jr,kr->ir', [[6, 5, 4], [5, 3], [4, 3]]],
    ['ijk,ir,kr->jr', [[6, 5, 4], [6, 3], [4, 3]]],
    ['ijk,ir,jr->kr', [[6, 5, 4], [6, 3], [5, 3]]],
    ['ir,jr->ijr', [[4, 3], [5, 3]]],
    ['bij,bjk->bik', [[1, 3, 4], [1, 4, 2]]],
    ['i,j->ij', [[3], [4]]],
    ['ij->', [[3, 4]]],
    ['ij->ji', [[1, 4]]],
    ['ijk,kr->ijr', [[2, 3, 700], [700, 2]]],
  ];
  it.each(cases)('%s matches the summation over all indices', async (eq, shapes) => {
    const ts = shapes.map((s, k) => rand(dtype, s, 50 + k));
    expectClose(await engine.einsum(eq, ...ts), refEinsum(eq, ...ts), tol);
  });

  it('accepts the implicit form (output letters sorted)', async () => {
    const a = rand(dtype, [3, 4], 1);
    const b = rand(dtype, [4, 2], 2);
    expectClose(await engine.einsum('ij,jk', a, b), refEinsum('ij,jk->ik', a, b), tol);
  });

  it('rejects a letter bound to two sizes, naming both shapes', async () => {
    const err = await engine.einsum('ij,jk->ik', rand(dtype, [3, 4], 1), rand(dtype, [5, 2], 2)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShapeError);
    expect(String(err)).toMatch(/\[3, 4\].*\[5, 2\]/);
  });

  it('khatriRao equals the reshaped einsum ir,jr->ijr', async () => {
    const a = rand(dtype, [7, 3], 8);
    const b = rand(dtype, [1, 3], 9);
    const ref = refEinsum('ir,jr->ijr', a, b);
    expectClose(await engine.khatriRao(a, b), { ...ref, shape: [7, 3] }, tol);
  });
});

describe.each(DTYPES)('reductions (%s)', (dtype) => {
  const tol = TOL[dtype];
  const kinds: [string, 'sum' | 'mean' | 'max' | 'min' | 'sumSquares' | 'logsumexp', (t: Tensor, axes: number[] | undefined, keep: boolean) => { shape: number[]; data: Float64Array; scale?: Float64Array }][] = [
    ['sum', 'sum', (t, ax, k) => ({ ...refReduce(t, ax, k, 0, (a, x) => a + x), scale: refReduce(t, ax, k, 0, (a, x) => a + Math.abs(x)).data })],
    ['mean', 'mean', (t, ax, k) => ({ ...refReduce(t, ax, k, 0, (a, x) => a + x, (a, n) => a / n), scale: refReduce(t, ax, k, 0, (a, x) => a + Math.abs(x), (a, n) => a / n).data })],
    ['max', 'max', (t, ax, k) => refReduce(t, ax, k, -Infinity, Math.max)],
    ['min', 'min', (t, ax, k) => refReduce(t, ax, k, Infinity, Math.min)],
    ['sumSquares', 'sumSquares', (t, ax, k) => refReduce(t, ax, k, 0, (a, x) => a + x * x)],
    [
      'logsumexp',
      'logsumexp',
      (t, ax, k) => {
        const m = refReduce(t, ax, true, -Infinity, Math.max);
        const shifted = { ...t, data: Float64Array.from(t.data) } as Tensor;
        const st = strides(t.shape);
        const mst = strides(m.shape);
        forEachIndex(t.shape, (idx) => {
          const i = idx.reduce((s, v, j) => s + v * st[j]!, 0);
          const o = idx.reduce((s, v, j) => s + (m.shape[j] === 1 ? 0 : v * mst[j]!), 0);
          shifted.data[i] = Math.exp(t.data[i]! - m.data[o]!);
        });
        const s = refReduce(shifted, ax, k, 0, (a, x) => a + x);
        return { shape: s.shape, data: s.data.map((v, i) => Math.log(v) + m.data[i]!) };
      },
    ],
  ];
  const axesCases: [number[], number[] | undefined][] = [
    [[2, 3, 4], undefined],
    [[2, 3, 4], [0]],
    [[2, 3, 4], [-1]],
    [[2, 3, 4], [0, 2]],
    [[1, 9], [1]],
    [[9, 1], [0]],
    [[1, 1], [0, 1]],
    [[3, 4000], [1]],
  ];
  for (const [name, method, ref] of kinds) {
    it(`${name} along axes matches JS, with and without keepDims`, async () => {
      for (const [k, [shape, axes]] of axesCases.entries()) {
        // logsumexp gets large offsets: a naive exp would overflow.
        const t = rand(dtype, shape, 300 + k, method === 'logsumexp' ? 500 : -2, method === 'logsumexp' ? 520 : 2);
        for (const keepDims of [false, true]) {
          expectClose(await engine[method](t, axes, { keepDims }), ref(t, axes, keepDims), tol);
        }
      }
    });
  }

  it('logsumexp of all −Inf is −Inf and of +Inf is +Inf', async () => {
    const t = withExtremes(dtype, [-Infinity, -Infinity]);
    expect((await engine.logsumexp(t)).data[0]).toBe(-Infinity);
    expect((await engine.logsumexp(withExtremes(dtype, [Infinity, 1]))).data[0]).toBe(Infinity);
  });

  it('max and min skip NaN on the CPU provider (documented ORT behaviour; use countNonFinite to detect NaN)', async () => {
    const t = withExtremes(dtype, [1, NaN, 3]);
    expect((await engine.max(t)).data[0]).toBe(3);
    expect((await engine.min(t)).data[0]).toBe(1);
  });
});

describe.each(DTYPES)('layout ops (%s)', (dtype) => {
  const at = (t: Tensor, idx: number[]) => t.data[idx.reduce((o, v, k) => o + v * strides(t.shape)[k]!, 0)]!;

  it('transpose permutes axes (reversed by default)', async () => {
    const t = rand(dtype, [2, 3, 4], 1);
    const r = await engine.transpose(t);
    expect(r.shape).toEqual([4, 3, 2]);
    forEachIndex(r.shape, (idx, i) => expect(r.data[i]).toBe(at(t, [idx[2]!, idx[1]!, idx[0]!])));
    const p = await engine.transpose(t, [1, 0, 2]);
    forEachIndex(p.shape, (idx, i) => expect(p.data[i]).toBe(at(t, [idx[1]!, idx[0]!, idx[2]!])));
  });

  it('reshape keeps row-major order, infers -1 and copies 0', async () => {
    const t = rand(dtype, [2, 3, 4], 2);
    const r = await engine.reshape(t, [0, -1]);
    expect(r.shape).toEqual([2, 12]);
    expect(Array.from(r.data)).toEqual(Array.from(t.data));
    await expect(engine.reshape(t, [5, -1])).rejects.toThrow(ShapeError);
  });

  it('slice follows Python semantics (negative, stepped, reversed)', async () => {
    const t = rand(dtype, [10, 2], 3);
    const rows = (r: Tensor) => Array.from({ length: r.shape[0]! }, (_, i) => r.data[i * 2]);
    const col = Array.from({ length: 10 }, (_, i) => t.data[i * 2]);
    expect(rows(await engine.slice(t, 0, 2, 5))).toEqual(col.slice(2, 5));
    expect(rows(await engine.slice(t, 0, -3))).toEqual(col.slice(-3));
    expect(rows(await engine.slice(t, 0, 1, 9, 3))).toEqual([col[1], col[4], col[7]]);
    expect(rows(await engine.slice(t, 0, -1, undefined, -1))).toEqual([...col].reverse());
    expect((await engine.slice(t, 1, 1)).shape).toEqual([10, 1]);
  });

  it('gather picks rows by list (axis kept) or by one index (axis dropped)', async () => {
    const t = rand(dtype, [4, 3], 4);
    const g = await engine.gather(t, 0, [3, 0, -1]);
    expect(g.shape).toEqual([3, 3]);
    expect(Array.from(g.data)).toEqual([...t.data.slice(9, 12), ...t.data.slice(0, 3), ...t.data.slice(9, 12)]);
    const one = await engine.gather(t, 1, 2);
    expect(one.shape).toEqual([4]);
    expect(Array.from(one.data)).toEqual([t.data[2], t.data[5], t.data[8], t.data[11]]);
    await expect(engine.gather(t, 0, [4])).rejects.toThrow(ShapeError);
  });

  it('concat joins along an axis', async () => {
    const a = rand(dtype, [2, 2], 5);
    const b = rand(dtype, [2, 3], 6);
    const c = await engine.concat([a, b], 1);
    expect(c.shape).toEqual([2, 5]);
    expect(Array.from(c.data)).toEqual([...a.data.slice(0, 2), ...b.data.slice(0, 3), ...a.data.slice(2), ...b.data.slice(3)]);
    await expect(engine.concat([a, b], 0)).rejects.toThrow(ShapeError);
  });
});

describe('zero-size tensors', () => {
  it('flow through element-wise ops, matmul with K = 0 and reductions over an empty axis', async () => {
    const empty = { dtype: 'float64', shape: [0, 3], data: new Float64Array(0) } as Tensor;
    expect((await engine.exp(empty)).shape).toEqual([0, 3]);
    const k0 = await engine.matmul({ dtype: 'float64', shape: [2, 0], data: new Float64Array(0) } as Tensor, empty);
    expect(k0.shape).toEqual([2, 3]);
    expect(Array.from(k0.data)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from((await engine.sum(empty, 0)).data)).toEqual([0, 0, 0]);
  });
});

describe('bad input is stopped before ONNX Runtime', () => {
  it('mixing float32 and float64 throws DTypeError naming both', async () => {
    const a = rand('float32', [2, 2], 1);
    const b = rand('float64', [2, 2], 2);
    const err = await engine.add(a, b).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DTypeError);
    expect(String(err)).toMatch(/float32.*float64/);
  });

  it('non-broadcastable shapes throw ShapeError naming both', async () => {
    const err = await engine.mul(rand('float64', [3, 4], 1), rand('float64', [2, 4], 2)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShapeError);
    expect(String(err)).toContain('[3, 4]');
    expect(String(err)).toContain('[2, 4]');
  });

  it('a tensor whose data does not fill its shape is refused', async () => {
    const bad = { dtype: 'float64', shape: [2, 3], data: new Float64Array(5) } as Tensor;
    await expect(engine.exp(bad)).rejects.toThrow(ShapeError);
  });

  it('NaN and Inf pass through ops unchanged in kind', async () => {
    const r = await engine.add(t64([NaN, Infinity, -Infinity, 1]), 1);
    expect(Array.from(r.data)).toEqual([NaN, Infinity, -Infinity, 2]);
  });
});

describe('determinism', () => {
  it('repeated runs and separate engines give bit-identical results', async () => {
    const a = rand('float32', [300, 200], 1);
    const b = rand('float32', [200, 100], 2);
    const other = await createEngine({ provider: 'cpu' });
    try {
      const runs = [await engine.matmul(a, b), await engine.matmul(a, b), await other.matmul(a, b)];
      const sums = [await engine.logsumexp(a, 1), await other.logsumexp(a, 1)];
      expect(Buffer.from(runs[1]!.data.buffer).equals(Buffer.from(runs[0]!.data.buffer))).toBe(true);
      expect(Buffer.from(runs[2]!.data.buffer).equals(Buffer.from(runs[0]!.data.buffer))).toBe(true);
      expect(Buffer.from(sums[1]!.data.buffer).equals(Buffer.from(sums[0]!.data.buffer))).toBe(true);
    } finally {
      await other.dispose();
    }
  });
});
