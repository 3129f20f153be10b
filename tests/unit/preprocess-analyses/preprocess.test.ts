/**
 * Preprocessing as analyses: each fit against direct computation with the data layer's math (the
 * math itself is tested in tests/unit/io/preprocess.test.ts), then through the job system: the
 * result array stored with the run, the derived dataset (a .npy in the studio's folder, rate and
 * provenance carried), its use by the next analysis, and what happens when storing fails.
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { derivedOf } from '../../../shared/domain/derived.js';
import { ndarray } from '../../../shared/domain/ndarray.js';
import type { Dataset } from '../../../shared/domain/project.js';
import { dff } from '../../../main/analyses/preprocess/dff.js';
import { zscore } from '../../../main/analyses/preprocess/zscore.js';
import { CancelledError } from '../../../main/analyses/types.js';
import { shutdownHdf5 } from '../../../main/io/hdf5/engine.js';
import { readNpy, writeNpy } from '../../../main/io/npy.js';
import { deltaFOverF, subtractNeuropil, zScore } from '../../../main/io/preprocess.js';
import { openRecording } from '../../../main/io/registry.js';
import { binSpikes } from '../../../main/io/views.js';
import { Router, studioHandlers } from '../../../main/router.js';
import type { Studio } from '../../../main/services/studio.js';
import { bootTestStudio, inputOf, memoryRecording, tempDir, testContext } from '../helpers.js';

const FIX = resolve(import.meta.dirname, '../../fixtures/io');

/** Positive traces with slow drift and transients, so ΔF/F is finite and not trivial. */
function fluorescence(n: number, t: number, seed = 1): Float32Array {
  const m = new Float32Array(n * t);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < t; j++) {
      m[i * t + j] = 100 + 10 * i + 0.02 * j + ((j * (i + seed) * 7919) % 101) / 10 + ((j + 3 * i) % 37 === 0 ? 40 : 0);
    }
  }
  return m;
}

describe('preprocessing fits against direct computation', () => {
  it('ΔF/F: the window in seconds becomes frames at the recording rate', async () => {
    const x = fluorescence(6, 500);
    const ctx = testContext();
    const result = await dff.fit(inputOf(memoryRecording(x, 6, 500, 10)), { window: 3, windowUnit: 'seconds', percentile: 8 }, ctx);
    expect(result.metrics).toMatchObject({ windowFrames: 30, neurons: 6, frames: 500, rate: 10 });
    expect(Array.from(result.arrays.dff.data as Float32Array)).toEqual(Array.from(deltaFOverF(x, 6, 500, { window: 30, percentile: 8 })));
    expect(result.arrays.dff.shape).toEqual([6, 500]);
    expect(result.derived).toMatchObject({ array: 'dff', rate: 10, start: 0 });
    expect(ctx.reports.at(-1)).toBe(1);
  });

  it('ΔF/F: a window in frames is taken as given; less than one frame is refused before work starts', async () => {
    const x = fluorescence(3, 200);
    const result = await dff.fit(
      inputOf(memoryRecording(x, 3, 200, 10)),
      { window: 7, windowUnit: 'frames', percentile: 20 },
      testContext(),
    );
    expect(Array.from(result.arrays.dff.data as Float32Array)).toEqual(Array.from(deltaFOverF(x, 3, 200, { window: 7, percentile: 20 })));
    await expect(
      dff.fit(inputOf(memoryRecording(x, 3, 200, 10)), { window: 0.04, windowUnit: 'seconds', percentile: 8 }, testContext()),
    ).rejects.toThrow(/window: 0\.04 seconds is less than one frame at 10\.00 Hz/);
  });

  it('z-score equals the direct computation and stops when cancelled between neuron blocks', async () => {
    const x = fluorescence(5, 300);
    const result = await zscore.fit(inputOf(memoryRecording(x, 5, 300, 20)), {}, testContext());
    expect(Array.from(result.arrays.zscore.data as Float32Array)).toEqual(Array.from(zScore(x, 5, 300)));
    // 8 neurons × 1,000,000 frames are read in blocks of 4 neurons: cancelled after the first.
    const big = new Float32Array(8 * 1_000_000);
    await expect(zscore.fit(inputOf(memoryRecording(big, 8, 1_000_000, 20)), {}, testContext(0, 1))).rejects.toBeInstanceOf(CancelledError);
  });
});

describe('preprocessing runs through the job system', () => {
  let dir: { path: string; remove: () => void };
  let studio: Studio;
  let projectId: number;

  beforeAll(async () => {
    dir = tempDir('cajal-preprocess-');
    studio = await bootTestStudio(join(dir.path, 'studio'));
    projectId = studio.store.projects.create('preprocessing').id;
  });
  afterAll(async () => {
    await studio?.shutdown();
    await shutdownHdf5();
    dir?.remove();
  });

  async function runOn(dataset: Dataset, analysis: string, params: Record<string, unknown>) {
    const started = await studio.jobs.start({ projectId, datasetId: dataset.id, analysis, params });
    return studio.jobs.wait(started.id);
  }
  const derivedFromRun = (runId: number) => studio.store.datasets.list(projectId).find((d) => derivedOf(d)?.runId === runId);

  it('ΔF/F stores its array and registers a derived dataset that the next analysis reads the right way round', async () => {
    // 30 ROIs × 20 frames (Suite2p states the orientation): more neurons than frames, which a
    // reader guessing from the shape of a plain .npy would turn round.
    const x = fluorescence(30, 20);
    const folder = join(dir.path, 'wide');
    mkdirSync(folder);
    await writeNpy(join(folder, 'F.npy'), ndarray(x, [30, 20]));
    copyFileSync(join(FIX, 'suite2p', 'np2', 'ops.npy'), join(folder, 'ops.npy'));
    const dataset = await studio.datasets.add({ projectId, path: folder });
    const source = dataset.path;
    const run = await runOn(dataset, 'dff', { window: 5, windowUnit: 'frames', percentile: 20 });
    expect(run.status).toBe('done');
    const expected = deltaFOverF(x, 30, 20, { window: 5, percentile: 20 });
    const stored = studio.store.runs.array(run.id, 'dff');
    expect(stored.shape).toEqual([30, 20]);
    expect(Array.from(stored.data as Float32Array)).toEqual(Array.from(expected));

    const derived = derivedFromRun(run.id)!;
    expect(derived).toBeDefined();
    expect(derived.name).toBe('ΔF/F of wide');
    expect(dirname(derived.path)).toBe(join(studio.dataDir, 'derived'));
    expect(derived.rate).toBe(15);
    expect(derivedOf(derived)).toMatchObject({
      runId: run.id,
      analysis: 'dff',
      params: { window: 5, windowUnit: 'frames', percentile: 20 },
      array: 'dff',
      rate: 15,
      start: 0,
      source: { datasetId: dataset.id, path: source, object: '', hash: dataset.hash },
    });
    const file = await readNpy(derived.path);
    expect(file.shape).toEqual([30, 20]);
    expect(Array.from(file.data as Float32Array)).toEqual(Array.from(expected));
    expect(await studio.datasets.fileState(derived)).toBe('ok');

    // The viewer and the next analysis see 30 neurons × 20 frames at ops.npy's 15 Hz.
    expect(await studio.views.info(derived.id)).toMatchObject({ nNeurons: 30, nFrames: 20, rate: 15 });
    const next = await runOn(derived, 'correlation', {});
    expect(next.status).toBe('done');
    expect(studio.store.runs.array(next.id, 'correlation').shape).toEqual([30, 30]);

    // Removing the derived dataset deletes its file in the studio's folder; the user's file stays.
    await studio.views.forget(derived.id);
    studio.store.datasets.remove(derived.id);
    await studio.derived.discard(derived);
    expect(existsSync(derived.path)).toBe(false);
    await studio.derived.discard({ ...dataset, info: { derived: { runId: 0 } } } as Dataset);
    expect(existsSync(join(folder, 'F.npy'))).toBe(true);
  });

  it('neuropil subtraction reads Fneu.npy of the same Suite2p folder', async () => {
    const plane = join(dir.path, 's2p', 'plane0');
    mkdirSync(plane, { recursive: true });
    const f = fluorescence(5, 600, 2);
    const fneu = fluorescence(5, 600, 5).map((v) => v / 3);
    await writeNpy(join(plane, 'F.npy'), ndarray(f, [5, 600]));
    await writeNpy(join(plane, 'Fneu.npy'), ndarray(fneu, [5, 600]));
    copyFileSync(join(FIX, 'suite2p', 'np1', 'stat.npy'), join(plane, 'stat.npy'));
    copyFileSync(join(FIX, 'suite2p', 'np1', 'ops.npy'), join(plane, 'ops.npy'));
    const dataset = await studio.datasets.add({ projectId, path: join(dir.path, 's2p') });
    const run = await runOn(dataset, 'neuropil', { coefficient: 0.7 });
    expect(run.status).toBe('done');
    expect(Array.from(studio.store.runs.array(run.id, 'corrected').data as Float32Array)).toEqual(
      Array.from(subtractNeuropil(f, fneu, 0.7)),
    );
    // ops.npy states fs = 15 Hz: the derived dataset keeps it.
    expect(derivedFromRun(run.id)).toMatchObject({ rate: 15, name: 'F − 0.7·Fneu of s2p' });

    const plainPath = join(dir.path, 'plain.npy');
    await writeNpy(plainPath, ndarray(fluorescence(3, 40), [3, 40]));
    const plain = await studio.datasets.add({ projectId, path: plainPath, rate: 4 });
    const refused = await runOn(plain, 'neuropil', {});
    expect(refused.status).toBe('failed');
    expect(refused.error).toMatch(/plain\.npy: neuropil subtraction needs the F\.npy of a Suite2p folder \(found npy file\)/);
    expect(derivedFromRun(refused.id)).toBeUndefined();
  });

  it('spike binning respects obs_intervals: unobserved bins are NaN, not zero', async () => {
    const units = await studio.datasets.add({ projectId, path: join(FIX, 'nwb_edge_cases.nwb'), object: '/units' });
    const run = await runOn(units, 'bin-spikes', { binWidth: 0.5 });
    expect(run.status).toBe('done');
    const rec = await openRecording(join(FIX, 'nwb_edge_cases.nwb'), { object: '/units' });
    const trains = await rec.spikes!();
    await rec.close();
    // Spikes reach 3.9 s and intervals 4.0 s: bins [0, 0.5) … [4.0, 4.5), 9 of them.
    const direct = binSpikes(trains, { start: 0, binWidth: 0.5, nBins: 9 });
    const counts = studio.store.runs.array(run.id, 'counts');
    expect(counts.shape).toEqual([3, 9]);
    expect(Array.from(counts.data as Float32Array)).toEqual(Array.from(direct.counts));
    // Unit 0 (spikes 0.1, 0.2, 0.3 s) is observed on [0, 1] and [2, 4]: bins 2, 3 (1–2 s) and 8 (centre 4.25 s) are not.
    expect(Array.from((counts.data as Float32Array).subarray(0, 9))).toEqual([3, 0, NaN, NaN, 0, 0, 0, 0, NaN]);
    expect(studio.store.runs.get(run.id).metrics).toMatchObject({ units: 3, bins: 9, spikesCounted: 7 });
    expect(derivedFromRun(run.id)).toMatchObject({ rate: 2 });
  });

  it('deleting a project deletes the studio’s copies of its derived results, not the users’ files', async () => {
    const project = studio.store.projects.create('to delete').id;
    const source = join(dir.path, 'kept.npy');
    await writeNpy(source, ndarray(fluorescence(3, 100), [3, 100]));
    const dataset = await studio.datasets.add({ projectId: project, path: source, rate: 10 });
    const started = await studio.jobs.start({ projectId: project, datasetId: dataset.id, analysis: 'zscore', params: {} });
    expect((await studio.jobs.wait(started.id)).status).toBe('done');
    const derived = studio.store.datasets.list(project).find((d) => derivedOf(d)?.runId === started.id)!;
    expect(existsSync(derived.path)).toBe(true);
    const router = new Router(studioHandlers(studio), () => {});
    expect((await router.call('projects.delete', { id: project })).ok).toBe(true);
    expect(existsSync(derived.path)).toBe(false);
    expect(existsSync(source)).toBe(true);
  });

  it('when the derived file cannot be written the run fails whole: no results, no dataset', async () => {
    const other = await bootTestStudio(join(dir.path, 'studio-blocked'));
    try {
      // A file where the derived folder should be.
      writeFileSync(join(other.dataDir, 'derived'), 'not a folder');
      const project = other.store.projects.create('blocked').id;
      const source = join(dir.path, 'blocked.npy');
      await writeNpy(source, ndarray(fluorescence(3, 100), [3, 100]));
      const dataset = await other.datasets.add({ projectId: project, path: source, rate: 10 });
      const started = await other.jobs.start({ projectId: project, datasetId: dataset.id, analysis: 'zscore', params: {} });
      const run = await other.jobs.wait(started.id);
      expect(run.status).toBe('failed');
      expect(run.error).toMatch(/could not store the results/);
      expect(other.store.runs.get(run.id).arrays).toEqual([]);
      expect(other.store.datasets.list(project).map((d) => d.id)).toEqual([dataset.id]);
    } finally {
      await other.shutdown();
    }
  });
});
