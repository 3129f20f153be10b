/**
 * Tensors the engine computes on: float32 or float64, row-major, shape as a plain array. They are the
 * shared NdArray shape so they cross worker and IPC boundaries without conversion.
 */
import type { NdArray } from '../../shared/domain/ndarray.js';
import { sizeOf } from '../../shared/domain/ndarray.js';
import { DTypeError, NonFiniteError, ShapeError, formatShape } from './errors.js';

export type FloatDType = 'float32' | 'float64';
export type FloatArray = Float32Array | Float64Array;
export type ArrayOf<D extends FloatDType> = D extends 'float32' ? Float32Array : Float64Array;

export interface Tensor<D extends FloatDType = FloatDType> extends NdArray<ArrayOf<D>> {
  dtype: D;
}

export function floatDTypeOf(data: FloatArray): FloatDType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  throw new DTypeError('the engine computes on Float32Array or Float64Array data');
}

/** Wraps data (no copy) as a tensor; a missing shape means a vector. */
export function tensor(data: Float32Array, shape?: readonly number[]): Tensor<'float32'>;
export function tensor(data: Float64Array, shape?: readonly number[]): Tensor<'float64'>;
export function tensor(data: FloatArray, shape?: readonly number[]): Tensor;
export function tensor(data: FloatArray, shape: readonly number[] = [data.length]): Tensor {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new ShapeError(`invalid shape ${formatShape(shape)}`, [shape]);
  }
  if (sizeOf(shape) !== data.length) {
    throw new ShapeError(`shape ${formatShape(shape)} holds ${sizeOf(shape)} values but the data has ${data.length}`, [shape]);
  }
  return { dtype: floatDTypeOf(data), shape: [...shape], data } as Tensor;
}

export function arrayOf<D extends FloatDType>(dtype: D, length: number): ArrayOf<D> {
  return (dtype === 'float32' ? new Float32Array(length) : new Float64Array(length)) as ArrayOf<D>;
}

export function zeros<D extends FloatDType>(dtype: D, shape: readonly number[]): Tensor<D> {
  return tensor(arrayOf(dtype, sizeOf(shape)), shape) as Tensor<D>;
}

/** A matrix from rows of numbers (tests, small constants). */
export function fromRows<D extends FloatDType = 'float64'>(rows: readonly (readonly number[])[], dtype: D = 'float64' as D): Tensor<D> {
  const m = rows.length;
  const n = m === 0 ? 0 : rows[0]!.length;
  const out = zeros(dtype, [m, n]);
  rows.forEach((row, i) => {
    if (row.length !== n) throw new ShapeError(`row ${i} has ${row.length} values, row 0 has ${n}`, [[m, n]]);
    out.data.set(row, i * n);
  });
  return out;
}

export function toRows(t: Tensor): number[][] {
  if (t.shape.length !== 2) throw new ShapeError(`toRows needs a matrix, got shape ${formatShape(t.shape)}`, [t.shape]);
  const [m, n] = t.shape as [number, number];
  return Array.from({ length: m }, (_, i) => Array.from(t.data.subarray(i * n, (i + 1) * n)));
}

/** Number of NaN and ±Inf values. */
export function countNonFinite(t: NdArray<FloatArray>): { count: number; firstIndex: number } {
  const d = t.data;
  let count = 0;
  let firstIndex = -1;
  for (let i = 0; i < d.length; i++) {
    // x - x is 0 for every finite x and NaN for NaN and ±Inf: one subtraction instead of two tests.
    if (d[i]! - d[i]! !== 0) {
      if (count === 0) firstIndex = i;
      count++;
    }
  }
  return { count, firstIndex };
}

/** Throws NonFiniteError naming `what`, how many values are bad and where the first one is. */
export function assertFinite(t: NdArray<FloatArray>, what: string): void {
  const { count, firstIndex } = countNonFinite(t);
  if (count === 0) return;
  const at = unravel(firstIndex, t.shape);
  throw new NonFiniteError(
    `${what} has ${count} non-finite value${count === 1 ? '' : 's'} (first at [${at.join(', ')}]: ${t.data[firstIndex]})`,
    count,
    firstIndex,
  );
}

function unravel(index: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  for (let k = shape.length - 1; k >= 0; k--) {
    out[k] = index % shape[k]!;
    index = Math.floor(index / shape[k]!);
  }
  return out;
}
