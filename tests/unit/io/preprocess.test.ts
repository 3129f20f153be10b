/** Preprocessing math against direct (brute-force) computation. */
import { describe, expect, it } from 'vitest';
import { uniforms } from '../helpers.js';
import { deltaFOverF, slidingPercentile, subtractNeuropil, zScore } from '../../../main/io/preprocess.js';

/** numpy.percentile(values, q) (linear interpolation). */
function percentile(values: number[], q: number): number {
  const s = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const pos = (q / 100) * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

describe('sliding percentile baseline', () => {
  it('equals the percentile of each centred window, NaN left out, windows clipped at the ends', () => {
    const r = uniforms(9);
    const trace = Array.from({ length: 300 }, () => Math.round(r() * 50));
    trace[17] = NaN;
    for (const [w, q] of [
      [1, 50],
      [10, 8],
      [31, 20],
      [301, 90],
    ] as const) {
      const got = slidingPercentile(trace, w, q);
      const before = Math.floor(Math.min(w, 300) / 2);
      const after = Math.min(w, 300) - before;
      got.forEach((v, t) => {
        const ref = percentile(trace.slice(Math.max(0, t - before), Math.min(300, t + after)), q);
        if (Number.isNaN(ref)) expect(v).toBeNaN();
        else expect(v).toBeCloseTo(ref, 4);
      });
    }
  });

  it('ΔF/F is (F − F0)/F0 per neuron', () => {
    const r = uniforms(4);
    const n = 3;
    const t = 200;
    const f = Float32Array.from({ length: n * t }, () => 100 + r() * 20);
    const out = deltaFOverF(f, n, t, { window: 40, percentile: 10 });
    for (let i = 0; i < n; i++) {
      const row = Array.from(f.subarray(i * t, (i + 1) * t));
      for (const k of [0, 57, 199]) {
        const f0 = percentile(row.slice(Math.max(0, k - 20), Math.min(t, k + 20)), 10);
        expect(out[i * t + k]).toBeCloseTo((row[k] - f0) / f0, 5);
      }
    }
  });
});

describe('z-score and neuropil', () => {
  it('z-scores each neuron with the population std; a constant trace gives 0', () => {
    const f = Float32Array.from([1, 2, 3, 4, 5, 7, 7, 7, 7, 7]);
    const z = zScore(f, 2, 5);
    const sd = Math.sqrt(2); // population std of 1..5
    expect(Array.from(z.slice(0, 5)).map((v) => +v.toFixed(5))).toEqual([-2, -1, 0, 1, 2].map((v) => +(v / sd).toFixed(5)));
    expect(Array.from(z.slice(5))).toEqual([0, 0, 0, 0, 0]);
  });

  it('subtracts r·Fneu', () => {
    expect(Array.from(subtractNeuropil(Float32Array.from([10, 20]), Float32Array.from([5, 10]), 0.7))).toEqual([Math.fround(6.5), 13]);
  });
});
