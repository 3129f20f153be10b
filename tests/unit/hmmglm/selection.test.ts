/**
 * Model selection and the null control on simulated spikes: the circular-shift null separates real
 * state structure from independent neurons, cross-validation picks the number of states, and the
 * Gaussian prior learns its shared mean and spread.
 */
import { describe, expect, it } from 'vitest';
import { exponentialBasis } from '../../../main/analyses/hmmglm/basis.js';
import { hmmGlm } from '../../../main/analyses/hmmglm/hmmglm.js';
import { hmmGlmParams } from '../../../shared/analyses/hmm-glm.js';
import { inputOf, memoryRecording, testContext } from '../helpers.js';
import { randomTruth, simulate } from './simulate.js';

function recording(s: Float64Array, t: number, n: number) {
  const traces = new Float32Array(n * t);
  for (let r = 0; r < t; r++) for (let i = 0; i < n; i++) traces[i * t + r] = s[r * n + i]!;
  return memoryRecording(traces, n, t, 100);
}

/** The stable two-state network of the simulation test, 10 neurons. */
function switching(t: number) {
  const truth = randomTruth(10, 2, 23);
  return { truth, sim: simulate(truth, exponentialBasis(5, 1), t, 2) };
}

/** The same neurons without states or coupling: independent Poisson at their baseline rates. */
function independent(t: number) {
  const truth = randomTruth(10, 1, 23);
  return simulate({ ...truth, weights: new Float64Array(100) }, exponentialBasis(5, 1), t, 3);
}

interface Report {
  nullControl: { nullGains: number[]; observedGain: number; pValue: number };
  stateSelection: { candidates: Array<{ states: number; logLikelihood: number }>; chosen: number };
  prior: { sigma: number };
  restarts: Array<{ objectivePerIteration: number[] }>;
}

describe('HMM-GLM null control and model selection', () => {
  it('the shift null: a real switching network beats all 20 surrogates; independent neurons do not', async () => {
    const t = 10_000;
    const { sim } = switching(t);
    const params = hmmGlmParams.parse({ states: 2, restarts: 1, surrogates: 20, maxIterations: 40, tolerance: 1e-5 });
    const real = await hmmGlm.fit(inputOf(recording(sim.s, t, 10)), params, testContext(0));
    const r = real.report as unknown as Report;
    expect(r.nullControl.nullGains).toHaveLength(20);
    expect(Math.max(...r.nullControl.nullGains)).toBeLessThan(r.nullControl.observedGain);
    expect(real.metrics.pValue).toBeCloseTo(1 / 21, 12);
    expect(real.arrays.nullGains).toMatchObject({ dtype: 'float32', shape: [20] });

    const flat = await hmmGlm.fit(inputOf(recording(independent(t).s, t, 10)), params, testContext(0));
    console.log(
      `shift null: switching network gain ${r.nullControl.observedGain.toFixed(4)} (p ${real.metrics.pValue}), independent neurons gain ${Number(flat.metrics.gainOverOneState).toFixed(4)} (p ${flat.metrics.pValue})`,
    );
    expect(flat.metrics.pValue as number).toBeGreaterThan(0.05);
  });

  it('cross-validation prefers 2 states for the switching network and 1 for independent neurons', async () => {
    const t = 12_000;
    const params = hmmGlmParams.parse({ states: 3, selectStates: true, folds: 3, restarts: 1, surrogates: 0 });
    const real = await hmmGlm.fit(inputOf(recording(switching(t).sim.s, t, 10)), params, testContext(0));
    const r = real.report as unknown as Report;
    const ll = r.stateSelection.candidates.map((c) => c.logLikelihood);
    expect(ll[1]!).toBeGreaterThan(ll[0]!);
    expect(r.stateSelection.chosen).toBeGreaterThanOrEqual(2);
    expect(real.metrics.states).toBe(r.stateSelection.chosen);
    const flat = await hmmGlm.fit(inputOf(recording(independent(t).s, t, 10)), params, testContext(0));
    expect((flat.report as unknown as Report).stateSelection.chosen).toBe(1);
    expect(flat.metrics.states).toBe(1);
    expect(flat.arrays.posterior!.shape).toEqual([t, 1]);
  });

  it('the Gaussian prior learns the across-state mean of the couplings and a spread, and EM keeps raising the objective', async () => {
    const t = 20_000;
    const { sim } = switching(t);
    const params = hmmGlmParams.parse({ states: 2, restarts: 2, surrogates: 0, prior: 'gaussian' });
    const result = await hmmGlm.fit(inputOf(recording(sim.s, t, 10)), params, testContext(0));
    const r = result.report as unknown as Report;
    const w = result.arrays.weights!.data as Float32Array;
    const mean = result.arrays.priorMean!.data as Float32Array;
    for (let c = 0; c < 100; c++) expect(mean[c]!).toBeCloseTo((w[c]! + w[100 + c]!) / 2, 5);
    // The states differ in 20 % of their couplings by ±U(.5, 1): a spread of a few tenths.
    expect(r.prior.sigma).toBeGreaterThan(0.1);
    expect(r.prior.sigma).toBeLessThan(0.6);
    for (const run of r.restarts) {
      run.objectivePerIteration.forEach((v, i) => {
        if (i > 0) expect(v).toBeGreaterThanOrEqual(run.objectivePerIteration[i - 1]! - 1e-6 * Math.abs(v));
      });
    }
  });
});
