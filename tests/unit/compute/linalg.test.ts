import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Engine, createEngine } from '../../../main/compute/engine.js';
import { LinalgError, ShapeError } from '../../../main/compute/errors.js';
import { cholesky, choleskySolve, eig, eigh, inverse, solve, svd } from '../../../main/compute/linalg.js';
import { randomizedSvd } from '../../../main/compute/randomized-svd.js';
import { type Tensor, fromRows, toRows } from '../../../main/compute/tensor.js';
import { expectClose, rand, refMatmul } from './reference.js';

/** |a − e| ≤ tol·max|e| for every entry: the norm-wise accuracy a backward-stable algorithm promises. */
function expectMatrix(actual: Tensor, expected: Tensor | number[][], tol = 1e-12) {
  const e = Array.isArray(expected) ? fromRows(expected) : expected;
  const big = Math.max(...Array.from(e.data, Math.abs));
  expectClose(actual, { shape: e.shape, data: e.data, scale: new Float64Array(e.data.length).fill(big) }, tol);
}

function matmul(a: Tensor, b: Tensor): Tensor {
  const r = refMatmul(a, b);
  return { dtype: 'float64', shape: r.shape, data: r.data };
}

function transpose(a: Tensor): Tensor {
  const rows = toRows(a);
  return fromRows(rows[0]!.map((_, j) => rows.map((r) => r[j]!)));
}

function identity(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
}

/** An orthogonal matrix: the Householder reflector I − 2vvᵀ/‖v‖². */
function householder(v: number[]): Tensor {
  const n2 = v.reduce((s, x) => s + x * x, 0);
  return fromRows(v.map((vi, i) => v.map((vj, j) => (i === j ? 1 : 0) - (2 * vi * vj) / n2)));
}

function diag(values: number[]): Tensor {
  return fromRows(values.map((x, i) => values.map((_, j) => (i === j ? x : 0))));
}

describe('Cholesky', () => {
  // The textbook example: A = L Lᵀ with L = [[2,0,0],[6,1,0],[-8,5,3]].
  const A = fromRows([
    [4, 12, -16],
    [12, 37, -43],
    [-16, -43, 98],
  ]);

  it('factors a known matrix exactly', () => {
    expectMatrix(cholesky(A), [
      [2, 0, 0],
      [6, 1, 0],
      [-8, 5, 3],
    ]);
  });

  it('solves for vectors and matrices of right-hand sides', () => {
    const x = fromRows([[1], [-2], [0.5]]);
    const b = matmul(A, x);
    expectMatrix(choleskySolve(A, b), x);
    const v = choleskySolve(A, { dtype: 'float64', shape: [3], data: b.data });
    expect(v.shape).toEqual([3]);
    expectMatrix({ ...v, shape: [3, 1] }, x);
    const X = rand('float64', [3, 4], 1);
    expectMatrix(choleskySolve(A, matmul(A, X)), X);
  });

  it('reads only the lower triangle, as LAPACK potrf does', () => {
    const skewed = fromRows([
      [4, 999, -999],
      [12, 37, 999],
      [-16, -43, 98],
    ]);
    expectMatrix(cholesky(skewed), cholesky(A));
  });

  it('rejects matrices that are not positive definite, and non-square ones', () => {
    expect(() =>
      cholesky(
        fromRows([
          [1, 2],
          [2, 1],
        ]),
      ),
    ).toThrow(LinalgError);
    expect(() => cholesky(fromRows([[1, 2, 3]]))).toThrow(ShapeError);
  });
});

describe('inverse and solve', () => {
  it('inverts known matrices', () => {
    expectMatrix(
      inverse(
        fromRows([
          [4, 7],
          [2, 6],
        ]),
      ),
      [
        [0.6, -0.7],
        [-0.2, 0.4],
      ],
    );
    // The 3×3 Hilbert matrix has an integer inverse.
    const hilbert = fromRows([0, 1, 2].map((i) => [0, 1, 2].map((j) => 1 / (i + j + 1))));
    expectMatrix(
      inverse(hilbert),
      [
        [9, -36, 30],
        [-36, 192, -180],
        [30, -180, 180],
      ],
      1e-11,
    );
  });

  it('A·A⁻¹ = I for a random well-conditioned matrix, and solve agrees', () => {
    const n = 40;
    const A = rand('float64', [n, n], 2);
    for (let i = 0; i < n; i++) A.data[i * n + i] += n;
    expectMatrix(matmul(A, inverse(A)), identity(n));
    const x = rand('float64', [n, 2], 3);
    expectMatrix(solve(A, matmul(A, x)), x);
  });

  it('refuses a singular matrix instead of returning noise', () => {
    const singular = fromRows([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
    expect(() => inverse(singular)).toThrow(LinalgError);
    expect(() => solve(singular, fromRows([[1], [1], [1]]))).toThrow(LinalgError);
  });
});

describe('symmetric eigendecomposition', () => {
  it('finds the eigenpairs of [[2,1],[1,2]]', () => {
    const { values, vectors } = eigh(
      fromRows([
        [2, 1],
        [1, 2],
      ]),
    );
    expectClose({ dtype: 'float64', shape: [2], data: values }, { shape: [2], data: [1, 3] }, 1e-14);
    // Each column signed so its largest entry is positive; on a tie the first counts.
    const s = Math.SQRT1_2;
    expectMatrix(vectors, [
      [s, s],
      [-s, s],
    ]);
  });

  it('recovers Q diag(λ) Qᵀ with ascending values and orthonormal vectors', () => {
    const Q = householder([1, -2, 0.5, 3, 1.5]);
    const lambda = [-4, -1, 0.5, 2, 10];
    const A = matmul(matmul(Q, diag(lambda)), Q);
    const { values, vectors } = eigh(A);
    expectClose({ dtype: 'float64', shape: [5], data: values }, { shape: [5], data: lambda, scale: new Float64Array(5).fill(10) }, 1e-13);
    expectMatrix(matmul(transpose(vectors), vectors), identity(5));
    expectMatrix(matmul(A, vectors), matmul(vectors, diag(Array.from(values))));
  });

  it('accepts rounding-level asymmetry and rejects real asymmetry', () => {
    const A = fromRows([
      [2, 1 + 1e-15],
      [1, 2],
    ]);
    expect(Array.from(eigh(A).values)).toHaveLength(2);
    expect(() =>
      eigh(
        fromRows([
          [2, 1.5],
          [1, 2],
        ]),
      ),
    ).toThrow(LinalgError);
  });
});

describe('general eigendecomposition', () => {
  function expectEigenpairs(A: Tensor, re: number[], im: number[]) {
    const n = A.shape[0]!;
    const e = eig(A);
    const scale = new Float64Array(n).fill(Math.max(...re.map((r, k) => Math.hypot(r, im[k]!))));
    expectClose({ dtype: 'float64', shape: [n], data: e.re }, { shape: [n], data: re, scale }, 1e-12);
    expectClose({ dtype: 'float64', shape: [n], data: e.im }, { shape: [n], data: im, scale }, 1e-12);
    // A v = λ v in complex arithmetic, with ‖v‖ = 1.
    const norm = Math.max(...toRows(A).map((r) => r.reduce((s, x) => s + Math.abs(x), 0)));
    for (let j = 0; j < n; j++) {
      let len = 0;
      for (let i = 0; i < n; i++) {
        const vr = e.vectorsRe.data[i * n + j]!;
        const vi = e.vectorsIm.data[i * n + j]!;
        len += vr * vr + vi * vi;
        let avr = 0;
        let avi = 0;
        for (let k = 0; k < n; k++) {
          avr += A.data[i * n + k]! * e.vectorsRe.data[k * n + j]!;
          avi += A.data[i * n + k]! * e.vectorsIm.data[k * n + j]!;
        }
        const lvr = e.re[j]! * vr - e.im[j]! * vi;
        const lvi = e.re[j]! * vi + e.im[j]! * vr;
        expect(Math.hypot(avr - lvr, avi - lvi)).toBeLessThanOrEqual(1e-12 * norm);
      }
      expect(len).toBeCloseTo(1, 14);
    }
  }

  it('gives a ± ib for the rotation-scaling matrix [[a, −b], [b, a]]', () => {
    expectEigenpairs(
      fromRows([
        [0.5, -2],
        [2, 0.5],
      ]),
      [0.5, 0.5],
      [2, -2],
    );
  });

  it('finds the roots 2 ± 3i and 1 of x³ − 5x² + 17x − 13 from its companion matrix', () => {
    expectEigenpairs(
      fromRows([
        [5, -17, 13],
        [1, 0, 0],
        [0, 1, 0],
      ]),
      [2, 2, 1],
      [3, -3, 0],
    );
  });

  it('reads the diagonal of a triangular matrix, sorted by modulus', () => {
    expectEigenpairs(
      fromRows([
        [1, 2, 3],
        [0, 4, 5],
        [0, 0, 6],
      ]),
      [6, 4, 1],
      [0, 0, 0],
    );
  });

  it('handles a similarity transform of a block-diagonal matrix with two complex pairs', () => {
    const Q = householder([1, 2, -1, 0.5]);
    const D = fromRows([
      [1, -3, 0, 0],
      [3, 1, 0, 0],
      [0, 0, -0.5, 0.25],
      [0, 0, -0.25, -0.5],
    ]);
    expectEigenpairs(matmul(matmul(Q, D), Q), [1, 1, -0.5, -0.5], [3, -3, 0.25, -0.25]);
  });
});

describe('SVD', () => {
  it('finds σ = 5, 3 for [[3, 2, 2], [2, 3, −2]] and reconstructs it', () => {
    const A = fromRows([
      [3, 2, 2],
      [2, 3, -2],
    ]);
    const { u, s, v } = svd(A);
    expectClose({ dtype: 'float64', shape: [2], data: s }, { shape: [2], data: [5, 3] }, 1e-14);
    expect(u.shape).toEqual([2, 2]);
    expect(v.shape).toEqual([3, 2]);
    expectMatrix(matmul(matmul(u, diag(Array.from(s))), transpose(v)), A);
  });

  it('thin SVD of tall and wide matrices: orthonormal factors, exact reconstruction', () => {
    for (const shape of [
      [30, 7],
      [7, 30],
      [1, 5],
      [5, 1],
    ]) {
      const A = rand('float64', shape, shape[0]! * 31 + shape[1]!);
      const { u, s, v } = svd(A);
      const p = Math.min(...shape);
      expect(u.shape).toEqual([shape[0], p]);
      expect(v.shape).toEqual([shape[1], p]);
      for (let k = 1; k < p; k++) expect(s[k]!).toBeLessThanOrEqual(s[k - 1]!);
      expectMatrix(matmul(transpose(u), u), identity(p));
      expectMatrix(matmul(transpose(v), v), identity(p));
      expectMatrix(matmul(matmul(u, diag(Array.from(s))), transpose(v)), A);
    }
  });

  it('truncates to the k largest triplets', () => {
    const U = householder([1, 1, 0, 2, -1, 0.5]);
    const V = householder([0.5, -1, 1, 2]);
    const sigma = [7, 3, 1, 0.1];
    const S = fromRows(Array.from({ length: 6 }, (_, i) => Array.from({ length: 4 }, (_, j) => (i === j ? sigma[i]! : 0))));
    const A = matmul(matmul(U, S), V);
    const t = svd(A, { k: 2 });
    expectClose({ dtype: 'float64', shape: [2], data: t.s }, { shape: [2], data: [7, 3], scale: [7, 7] }, 1e-14);
    expect(t.u.shape).toEqual([6, 2]);
    // The rank-2 truncation differs from A by exactly the dropped singular values.
    const A2 = matmul(matmul(t.u, diag(Array.from(t.s))), transpose(t.v));
    const residual = Array.from(A.data).reduce((acc, x, i) => acc + (x - A2.data[i]!) ** 2, 0);
    expect(Math.sqrt(residual)).toBeCloseTo(Math.hypot(1, 0.1), 12);
    expect(() => svd(A, { k: 5 })).toThrow(RangeError);
  });
});

describe('randomized truncated SVD on the engine', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await createEngine({ provider: 'cpu' });
  });
  afterAll(async () => {
    await engine.dispose();
  });

  /** m×n of exact rank r with singular values 10, 5, 2.5, … */
  function lowRank(m: number, n: number, r: number): { A: Tensor; sigma: number[] } {
    const sigma = Array.from({ length: r }, (_, k) => 10 / 2 ** k);
    const U = svd(rand('float64', [m, r], 1)).u;
    const V = svd(rand('float64', [n, r], 2)).u;
    return { A: matmul(matmul(U, diag(sigma)), transpose(V)), sigma };
  }

  it('recovers the singular values and subspaces of an exactly low-rank matrix (float64)', async () => {
    const { A, sigma } = lowRank(500, 120, 6);
    const r = await randomizedSvd(engine, A, 4, { seed: 7 });
    expectClose({ dtype: 'float64', shape: [4], data: r.s }, { shape: [4], data: sigma.slice(0, 4), scale: [10, 10, 10, 10] }, 1e-12);
    const exact = svd(A, { k: 4 });
    expectMatrix(r.u, exact.u, 1e-10);
    expectMatrix(r.v, exact.v, 1e-10);
  });

  it('works on float32 input to float32 accuracy and is deterministic for a seed', async () => {
    const { A, sigma } = lowRank(300, 80, 5);
    const A32 = { dtype: 'float32', shape: A.shape, data: Float32Array.from(A.data) } as Tensor;
    const r1 = await randomizedSvd(engine, A32, 3, { seed: 1 });
    const r2 = await randomizedSvd(engine, A32, 3, { seed: 1 });
    expectClose({ dtype: 'float64', shape: [3], data: r1.s }, { shape: [3], data: sigma.slice(0, 3), scale: [10, 10, 10] }, 1e-5);
    expect(Array.from(r2.s)).toEqual(Array.from(r1.s));
    expect(Array.from(r2.u.data)).toEqual(Array.from(r1.u.data));
  });
});
