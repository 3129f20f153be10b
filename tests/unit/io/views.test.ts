/** Decimated views, the view pyramid and spike binning against direct computation. */
import { describe, expect, it } from 'vitest';
import { uniforms } from '../helpers.js';
import type { Range, Recording } from '../../../main/io/types.js';
import { binSpikes, columnEdges, decimate, TraceViews } from '../../../main/io/views.js';

function randomBlock(n: number, t: number, seed: number): Float32Array {
  const r = uniforms(seed);
  const m = new Float32Array(n * t);
  for (let k = 0; k < m.length; k++) m[k] = r() * 2 - 1;
  return m;
}

/** The reference: each column's frames taken directly, by the same edge rule. */
function direct(block: Float32Array, n: number, t: number, f0: number, f1: number, width: number) {
  const span = f1 - f0;
  const cols = Math.min(span, width);
  const min: number[] = [];
  const max: number[] = [];
  const mean: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < cols; j++) {
      const a = f0 + Math.floor((j * span) / cols);
      const b = f0 + Math.floor(((j + 1) * span) / cols);
      const vals = Array.from(block.subarray(i * t + a, i * t + b)).filter((v) => !Number.isNaN(v));
      min.push(vals.length ? Math.min(...vals) : NaN);
      max.push(vals.length ? Math.max(...vals) : NaN);
      mean.push(vals.length ? vals.reduce((s, v) => s + v, 0) / vals.length : NaN);
    }
  }
  return { min, max, mean, cols };
}

function memoryRecording(block: Float32Array, n: number, t: number, layout: 'neurons-first' | 'time-first'): Recording & { reads: number } {
  const rec = {
    reads: 0,
    layout,
    meta: {
      source: { path: 'mem', format: 'test', object: '' },
      nNeurons: n,
      nFrames: t,
      timeBase: { kind: 'rate' as const, rate: 1, start: 0 },
      hasRois: false,
      hasSpikes: false,
    },
    async readTraces(neurons: Range, frames: Range) {
      rec.reads++;
      const out = new Float32Array((neurons[1] - neurons[0]) * (frames[1] - frames[0]));
      for (let i = neurons[0]; i < neurons[1]; i++)
        out.set(block.subarray(i * t + frames[0], i * t + frames[1]), (i - neurons[0]) * (frames[1] - frames[0]));
      return out;
    },
    async close() {},
  };
  return rec;
}

describe('decimate', () => {
  it('gives each column the min, max and mean of its frames, skipping NaN', () => {
    const n = 3;
    const t = 1003;
    const block = randomBlock(n, t, 7);
    block[5] = NaN;
    block[t + 17] = 50; // a one-frame transient
    for (const width of [1, 7, 100, 1003, 5000]) {
      const got = decimate(block, n, t, width);
      const ref = direct(block, n, t, 0, t, width);
      expect(got.columns).toBe(ref.cols);
      expect(Array.from(got.min)).toEqual(ref.min.map(Math.fround));
      expect(Array.from(got.max)).toEqual(ref.max.map(Math.fround));
      got.mean.forEach((v, k) => (Number.isNaN(ref.mean[k]) ? expect(v).toBeNaN() : expect(v).toBeCloseTo(ref.mean[k], 5)));
    }
    expect(Math.max(...decimate(block, n, t, 10).max)).toBe(50);
  });

  it('marks a column without finite values as NaN and gives edges covering the window', () => {
    const block = Float32Array.from([NaN, NaN, 1, 2]);
    const d = decimate(block, 1, 4, 2);
    expect(Array.from(d.min)).toEqual([NaN, 1]);
    expect(Array.from(columnEdges(10, 3))).toEqual([0, 3, 6, 10]);
  });
});

describe('TraceViews (pyramid)', () => {
  for (const layout of ['neurons-first', 'time-first'] as const) {
    it(`answers wide windows from the pyramid exactly on bin-aligned edges and deep zooms from the file (${layout})`, async () => {
      const n = 5;
      const t = 4096;
      const block = randomBlock(n, t, 11);
      const rec = memoryRecording(block, n, t, layout);
      const views = await TraceViews.build(rec, { budgetBytes: n * (t / 8) * 30, blockValues: 3000 });
      expect(views.baseFactor).toBe(8);
      const built = rec.reads;
      // 4096 frames over 64 columns = 64 frames per column: bin-aligned, so identical to direct.
      const wide = await views.view([1, 4], [0, t], 64);
      expect(rec.reads).toBe(built);
      const ref = direct(block, n, t, 0, t, 64);
      const rows = ref.min.slice(64, 4 * 64);
      expect(Array.from(wide.min)).toEqual(rows.map(Math.fround));
      expect(Array.from(wide.max)).toEqual(ref.max.slice(64, 4 * 64).map(Math.fround));
      wide.mean.forEach((v, k) => expect(v).toBeCloseTo(ref.mean[64 + k], 5));
      // A deep zoom (fewer frames per column than the base bin) reads the file.
      const zoom = await views.view([0, 5], [100, 300], 100);
      expect(rec.reads).toBe(built + 1);
      expect(Array.from(zoom.max)).toEqual(direct(block, n, t, 100, 300, 100).max.map(Math.fround));
    });
  }

  it('keeps extrema within the column when edges fall between bins (min/max never miss a transient)', async () => {
    const n = 2;
    const t = 10_000;
    const block = randomBlock(n, t, 3);
    block[7777] = 9;
    const views = await TraceViews.build(memoryRecording(block, n, t, 'neurons-first'), { budgetBytes: 20_000 });
    const v = await views.view([0, 1], [123, 9876], 37);
    expect(Math.max(...v.max)).toBe(9);
    const col = v.max.indexOf(9);
    expect(123 + v.edges[col] - views.baseFactor).toBeLessThanOrEqual(7777);
    expect(123 + v.edges[col + 1] + views.baseFactor).toBeGreaterThan(7777);
  });
});

describe('binSpikes', () => {
  it('counts spikes per bin like a histogram and sets unobserved bins to NaN (centre rule)', () => {
    const r = uniforms(5);
    const times = Float64Array.from({ length: 500 }, () => r() * 10).sort();
    const trains = {
      times: [times, Float64Array.from([0.05, 0.05, 9.99])],
      observed: [Float64Array.from([0, 10]), Float64Array.from([0, 2.5, 6, 10])],
    };
    const { counts, observed } = binSpikes(trains, { start: 0, binWidth: 1, nBins: 10 });
    for (let k = 0; k < 10; k++) expect(counts[k]).toBe(times.filter((s) => s >= k && s < k + 1).length);
    // unit 1 observed [0, 2.5] ∪ [6, 10]: centres 0.5, 1.5, 2.5 inside (ends included); 3.5 … 5.5 outside; 6.5 … 9.5 inside
    expect(Array.from(observed.slice(10))).toEqual([1, 1, 1, 0, 0, 0, 1, 1, 1, 1]);
    expect(Array.from(counts.slice(10))).toEqual([2, 0, 0, NaN, NaN, NaN, 0, 0, 0, 1]);
  });
});
