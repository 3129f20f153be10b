import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HALS_EPS, halsSweep } from '../../../bench/_hals-sweep.js';
import { type Engine, createEngine } from '../../../main/compute/engine.js';
import { DTypeError, ShapeError } from '../../../main/compute/errors.js';
import { GraphBuilder, type Value } from '../../../main/compute/graph.js';
import { choleskySolve } from '../../../main/compute/linalg.js';
import type { Tensor } from '../../../main/compute/tensor.js';
import { TOL, expectClose, rand, t64 } from './reference.js';

let engine: Engine;
beforeAll(async () => {
  engine = await createEngine({ provider: 'cpu' });
});
afterAll(async () => {
  await engine.dispose();
});

/** Norm-wise comparison: every entry within rtol of the largest expected magnitude. */
function expectNear(actual: Tensor, expected: ArrayLike<number>, shape: number[], rtol: number) {
  const big = Math.max(...Array.from(expected, Math.abs));
  expectClose(actual, { shape, data: expected, scale: new Float64Array(expected.length).fill(big) }, rtol);
}

/** The HALS sweep of bench/_hals-sweep.ts written as plain loops over the definitions. */
function jsHalsSweep(X: Float64Array, A0: Float64Array, B0: Float64Array, C0: Float64Array, I: number, J: number, K: number, R: number) {
  const x = (i: number, j: number, k: number) => X[(i * J + j) * K + k]!;
  const gram = (F: Float64Array, n: number) => {
    const G = new Float64Array(R * R);
    for (let p = 0; p < R; p++) for (let q = 0; q < R; q++) for (let i = 0; i < n; i++) G[p * R + q] = G[p * R + q]! + F[i * R + p]! * F[i * R + q]!;
    return G;
  };
  const hadamard = (P: Float64Array, Q: Float64Array) => P.map((v, i) => v * Q[i]!);
  const update = (F0: Float64Array, n: number, M: Float64Array, G: Float64Array) => {
    const F = Float64Array.from(F0);
    for (let r = 0; r < R; r++) {
      for (let i = 0; i < n; i++) {
        let fg = 0;
        for (let s = 0; s < R; s++) fg += F[i * R + s]! * G[s * R + r]!;
        F[i * R + r] = Math.max(F[i * R + r]! + (M[i * R + r]! - fg) / G[r * R + r]!, HALS_EPS);
      }
    }
    return F;
  };
  const MA = new Float64Array(I * R);
  for (let i = 0; i < I; i++) for (let j = 0; j < J; j++) for (let k = 0; k < K; k++) for (let r = 0; r < R; r++) MA[i * R + r] = MA[i * R + r]! + x(i, j, k) * B0[j * R + r]! * C0[k * R + r]!;
  const A = update(A0, I, MA, hadamard(gram(B0, J), gram(C0, K)));
  const MB = new Float64Array(J * R);
  for (let i = 0; i < I; i++) for (let j = 0; j < J; j++) for (let k = 0; k < K; k++) for (let r = 0; r < R; r++) MB[j * R + r] = MB[j * R + r]! + x(i, j, k) * A[i * R + r]! * C0[k * R + r]!;
  const B = update(B0, J, MB, hadamard(gram(A, I), gram(C0, K)));
  const MC = new Float64Array(K * R);
  for (let i = 0; i < I; i++) for (let j = 0; j < J; j++) for (let k = 0; k < K; k++) for (let r = 0; r < R; r++) MC[k * R + r] = MC[k * R + r]! + x(i, j, k) * A[i * R + r]! * B[j * R + r]!;
  const GC = hadamard(gram(A, I), gram(B, J));
  const C = update(C0, K, MC, GC);
  const inner = MC.reduce((s, v, i) => s + v * C[i]!, 0);
  const modelNorm2 = hadamard(GC, gram(C, K)).reduce((s, v) => s + v, 0);
  return { A, B, C, inner, modelNorm2 };
}

describe('fused graphs', () => {
  it('a whole HALS sweep runs as one graph and matches the loop reference (float64 1e-12, float32 1e-5)', async () => {
    const [I, J, K, R] = [30, 8, 3, 3];
    for (const dtype of ['float64', 'float32'] as const) {
      const X = rand(dtype, [I, J, K], 1, 0, 1);
      const A0 = rand(dtype, [I, R], 2, 0.1, 1);
      const B0 = rand(dtype, [J, R], 3, 0.1, 1);
      const C0 = rand(dtype, [K, R], 4, 0.1, 1);
      const g = new GraphBuilder();
      const inputs = { X: g.input('X', dtype, [I, J, K]), A: g.input('A', dtype, [I, R]), B: g.input('B', dtype, [J, R]), C: g.input('C', dtype, [K, R]) };
      g.outputs({ ...(await halsSweep<Value>(g, inputs.X, inputs.A, inputs.B, inputs.C, { I, J, K, R })) });
      const runsBefore = engine.stats().runs;
      const out = await engine.compile(g).run({ X, A: A0, B: B0, C: C0 });
      expect(engine.stats().runs - runsBefore).toBe(1);

      const f64 = (t: Tensor) => Float64Array.from(t.data);
      const ref = jsHalsSweep(f64(X), f64(A0), f64(B0), f64(C0), I, J, K, R);
      expectNear(out.A!, ref.A, [I, R], TOL[dtype]);
      expectNear(out.B!, ref.B, [J, R], TOL[dtype]);
      expectNear(out.C!, ref.C, [K, R], TOL[dtype]);
      expectClose(out.inner!, { shape: [], data: [ref.inner] }, TOL[dtype]);
      expectClose(out.modelNorm2!, { shape: [], data: [ref.modelNorm2] }, TOL[dtype]);
    }
  });

  it('the same sweep op by op gives the same numbers as the fused graph', async () => {
    const [I, J, K, R] = [12, 5, 4, 2];
    const X = rand('float64', [I, J, K], 5, 0, 1);
    const F = { A: rand('float64', [I, R], 6, 0.1, 1), B: rand('float64', [J, R], 7, 0.1, 1), C: rand('float64', [K, R], 8, 0.1, 1) };
    const g = new GraphBuilder();
    const v = { X: g.input('X', 'float64', [I, J, K]), A: g.input('A', 'float64', [I, R]), B: g.input('B', 'float64', [J, R]), C: g.input('C', 'float64', [K, R]) };
    g.outputs({ ...(await halsSweep<Value>(g, v.X, v.A, v.B, v.C, { I, J, K, R })) });
    const fused = await engine.compile(g).run({ X, ...F });
    const eager = await halsSweep<Tensor>(engine, X, F.A, F.B, F.C, { I, J, K, R });
    for (const name of ['A', 'B', 'C', 'inner', 'modelNorm2'] as const) {
      expectNear(eager[name], Array.from(fused[name]!.data), fused[name]!.shape, 1e-13);
    }
  });

  it('a Poisson-GLM gradient and Hessian come out of one run and drive a Newton step', async () => {
    const [T, p] = [400, 4];
    const X = rand('float64', [T, p], 11, -0.5, 0.5);
    const w = rand('float64', [p, 1], 12, -0.5, 0.5);
    const y = { dtype: 'float64', shape: [T, 1], data: Float64Array.from({ length: T }, (_, t) => t % 3) } as Tensor;

    const g = new GraphBuilder();
    const Xv = g.input('X', 'float64', ['T', 'P']);
    const yv = g.input('y', 'float64', ['T', 1]);
    const wv = g.input('w', 'float64', ['P', 1]);
    const eta = g.matmul(Xv, wv);
    const mu = g.exp(eta);
    g.output('loglik', g.sum(g.sub(g.mul(yv, eta), mu)));
    g.output('grad', g.matmul(Xv, g.sub(yv, mu), { transA: true }));
    g.output('negHessian', g.matmul(Xv, g.mul(Xv, mu), { transA: true }));
    const out = await engine.compile(g).run({ X, y, w });

    const etaRef = Array.from({ length: T }, (_, t) => Array.from({ length: p }, (_, j) => X.data[t * p + j]! * w.data[j]!).reduce((a, b) => a + b, 0));
    const muRef = etaRef.map(Math.exp);
    const ll = etaRef.reduce((s, e, t) => s + y.data[t]! * e - muRef[t]!, 0);
    const grad = Array.from({ length: p }, (_, j) => etaRef.reduce((s, _e, t) => s + X.data[t * p + j]! * (y.data[t]! - muRef[t]!), 0));
    const H = Array.from({ length: p * p }, (_, jk) => muRef.reduce((s, m, t) => s + X.data[t * p + Math.floor(jk / p)]! * m * X.data[t * p + (jk % p)]!, 0));
    expectClose(out.loglik!, { shape: [], data: [ll], scale: [muRef.reduce((a, b) => a + b, 0)] }, 1e-12);
    expectNear(out.grad!, grad, [p, 1], 1e-12);
    expectNear(out.negHessian!, H, [p, p], 1e-12);

    const step = choleskySolve(out.negHessian!, out.grad!);
    const wNext = t64(Array.from(w.data, (v, j) => v + step.data[j]!), [p, 1]);
    const next = await engine.compile(g).run({ X, y, w: wNext });
    expect(next.loglik!.data[0]!).toBeGreaterThan(out.loglik!.data[0]!);
  });

  it('an unrolled log-space HMM forward pass matches the JS recursion', async () => {
    const [T, K] = [6, 3];
    const logP = t64(Array.from({ length: K * K }, (_, i) => Math.log([0.8, 0.1, 0.1, 0.2, 0.7, 0.1, 0.05, 0.15, 0.8][i]!)), [K, K]);
    const logB = rand('float64', [T, K], 21, -900, -890);
    const logPi = t64([Math.log(0.5), Math.log(0.3), Math.log(0.2)], [K]);
    const g = new GraphBuilder();
    const P = g.input('logP', 'float64', [K, K]);
    const B = g.input('logB', 'float64', [T, K]);
    let alpha = g.add(g.input('logPi', 'float64', [K]), g.gather(B, 0, 0));
    for (let t = 1; t < T; t++) alpha = g.add(g.logsumexp(g.add(g.unsqueeze(alpha, 1), P), 0), g.gather(B, 0, t));
    g.output('alpha', alpha);
    g.output('loglik', g.logsumexp(alpha));
    const out = await engine.compile(g).run({ logP, logB, logPi });

    const lse = (xs: number[]) => {
      const m = Math.max(...xs);
      return m + Math.log(xs.reduce((s, x) => s + Math.exp(x - m), 0));
    };
    let a = Array.from({ length: K }, (_, k) => logPi.data[k]! + logB.data[k]!);
    for (let t = 1; t < T; t++) a = Array.from({ length: K }, (_, j) => lse(a.map((ai, i) => ai + logP.data[i * K + j]!)) + logB.data[t * K + j]!);
    expectClose(out.alpha!, { shape: [K], data: a }, 1e-12);
    expectClose(out.loglik!, { shape: [], data: [lse(a)] }, 1e-12);
  });

  it('symbolic dims let one session serve every size, with reshapes reading dims at run time', async () => {
    const g = new GraphBuilder();
    const X = g.input('X', 'float64', ['I', 'JK']);
    const A = g.input('A', 'float64', ['I', 'R']);
    const B = g.input('B', 'float64', ['J', 'R']);
    const T = g.matmul(X, A, { transA: true });
    g.output('T3', g.reshape(T, [g.dim(B, 0), -1, g.dim(A, 1)]));
    const step = engine.compile(g);
    const cases = [
      [5, 2, 3, 2],
      [9, 4, 1, 3],
    ].map(([I, J, K, R]) => ({ dims: [J!, K!, R!], X: rand('float64', [I!, J! * K!], I!), A: rand('float64', [I!, R!], 2), B: rand('float64', [J!, R!], 3) }));
    const expected = await Promise.all(cases.map((c) => engine.matmul(c.X, c.A, { transA: true })));
    const created = engine.stats().created;
    for (const [k, c] of cases.entries()) {
      const out = await step.run({ X: c.X, A: c.A, B: c.B });
      expect(out.T3!.shape).toEqual(c.dims);
      expectClose(out.T3!, { ...expected[k]!, shape: c.dims }, 1e-15);
    }
    expect(engine.stats().created - created).toBe(1);
  });

  it('outputs may repeat a value, pass an input through, and count non-finite entries', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', ['n']);
    const y = g.mul(x, 2);
    g.outputs({ y, again: y, same: x, bad: g.countNonFinite(x) });
    const out = await engine.compile(g).run({ x: { dtype: 'float32', shape: [4], data: Float32Array.from([1, NaN, Infinity, -2]) } });
    expect(Array.from(out.y!.data)).toEqual([2, NaN, Infinity, -4]);
    expect(Array.from(out.again!.data)).toEqual([2, NaN, Infinity, -4]);
    expect(Array.from(out.same!.data)).toEqual([1, NaN, Infinity, -2]);
    expect(out.bad!.shape).toEqual([]);
    expect(out.bad!.data[0]).toBe(2);
  });
});

describe('graph checks', () => {
  it('catches provable shape mismatches while building, naming both shapes', () => {
    const g = new GraphBuilder();
    const a = g.input('a', 'float64', ['I', 4]);
    const b = g.input('b', 'float64', [5, 'J']);
    expect(() => g.matmul(a, b)).toThrow(ShapeError);
    expect(() => g.matmul(a, b)).toThrow(/\[I, 4\] @ \[5, J\]/);
    expect(() => g.add(a, g.input('c', 'float64', [3]))).toThrow(/\[I, 4\] and \[3\]/);
    expect(() => g.reshape(g.input('d', 'float64', [2, 3]), [4, -1])).toThrow(ShapeError);
    expect(() => g.einsum('ij,jk->ik', a, b)).toThrow(/subscript 'j'/);
    expect(() => g.transpose(a, [0, 0])).toThrow(ShapeError);
    expect(() => g.sum(a, 2)).toThrow(/axis 2 is out of range/);
  });

  it('checks the real sizes before a run: symbol bindings and every op on the way', async () => {
    const g = new GraphBuilder();
    const X = g.input('X', 'float64', ['I', 'J']);
    const w = g.input('w', 'float64', ['J', 1]);
    g.output('y', g.reshape(g.matmul(X, w), [3, -1]));
    const step = engine.compile(g);
    const runs = engine.stats().runs;
    await expect(step.run({ X: rand('float64', [6, 2], 1), w: rand('float64', [3, 1], 2) })).rejects.toThrow(
      'input "w" [3, 1] has J = 3 but input "X" [6, 2] has J = 2',
    );
    await expect(step.run({ X: rand('float64', [4, 2], 1), w: rand('float64', [2, 1], 2) })).rejects.toThrow(/reshape: \[4, 1\] cannot become \[3, -1\]/);
    await expect(step.run({ X: rand('float32', [6, 2], 1), w: rand('float64', [2, 1], 2) })).rejects.toThrow(DTypeError);
    await expect(step.run({ X: rand('float64', [6, 2], 1) })).rejects.toThrow(/missing input "w"/);
    await expect(step.run({ X: rand('float64', [6, 2], 1), w: rand('float64', [2, 1], 2), v: rand('float64', [1], 3) })).rejects.toThrow(/unknown input "v"/);
    expect(engine.stats().runs).toBe(runs);
    expect((await step.run({ X: rand('float64', [6, 2], 1), w: rand('float64', [2, 1], 2) })).y!.shape).toEqual([3, 2]);
  });

  it('refuses values from another graph, non-float outputs, bad names and edits after finishing', () => {
    const g = new GraphBuilder();
    const h = new GraphBuilder();
    const a = g.input('a', 'float64', [2]);
    const b = h.input('b', 'float64', [2]);
    expect(() => g.add(a, b)).toThrow(/another graph/);
    expect(() => g.output('mask', g.greater(a, 0))).toThrow(DTypeError);
    expect(() => g.output('_hidden', a)).toThrow(/not a valid/);
    g.output('m', g.cast(g.greater(a, 0), 'float64'));
    g.finish();
    expect(() => g.exp(a)).toThrow(/finished/);
  });

  it('identical graphs share one session', async () => {
    const build = () => {
      const g = new GraphBuilder();
      g.output('y', g.tanh(g.input('x', 'float64', ['n'])));
      return engine.compile(g);
    };
    const first = build();
    const second = build();
    expect(first.graph.key).toBe(second.graph.key);
    const created = engine.stats().created;
    await first.run({ x: t64([0.5]) });
    await second.run({ x: t64([0.25]) });
    expect(engine.stats().created - created).toBe(1);
  });
});
