/**
 * The view service against direct computation on generated recordings: decimated traces, the
 * raster, the time base (rate and timestamps), spikes with unobserved stretches, ROI geometry, and
 * the open-recording cache (LRU bound, closed on removal and shutdown).
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ndarray } from '../../../shared/domain/ndarray.js';
import { shutdownHdf5 } from '../../../main/io/hdf5/engine.js';
import { writeNpy } from '../../../main/io/npy.js';
import { openRecording } from '../../../main/io/registry.js';
import { decimate } from '../../../main/io/views.js';
import { Router, studioHandlers } from '../../../main/router.js';
import { spikeView, ViewService } from '../../../main/services/views.js';
import type { Studio } from '../../../main/services/studio.js';
import { bootTestStudio, tempDir } from '../helpers.js';

const FIX = resolve(import.meta.dirname, '../../fixtures/io');
const N = 40;
const T = 20_000;
const RATE = 100;

/** Deterministic traces with NaN holes and one-frame spikes (values a decimation must not lose). */
function traces(): Float32Array {
  const m = new Float32Array(N * T);
  for (let i = 0; i < N; i++) {
    for (let t = 0; t < T; t++) m[i * T + t] = Math.sin(t * 0.003 * (1 + (i % 5))) + i * 0.1 + ((t * 7 + i * 13) % 1009 === 0 ? 6 : 0);
  }
  for (let t = 5000; t < 5100; t++) m[3 * T + t] = NaN;
  return m;
}

let dir: { path: string; remove: () => void };
let studio: Studio;
let data: Float32Array;
let datasetId: number;
let projectId: number;

beforeAll(async () => {
  dir = tempDir('cajal-views-');
  data = traces();
  await writeNpy(join(dir.path, 'traces.npy'), ndarray(data, [N, T]));
  studio = await bootTestStudio(join(dir.path, 'studio'));
  projectId = studio.store.projects.create('views').id;
  datasetId = (await studio.datasets.add({ projectId, path: join(dir.path, 'traces.npy'), rate: RATE })).id;
});
afterAll(async () => {
  await studio?.shutdown();
  await shutdownHdf5();
  dir?.remove();
});

/** Min and max of neuron i over frames [a, b) (NaN skipped). */
function extent(i: number, a: number, b: number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let t = Math.max(0, a); t < Math.min(T, b); t++) {
    const v = data[i * T + t];
    if (v !== v) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return [lo, hi];
}

describe('views of traces (npy, 40 × 20,000 at 100 Hz)', () => {
  it('describes the recording and its time base', async () => {
    const info = await studio.views.info(datasetId);
    expect(info).toMatchObject({
      nNeurons: N,
      nFrames: T,
      rate: RATE,
      start: 0,
      end: T / RATE,
      hasRois: false,
      hasSpikes: false,
      fileState: 'ok',
    });
  });

  it('a narrow window is read from the file and equals direct decimation exactly', async () => {
    // 2 s = 200 frames over 400 pixels: fewer frames than pixels, one column per frame.
    const v = await studio.views.traces({ datasetId, neurons: [2, 6], window: [10, 12], width: 400 });
    expect(v.frames).toEqual([1000, 1200]);
    expect(v.binFrames).toBe(1);
    const block = new Float32Array(4 * 200);
    for (let i = 0; i < 4; i++) block.set(data.subarray((2 + i) * T + 1000, (2 + i) * T + 1200), i * 200);
    const direct = decimate(block, 4, 200, 400);
    expect(v.columns).toBe(direct.columns);
    expect(Array.from(v.min)).toEqual(Array.from(direct.min));
    expect(Array.from(v.max)).toEqual(Array.from(direct.max));
    expect(v.times[0]).toBeCloseTo(10, 12);
    expect(v.times[v.columns]).toBeCloseTo(12, 12);
  });

  it('a wide window comes from the overview and never loses a value of its own frames', async () => {
    const v = await studio.views.traces({ datasetId, neurons: [0, N], window: [0, T / RATE], width: 700 });
    expect(v.binFrames).toBeGreaterThan(1);
    expect(v.columns).toBe(700);
    const frameOf = (s: number) => Math.round(s * RATE);
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < v.columns; j++) {
        const a = frameOf(v.times[j]);
        const b = frameOf(v.times[j + 1]);
        const [lo, hi] = extent(i, a, b);
        // Covering bins may reach at most one bin beyond the column's edges.
        const [outerLo, outerHi] = extent(i, a - v.binFrames, b + v.binFrames);
        const got = [v.min[i * v.columns + j], v.max[i * v.columns + j]];
        if (Number.isNaN(got[0])) {
          // Only a column without a finite value of its own (the NaN stretch of neuron 3) may be NaN.
          expect([i, lo]).toEqual([3, Infinity]);
          continue;
        }
        expect(got[0]).toBeLessThanOrEqual(lo);
        expect(got[1]).toBeGreaterThanOrEqual(hi);
        expect(got[0]).toBeGreaterThanOrEqual(outerLo);
        expect(got[1]).toBeLessThanOrEqual(outerHi);
      }
    }
  });

  it('coarse views answer a deep zoom from the overview without reading the file', async () => {
    const exact = await studio.views.traces({ datasetId, neurons: [0, 5], window: [50, 50.5], width: 300 });
    const coarse = await studio.views.traces({ datasetId, neurons: [0, 5], window: [50, 50.5], width: 300, coarse: true });
    expect(exact.binFrames).toBe(1);
    expect(coarse.binFrames).toBeGreaterThan(1);
    expect(coarse.frames).toEqual([5000, 5050]);
  });

  it('the raster holds exact column means, rows averaged in groups of neurons', async () => {
    // 20,000 frames over 625 columns = 32 frames per column: whole overview bins, exact means.
    const v = await studio.views.raster({ datasetId, neurons: [0, N], window: [0, T / RATE], width: 625, height: 8 });
    expect([v.rows, v.columns]).toEqual([8, 625]);
    expect(Array.from(v.rowEdges)).toEqual([0, 5, 10, 15, 20, 25, 30, 35, 40]);
    for (const [r, j] of [
      [0, 0],
      [0, 156],
      [3, 400],
      [7, 624],
    ]) {
      let sum = 0;
      let count = 0;
      for (let i = v.rowEdges[r]; i < v.rowEdges[r + 1]; i++) {
        let s = 0;
        let c = 0;
        for (let t = j * 32; t < (j + 1) * 32; t++) {
          const x = data[i * T + t];
          if (x === x) {
            s += x;
            c++;
          }
        }
        if (c) {
          sum += s / c;
          count++;
        }
      }
      expect(v.mean[r * v.columns + j]).toBeCloseTo(sum / count, 5);
    }
    expect(v.high).toBeGreaterThan(v.low);
  });

  it('the pyramid is built in blocks that let other work run in between', async () => {
    const service = new ViewService(studio.store, studio.datasets, studio.log, { blockValues: 1 << 16 });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    let immediates = 0;
    const spin = () => {
      immediates++;
      if (!done) setImmediate(spin);
    };
    let done = false;
    setImmediate(spin);
    await service.traces({ datasetId, neurons: [0, N], window: [0, T / RATE], width: 500 });
    done = true;
    clearInterval(timer);
    await service.shutdown();
    // 40 × 20,000 values in blocks of 65,536: about 13 blocks, each read after a turn of the event loop.
    expect(immediates).toBeGreaterThanOrEqual(10);
  });

  it('refuses ranges outside the recording with a message naming the file', async () => {
    await expect(studio.views.traces({ datasetId, neurons: [0, N + 1], window: [0, 1], width: 10 })).rejects.toThrow(
      /traces\.npy.*neuron range \[0, 41\) is outside 0\.\.40/,
    );
    await expect(studio.views.traces({ datasetId, neurons: [0, 1], window: [5, 5], width: 10 })).rejects.toThrow(
      /time window \[5, 5\] is empty/,
    );
  });
});

describe('time base from timestamps, ROIs and spikes (NWB edge-case fixture)', () => {
  let nwbId: number;
  beforeAll(async () => {
    nwbId = (
      await studio.datasets.add({ projectId, path: join(FIX, 'nwb_edge_cases.nwb'), object: '/processing/my_module/activity/cells_raw' })
    ).id;
  });

  it('maps a time window onto the frames whose timestamps it spans', async () => {
    const rec = await openRecording(join(FIX, 'nwb_edge_cases.nwb'), { object: '/processing/my_module/activity/cells_raw' });
    const ts = await rec.timestamps!();
    await rec.close();
    const info = await studio.views.info(nwbId);
    expect(info.timeBase).toEqual({ kind: 'timestamps', count: 50 });
    expect(info.start).toBe(ts[0]);
    expect(info.rate).toBeCloseTo(49 / (ts[49] - ts[0]), 9);
    // A window from the middle of frame 10 to the start of frame 20 shows frames 10–19.
    const v = await studio.views.traces({ datasetId: nwbId, neurons: [0, 3], window: [(ts[10] + ts[11]) / 2, ts[20]], width: 100 });
    expect(v.frames).toEqual([10, 20]);
    expect(Array.from(v.times.slice(0, 10))).toEqual(Array.from(ts.slice(10, 20)));
    expect(v.times[10]).toBe(ts[20]);
  });

  it('ROI geometry comes as flattened masks with the ROIs in trace order', async () => {
    const r = await studio.views.rois({ datasetId: nwbId });
    // rois = [2, 0, 1] into the PlaneSegmentation with ids 10, 11, 12; image masks 8 × 10.
    expect(r.dims).toEqual([8, 10]);
    expect(r.labels).toEqual(['12', '10', '11']);
    expect(r.count).toBe(3);
    expect(Array.from(r.offsets)).toEqual([0, 6, 10, 11]);
    // ROI 2 of the table (drawn first): masks[2, 6:8, 7:10] = 0.5.
    expect(Array.from(r.pixels.subarray(0, 6))).toEqual([67, 68, 69, 77, 78, 79]);
    expect(Array.from(r.weights.subarray(0, 6))).toEqual([0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
    expect(Array.from(r.pixels.subarray(10, 11))).toEqual([45]);
  });

  it('spikes of the Units table, with the unobserved stretches of each unit', async () => {
    const v = await studio.views.spikes({ datasetId: nwbId, object: '/units', units: [0, 3], window: [0, 4], width: 200 });
    expect(v.mode).toBe('times');
    expect(v.total).toBe(7);
    expect(Array.from(v.offsets!)).toEqual([0, 3, 5, 7]);
    expect(Array.from(v.times!)).toEqual([0.1, 0.2, 0.3, 1.5, 2.5, 0.05, 3.9]);
    // obs_intervals: unit 0 [0,1] [2,4]; unit 1 [0,4]; unit 2 [0,2] [3,4].
    expect(Array.from(v.gapOffsets!)).toEqual([0, 1, 1, 2]);
    expect(Array.from(v.gaps!)).toEqual([1, 2, 2, 3]);
  });
});

describe('spike views switch to counts when there are too many marks', () => {
  it('counts per pixel column equal a direct histogram', () => {
    const times = [Float64Array.from({ length: 70_000 }, (_, k) => k * 0.001), Float64Array.from([0.5, 69.999, 75])];
    const v = spikeView({ times }, [0, 2], [0, 70], 100);
    expect(v.mode).toBe('counts');
    expect(v.total).toBe(70_002);
    expect(v.binWidth).toBeCloseTo(0.7, 12);
    // Unit 0 has one spike per millisecond: 700 per 0.7 s column (floating-point edges move at most one).
    for (let j = 0; j < 100; j++) expect(Math.abs(v.counts![j] - 700)).toBeLessThanOrEqual(1);
    expect(v.counts!.subarray(0, 100).reduce((a, b) => a + b, 0)).toBe(70_000);
    expect([v.counts![100], v.counts![199]]).toEqual([1, 1]);
    expect(v.counts!.subarray(100).reduce((a, b) => a + b, 0)).toBe(2);
  });
});

describe('open recordings are kept in LRU order and closed', () => {
  it('keeps at most maxOpen recordings, the most recently used', async () => {
    const service = new ViewService(studio.store, studio.datasets, studio.log, { maxOpen: 2 });
    const ids: number[] = [];
    for (const k of [0, 1, 2]) {
      const p = join(dir.path, `small-${k}.npy`);
      await writeNpy(p, ndarray(new Float32Array(3 * 50).fill(k), [3, 50]));
      ids.push((await studio.datasets.add({ projectId, path: p, rate: 10 })).id);
    }
    await service.info(ids[0]);
    await service.info(ids[1]);
    await service.info(ids[0]);
    await service.info(ids[2]);
    expect(service.openKeys()).toEqual([`${ids[0]}:`, `${ids[2]}:`]);
    await service.forget(ids[0]);
    expect(service.openKeys()).toEqual([`${ids[2]}:`]);
    await service.shutdown();
    expect(service.openKeys()).toEqual([]);
  });

  it('removing a dataset through the contract closes its views; the file stays', async () => {
    const p = join(dir.path, 'removed.npy');
    await writeNpy(p, ndarray(new Float32Array(2 * 20), [2, 20]));
    const id = (await studio.datasets.add({ projectId, path: p, rate: 10 })).id;
    const router = new Router(studioHandlers(studio), () => {});
    const answer = await router.call('views.traces', { datasetId: id, neurons: [0, 2], window: [0, 2], width: 10 });
    expect(answer.ok).toBe(true);
    expect(studio.views.openKeys()).toContain(`${id}:`);
    expect((await router.call('datasets.remove', { id })).ok).toBe(true);
    expect(studio.views.openKeys()).not.toContain(`${id}:`);
    expect((await openRecording(p, { rate: 10 })).meta.nNeurons).toBe(2);
  });
});

describe('a Suite2p folder: ROI map over the mean image', () => {
  it('returns masks and the meanImg background', async () => {
    const plane = join(dir.path, 'suite2p', 'plane0');
    mkdirSync(plane, { recursive: true });
    await writeNpy(join(plane, 'F.npy'), ndarray(new Float32Array(5 * 600).fill(1), [5, 600]));
    copyFileSync(join(FIX, 'suite2p', 'np2', 'stat.npy'), join(plane, 'stat.npy'));
    copyFileSync(join(FIX, 'suite2p', 'np2', 'ops.npy'), join(plane, 'ops.npy'));
    const id = (await studio.datasets.add({ projectId, path: join(dir.path, 'suite2p') })).id;
    const info = await studio.views.info(id);
    expect(info).toMatchObject({ nNeurons: 5, nFrames: 600, rate: 15, hasRois: true });
    const r = await studio.views.rois({ datasetId: id });
    expect(r.dims).toEqual([32, 40]);
    expect(r.count).toBe(5);
    expect(r.offsets[5]).toBe(45);
    expect(r.background?.name).toBe('meanImg');
    expect(r.background?.data.length).toBe(32 * 40);
    // ROI 1: 3 × 3 patch around med = (10, 13): first pixel (9, 12).
    expect(r.pixels[9]).toBe(9 * 40 + 12);
  });
});
