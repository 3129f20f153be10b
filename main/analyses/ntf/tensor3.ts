/** A dense 3-way tensor in float64, row-major: X[i, j, k] at (i·J + j)·K + k. */
export interface Tensor3 {
  shape: [number, number, number];
  data: Float64Array;
}

export function squaredNorm(data: Float64Array): number {
  let s = 0;
  for (let i = 0; i < data.length; i++) s += data[i]! * data[i]!;
  return s;
}
