/**
 * Shape rules shared by build time (symbolic dims: a mismatch is reported only when provable) and run
 * time (every dim a number: every mismatch is reported). Each returns undefined on a conflict so the
 * caller can name the operation and both shapes in its ShapeError.
 */
import { type Dim, ShapeError, formatShape } from './errors.js';

export type Shape = readonly Dim[];

/** The dim two equal-sized dims share. */
export function unifyDim(a: Dim, b: Dim): Dim | undefined {
  if (a === b) return a;
  if (a === null) return b;
  if (b === null) return a;
  if (typeof a === 'number' && typeof b === 'number') return undefined;
  if (typeof a === 'number') return a;
  if (typeof b === 'number') return b;
  return null;
}

/** NumPy broadcasting of one pair of dims. */
export function broadcastDim(a: Dim, b: Dim): Dim | undefined {
  if (a === b) return a;
  if (a === 1) return b;
  if (b === 1) return a;
  if (typeof a === 'number' && typeof b === 'number') return undefined;
  if (typeof a === 'number') return a;
  if (typeof b === 'number') return b;
  return null;
}

export function broadcastShapes(shapes: readonly Shape[]): Shape | undefined {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: Dim[] = [];
  for (let k = 0; k < rank; k++) {
    let d: Dim | undefined = 1;
    for (const s of shapes) {
      const j = s.length - rank + k;
      if (j < 0) continue;
      d = broadcastDim(d, s[j]!);
      if (d === undefined) return undefined;
    }
    out.push(d);
  }
  return out;
}

/** An axis in [-rank, rank) as a non-negative index. */
export function normalizeAxis(axis: number, rank: number, op: string, shape: Shape): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new ShapeError(`${op}: axis ${axis} is out of range for shape ${formatShape(shape)}`, [shape]);
  }
  return axis < 0 ? axis + rank : axis;
}

export function normalizeAxes(axes: readonly number[], rank: number, op: string, shape: Shape): number[] {
  const out = axes.map((a) => normalizeAxis(a, rank, op, shape));
  if (new Set(out).size !== out.length) throw new ShapeError(`${op}: repeated axis in [${axes.join(', ')}]`, [shape]);
  return out.sort((a, b) => a - b);
}

export function product(dims: readonly Dim[]): Dim {
  let p = 1;
  for (const d of dims) {
    if (typeof d !== 'number') return null;
    p *= d;
  }
  return p;
}
