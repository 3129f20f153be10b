/**
 * Factor congruence between two CP models (Tomasi & Bro's score, as tensortools' kruskal_align):
 * for components r, s the product over modes of the cosines between their factor columns; components
 * are paired by the assignment that maximises the total (Hungarian algorithm), and the score is the
 * mean over the pairs. 1 means the same factors up to scaling and order.
 */

/**
 * Cosine products of every component pair: factors given per mode as R × n loading rows.
 * `modes` restricts the product (a fixed mode would count as a perfect match).
 */
export function congruenceMatrix(
  a: readonly Float64Array[],
  b: readonly Float64Array[],
  rankA: number,
  rankB: number,
  modes: readonly number[] = a.map((_, m) => m),
): Float64Array {
  const c = new Float64Array(rankA * rankB).fill(1);
  for (const m of modes) {
    const n = a[m]!.length / rankA;
    for (let r = 0; r < rankA; r++) {
      for (let s = 0; s < rankB; s++) {
        let ab = 0;
        let aa = 0;
        let bb = 0;
        for (let i = 0; i < n; i++) {
          const x = a[m]![r * n + i]!;
          const y = b[m]![s * n + i]!;
          ab += x * y;
          aa += x * x;
          bb += y * y;
        }
        c[r * rankB + s]! *= aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
      }
    }
  }
  return c;
}

/** Mean congruence of the best pairing, and the pairing (component of a → component of b). */
export function congruence(
  a: readonly Float64Array[],
  b: readonly Float64Array[],
  rank: number,
  modes?: readonly number[],
): { score: number; perComponent: number[]; assignment: number[] } {
  const c = congruenceMatrix(a, b, rank, rank, modes);
  const assignment = maxAssignment(c, rank);
  const perComponent = assignment.map((s, r) => c[r * rank + s]!);
  return { score: perComponent.reduce((x, y) => x + y, 0) / rank, perComponent, assignment };
}

/**
 * Assignment maximising Σ w[r, assignment[r]] for a square n × n matrix: the Hungarian algorithm with
 * potentials (Kuhn–Munkres, O(n³)) on costs −w.
 */
export function maxAssignment(w: Float64Array, n: number): number[] {
  const u = new Float64Array(n + 1);
  const v = new Float64Array(n + 1);
  const match = new Int32Array(n + 1); // column → row (1-based, 0 = free)
  const way = new Int32Array(n + 1);
  for (let row = 1; row <= n; row++) {
    match[0] = row;
    let col0 = 0;
    const minv = new Float64Array(n + 1).fill(Infinity);
    const used = new Uint8Array(n + 1);
    do {
      used[col0] = 1;
      const r0 = match[col0]!;
      let delta = Infinity;
      let col1 = 0;
      for (let col = 1; col <= n; col++) {
        if (used[col]) continue;
        const cur = -w[(r0 - 1) * n + (col - 1)]! - u[r0]! - v[col]!;
        if (cur < minv[col]!) {
          minv[col] = cur;
          way[col] = col0;
        }
        if (minv[col]! < delta) {
          delta = minv[col]!;
          col1 = col;
        }
      }
      for (let col = 0; col <= n; col++) {
        if (used[col]) {
          u[match[col]!]! += delta;
          v[col]! -= delta;
        } else minv[col]! -= delta;
      }
      col0 = col1;
    } while (match[col0] !== 0);
    do {
      const col1 = way[col0]!;
      match[col0] = match[col1]!;
      col0 = col1;
    } while (col0 !== 0);
  }
  const out = new Array<number>(n).fill(-1);
  for (let col = 1; col <= n; col++) if (match[col]! > 0) out[match[col]! - 1] = col - 1;
  return out;
}
