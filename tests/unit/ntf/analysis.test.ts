/**
 * The connectome analysis end to end on simulated ground truth (the demo simulator's planted
 * assemblies, the planted tensor's communities), its bad-input messages, cancellation, determinism,
 * neuron matching across recordings and its figures.
 */
import { describe, expect, it } from 'vitest';
import { detectCommunities } from '../../../main/analyses/ntf/communities.js';
import { fitNtf, normalise } from '../../../main/analyses/ntf/cp.js';
import { ntfConnectome } from '../../../main/analyses/ntf/ntf-connectome.js';
import { CancelledError, type AnalysisInput } from '../../../main/analyses/types.js';
import { createEngine } from '../../../main/compute/index.js';
import { simulateDemo } from '../../../main/demo/simulate.js';
import type { Recording } from '../../../main/io/types.js';
import { Rng } from '../../../main/util/rng.js';
import type { NtfComponentReport } from '../../../shared/analyses/ntf-connectome.js';
import { inputOf, memoryRecording, testContext } from '../helpers.js';
import { nmi } from './agreement.js';
import { COMMUNITY, N, PAIRS, planted, RANK } from './planted.js';

const parse = (p: Record<string, unknown>) => ntfConnectome.params.parse(p);
const componentsOf = (report: unknown) => (report as { components: NtfComponentReport[] }).components;

function inputOfAll(recordings: Recording[]): AnalysisInput {
  const datasets = recordings.map((r) => ({ path: r.meta.source.path, format: 'memory', object: '', rate: null }));
  return { recording: recordings[0]!, dataset: datasets[0]!, recordings, datasets };
}

function labelled(recording: Recording, labels: string[], path: string): Recording {
  return { ...recording, meta: { ...recording.meta, labels, source: { ...recording.meta.source, path } } };
}

describe('communities of the planted connectome', () => {
  it('each component holds exactly one planted community; the labelling has NMI = 1 (noise-free and with U(0, 0.05) noise)', async () => {
    const engine = await createEngine({ provider: 'cpu', threads: 1 });
    for (const noise of [0, 0.05]) {
      const { x } = planted(21, noise);
      const fit = await fitNtf(engine, x, {
        rank: RANK,
        algorithm: 'hals',
        init: 'nndsvda',
        tol: 1e-8,
        maxIterations: 200,
        rng: new Rng(1),
      });
      const model = normalise(fit.loadings, x.shape, RANK);
      const random = new Rng(3);
      const label = new Array<number>(N).fill(-1);
      for (let r = 0; r < RANK; r++) {
        const c = detectCommunities(model.factors[0].subarray(r * PAIRS, (r + 1) * PAIRS), N, {
          resolution: 1,
          contrast: 3,
          random: () => random.uniform(),
        });
        expect(c.communities, `noise ${noise}, component ${r}`).toHaveLength(1);
        const members = c.communities[0]!;
        expect(members).toHaveLength(10);
        expect(new Set(members.map((i) => COMMUNITY[i]))).toHaveProperty('size', 1);
        for (const i of members) label[i] = r;
      }
      expect(nmi(label, COMMUNITY)).toBeCloseTo(1, 12);
    }
    await engine.dispose();
  });
});

describe('ntf-connectome on the simulated demo recording (120 neurons, 4 planted assemblies in different epochs)', () => {
  it('finds every assembly as one community, peaking in its active epoch, stronger than all surrogates', async () => {
    const demo = simulateDemo();
    const { neurons, frames, rate } = demo.options;
    const params = parse({ rank: 5, restarts: 2, surrogates: 5, rankSweepFrom: 4 });
    const result = await ntfConnectome.fit(inputOf(memoryRecording(demo.traces, neurons, frames, rate)), params, testContext(0));
    const components = componentsOf(result.report);
    expect(components).toHaveLength(5);
    expect(result.metrics.recordings).toBe(1);
    // The single recording's loadings carry nothing: fixed, unit norm.
    expect(Array.from(result.arrays.recordingLoadings!.data as Float64Array)).toEqual(new Array(5).fill(1));
    for (const [a, plan] of demo.assemblies.entries()) {
      const match = components.find((c) =>
        c.communities.some((m) => m.length === plan.members.length && m.every((i) => demo.assembly[i] === a)),
      );
      expect(match, `assembly ${a}`).toBeDefined();
      // Window centres in seconds; the peak lies inside one of the assembly's active epochs.
      expect(
        plan.epochs.some(([s, e]) => match!.peakTime >= s / rate && match!.peakTime <= e / rate),
        `assembly ${a} peak ${match!.peakTime} s`,
      ).toBe(true);
      expect(match!.pValue).toBeCloseTo(1 / 6, 12);
    }
    // Every assembly member is labelled with its own assembly's community.
    const members = Array.from(demo.assembly.keys()).filter((i) => demo.assembly[i]! >= 0);
    const label = result.arrays.assembly!.data as Int32Array;
    expect(
      nmi(
        members.map((i) => demo.assembly[i]!),
        members.map((i) => label[i]!),
      ),
    ).toBeCloseTo(1, 12);
    // Error decreases; rank sweep covers 4 and 5.
    const errors = (result.report as { errors: number[] }).errors;
    for (let i = 1; i < errors.length; i++) expect(errors[i]! - errors[i - 1]!).toBeLessThanOrEqual(1e-9);
    expect((result.report as { rankSweep: Array<{ rank: number }> }).rankSweep.map((r) => r.rank)).toEqual([4, 5]);
    expect(result.arrays.nullStrength!.shape).toEqual([5]);

    const figures = ntfConnectome.figures!(result, params, inputOf(memoryRecording(demo.traces, neurons, frames, rate)));
    expect(figures.map((f) => f.key)).toEqual([
      'ntf-component-1',
      'ntf-component-2',
      'ntf-component-3',
      'ntf-component-4',
      'ntf-component-5',
      'ntf-rank',
      'ntf-null',
    ]);
    const heatmap = figures[0]!.plot.data[0] as { type: string; z: unknown[][] };
    expect(heatmap.type).toBe('heatmap');
    expect(heatmap.z).toHaveLength(neurons);
  }, 120_000);
});

describe('ntf-connectome inputs', () => {
  const n = 8;
  const t = 400;
  const rng = new Rng(4);
  const noise = Float32Array.from({ length: n * t }, () => rng.normal());
  const small = (p: Record<string, unknown> = {}) =>
    parse({ rank: 2, windowFrames: 100, stepFrames: 50, restarts: 1, surrogates: 0, ...p });

  const refuses = async (input: AnalysisInput, params: ReturnType<typeof small>, message: RegExp) => {
    const ctx = testContext(0);
    await expect(ntfConnectome.fit(input, params, ctx)).rejects.toThrow(message);
    expect(ctx.reports, 'no work before the check').toHaveLength(0);
  };

  it('refuses bad input with a clear message before any work', async () => {
    const a = memoryRecording(noise, n, t);
    const b = memoryRecording(noise.subarray(0, (n - 1) * t), n - 1, t);
    await refuses(inputOfAll([a, b]), small(), /different neuron counts \(memory: 8; memory: 7\) and no neuron labels/);
    await refuses(inputOf(a), small({ windowFrames: 500 }), /windowFrames \(500\) is longer than memory, which has 400 frames/);
    await refuses(inputOf(a), small({ rank: 8 }), /rank 8 is larger than the number of windows \(7 windows/);
    await refuses(
      inputOf(memoryRecording(noise.subarray(0, 3 * t), 3, t)),
      small({ rank: 4, windowFrames: 20, stepFrames: 20 }),
      /rank 4 is larger than the number of neuron pairs \(3 for 3 neurons\)/,
    );
    await refuses(inputOf(a), small({ rankSweepFrom: 3 }), /rankSweepFrom \(3\) is above rankSweepTo \(2\)/);
    const holed = noise.slice();
    holed[5 * t + 17] = NaN;
    await refuses(inputOf(memoryRecording(holed, n, t)), small(), /neuron 5 has a non-finite value \(NaN\) at frame 17/);
    await refuses(inputOf(memoryRecording(noise, n, t)), small({ traces: 'dff' }), /'dff' needs raw fluorescence above 0/);
  });

  it('matches neurons by label across recordings: the same data in another order gives equal recording loadings', async () => {
    const labels = Array.from({ length: n }, (_, i) => `roi${i}`);
    const perm = [3, 0, 7, 1, 6, 2, 5, 4];
    const permuted = new Float32Array(n * t);
    perm.forEach((src, dst) => permuted.set(noise.subarray(src * t, (src + 1) * t), dst * t));
    const first = labelled(memoryRecording(noise, n, t), labels, 'a.npy');
    const second = labelled(
      memoryRecording(permuted, n, t),
      perm.map((i) => labels[i]!),
      'b.npy',
    );
    const result = await ntfConnectome.fit(inputOfAll([first, second]), small({ rankSweepFrom: 2 }), testContext(0));
    expect(result.metrics.matching).toBe('label');
    const rec = result.arrays.recordingLoadings!;
    expect(rec.shape).toEqual([2, 2]);
    for (let r = 0; r < 2; r++) expect(rec.data[r]).toBeCloseTo(rec.data[2 + r] as number, 6);
    // Without labels the counts agree, so neurons are matched by position.
    const byPosition = await ntfConnectome.fit(
      inputOfAll([memoryRecording(noise, n, t), memoryRecording(noise, n, t)]),
      small({ rankSweepFrom: 2 }),
      testContext(0),
    );
    expect(byPosition.metrics.matching).toBe('position');
  });

  it('is deterministic given the seed and stops when cancelled', async () => {
    const input = inputOf(memoryRecording(noise, n, t));
    const params = small({ restarts: 2, surrogates: 2, seed: 5, init: 'random' });
    const a = await ntfConnectome.fit(input, params, testContext(5));
    const b = await ntfConnectome.fit(input, params, testContext(5));
    expect(b.report).toEqual(a.report);
    expect(b.arrays.pairLoadings!.data).toEqual(a.arrays.pairLoadings!.data);
    await expect(ntfConnectome.fit(input, params, testContext(5, 3))).rejects.toBeInstanceOf(CancelledError);
  });
});
