/**
 * Agreement between two labellings of the same items: normalised mutual information (arithmetic
 * mean of the entropies, scikit-learn's default) and the adjusted Rand index (Hubert & Arabie 1985).
 * Labels are arbitrary integers; every distinct value is one cluster.
 */
function contingency(a: ArrayLike<number>, b: ArrayLike<number>) {
  if (a.length !== b.length) throw new RangeError(`labellings differ in length (${a.length} vs ${b.length})`);
  const table = new Map<string, number>();
  const rows = new Map<number, number>();
  const cols = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    const key = `${a[i]}|${b[i]}`;
    table.set(key, (table.get(key) ?? 0) + 1);
    rows.set(a[i]!, (rows.get(a[i]!) ?? 0) + 1);
    cols.set(b[i]!, (cols.get(b[i]!) ?? 0) + 1);
  }
  return { table, rows, cols, n: a.length };
}

const entropy = (counts: Iterable<number>, n: number) => {
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / n) * Math.log(c / n);
  return h;
};

export function nmi(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const { table, rows, cols, n } = contingency(a, b);
  const ha = entropy(rows.values(), n);
  const hb = entropy(cols.values(), n);
  if (ha === 0 && hb === 0) return 1;
  let mi = 0;
  for (const [key, c] of table) {
    const [x, y] = key.split('|').map(Number) as [number, number];
    mi += (c / n) * Math.log((c * n) / (rows.get(x)! * cols.get(y)!));
  }
  return mi / ((ha + hb) / 2);
}

export function adjustedRandIndex(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const { table, rows, cols, n } = contingency(a, b);
  const pairs = (m: number) => (m * (m - 1)) / 2;
  let index = 0;
  for (const c of table.values()) index += pairs(c);
  let sa = 0;
  for (const c of rows.values()) sa += pairs(c);
  let sb = 0;
  for (const c of cols.values()) sb += pairs(c);
  const expected = (sa * sb) / pairs(n);
  const max = (sa + sb) / 2;
  return max === expected ? 1 : (index - expected) / (max - expected);
}

/** Published assemblies (1-based cells, one line each) → label per cell, or −1 for none and −2 for several. */
export function publishedLabels(text: string, cells: number): Int32Array {
  const label = new Int32Array(cells).fill(-1);
  text
    .trim()
    .split('\n')
    .forEach((line, a) => {
      for (const cell of line.split(',').map((s) => Number(s.trim()) - 1)) label[cell] = label[cell] === -1 ? a : -2;
    });
  return label;
}
