/**
 * Small dense linear algebra in float64 for K×K up to about a thousand square (Newton steps,
 * Jacobian spectra, SVD initialisations). Eigen-decompositions, SVD and LU come from ml-matrix (MIT,
 * ports of JAMA/EISPACK: tred2/tql2, orthes/hqr2, Golub–Kahan SVD, partial-pivot LU), accurate to a
 * few ulps of the matrix norm. Cholesky is written here because it must read only the lower triangle,
 * as LAPACK's potrf does: Hessians computed by matmul are symmetric only up to rounding.
 * Inputs may be float32 or float64 tensors; results are float64.
 */
import { EigenvalueDecomposition, LuDecomposition, Matrix, SingularValueDecomposition } from 'ml-matrix';
import { LinalgError, ShapeError, formatShape } from './errors.js';
import type { Tensor } from './tensor.js';

export type Matrix64 = Tensor<'float64'>;

function dims(a: Tensor, what: string): [number, number] {
  if (a.shape.length !== 2) throw new ShapeError(`${what} needs a matrix, got shape ${formatShape(a.shape)}`, [a.shape]);
  return a.shape as [number, number];
}

function square(a: Tensor, what: string): number {
  const [m, n] = dims(a, what);
  if (m !== n) throw new ShapeError(`${what} needs a square matrix, got shape ${formatShape(a.shape)}`, [a.shape]);
  if (n === 0) throw new ShapeError(`${what} needs a non-empty matrix`, [a.shape]);
  return n;
}

function toMatrix(a: Tensor): Matrix {
  const [m, n] = a.shape as [number, number];
  return Matrix.from1DArray(m, n, Float64Array.from(a.data));
}

function fromMatrix(m: Matrix): Matrix64 {
  const out = new Float64Array(m.rows * m.columns);
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < m.columns; j++) out[i * m.columns + j] = m.get(i, j);
  }
  return { dtype: 'float64', shape: [m.rows, m.columns], data: out };
}

function matrix64(rows: number, cols: number): Matrix64 {
  return { dtype: 'float64', shape: [rows, cols], data: new Float64Array(rows * cols) };
}

/** Right-hand sides as a matrix: a vector b becomes one column. */
function rhs(b: Tensor, n: number, what: string): { cols: number; data: Float64Array } {
  const ok = (b.shape.length === 1 && b.shape[0] === n) || (b.shape.length === 2 && b.shape[0] === n);
  if (!ok) throw new ShapeError(`${what}: right-hand side ${formatShape(b.shape)} does not fit a ${n}×${n} matrix`, [[n, n], b.shape]);
  return { cols: b.shape.length === 1 ? 1 : b.shape[1]!, data: Float64Array.from(b.data) };
}

/** Lower-triangular L with A = L Lᵀ, from A's lower triangle; LinalgError when A is not positive definite. */
export function cholesky(a: Tensor): Matrix64 {
  const n = square(a, 'cholesky');
  const A = a.data;
  const L = matrix64(n, n);
  const l = L.data;
  for (let j = 0; j < n; j++) {
    let d = A[j * n + j]!;
    for (let k = 0; k < j; k++) d -= l[j * n + k]! * l[j * n + k]!;
    if (!(d > 0)) throw new LinalgError(`cholesky: the matrix is not positive definite (pivot ${j} is ${d})`);
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = A[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = s / ljj;
    }
  }
  return L;
}

/** Solves A X = B for symmetric positive definite A (lower triangle read); B is a vector or a matrix of columns. */
export function choleskySolve(a: Tensor, b: Tensor): Matrix64 {
  const n = square(a, 'choleskySolve');
  const { cols, data: x } = rhs(b, n, 'choleskySolve');
  const l = cholesky(a).data;
  for (let c = 0; c < cols; c++) {
    for (let i = 0; i < n; i++) {
      let s = x[i * cols + c]!;
      for (let k = 0; k < i; k++) s -= l[i * n + k]! * x[k * cols + c]!;
      x[i * cols + c] = s / l[i * n + i]!;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = x[i * cols + c]!;
      for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * x[k * cols + c]!;
      x[i * cols + c] = s / l[i * n + i]!;
    }
  }
  return { dtype: 'float64', shape: b.shape.length === 1 ? [n] : [n, cols], data: x } as Matrix64;
}

function luOf(a: Tensor, what: string): LuDecomposition {
  const n = square(a, what);
  const lu = new LuDecomposition(toMatrix(a));
  // A pivot below n·ε of the largest is zero at working precision: the "inverse" would be noise.
  const U = lu.upperTriangularMatrix;
  let maxPivot = 0;
  let minPivot = Infinity;
  for (let i = 0; i < n; i++) {
    const p = Math.abs(U.get(i, i));
    maxPivot = Math.max(maxPivot, p);
    minPivot = Math.min(minPivot, p);
  }
  if (!(minPivot > n * Number.EPSILON * maxPivot)) throw new LinalgError(`${what}: the matrix is singular to working precision`);
  return lu;
}

/** Solves A X = B by LU with partial pivoting. */
export function solve(a: Tensor, b: Tensor): Matrix64 {
  const n = square(a, 'solve');
  const { cols, data } = rhs(b, n, 'solve');
  const x = fromMatrix(luOf(a, 'solve').solve(Matrix.from1DArray(n, cols, data)));
  return b.shape.length === 1 ? { ...x, shape: [n] } : x;
}

export function inverse(a: Tensor): Matrix64 {
  const n = square(a, 'inverse');
  return fromMatrix(luOf(a, 'inverse').solve(Matrix.eye(n, n)));
}

export interface SymmetricEigen {
  /** Ascending. */
  values: Float64Array;
  /** Orthonormal eigenvectors as columns, each signed so its largest-magnitude entry is positive. */
  vectors: Matrix64;
}

/** Eigen-decomposition of a symmetric matrix (asymmetry beyond rounding is an error; the mean of A and Aᵀ is used). */
export function eigh(a: Tensor): SymmetricEigen {
  const n = square(a, 'eigh');
  const sym = toMatrix(a);
  let scale = 0;
  let asym = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const x = sym.get(i, j);
      const y = sym.get(j, i);
      scale = Math.max(scale, Math.abs(x), Math.abs(y));
      asym = Math.max(asym, Math.abs(x - y));
      sym.set(i, j, (x + y) / 2);
      sym.set(j, i, (x + y) / 2);
    }
    scale = Math.max(scale, Math.abs(sym.get(i, i)));
  }
  if (asym > 1e-10 * scale) throw new LinalgError(`eigh: the matrix is not symmetric (largest |A − Aᵀ| is ${asym}); use eig`);
  const evd = new EigenvalueDecomposition(sym, { assumeSymmetric: true });
  const order = evd.realEigenvalues.map((v, i) => [v, i] as const).sort((p, q) => p[0] - q[0]);
  const V = evd.eigenvectorMatrix;
  const vectors = matrix64(n, n);
  order.forEach(([, src], dst) => {
    const sign = dominantSign((i) => V.get(i, src), n);
    for (let i = 0; i < n; i++) vectors.data[i * n + dst] = sign * V.get(i, src);
  });
  return { values: Float64Array.from(order, ([v]) => v), vectors };
}

export interface GeneralEigen {
  /** Real and imaginary parts of the eigenvalues, by decreasing modulus; conjugate pairs adjacent, +imaginary first. */
  re: Float64Array;
  im: Float64Array;
  /** Eigenvectors as columns (real and imaginary parts), each of unit 2-norm: A v = λ v. */
  vectorsRe: Matrix64;
  vectorsIm: Matrix64;
}

/** Eigenvalues and eigenvectors of a general real matrix (complex pairs included). */
export function eig(a: Tensor): GeneralEigen {
  const n = square(a, 'eig');
  const evd = new EigenvalueDecomposition(toMatrix(a));
  const wr = evd.realEigenvalues;
  const wi = evd.imaginaryEigenvalues;
  const V = evd.eigenvectorMatrix;
  // hqr2 stores a conjugate pair λ = wr ± i·wi in two columns: v = V[:, j] ± i·V[:, j + 1].
  const cols: { re: number; im: number; vr: Float64Array; vi: Float64Array }[] = [];
  for (let j = 0; j < n; j++) {
    const vr = new Float64Array(n);
    const vi = new Float64Array(n);
    if (wi[j] === 0) {
      for (let i = 0; i < n; i++) vr[i] = V.get(i, j);
    } else {
      const first = wi[j]! > 0 ? j : j - 1;
      const conj = j === first ? 1 : -1;
      for (let i = 0; i < n; i++) {
        vr[i] = V.get(i, first);
        vi[i] = conj * V.get(i, first + 1);
      }
    }
    normalizeComplex(vr, vi);
    cols.push({ re: wr[j]!, im: wi[j]!, vr, vi });
  }
  cols.sort((p, q) => Math.hypot(q.re, q.im) - Math.hypot(p.re, p.im) || q.re - p.re || q.im - p.im);
  const out: GeneralEigen = { re: new Float64Array(n), im: new Float64Array(n), vectorsRe: matrix64(n, n), vectorsIm: matrix64(n, n) };
  cols.forEach((c, j) => {
    out.re[j] = c.re;
    out.im[j] = c.im;
    for (let i = 0; i < n; i++) {
      out.vectorsRe.data[i * n + j] = c.vr[i]!;
      out.vectorsIm.data[i * n + j] = c.vi[i]!;
    }
  });
  return out;
}

/** Unit 2-norm, and the phase turned so the largest-modulus entry is real and positive. */
function normalizeComplex(vr: Float64Array, vi: Float64Array): void {
  let big = 0;
  let norm2 = 0;
  for (let i = 0; i < vr.length; i++) {
    const m2 = vr[i]! * vr[i]! + vi[i]! * vi[i]!;
    norm2 += m2;
    if (m2 > vr[big]! * vr[big]! + vi[big]! * vi[big]!) big = i;
  }
  const mod = Math.hypot(vr[big]!, vi[big]!);
  if (mod === 0) return;
  // Multiply by conj(v_big)/|v_big| / ‖v‖.
  const cr = vr[big]! / mod / Math.sqrt(norm2);
  const ci = -vi[big]! / mod / Math.sqrt(norm2);
  for (let i = 0; i < vr.length; i++) {
    const r = vr[i]!;
    const m = vi[i]!;
    vr[i] = r * cr - m * ci;
    vi[i] = r * ci + m * cr;
  }
  vi[big] = 0;
}

function dominantSign(get: (i: number) => number, n: number): 1 | -1 {
  let big = 0;
  for (let i = 1; i < n; i++) if (Math.abs(get(i)) > Math.abs(get(big))) big = i;
  return get(big) < 0 ? -1 : 1;
}

export interface Svd {
  /** m×p left singular vectors (p = k, or min(m, n)). */
  u: Matrix64;
  /** p singular values, decreasing. */
  s: Float64Array;
  /** n×p right singular vectors; each pair signed so u's largest-magnitude entry is positive. */
  v: Matrix64;
}

export interface SvdOptions {
  /** Keep only the k largest singular triplets. */
  k?: number;
}

/** Thin SVD A = U diag(s) Vᵀ, truncated to k when asked. For large matrices see randomizedSvd. */
export function svd(a: Tensor, opts: SvdOptions = {}): Svd {
  const [m, n] = dims(a, 'svd');
  const full = Math.min(m, n);
  const p = opts.k ?? full;
  if (!Number.isInteger(p) || p < 1 || p > full) throw new RangeError(`svd: k must be an integer in [1, ${full}], got ${opts.k}`);
  const dec = new SingularValueDecomposition(toMatrix(a), { autoTranspose: true });
  const U = dec.leftSingularVectors;
  const V = dec.rightSingularVectors;
  const out: Svd = { u: matrix64(m, p), s: Float64Array.from(dec.diagonal.slice(0, p)), v: matrix64(n, p) };
  for (let j = 0; j < p; j++) {
    const sign = dominantSign((i) => U.get(i, j), m);
    for (let i = 0; i < m; i++) out.u.data[i * p + j] = sign * U.get(i, j);
    for (let i = 0; i < n; i++) out.v.data[i * p + j] = sign * V.get(i, j);
  }
  return out;
}
