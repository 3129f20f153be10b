import { describe, expect, it } from 'vitest';
import { correlation } from '../../../main/analyses/correlation/correlation.js';
import { CancelledError } from '../../../main/analyses/types.js';
import { Rng } from '../../../main/util/rng.js';
import { inputOf, memoryRecording, pearson, testContext } from '../helpers.js';

/** Average ranks (1-based) by sorting value–index pairs. */
function ranks(a: ArrayLike<number>): number[] {
  const pairs = Array.from(a, (v, i) => [v, i] as const).sort((x, y) => x[0] - y[0]);
  const r = new Array<number>(a.length);
  for (let i = 0; i < pairs.length;) {
    let j = i;
    while (j + 1 < pairs.length && pairs[j + 1][0] === pairs[i][0]) j++;
    for (let k = i; k <= j; k++) r[pairs[k][1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

function randomTraces(n: number, t: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const x = new Float32Array(n * t);
  for (let k = 0; k < x.length; k++) x[k] = rng.normal();
  // Plant structure: neuron 1 follows neuron 0, neuron 2 mirrors it.
  for (let j = 0; j < t; j++) {
    x[t + j] = 0.8 * x[j] + 0.6 * x[t + j];
    x[2 * t + j] = -x[j] * 3 + 5;
  }
  return x;
}

const row = (x: Float32Array, i: number, t: number) => x.subarray(i * t, (i + 1) * t);

describe('correlation analysis', () => {
  it('matches a direct Pearson computation on every pair (float32 output, 1e-6)', async () => {
    const n = 9;
    const t = 400;
    const x = randomTraces(n, t, 1);
    const result = await correlation.fit(inputOf(memoryRecording(x, n, t)), correlation.params.parse({}), testContext());
    const c = result.arrays.correlation;
    expect(c.shape).toEqual([n, n]);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < n; k++) expect(c.data[i * n + k]).toBeCloseTo(pearson(row(x, i, t), row(x, k, t)), 6);
    }
    expect(c.data[0 * n + 2]).toBeCloseTo(-1, 6); // an affine mirror is perfectly anti-correlated
    expect(c.data[0 * n + 1]).toBeCloseTo(0.8, 1);
  });

  it('Spearman equals Pearson of average ranks, ties included', async () => {
    const n = 4;
    const t = 60;
    const x = randomTraces(n, t, 2);
    for (let j = 0; j < t; j += 3) x[3 * t + j] = 1; // ties
    const result = await correlation.fit(
      inputOf(memoryRecording(x, n, t)),
      correlation.params.parse({ method: 'spearman' }),
      testContext(),
    );
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < n; k++) {
        expect(result.arrays.correlation.data[i * n + k]).toBeCloseTo(pearson(ranks(row(x, i, t)), ranks(row(x, k, t))), 6);
      }
    }
  });

  it('restricts to the frame window', async () => {
    const n = 3;
    const t = 100;
    const x = randomTraces(n, t, 3);
    const result = await correlation.fit(
      inputOf(memoryRecording(x, n, t)),
      correlation.params.parse({ startFrame: 20, endFrame: 70 }),
      testContext(),
    );
    expect(result.arrays.correlation.data[1]).toBeCloseTo(pearson(x.subarray(20, 70), x.subarray(t + 20, t + 70)), 6);
    expect(result.metrics.frames).toBe(50);
  });

  it('gives surrogate p-values: minimal for a planted dependence, spread out for independent pairs', async () => {
    const n = 6;
    const t = 500;
    const x = randomTraces(n, t, 4);
    const shuffles = 199;
    const result = await correlation.fit(
      inputOf(memoryRecording(x, n, t)),
      correlation.params.parse({ shuffles, seed: 9 }),
      testContext(9),
    );
    const p = result.arrays.pValues.data as Float32Array;
    expect(p[0 * n + 1]).toBeCloseTo(1 / (shuffles + 1), 9);
    expect(p[0 * n + 2]).toBeCloseTo(1 / (shuffles + 1), 9);
    const independent = [p[3 * n + 4], p[3 * n + 5], p[4 * n + 5]];
    expect(Math.min(...independent)).toBeGreaterThan(0.01);
    // Same seed, same surrogates.
    const again = await correlation.fit(inputOf(memoryRecording(x, n, t)), correlation.params.parse({ shuffles, seed: 9 }), testContext(9));
    expect(again.arrays.pValues.data).toEqual(p);
  });

  it('stops at the next surrogate when cancelled', async () => {
    const x = randomTraces(4, 200, 5);
    await expect(
      correlation.fit(inputOf(memoryRecording(x, 4, 200)), correlation.params.parse({ shuffles: 1000 }), testContext(0, 5)),
    ).rejects.toBeInstanceOf(CancelledError);
  });

  it('refuses non-finite traces and impossible windows with a clear message', async () => {
    const x = randomTraces(3, 50, 6);
    x[2 * 50 + 7] = Number.NaN;
    const rec = memoryRecording(x, 3, 50);
    await expect(correlation.fit(inputOf(rec), correlation.params.parse({}), testContext())).rejects.toThrow(
      'trace of neuron 2 has a non-finite value at frame 7',
    );
    await expect(correlation.fit(inputOf(rec), correlation.params.parse({ endFrame: 80 }), testContext())).rejects.toThrow(
      "frame window [0, 80) is outside the recording's 50 frames",
    );
  });
});
