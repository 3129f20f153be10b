/**
 * Readers on generated data and on the small committed fixtures (tests/fixtures/io, made by
 * make_fixtures.py; the values checked here were printed by h5py/numpy when they were made).
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ndarray } from '../../../shared/domain/ndarray.js';
import { shutdownHdf5 } from '../../../main/io/hdf5/engine.js';
import { encodeNpy, writeNpy } from '../../../main/io/npy.js';
import { inspectFile, openRecording } from '../../../main/io/registry.js';

const FIX = resolve(__dirname, '../../fixtures/io');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cajal-io-'));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await shutdownHdf5();
});

/** A neurons × frames matrix whose value says where it is: n·1000 + t. */
function matrix(n: number, t: number): Float32Array {
  const m = new Float32Array(n * t);
  for (let i = 0; i < n; i++) for (let j = 0; j < t; j++) m[i * t + j] = i * 1000 + j;
  return m;
}

describe('Suite2p folder (generated F/Fneu/spks/iscell + committed stat/ops pickles)', () => {
  for (const flavour of ['np1', 'np2']) {
    it(`opens with ${flavour === 'np1' ? 'NumPy 1.x numpy.core' : 'NumPy 2.x numpy._core'} pickles`, async () => {
      const plane = join(dir, `suite2p-${flavour}`, 'plane0');
      await import('node:fs/promises').then((fs) => fs.mkdir(plane, { recursive: true }));
      await writeNpy(join(plane, 'F.npy'), ndarray(matrix(5, 600), [5, 600]));
      await writeNpy(join(plane, 'Fneu.npy'), ndarray(new Float32Array(5 * 600).fill(2), [5, 600]));
      await writeNpy(join(plane, 'spks.npy'), ndarray(new Float32Array(5 * 600), [5, 600]));
      await writeNpy(join(plane, 'iscell.npy'), ndarray(Float64Array.from([1, 0.9, 0, 0.2, 1, 0.8, 1, 0.7, 0, 0.1]), [5, 2]));
      copyFileSync(join(FIX, 'suite2p', flavour, 'stat.npy'), join(plane, 'stat.npy'));
      copyFileSync(join(FIX, 'suite2p', flavour, 'ops.npy'), join(plane, 'ops.npy'));

      const folder = join(dir, `suite2p-${flavour}`);
      const info = await inspectFile(folder);
      expect(info.format).toBe('suite2p');
      expect(info.objects.map((o) => o.path)).toEqual(['F.npy', 'Fneu.npy', 'spks.npy', 'iscell.npy', 'stat.npy', 'ops.npy']);
      expect(info.objects[0]).toMatchObject({ shape: [5, 600], rate: 15 });

      const rec = await openRecording(folder);
      expect(rec.meta.source).toEqual({ path: plane, format: 'suite2p', object: 'F.npy' });
      expect([rec.meta.nNeurons, rec.meta.nFrames, rec.meta.timeBase]).toEqual([5, 600, { kind: 'rate', rate: 15, start: 0 }]);
      expect(Array.from(await rec.readTraces([3, 5], [598, 600]))).toEqual([3598, 3599, 4598, 4599]);
      const rois = await rec.rois!();
      // stat[k]: 3×3 patch around med = (5 + 5k, 6 + 7k), lam = linspace(0.1, 0.9, 9)·(k + 1); Ly = 32, Lx = 40
      expect(rois.dims).toEqual([32, 40]);
      expect(Array.from(rois.centers.slice(2, 4))).toEqual([13, 10]);
      expect(rois.masks!.pixels[1][0]).toBe(9 * 40 + 12);
      expect(rois.masks!.weights[1][8]).toBeCloseTo(1.8, 6);
      expect(rois.background?.name).toBe('meanImg');
      expect(rois.background?.data[40 * 2 + 3]).toBeCloseTo(0.83, 6);

      // Choosing Fneu.npy inside the folder opens the folder on that object.
      const fneu = await openRecording(join(plane, 'Fneu.npy'));
      expect(fneu.meta.source.object).toBe('Fneu.npy');
      expect((await fneu.readTraces([0, 1], [0, 1]))[0]).toBe(2);
    });
  }
});

describe('NumPy .npy and .npz', () => {
  it('slices a C-ordered .npy on disk in both orientations, big-endian and Fortran order included', async () => {
    const p = join(dir, 'm.npy');
    await writeNpy(p, ndarray(matrix(4, 10), [4, 10]));
    const rec = await openRecording(p, { rate: 20 });
    expect([rec.meta.nNeurons, rec.meta.nFrames, rec.meta.timeBase]).toEqual([4, 10, { kind: 'rate', rate: 20, start: 0 }]);
    expect(Array.from(await rec.readTraces([1, 3], [8, 10]))).toEqual([1008, 1009, 2008, 2009]);
    const t = await openRecording(p, { layout: 'time-first' });
    expect([t.meta.nNeurons, t.meta.nFrames]).toEqual([10, 4]);
    expect(Array.from(await t.readTraces([8, 10], [1, 3]))).toEqual([1008, 2008, 1009, 2009]);

    // '>f8', fortran_order True, shape (3, 2): column-major big-endian values 1..6
    const dict = "{'descr': '>f8', 'fortran_order': True, 'shape': (3, 2), }";
    const head = new Uint8Array(10 + 118);
    head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 118, 0]);
    head.set(new TextEncoder().encode(dict.padEnd(117, ' ') + '\n'), 10);
    const body = new DataView(new ArrayBuffer(48));
    [1, 2, 3, 4, 5, 6].forEach((v, i) => body.setFloat64(i * 8, v, false));
    const f = join(dir, 'fortran.npy');
    writeFileSync(f, Buffer.concat([head, new Uint8Array(body.buffer)]));
    const fr = await openRecording(f, { layout: 'neurons-first' });
    // numpy: array([[1, 4], [2, 5], [3, 6]])
    expect(Array.from(await fr.readTraces([0, 3], [0, 2]))).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('reads stored and deflated .npz members, inspecting headers without loading data', async () => {
    const traces = encodeNpy(ndarray(matrix(3, 50), [3, 50]));
    const other = encodeNpy(ndarray(Int32Array.from([1, 2, 3]), [3]));
    for (const level of [0, 6] as const) {
      const p = join(dir, `a${level}.npz`);
      writeFileSync(p, zipSync({ 'traces.npy': traces, 'labels.npy': other }, { level }));
      const info = await inspectFile(p);
      expect(info.format).toBe('npz');
      expect(info.objects.map((o) => [o.path, o.shape, o.dtype])).toEqual([
        ['traces.npy', [3, 50], '<f4'],
        ['labels.npy', [3], '<i4'],
      ]);
      const rec = await openRecording(p);
      expect(rec.meta.source.object).toBe('traces.npy');
      expect(Array.from(await rec.readTraces([2, 3], [48, 50]))).toEqual([2048, 2049]);
      await expect(openRecording(p, { object: 'nope' })).rejects.toThrow(/no member 'nope'/);
    }
  });
});

describe('CaImAn HDF5 (committed fixture in cnmf.save layout)', () => {
  it('opens C (F_dff is NoneType), rate from /params/data/fr, CSC footprints in Fortran order', async () => {
    const p = join(FIX, 'caiman_cnmf_small.hdf5');
    const info = await inspectFile(p);
    expect(info.format).toBe('caiman-hdf5');
    expect(info.objects.map((o) => o.path)).toEqual(['/estimates/C', '/estimates/S', '/estimates/YrA', '/estimates/A']);
    const rec = await openRecording(p);
    expect(rec.meta.source.object).toBe('/estimates/C');
    expect([rec.meta.nNeurons, rec.meta.nFrames, rec.meta.timeBase]).toEqual([6, 500, { kind: 'rate', rate: 7.5, start: 0 }]);
    // h5py: C[0,0] = 0.6479062041731867, C[2,100] = -9.754861930275165, C[5,499] = -9.4243012157624
    const c = await rec.readTraces([0, 6], [0, 500]);
    expect(c[0]).toBeCloseTo(0.6479062041731867, 5);
    expect(c[2 * 500 + 100]).toBeCloseTo(-9.754861930275165, 5);
    expect(c[5 * 500 + 499]).toBeCloseTo(-9.4243012157624, 5);
    const rois = await rec.rois!();
    // A[:,0] reshaped (12, 16) order F: non-zeros at (1,2), (1,3), (1,4) = 1, 2, 3 → row-major 18, 19, 20
    expect(rois.dims).toEqual([12, 16]);
    expect(
      Array.from(rois.masks!.pixels[0])
        .sort((a, b) => a - b)
        .slice(0, 3),
    ).toEqual([18, 19, 20]);
    expect(rois.masks!.weights[0]).toHaveLength(9);
    await rec.close();
  });
});

describe('NWB edge cases (committed fixture written with h5py)', () => {
  it('applies conversion and offset, reads timestamps, reorders image masks by the rois region, uint64 indexes', async () => {
    const p = join(FIX, 'nwb_edge_cases.nwb');
    const rec = await openRecording(p);
    expect(rec.meta.source.object).toBe('/processing/my_module/activity/cells_raw');
    expect([rec.meta.nNeurons, rec.meta.nFrames, rec.meta.timeBase]).toEqual([3, 50, { kind: 'timestamps', count: 50 }]);
    // h5py int16 data[0] = 298, -900, -956; ·0.5 + 1 → 150, -449, -477; data[7,1]·0.5 + 1 = 231.5
    const t = await rec.readTraces([0, 3], [0, 50]);
    expect([t[0], t[50], t[100]]).toEqual([150, -449, -477]);
    expect(t[50 + 7]).toBe(231.5);
    const ts = await rec.timestamps!();
    expect(ts[0]).toBeCloseTo(0.0842005, 6);
    // rois region = [2, 0, 1] into ids [10, 11, 12]
    expect(rec.meta.labels).toEqual(['12', '10', '11']);
    const rois = await rec.rois!();
    expect(rois.dims).toEqual([8, 10]);
    expect(rois.masks!.pixels[0]).toHaveLength(6); // row 2: masks[2, 6:8, 7:10]
    expect(Array.from(rois.masks!.pixels[2])).toEqual([4 * 10 + 5]); // row 1: masks[1, 4, 5]
    await rec.close();

    const units = await openRecording(p, { object: '/units', rate: 1 });
    const s = await units.spikes!();
    expect(s.times.map((x) => x.length)).toEqual([3, 2, 2]);
    expect(Array.from(s.observed![0])).toEqual([0, 1, 2, 4]);
    // unit 0 observed [0,1] ∪ [2,4]: bin [1,2) is NaN
    const counts = await units.readTraces([0, 1], [0, 4]);
    expect(Array.from(counts)).toEqual([3, NaN, 0, 0]);
    await units.close();
  });
});

describe('MATLAB v7.3 (committed fixture: HDF5 behind a MATLAB header)', () => {
  it('lists variables with MATLAB dimensions and reads the matrix transposed back', async () => {
    const p = join(FIX, 'matlab_v73_small.mat');
    const info = await inspectFile(p);
    expect(info.format).toBe('mat-v7.3');
    expect(info.objects.find((o) => o.path === 'traces')).toMatchObject({ type: 'double', shape: [8, 300] });
    expect(info.objects.find((o) => o.path === 'meta.fs')).toMatchObject({ shape: [1, 1] });
    const rec = await openRecording(p, { rate: 30 });
    expect([rec.meta.nNeurons, rec.meta.nFrames]).toEqual([8, 300]);
    // numpy traces[:, :5] (MATLAB rows) from matlab_v73_small.expected.txt
    const expected = (await import('node:fs'))
      .readFileSync(join(FIX, 'matlab_v73_small.expected.txt'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(' ').map(Number));
    const t = await rec.readTraces([0, 8], [0, 5]);
    for (let i = 0; i < 8; i++) for (let j = 0; j < 5; j++) expect(t[i * 5 + j]).toBeCloseTo(expected[i][j], 4);
    await rec.close();
  });
});

describe('CSV/TSV', () => {
  it('detects header rows, row labels, orientation and reports missing values with positions', async () => {
    const p = join(dir, 'frames.tsv');
    const lines = ['# exported', 'time\tcellA\tcellB\tcellC'];
    for (let t = 0; t < 8; t++) lines.push([`t${t}`, t, t === 3 ? 'NaN' : 10 + t, t === 5 ? '' : 20 + t].join('\t'));
    writeFileSync(p, lines.join('\r\n') + '\r\n');
    const info = await inspectFile(p);
    expect(info.objects[0].shape).toEqual([8, 3]);
    expect(info.notes.join(' | ')).toMatch(/one row per frame/);
    expect(info.notes.join(' | ')).toMatch(/2 header row\(s\), first column holds row labels/);
    expect(info.notes.join(' | ')).toMatch(/2 missing or non-numeric value\(s\), read as NaN; first at row 4 column 2, row 6 column 3/);
    const rec = await openRecording(p, { rate: 5 });
    expect([rec.meta.nNeurons, rec.meta.nFrames]).toEqual([3, 8]);
    expect(rec.meta.labels).toEqual(['cellA', 'cellB', 'cellC']);
    const t = await rec.readTraces([1, 3], [2, 6]);
    expect(Array.from(t)).toEqual([12, NaN, 14, 15, 22, 23, 24, NaN]);
    const asked = await openRecording(p, { layout: 'neurons-first' });
    expect([asked.meta.nNeurons, asked.meta.nFrames]).toEqual([8, 3]);
    expect(asked.meta.labels?.[0]).toBe('t0');
  });
});

describe('MATLAB v5 classes (committed fixture written by scipy.io.savemat, compressed)', () => {
  it('decodes double, uint16, char, sparse, cell and struct variables', async () => {
    const { scanMat, readMatVariable } = await import('../../../main/io/matv5.js');
    const mat = await scanMat(join(FIX, 'matlab_v5_small.mat'));
    expect(mat.variables.map((v) => [v.name, v.className, v.dims])).toEqual([
      ['traces', 'double', [6, 40]],
      ['counts', 'uint16', [3, 4]],
      ['label', 'char', [1, 7]],
      ['sp', 'sparse', [2, 3]],
      ['cells', 'cell', [1, 2]],
      ['s', 'struct', [1, 1]],
    ]);
    const get = (name: string) =>
      readMatVariable(
        mat,
        mat.variables.find((v) => v.name === name)!,
      );
    const counts = await get('counts');
    // numpy arange(12).reshape(3, 4), stored column-major: 0, 4, 8, 1, …
    expect(counts.kind === 'numeric' && Array.from(counts.real.slice(0, 4))).toEqual([0, 4, 8, 1]);
    expect(await get('label')).toMatchObject({ kind: 'char', text: 'GCaMP6s' });
    // scipy csc [[0, 2.5, 0], [1, 0, 0]]: (1,0) = 1, (0,1) = 2.5
    expect(await get('sp')).toMatchObject({
      kind: 'sparse',
      ir: Int32Array.from([1, 0]),
      jc: Int32Array.from([0, 1, 2, 2]),
      real: Float64Array.from([1, 2.5]),
    });
    const cells = await get('cells');
    expect(cells.kind === 'cell' && cells.items.map((c) => c.kind)).toEqual(['numeric', 'char']);
    const s = await get('s');
    expect(s.kind === 'struct' && s.fields).toEqual(['fs', 'name', 'roi_xy']);
    expect(s.kind === 'struct' && s.items[0].fs).toMatchObject({ kind: 'numeric', real: Float64Array.from([30]) });
    const rec = await openRecording(join(FIX, 'matlab_v5_small.mat'));
    expect(rec.meta.source.object).toBe('traces');
    // matlab_v5_small.expected.txt row 0 starts 0.001 0.299 -0.274
    expect(Array.from(await rec.readTraces([0, 1], [0, 3])).map((v) => +v.toFixed(3))).toEqual([0.001, 0.299, -0.274]);
    expect((await inspectFile(join(FIX, 'matlab_v5_small.mat'))).objects.find((o) => o.path === 's.roi_xy')).toMatchObject({
      type: 'int32',
      shape: [2, 2],
    });
  });
});

describe('HDF5 engine recovery', () => {
  it('after a libhdf5 error the same path reopens with fresh contents (no stale cached file)', async () => {
    const good = (await import('node:fs')).readFileSync(join(FIX, 'nwb_edge_cases.nwb'));
    const p = join(dir, 'same-path.nwb');
    const bad = Uint8Array.from(good);
    for (let i = 600; i < 1400; i++) bad[i] ^= 0x5a; // object headers after the superblock
    writeFileSync(p, bad);
    const err = await inspectFile(p).then(
      (info) => info.notes.join(' '),
      (e) => e,
    );
    expect(err instanceof Error ? err.constructor.name : String(err)).toMatch(/DataError|could not be read|no calcium/);
    writeFileSync(p, good);
    const rec = await openRecording(p);
    expect((await rec.readTraces([0, 1], [0, 1]))[0]).toBe(150);
    await rec.close();
  });
});
