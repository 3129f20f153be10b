/**
 * External covariates in the HMM-GLM: recovery of known per-state and shared covariate weights from
 * simulated spikes (states still recovered), resampling onto the spike bins against a direct
 * computation (rate-based and timestamped series, in memory and in an NWB file), and the messages
 * for bad covariates.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exponentialBasis } from '../../../main/analyses/hmmglm/basis.js';
import { resampleToBins } from '../../../main/analyses/hmmglm/covariates.js';
import { hmmGlm } from '../../../main/analyses/hmmglm/hmmglm.js';
import type { AnalysisInput } from '../../../main/analyses/types.js';
import { writeNpy } from '../../../main/io/npy.js';
import { openRecording } from '../../../main/io/registry.js';
import type { Recording } from '../../../main/io/types.js';
import { Rng } from '../../../main/util/rng.js';
import { hmmGlmParams } from '../../../shared/analyses/hmm-glm.js';
import { memoryRecording, pearson, tempDir, testContext } from '../helpers.js';
import { SPEED_RATE, SPEED_WEIGHTS, writeSessionNwb } from './sessionNwb.js';
import { randomTruth, simulate } from './simulate.js';

const dir = tempDir('cajal-hmmglm-cov-');
afterAll(() => dir.remove());

const basis = exponentialBasis(5, 1);
const SAMPLES_PER_BIN = 10;

function neuronsFirst(s: Float64Array, t: number, n: number): Float32Array {
  const out = new Float32Array(n * t);
  for (let r = 0; r < t; r++) for (let i = 0; i < n; i++) out[i * t + r] = s[r * n + i]!;
  return out;
}

/** A smooth covariate ("running speed") sampled at 10× the spike bin rate: an AR(1) process with a 0.5 s time constant. */
function smoothCovariate(samples: number, seed: number, rate: number): Float64Array {
  const rng = new Rng(seed);
  const a = Math.exp(-1 / (0.5 * rate));
  const x = new Float64Array(samples);
  let v = 0;
  for (let i = 0; i < samples; i++) x[i] = v = a * v + Math.sqrt(1 - a * a) * rng.normal();
  return x.map((u) => 2 + u);
}

function binMeans(x: Float64Array, bins: number): Float64Array {
  const out = new Float64Array(bins);
  for (let r = 0; r < bins; r++) {
    for (let i = 0; i < SAMPLES_PER_BIN; i++) out[r] += x[r * SAMPLES_PER_BIN + i]! / SAMPLES_PER_BIN;
  }
  return out;
}

/** Spikes at 100 Hz bins and a covariate recording at 1 kHz as the run's second input. */
function inputWithCovariate(s: Float64Array, t: number, n: number, x: Float64Array): AnalysisInput {
  const spikes = memoryRecording(neuronsFirst(s, t, n), n, t, 100);
  const covariate = memoryRecording(Float32Array.from(x), 1, x.length, 100 * SAMPLES_PER_BIN);
  const ref = (path: string) => ({ path, format: 'memory', object: '', rate: null });
  return { recording: spikes, dataset: ref('spikes'), recordings: [spikes, covariate], datasets: [ref('spikes'), ref('speed')] };
}

/** Held-out Viterbi accuracy under the better of the two labellings, and that labelling. */
function stateAccuracy(path: Int32Array, truth: Int32Array, from: number): { swap: boolean; accuracy: number } {
  let same = 0;
  for (let r = from; r < truth.length; r++) same += path[r] === truth[r] ? 1 : 0;
  const a = same / (truth.length - from);
  return a >= 0.5 ? { swap: false, accuracy: a } : { swap: true, accuracy: 1 - a };
}

interface CovariateReport {
  covariates: {
    names: string[];
    weights: string;
    standardisation: { mean: number[]; sd: number[] };
    sources: Array<{ name: string; input: number; resampling: string }>;
    comparator: string;
  };
  restarts: Array<{ objectivePerIteration: number[] }>;
}

function expectMonotone(report: CovariateReport): void {
  for (const run of report.restarts) {
    run.objectivePerIteration.forEach((v, i) => {
      if (i > 0) expect(v).toBeGreaterThanOrEqual(run.objectivePerIteration[i - 1]! - 1e-6 * Math.abs(v));
    });
  }
}

describe('HMM-GLM covariates on simulated spikes', () => {
  const n = 10;
  const t = 40_000;
  const truth = randomTruth(n, 2, 23);
  const speed = smoothCovariate(t * SAMPLES_PER_BIN, 5, 1000);
  const perBin = binMeans(speed, t);

  it.each(['per-state', 'shared'] as const)(
    '%s covariate weights: a covariate driving the rates with known weights is recovered and the states still are',
    async (mode) => {
      const rng = new Rng(mode === 'shared' ? 16 : 8);
      const weights = new Float64Array(2 * n);
      for (let i = 0; i < 2 * n; i++) weights[i] = mode === 'shared' && i >= n ? weights[i - n]! : 0.6 * (rng.uniform() - 0.5);
      // The drive acts on the covariate's bin means (centred; the biases absorb the offset): the fit sees exactly these after resampling.
      const sim = simulate(truth, basis, t, 2, { x: perBin.map((v) => v - 2), c: 1, weights });
      expect(
        sim.s.reduce((a, b) => Math.max(a, b), 0),
        'the simulated network stays bounded',
      ).toBeLessThanOrEqual(20);
      const params = hmmGlmParams.parse({
        states: 2,
        heldOutFraction: 0.25,
        surrogates: 0,
        restarts: 2,
        covariateInput: 1,
        covariateWeights: mode,
      });
      const result = await hmmGlm.fit(inputWithCovariate(sim.s, t, n, speed), params, testContext(0));
      const report = result.report as unknown as CovariateReport;
      const { swap, accuracy } = stateAccuracy(result.arrays.viterbi!.data as Int32Array, sim.states, 30_000);
      expect(result.arrays.covariateWeights).toMatchObject({ dtype: 'float32', shape: [2, n, 1, 1] });
      const fitted = result.arrays.covariateWeights!.data as Float32Array;
      // Weights are per standard deviation of the covariate; per unit they are w / sd.
      const sd = report.covariates.standardisation.sd[0]!;
      const recovered: number[] = [];
      const real: number[] = [];
      let worst = 0;
      for (let s = 0; s < 2; s++) {
        const f = swap ? 1 - s : s;
        for (let i = 0; i < n; i++) {
          const w = fitted[f * n + i]! / sd;
          recovered.push(w);
          real.push(weights[s * n + i]!);
          worst = Math.max(worst, Math.abs(w - weights[s * n + i]!));
        }
      }
      const r = pearson(recovered, real);
      const oneState = Array.from(result.arrays.oneStateCovariateWeights!.data as Float32Array, (w) => w / sd);
      const averaged = Array.from({ length: n }, (_, i) => (weights[i]! + weights[n + i]!) / 2);
      const m = result.metrics as Record<string, number>;
      console.log(
        `covariate (${mode}): weight r ${r.toFixed(4)}, largest error ${worst.toFixed(3)} per unit, state accuracy ${accuracy.toFixed(4)}, ` +
          `one-state weight r ${pearson(oneState, averaged).toFixed(4)}, bits/spike ${Number(m.oneStateBitsPerSpike).toFixed(4)} → ${Number(m.heldOutBitsPerSpike).toFixed(4)}, ${m.iterations} EM iterations`,
      );
      expect(r).toBeGreaterThanOrEqual(0.95);
      expect(accuracy).toBeGreaterThanOrEqual(0.95);
      expect(pearson(oneState, averaged)).toBeGreaterThanOrEqual(0.9);
      if (mode === 'shared') for (let i = 0; i < n; i++) expect(fitted[i]).toBe(fitted[n + i]);
      expect(m.covariates).toBe(1);
      expect(report.covariates).toMatchObject({ names: ['speed[0]'], weights: mode });
      expect(report.covariates.sources[0]).toMatchObject({ input: 1, resampling: 'mean per bin' });
      expect(report.covariates.comparator).toMatch(/one-state GLM has the same covariates/);
      expect(Math.abs(report.covariates.standardisation.mean[0]! - 2)).toBeLessThan(0.2);
      expectMonotone(report);
    },
  );

  it('covariate history: the design gains one column per basis function and the fit stays monotone', async () => {
    const short = 8000;
    const sim = simulate(truth, basis, short, 3);
    const params = hmmGlmParams.parse({
      states: 2,
      restarts: 1,
      surrogates: 2,
      maxIterations: 30,
      covariateInput: 1,
      covariateHistory: true,
    });
    const result = await hmmGlm.fit(
      inputWithCovariate(sim.s, short, n, speed.subarray(0, short * SAMPLES_PER_BIN)),
      params,
      testContext(0),
    );
    expect(result.arrays.covariateWeights!.shape).toEqual([2, n, 1, 2]);
    expect(result.arrays.covariates).toMatchObject({ dtype: 'float32', shape: [short, 1] });
    expect(result.arrays.nullGains!.shape).toEqual([2]);
    expectMonotone(result.report as unknown as CovariateReport);
  });
});

describe('resampling covariates onto the spike bins', () => {
  it('averages the samples inside each bin, as a direct computation does', () => {
    const rng = new Rng(3);
    // Irregular timestamps, about 7 per 50 ms bin, from 0.1 s on; bins from 0.12 s.
    const times = new Float64Array(300);
    let at = 0.1;
    for (let i = 0; i < times.length; i++) times[i] = at += 0.004 + 0.006 * rng.uniform();
    const values = Float64Array.from(times, () => rng.normal());
    const timing = { start: 0.12, binSeconds: 0.05 };
    const bins = Math.floor((times[times.length - 1]! - timing.start) / timing.binSeconds);
    const out = resampleToBins(times, values, timing, bins, 'x');
    for (let r = 0; r < bins; r++) {
      const a = timing.start + r * timing.binSeconds;
      const inside = [...times.keys()].filter((i) => times[i]! >= a && times[i]! < a + timing.binSeconds);
      expect(inside.length).toBeGreaterThan(0);
      expect(out[r]).toBeCloseTo(inside.reduce((sum, i) => sum + values[i]!, 0) / inside.length, 12);
    }
  });

  it('samples on bin edges fall in the bin they start; a coarser covariate is interpolated at bin centres', () => {
    const rate = 100;
    const times = Float64Array.from({ length: 50 }, (_, i) => i / rate);
    const values = Float64Array.from({ length: 50 }, (_, i) => i);
    expect(Array.from(resampleToBins(times, values, { start: 0, binSeconds: 0.03 }, 16, 'x'))).toEqual(
      Array.from({ length: 16 }, (_, r) => 3 * r + 1),
    );
    // 10 ms bins against 100 ms samples: linear between the samples.
    const coarse = Float64Array.from({ length: 6 }, (_, i) => i * 0.1);
    const out = resampleToBins(coarse, Float64Array.of(0, 10, 20, 30, 40, 50), { start: 0, binSeconds: 0.01 }, 55, 'x');
    expect(out[0]).toBe(0);
    expect(out[12]).toBeCloseTo(12.5, 10);
    // Past the last sample by less than one sampling interval: the last value.
    expect(out[54]).toBe(50);
  });

  it('refuses bins the covariate does not reach and times that run backwards, naming the covariate', () => {
    const times = Float64Array.from({ length: 10 }, (_, i) => 1 + i * 0.1);
    const values = new Float64Array(10);
    expect(() => resampleToBins(times, values, { start: 0, binSeconds: 0.1 }, 20, "covariate 'speed'")).toThrow(
      /covariate 'speed': the covariate covers 1–1\.9 s but the spike bins span 0–2 s \(bin 0 lies outside it\)/,
    );
    times[4] = 1.1;
    expect(() => resampleToBins(times, values, { start: 1, binSeconds: 0.1 }, 9, "covariate 'speed'")).toThrow(
      /covariate 'speed': sample times decrease at sample 4/,
    );
  });
});

describe('covariates from TimeSeries in the same NWB file', () => {
  it('reads them by object path, averages each over the spike bins and standardises over the training bins', async () => {
    const path = join(dir.path, 'session.nwb');
    const seconds = 60;
    const file = await writeSessionNwb(path, seconds);
    const recording = await openRecording(path, { object: '/units' });
    try {
      const dataset = { path, format: 'nwb', object: '/units', rate: null };
      const params = hmmGlmParams.parse({
        states: 2,
        restarts: 1,
        surrogates: 0,
        maxIterations: 10,
        binSeconds: 0.1,
        covariates: '/acquisition/speed, /acquisition/pupil',
      });
      const result = await hmmGlm.fit({ recording, dataset, recordings: [recording], datasets: [dataset] }, params, testContext(0));
      const report = result.report as unknown as CovariateReport;
      expect(report.covariates.names).toEqual(['speed', 'pupil[0]', 'pupil[1]']);
      const t = Number(result.metrics.bins);
      expect(result.arrays.covariates!.shape).toEqual([t, 3]);
      // Directly: the mean of the samples in [0.1·r, 0.1·(r + 1)), z-scored over the training bins.
      const direct = (times: (i: number) => number, value: (i: number) => number, count: number) =>
        Array.from({ length: t }, (_, r) => {
          const inside = Array.from({ length: count }, (_, i) => i).filter(
            (i) => times(i) >= 0.1 * r - 1e-12 && times(i) < 0.1 * (r + 1) - 1e-12,
          );
          return inside.reduce((a, i) => a + value(i), 0) / inside.length;
        });
      const columns = [
        // The reader hands samples over in single precision.
        direct(
          (i) => i / SPEED_RATE,
          (i) => Math.fround(file.speed[i]!),
          file.speed.length,
        ),
        direct(
          (i) => file.stamps[i]!,
          (i) => Math.fround(file.pupil[2 * i]!),
          file.stamps.length,
        ),
        direct(
          (i) => file.stamps[i]!,
          (i) => Math.fround(file.pupil[2 * i + 1]!),
          file.stamps.length,
        ),
      ];
      const train = t - Math.round(0.2 * t);
      const z = result.arrays.covariates!.data as Float32Array;
      columns.forEach((col, c) => {
        const mean = col.slice(0, train).reduce((a, b) => a + b, 0) / train;
        const sd = Math.sqrt(col.slice(0, train).reduce((a, b) => a + (b - mean) ** 2, 0) / train);
        expect(report.covariates.standardisation.mean[c]).toBeCloseTo(mean, 9);
        expect(report.covariates.standardisation.sd[c]).toBeCloseTo(sd, 9);
        for (let r = 0; r < t; r++) expect(z[r * 3 + c]).toBeCloseTo((col[r]! - mean) / sd, 5);
      });
      expect(report.covariates.sources.map((s) => s.input)).toEqual([0, 0, 0]);
      // The units' rates follow speed: the one-state GLM finds each unit's weight per (speed − 10)/5.
      const one = result.arrays.oneStateCovariateWeights!.data as Float32Array;
      const perUnit = SPEED_WEIGHTS.map((_, i) => (one[i * 3]! / report.covariates.standardisation.sd[0]!) * 5);
      console.log(`speed weights from the NWB session: ${perUnit.map((w) => w.toFixed(3)).join(', ')} (true ${SPEED_WEIGHTS.join(', ')})`);
      perUnit.forEach((w, i) => expect(Math.abs(w - SPEED_WEIGHTS[i]!)).toBeLessThan(0.15));
    } finally {
      await recording.close();
    }
  });

  it('refuses a path that is not in the file, a Units table, and TimeSeries paths on a non-NWB input', async () => {
    const path = join(dir.path, 'session.nwb');
    const recording = await openRecording(path, { object: '/units' });
    const dataset = { path, format: 'nwb', object: '/units', rate: null };
    const run = (covariates: string) =>
      hmmGlm.fit(
        { recording, dataset, recordings: [recording], datasets: [dataset] },
        hmmGlmParams.parse({ restarts: 1, surrogates: 0, binSeconds: 0.1, covariates }),
        testContext(0),
      );
    try {
      await expect(run('/acquisition/running')).rejects.toThrow(/covariate '\/acquisition\/running': .*no such object in the file/);
      await expect(run('/units')).rejects.toThrow(/covariate '\/units' in .* is a Units table, not a TimeSeries/);
    } finally {
      await recording.close();
    }
    const counts = memoryRecording(new Float32Array(3 * 2000).fill(1), 3, 2000);
    await expect(
      hmmGlm.fit(
        {
          recording: counts,
          dataset: { path: 'counts.npy', format: 'npy', object: '', rate: null },
          recordings: [counts],
          datasets: [{ path: 'counts.npy', format: 'npy', object: '', rate: null }],
        },
        hmmGlmParams.parse({ covariates: '/acquisition/speed' }),
        testContext(0),
      ),
    ).rejects.toThrow(/covariate '\/acquisition\/speed': counts\.npy is not an NWB file/);
  });
});

describe('bad covariates', () => {
  const n = 3;
  const t = 2000;
  const rng = new Rng(4);
  const counts = Float32Array.from({ length: n * t }, () => (rng.uniform() < 0.3 ? 1 : 0));
  const fit = async (covariate: Float32Array, extra: Record<string, unknown> = {}, rows = 1) => {
    const spikes = memoryRecording(counts, n, t);
    const cov = memoryRecording(covariate, rows, covariate.length / rows);
    const ref = (path: string) => ({ path, format: 'memory', object: '', rate: null });
    return hmmGlm.fit(
      { recording: spikes, dataset: ref('spikes'), recordings: [spikes, cov], datasets: [ref('spikes'), ref('behaviour.npy')] },
      hmmGlmParams.parse({ restarts: 1, surrogates: 0, maxIterations: 5, covariateInput: 1, ...extra }),
      testContext(0),
    );
  };

  it('refuses NaN and infinite samples, naming the covariate and the sample', async () => {
    const x = Float32Array.from({ length: t }, (_, i) => Math.sin(i / 10));
    x[123] = NaN;
    await expect(fit(x)).rejects.toThrow(
      /covariate 'behaviour\.npy\[0\]' \(behaviour\.npy\) is NaN at sample 123; covariates must be finite/,
    );
    x[123] = Infinity;
    await expect(fit(x)).rejects.toThrow(/is Infinity at sample 123/);
  });

  it('refuses a constant covariate', async () => {
    const x = Float32Array.from({ length: 2 * t }, (_, i) => (i < t ? Math.sin(i / 10) : 4));
    await expect(fit(x, {}, 2)).rejects.toThrow(/covariate 'behaviour\.npy\[1\]' is constant over the training bins \(4\)/);
  });

  it('without a time base on both sides, refuses a length mismatch and says how to resample', async () => {
    const path = join(dir.path, 'short.npy');
    await writeNpy(path, { dtype: 'float32', shape: [t - 10, 1], data: Float32Array.from({ length: t - 10 }, (_, i) => Math.cos(i)) });
    const spikes = memoryRecording(counts, n, t);
    const cov = await openRecording(path);
    const countsRef = { path: 'counts.npy', format: 'npy', object: '', rate: null };
    const input = {
      recording: spikes,
      dataset: countsRef,
      recordings: [spikes, cov],
      datasets: [countsRef, { path, format: 'npy', object: '', rate: null }],
    };
    try {
      await expect(hmmGlm.fit(input, hmmGlmParams.parse({ covariateInput: 1 }), testContext(0))).rejects.toThrow(
        /covariate 'short\.npy\[0\]' \(.*short\.npy\) has 1990 samples but counts\.npy has 2000 bins; the covariate has no time base, so covariates need one sample per bin .*covariateRate/,
      );
    } finally {
      await cov.close();
    }
  });

  it('refuses a covariate input the run does not have, and too few or too many covariate recordings', async () => {
    const spikes = memoryRecording(counts, n, t);
    const ref = { path: 'spikes', format: 'memory', object: '', rate: null };
    const one: AnalysisInput = { recording: spikes, dataset: ref, recordings: [spikes], datasets: [ref] };
    await expect(hmmGlm.fit(one, hmmGlmParams.parse({ covariateInput: 1 }), testContext(0))).rejects.toThrow(
      /covariateInput is 1 but the run has 1 input; add the covariate file as input 1/,
    );
    const x = memoryRecording(
      Float32Array.from({ length: t }, (_, i) => Math.sin(i)),
      1,
      t,
    ) as Recording;
    const three: AnalysisInput = { ...one, recordings: [spikes, spikes, x], datasets: [ref, ref, ref] };
    await expect(hmmGlm.fit(three, hmmGlmParams.parse({ covariateInput: 2 }), testContext(0))).rejects.toThrow(
      /1 covariate recording \(inputs 2…2\) for 2 spike sequences; give one per sequence/,
    );
  });
});
