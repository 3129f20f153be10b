/**
 * Thinning dense traces for print: a line keeps first/min/max/last of the samples in each device
 * pixel column (M4: visually exact for lines at that resolution), scattered markers keep one point
 * per device pixel cell. NaN or null y values are gaps in a line and stay gaps.
 */

/** Indices to keep of a line of `y` over `x`, at `columns` pixel columns across the x extent. */
export function lineIndices(x: ArrayLike<number>, y: ArrayLike<number | null>, columns: number): number[] {
  const n = y.length;
  const [x0, x1] = extent(x);
  const span = x1 - x0 || 1;
  const keep: number[] = [];
  let bucket = NaN;
  let first = -1;
  let last = -1;
  let lo = -1;
  let hi = -1;
  const flush = () => {
    if (first < 0) return;
    const picked = [...new Set([first, lo, hi, last])].sort((a, b) => a - b);
    keep.push(...picked);
    first = -1;
  };
  for (let i = 0; i < n; i++) {
    const v = y[i];
    if (isGap(v) || !Number.isFinite(x[i])) {
      flush();
      // One gap per run of gaps keeps the line broken where the data are.
      const previous = keep[keep.length - 1];
      if (previous !== undefined && !isGap(y[previous]) && Number.isFinite(x[previous])) keep.push(i);
      bucket = NaN;
      continue;
    }
    const b = Math.min(columns - 1, Math.floor(((x[i] - x0) / span) * columns));
    if (b !== bucket) {
      flush();
      bucket = b;
      first = lo = hi = last = i;
      continue;
    }
    last = i;
    if ((v as number) < (y[lo] as number)) lo = i;
    if ((v as number) > (y[hi] as number)) hi = i;
  }
  flush();
  return keep;
}

/** Indices to keep of scattered markers: the first point in each pixel cell of a columns × rows grid. */
export function markerIndices(x: ArrayLike<number>, y: ArrayLike<number | null>, columns: number, rows: number): number[] {
  const [x0, x1] = extent(x);
  const [y0, y1] = extent(y);
  const seen = new Set<number>();
  const keep: number[] = [];
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (v === null || !Number.isFinite(v) || !Number.isFinite(x[i])) continue;
    const cx = Math.min(columns - 1, Math.floor(((x[i] - x0) / (x1 - x0 || 1)) * columns));
    const cy = Math.min(rows - 1, Math.floor(((v - y0) / (y1 - y0 || 1)) * rows));
    const cell = cy * columns + cx;
    if (seen.has(cell)) continue;
    seen.add(cell);
    keep.push(i);
  }
  return keep;
}

function isGap(v: number | null | undefined): boolean {
  return v === null || v === undefined || !Number.isFinite(v);
}

function extent(values: ArrayLike<number | null>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || !Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}
