/**
 * What the HMM-GLM accepts and refuses: count matrices in either orientation, several sequences,
 * NWB spike trains with observation intervals; clear messages for non-integer or negative counts,
 * silent neurons, too few bins, too many states; divergence, cancellation and determinism.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exponentialBasis, historyDesign } from '../../../main/analyses/hmmglm/basis.js';
import { fitEm, stickyTransition } from '../../../main/analyses/hmmglm/em.js';
import { type EvalMode, GlmEvaluator, logFactorialSums } from '../../../main/analyses/hmmglm/emission.js';
import { hmmGlm } from '../../../main/analyses/hmmglm/hmmglm.js';
import { PriorModel } from '../../../main/analyses/hmmglm/priors.js';
import { CancelledError } from '../../../main/analyses/types.js';
import { createEngine } from '../../../main/compute/index.js';
import { openRecording } from '../../../main/io/registry.js';
import { writeNpy } from '../../../main/io/npy.js';
import { Rng } from '../../../main/util/rng.js';
import { hmmGlmParams } from '../../../shared/analyses/hmm-glm.js';
import { inputOf, memoryRecording, tempDir, testContext } from '../helpers.js';
import { randomTruth, simulate } from './simulate.js';

const dir = tempDir('cajal-hmmglm-');
afterAll(() => dir.remove());

/** Independent Poisson neurons (neurons × bins, float32), seeded. */
function poissonTraces(n: number, t: number, rate: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const out = new Float32Array(n * t);
  for (let i = 0; i < out.length; i++) {
    let k = 0;
    let p = rng.uniform();
    while (p > Math.exp(-rate)) {
      k++;
      p *= rng.uniform();
    }
    out[i] = k;
  }
  return out;
}

const quick = (extra: Record<string, unknown> = {}) => hmmGlmParams.parse({ restarts: 1, surrogates: 0, maxIterations: 30, ...extra });
const run = (traces: Float32Array, n: number, t: number, extra: Record<string, unknown> = {}) =>
  hmmGlm.fit(inputOf(memoryRecording(traces, n, t)), quick(extra), testContext(0));

describe('HMM-GLM inputs', () => {
  it('refuses non-integer counts naming neuron and bin, and rounds them when asked', async () => {
    const x = poissonTraces(3, 2000, 0.5, 1);
    x[1 * 2000 + 17] = 0.4;
    await expect(run(x, 3, 2000)).rejects.toThrow(/neuron 1, bin 17 is 0\.4.*not a whole spike count.*round/);
    const result = await run(x, 3, 2000, { nonInteger: 'round' });
    expect((result.report as { notes: string[] }).notes.join(' ')).toMatch(/1 non-integer values rounded/);
  });

  it('refuses negative and infinite counts', async () => {
    const x = poissonTraces(3, 2000, 0.5, 2);
    x[2 * 2000 + 5] = -1;
    await expect(run(x, 3, 2000)).rejects.toThrow(/neuron 2, bin 5 is -1; spike counts cannot be negative/);
    x[2 * 2000 + 5] = Infinity;
    await expect(run(x, 3, 2000)).rejects.toThrow(/must be finite/);
  });

  it('refuses neurons without spikes in the training bins', async () => {
    const x = poissonTraces(4, 2000, 0.5, 3);
    x.fill(0, 2 * 2000, 2 * 2000 + 1700);
    await expect(run(x, 4, 2000)).rejects.toThrow(/1 neuron has no spikes in the training bins: 2;/);
  });

  it('refuses recordings shorter than the history basis and more states than the bins can identify', async () => {
    await expect(run(poissonTraces(2, 5, 1, 4), 2, 5, { basisLength: 5 })).rejects.toThrow(
      /5 bins \(4 for training\) but the history basis spans 5 bins/,
    );
    await expect(run(poissonTraces(20, 1500, 0.5, 5), 20, 1500, { states: 6 })).rejects.toThrow(
      /6 states cannot be identified from 1200 training bins: each state's GLM has 21 weights per neuron/,
    );
    await expect(run(poissonTraces(3, 3000, 0.5, 6), 3, 3000, { prior: 'onehot', basis: 'raised-cosine' })).rejects.toThrow(
      /one-hot prior .* exponential basis/,
    );
  });

  it('reads a time-first .npy count matrix: the orientation guess is logged and reported, an explicit layout is honoured', async () => {
    const n = 3;
    const t = 1500;
    const traces = poissonTraces(n, t, 0.6, 7);
    const timeFirst = new Float32Array(t * n);
    for (let i = 0; i < n; i++) for (let r = 0; r < t; r++) timeFirst[r * n + i] = traces[i * t + r]!;
    const path = join(dir.path, 'counts.npy');
    await writeNpy(path, { dtype: 'float32', shape: [t, n], data: timeFirst });
    const open = async () => {
      const recording = await openRecording(path);
      const dataset = { path, format: 'npy', object: '', rate: null };
      return { recording, dataset, recordings: [recording], datasets: [dataset] };
    };
    const logs: string[] = [];
    const ctx = { ...testContext(0), log: (m: string) => logs.push(m) };
    const guessed = await hmmGlm.fit(await open(), quick(), ctx);
    expect(guessed.metrics).toMatchObject({ neurons: 3, bins: 1500, layout: 'guessed (longer axis = time)' });
    expect(logs.join('\n')).toMatch(/orientation guessed .*3 neurons × 1500 bins/);
    const given = await hmmGlm.fit(await open(), quick({ layout: 'time-first' }), testContext(0));
    expect(given.metrics).toMatchObject({ neurons: 3, bins: 1500, layout: null });
    expect(given.arrays.viterbi!.data).toEqual(guessed.arrays.viterbi!.data);
    // Read the other way round it is 1500 neurons of 3 bins: too short for the history basis.
    await expect(hmmGlm.fit(await open(), quick({ layout: 'neurons-first' }), testContext(0))).rejects.toThrow(/3 bins \(2 for training\)/);
  });

  it('treats several recordings as sequences: outputs cover all bins, each sequence holds out its own end', async () => {
    const a = memoryRecording(poissonTraces(3, 1200, 0.5, 8), 3, 1200);
    const b = memoryRecording(poissonTraces(3, 800, 0.5, 9), 3, 800);
    const input = { ...inputOf(a), recordings: [a, b], datasets: [inputOf(a).dataset, inputOf(b).dataset] };
    const result = await hmmGlm.fit(input, quick(), testContext(0));
    expect(result.metrics).toMatchObject({ sequences: 2, bins: 2000, trainingBins: 960 + 640, heldOutBins: 240 + 160 });
    expect(result.arrays.viterbi).toMatchObject({ dtype: 'int32', shape: [2000] });
    expect(result.arrays.posterior).toMatchObject({ dtype: 'float32', shape: [2000, 2] });
    expect((result.report as { model: { sequences: unknown } }).model.sequences).toEqual([
      { start: 0, trainEnd: 960, end: 1200 },
      { start: 1200, trainEnd: 1840, end: 2000 },
    ]);
  });

  it('refuses sequences with different neurons', async () => {
    const a = memoryRecording(poissonTraces(3, 1200, 0.5, 8), 3, 1200);
    const b = memoryRecording(poissonTraces(4, 800, 0.5, 9), 4, 800);
    const input = { ...inputOf(a), recordings: [a, b], datasets: [inputOf(a).dataset, inputOf(b).dataset] };
    await expect(hmmGlm.fit(input, quick(), testContext(0))).rejects.toThrow(
      /has 4 neurons but .* has 3; sequences must share their neurons/,
    );
  });

  const nwb = resolve(import.meta.dirname, '../../../../shared/data/nwb/spikes_units_synthetic.nwb');
  it.runIf(existsSync(nwb))(
    'fits the NWB Units file (real data: ../shared/data), binning spike times and leaving out unobserved bins',
    async () => {
      const recording = await openRecording(nwb);
      try {
        const dataset = { path: nwb, format: 'nwb', object: recording.meta.source.object, rate: null };
        const result = await hmmGlm.fit(
          { recording, dataset, recordings: [recording], datasets: [dataset] },
          quick({ binSeconds: 0.05 }),
          testContext(0),
        );
        expect(result.metrics).toMatchObject({ neurons: 20, bins: 6000, states: 2 });
        const notes = (result.report as { notes: string[] }).notes.join(' ');
        expect(notes).toMatch(/20 units binned at 0\.05 s into 6000 bins \(bins outside each unit’s observation intervals are left out\)/);
        expect(Number.isFinite(result.metrics.heldOutBitsPerSpike as number)).toBe(true);
      } finally {
        await recording.close();
      }
    },
  );
  if (!existsSync(nwb)) console.warn(`skipped the NWB Units test: ${nwb} is absent (../shared/data is not checked out)`);
});

describe('HMM-GLM fitting behaviour', () => {
  it('is deterministic given the seed, and different seeds jitter differently', async () => {
    const x = poissonTraces(3, 2000, 0.5, 10);
    const a = await run(x, 3, 2000, { restarts: 2 });
    const b = await run(x, 3, 2000, { restarts: 2 });
    expect(a.arrays.weights!.data).toEqual(b.arrays.weights!.data);
    expect(a.report).toEqual(b.report);
    const c = await hmmGlm.fit(inputOf(memoryRecording(x, 3, 2000)), quick({ restarts: 2, seed: 5 }), testContext(5));
    expect((c.report as { restarts: Array<{ objectivePerIteration: number[] }> }).restarts[0]!.objectivePerIteration[0]).not.toBe(
      (a.report as { restarts: Array<{ objectivePerIteration: number[] }> }).restarts[0]!.objectivePerIteration[0],
    );
  });

  it.each([
    { link: 'softplus', basis: 'raised-cosine-log', basisLength: 8, basisCount: 3, selfCoupling: 'none', solver: 'lbfgs' },
    { link: 'exp', basis: 'raised-cosine', basisLength: 6, basisCount: 2, selfCoupling: 'prior', prior: 'gaussian', solver: 'newton' },
    { link: 'softplus', basis: 'exponential', selfCoupling: 'free', prior: 'onehot', solver: 'newton', states: 3 },
  ])('fits other settings and never lowers the objective: %o', async (settings) => {
    const sim = simulate(randomTruth(5, 2, 4), exponentialBasis(5, 1), 6000, 4);
    const traces = new Float32Array(5 * 6000);
    for (let r = 0; r < 6000; r++) for (let i = 0; i < 5; i++) traces[i * 6000 + r] = sim.s[r * 5 + i]!;
    const result = await run(traces, 5, 6000, { restarts: 2, maxIterations: 40, ...settings });
    const report = result.report as { restarts: Array<{ objectivePerIteration: number[] }>; model: { basis: { functions: number } } };
    for (const r of report.restarts) {
      r.objectivePerIteration.forEach((v, i) => {
        if (i > 0) expect(v).toBeGreaterThanOrEqual(r.objectivePerIteration[i - 1]! - 1e-6 * Math.abs(v));
      });
    }
    const j = report.model.basis.functions;
    const k = Number(result.metrics.states);
    expect(result.arrays.weights!.shape).toEqual([k, 5, 5, j]);
    const w = result.arrays.weights!.data as Float32Array;
    if (settings.selfCoupling === 'none')
      for (let b = 0; b < k * 5; b++) for (let f = 0; f < j; f++) expect(w[(b * 5 + (b % 5)) * j + f]).toBe(0);
    expect(Number.isFinite(result.metrics.heldOutBitsPerSpike as number)).toBe(true);
  });

  it('stops when cancelled between iterations', async () => {
    const x = poissonTraces(3, 2000, 0.5, 11);
    await expect(hmmGlm.fit(inputOf(memoryRecording(x, 3, 2000)), quick(), testContext(0, 3))).rejects.toBeInstanceOf(CancelledError);
  });

  it('stops a diverging fit with the last good parameters and says why', async () => {
    const engine = await createEngine({ provider: 'cpu', threads: 1 });
    const basis = exponentialBasis(3, 1);
    const truth = randomTruth(4, 2, 1);
    const sim = simulate({ ...truth, weights: truth.weights.map((w) => w / 4) }, basis, 3000, 1);
    const m = new Float64Array(sim.s.length).fill(1);
    const data = {
      x: historyDesign(sim.s, 3000, 4, [0], basis),
      s: sim.s,
      m,
      logFact: logFactorialSums(sim.s, m, 3000, 4),
      t: 3000,
      n: 4,
      p: 5,
    };
    /** Log-likelihoods turn to NaN from the 4th model evaluation on, as an overflowing rate would. */
    class Poisoned extends GlmEvaluator {
      override async evaluate(w: Float64Array, k: number, mode: EvalMode, gamma?: Float64Array) {
        const ev = await super.evaluate(w, k, mode, gamma);
        if (this.evaluations > 3) ev.logB?.fill(Number.NaN);
        return ev;
      }
    }
    const evaluator = new Poisoned(engine, data, 'exp');
    const prior = new PriorModel({ kind: 'none', selfCoupling: 'free', l2: 0.01, priorScale: 0.3, typeConcentration: 4, n: 4, j: 1, k: 2 });
    const w0 = new Float64Array(2 * 4 * 5);
    for (let b = 0; b < 8; b++) w0[b * 5 + 4] = Math.log(0.5) + (b < 4 ? 0.1 : -0.1);
    const fit = await fitEm(
      evaluator,
      [[0, 3000]],
      { w: w0, transition: stickyTransition(2), initial: Float64Array.of(0.5, 0.5), prior },
      {
        k: 2,
        solver: 'newton',
        maxIterations: 50,
        tolerance: 1e-9,
        stickiness: 0,
        transitionConcentration: 1,
        prior: prior.config,
      },
    );
    expect(fit.stopReason).toMatch(
      /^diverged at iteration \d+: the log-likelihood became (NaN|-Infinity); the parameters of iteration \d+ are kept$/,
    );
    expect(fit.converged).toBe(false);
    expect(Number.isFinite(fit.objective)).toBe(true);
    expect(fit.objective).toBe(fit.objectiveHistory[fit.objectiveHistory.length - 1]);
    expect(fit.w.every(Number.isFinite)).toBe(true);
    await engine.dispose();
  });
});
