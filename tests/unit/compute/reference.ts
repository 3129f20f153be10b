/** Straightforward JS references and helpers the engine tests compare against (float64 throughout). */
import { expect } from 'vitest';
import type { FloatDType, Tensor } from '../../../main/compute/tensor.js';

export function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function rand(dtype: FloatDType, shape: readonly number[], seed: number, lo = -1, hi = 1): Tensor {
  const r = rng(seed);
  const n = size(shape);
  const data = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = lo + (hi - lo) * r();
  return { dtype, shape: [...shape], data } as Tensor;
}

export function t64(data: readonly number[], shape: readonly number[] = [data.length]): Tensor<'float64'> {
  return { dtype: 'float64', shape: [...shape], data: Float64Array.from(data) };
}

export function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let k = shape.length - 1; k >= 0; k--) {
    s[k] = acc;
    acc *= shape[k]!;
  }
  return s;
}

/** Calls f with every multi-index of shape, in row-major order. */
export function forEachIndex(shape: readonly number[], f: (idx: number[], flat: number) => void): void {
  const n = size(shape);
  const idx = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < n; flat++) {
    f(idx, flat);
    for (let k = shape.length - 1; k >= 0; k--) {
      if (++idx[k]! < shape[k]!) break;
      idx[k] = 0;
    }
  }
}

export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const r = Math.max(a.length, b.length);
  return Array.from({ length: r }, (_, k) => {
    const x = a[a.length - r + k] ?? 1;
    const y = b[b.length - r + k] ?? 1;
    return x === 1 ? y : x;
  });
}

/** Value of t at a broadcast index of the output shape. */
function atBroadcast(t: { shape: readonly number[]; data: ArrayLike<number> }, idx: readonly number[]): number {
  const st = strides(t.shape);
  let off = 0;
  const shift = idx.length - t.shape.length;
  for (let k = 0; k < t.shape.length; k++) off += (t.shape[k] === 1 ? 0 : idx[k + shift]!) * st[k]!;
  return t.data[off]!;
}

export function refBinary(a: Tensor, b: Tensor, f: (x: number, y: number) => number): { shape: number[]; data: Float64Array } {
  const shape = broadcastShape(a.shape, b.shape);
  const data = new Float64Array(size(shape));
  forEachIndex(shape, (idx, i) => (data[i] = f(atBroadcast(a, idx), atBroadcast(b, idx))));
  return { shape, data };
}

export function refMatmul(a: Tensor, b: Tensor, transA = false, transB = false): { shape: number[]; data: Float64Array; scale: Float64Array } {
  const swap = (t: Tensor) => {
    const r = t.shape.length;
    const shape = [...t.shape.slice(0, -2), t.shape[r - 1]!, t.shape[r - 2]!];
    const data = new Float64Array(t.data.length);
    const st = strides(t.shape);
    forEachIndex(shape, (idx, i) => {
      const src = [...idx.slice(0, -2), idx[r - 1]!, idx[r - 2]!];
      data[i] = t.data[src.reduce((o, v, k) => o + v * st[k]!, 0)]!;
    });
    return { shape, data };
  };
  const A = transA ? swap(a) : { shape: a.shape.length === 1 ? [1, a.shape[0]!] : [...a.shape], data: a.data };
  const B = transB ? swap(b) : { shape: b.shape.length === 1 ? [b.shape[0]!, 1] : [...b.shape], data: b.data };
  const m = A.shape[A.shape.length - 2]!;
  const kk = A.shape[A.shape.length - 1]!;
  const n = B.shape[B.shape.length - 1]!;
  const batch = broadcastShape(A.shape.slice(0, -2), B.shape.slice(0, -2));
  const outShape = [...batch, m, n];
  const data = new Float64Array(size(outShape));
  const scale = new Float64Array(size(outShape));
  const sa = strides(A.shape);
  const sb = strides(B.shape);
  const off = (shape: readonly number[], st: number[], bidx: readonly number[]) => {
    const shift = bidx.length - (shape.length - 2);
    let o = 0;
    for (let k = 0; k < shape.length - 2; k++) o += (shape[k] === 1 ? 0 : bidx[k + shift]!) * st[k]!;
    return o;
  };
  forEachIndex(outShape, (idx, i) => {
    const bidx = idx.slice(0, -2);
    const [r, c] = idx.slice(-2) as [number, number];
    const oa = off(A.shape, sa, bidx);
    const ob = off(B.shape, sb, bidx);
    let s = 0;
    let abs = 0;
    for (let p = 0; p < kk; p++) {
      const x = A.data[oa + r * kk + p]! * B.data[ob + p * n + c]!;
      s += x;
      abs += Math.abs(x);
    }
    data[i] = s;
    scale[i] = abs;
  });
  const shape = [...batch, ...(a.shape.length === 1 ? [] : [m]), ...(b.shape.length === 1 ? [] : [n])];
  return { shape, data, scale };
}

/** Einsum by summing over every assignment of the letters. */
export function refEinsum(equation: string, ...ts: Tensor[]): { shape: number[]; data: Float64Array; scale: Float64Array } {
  const [lhs, out] = equation.split('->') as [string, string];
  const terms = lhs.split(',');
  const sizes = new Map<string, number>();
  terms.forEach((term, k) => [...term].forEach((c, j) => sizes.set(c, ts[k]!.shape[j]!)));
  const letters = [...sizes.keys()];
  const shape = [...out].map((c) => sizes.get(c)!);
  const data = new Float64Array(size(shape));
  const scale = new Float64Array(size(shape));
  const outStrides = strides(shape);
  const tStrides = ts.map((t) => strides(t.shape));
  forEachIndex(
    letters.map((c) => sizes.get(c)!),
    (idx) => {
      const val = new Map(letters.map((c, k) => [c, idx[k]!]));
      let p = 1;
      terms.forEach((term, k) => {
        p *= ts[k]!.data[[...term].reduce((o, c, j) => o + val.get(c)! * tStrides[k]![j]!, 0)]!;
      });
      const o = [...out].reduce((acc, c, j) => acc + val.get(c)! * outStrides[j]!, 0);
      data[o] = data[o]! + p;
      scale[o] = scale[o]! + Math.abs(p);
    },
  );
  return { shape, data, scale };
}

export function refReduce(
  t: Tensor,
  axes: readonly number[] | undefined,
  keepDims: boolean,
  init: number,
  step: (acc: number, x: number) => number,
  finish: (acc: number, count: number) => number = (a) => a,
): { shape: number[]; data: Float64Array } {
  const r = t.shape.length;
  const ks = (axes ?? t.shape.map((_, k) => k)).map((a) => (a < 0 ? a + r : a));
  const keptShape = t.shape.map((d, k) => (ks.includes(k) ? 1 : d));
  const acc = new Float64Array(size(keptShape)).fill(init);
  const count = size(t.shape) / size(keptShape);
  const ks2 = strides(keptShape);
  forEachIndex(t.shape, (idx, i) => {
    const o = idx.reduce((s, v, k) => s + (ks.includes(k) ? 0 : v * ks2[k]!), 0);
    acc[o] = step(acc[o]!, t.data[i]!);
  });
  const data = acc.map((a) => finish(a, count));
  return { shape: keepDims ? keptShape : t.shape.filter((_, k) => !ks.includes(k)), data };
}

/**
 * |actual − expected| ≤ rtol·max(|expected|, scale) element-wise, where scale is the magnitude the
 * result was computed from (Σ|terms| for sums and products), so cancellation is not mistaken for error.
 */
export function expectClose(actual: Tensor, expected: { shape: readonly number[]; data: ArrayLike<number>; scale?: ArrayLike<number> }, rtol: number): void {
  expect(actual.shape).toEqual([...expected.shape]);
  expect(actual.data.length).toBe(expected.data.length);
  let worst = -1;
  let worstRatio = 0;
  for (let i = 0; i < actual.data.length; i++) {
    const a = actual.data[i]!;
    const e = expected.data[i]!;
    if (Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e))) continue;
    const tol = rtol * Math.max(Math.abs(e), expected.scale?.[i] ?? 0);
    const ratio = Math.abs(a - e) / tol;
    if (!(ratio <= 1) && !(ratio <= worstRatio)) {
      worst = i;
      worstRatio = ratio;
    }
  }
  if (worst >= 0) {
    expect.fail(`entry ${worst}: got ${actual.data[worst]}, expected ${expected.data[worst]} (error ${worstRatio.toFixed(2)}× the tolerance ${rtol})`);
  }
}

export const TOL: Record<FloatDType, number> = { float64: 1e-12, float32: 1e-5 };
