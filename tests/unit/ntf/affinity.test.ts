/** The affinity stage against direct formulas, plus the properties every affinity must have. */
import { describe, expect, it } from 'vitest';
import { pairIndex, risingPhases, windowStarts, windowedAffinities } from '../../../main/analyses/ntf/affinity.js';
import { pairAt } from '../../../main/analyses/ntf/communities.js';
import { createEngine, type Engine } from '../../../main/compute/index.js';
import { Rng } from '../../../main/util/rng.js';

let enginePromise: Promise<Engine> | null = null;
const engine = () => (enginePromise ??= createEngine({ provider: 'cpu', threads: 1 }));

function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    ab += (a[i]! - ma) * (b[i]! - mb);
    aa += (a[i]! - ma) ** 2;
    bb += (b[i]! - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

/** n traces of `frames`: neuron 1 copies neuron 0 (scaled and offset), neuron 2 mirrors it, neuron 3 is constant, the rest noise. */
function traces(n: number, frames: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const x = new Float32Array(n * frames);
  for (let k = 0; k < x.length; k++) x[k] = rng.normal();
  for (let t = 0; t < frames; t++) {
    x[frames + t] = 3 * x[t]! + 7;
    x[2 * frames + t] = -x[t]!;
    x[3 * frames + t] = 2.5;
  }
  return x;
}

describe('windowed affinities', () => {
  it('windows: starts every step while the window fits', () => {
    expect(windowStarts(10, 4, 3)).toEqual([0, 3, 6]);
    expect(windowStarts(10, 10, 1)).toEqual([0]);
    expect(windowStarts(9, 10, 1)).toEqual([]);
  });

  it('pairs in squareform order, pairAt inverts pairIndex', () => {
    const n = 7;
    const idx = pairIndex(n);
    for (let p = 0; p < idx.length / 2; p++) {
      expect(idx[2 * p]!).toBeLessThan(idx[2 * p + 1]!);
      expect(pairAt(idx[2 * p]!, idx[2 * p + 1]!, n)).toBe(p);
      expect(pairAt(idx[2 * p + 1]!, idx[2 * p]!, n)).toBe(p);
    }
    expect(Array.from(idx.slice(0, 4))).toEqual([0, 1, 0, 2]);
  });

  it('pearson: max(0, r) of each window, 1 for an affine copy, 0 for a mirror or a constant trace', async () => {
    const n = 6;
    const frames = 300;
    const x = traces(n, frames, 1);
    const starts = windowStarts(frames, 80, 50);
    const a = await windowedAffinities(await engine(), x, n, frames, starts, { kind: 'pearson', window: 80, step: 50, riseThreshold: 2 });
    const W = starts.length;
    const idx = pairIndex(n);
    for (let p = 0; p < idx.length / 2; p++) {
      const [i, j] = [idx[2 * p]!, idx[2 * p + 1]!];
      starts.forEach((s, w) => {
        const v = a[p * W + w]!;
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
        if (i === 3 || j === 3) expect(v).toBe(0);
        else
          expect(v).toBeCloseTo(
            Math.max(0, pearson(x.subarray(i * frames + s, i * frames + s + 80), x.subarray(j * frames + s, j * frames + s + 80))),
            6,
          );
      });
    }
    for (let w = 0; w < W; w++) {
      expect(a[pairAt(0, 1, n) * W + w]).toBeCloseTo(1, 6);
      expect(a[pairAt(0, 2, n) * W + w]).toBe(0);
    }
  });

  it('coactivation: cosine of supra-threshold rises in the window; 1 for an affine copy, 0 without rises', async () => {
    const n = 5;
    const frames = 400;
    const x = traces(n, frames, 2);
    const spec = { kind: 'coactivation' as const, window: 100, step: 100, riseThreshold: 1 };
    const starts = windowStarts(frames, 100, 100);
    const a = await windowedAffinities(await engine(), x, n, frames, starts, spec);
    const s = risingPhases(x, n, frames, 1);
    const L = frames - 1;
    // Direct formula for one pair and window, with the threshold from the definition.
    const d = Array.from({ length: L }, (_, t) => x[4 * frames + t + 1]! - x[4 * frames + t]!);
    const sorted = [...d].sort((p, q) => p - q);
    const med = (v: number[]) => (v.length % 2 ? v[v.length >> 1]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2);
    const m = med(sorted);
    const mad = med(d.map((v) => Math.abs(v - m)).sort((p, q) => p - q));
    for (let t = 0; t < L; t++) expect(s[4 * L + t]).toBeCloseTo(d[t]! > 1.4826 * mad ? d[t]! : 0, 5);
    const w = 2;
    const seg = (i: number) => s.subarray(i * L + starts[w]!, i * L + starts[w]! + 99);
    let dot = 0;
    let n0 = 0;
    let n4 = 0;
    for (let t = 0; t < 99; t++) {
      dot += seg(0)[t]! * seg(4)[t]!;
      n0 += seg(0)[t]! ** 2;
      n4 += seg(4)[t]! ** 2;
    }
    const W = starts.length;
    expect(a[pairAt(0, 4, n) * W + w]).toBeCloseTo(dot / Math.sqrt(n0 * n4), 6);
    for (let v = 0; v < W; v++) {
      expect(a[pairAt(0, 1, n) * W + v]).toBeCloseTo(1, 6);
      expect(a[pairAt(0, 3, n) * W + v]).toBe(0);
      // A mirror rises exactly when the original falls: disjoint supports.
      expect(a[pairAt(0, 2, n) * W + v]).toBe(0);
    }
  });
});
