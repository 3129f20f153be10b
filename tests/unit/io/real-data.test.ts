/**
 * Every shared real file opens with the right shapes, rates and values. Expected numbers were
 * read independently with Debian python3-h5py 3.7 / numpy / scipy.io.loadmat at development time.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { shutdownHdf5 } from '../../../main/io/hdf5/engine.js';
import { inspectFile, openRecording } from '../../../main/io/registry.js';
import { DataError } from '../../../main/io/types.js';

const DATA = resolve(__dirname, '../../../../shared/data');
const present = existsSync(DATA);
if (!present) console.warn(`skipping real-data tests: ${DATA} is absent (a fresh clone has no ../shared)`);
const at = (p: string) => resolve(DATA, p);

afterAll(() => shutdownHdf5());

describe.skipIf(!present)('real shared data (needs ../shared/data)', () => {
  it('NWB zebrafish tectum: DfOverF RoiResponseSeries 114 × 4245 at 2.2 Hz, pixel masks, ids as labels', async () => {
    const info = await inspectFile(at('nwb/zebrafish_tectum_triplett2018.nwb'));
    expect(info.format).toBe('nwb');
    const rrs = info.objects.find((o) => o.type === 'RoiResponseSeries')!;
    expect(rrs.path).toBe('/processing/ophys/DfOverF/dff');
    expect(rrs.shape).toEqual([4245, 114]);
    expect(rrs.rate).toBeCloseTo(2.2, 6);
    expect(rrs.uses).toContain('ROI map');
    const rec = await openRecording(at('nwb/zebrafish_tectum_triplett2018.nwb'));
    expect(rec.meta.nNeurons).toBe(114);
    expect(rec.meta.nFrames).toBe(4245);
    expect(rec.meta.timeBase).toEqual({ kind: 'rate', rate: 2.2, start: 0 });
    expect(rec.meta.unit).toBe('dF/F');
    expect(rec.meta.labels?.slice(0, 3)).toEqual(['1', '2', '3']); // id[rois[i]] = 1, 2, 3
    // h5py: data[0,0] = 0.19215, data[0,1] = 0.34795, data[100,50] = 0.31863, data[4244,113] = 0.19126 (time, roi)
    const all = await rec.readTraces([0, 114], [0, 4245]);
    expect(all[0]).toBeCloseTo(0.19215, 5);
    expect(all[1 * 4245 + 0]).toBeCloseTo(0.34795, 5);
    expect(all[50 * 4245 + 100]).toBeCloseTo(0.31863, 5);
    expect(all[113 * 4245 + 4244]).toBeCloseTo(0.19126, 5);
    const slice = await rec.readTraces([50, 52], [99, 102]);
    expect(slice[1]).toBeCloseTo(0.31863, 5);
    const rois = await rec.rois!();
    // pixel_mask max x = 300, max y = 399; ROI 0 = 3×3 patch x 27..29, y 14..16, weighted centre (28, 15)
    expect(rois.dims).toEqual([400, 301]);
    expect(rois.masks!.pixels).toHaveLength(114);
    expect(Array.from(rois.masks!.pixels[0].slice(0, 3))).toEqual([14 * 301 + 27, 14 * 301 + 28, 14 * 301 + 29]);
    expect(Array.from(rois.masks!.weights[0].slice(0, 3))).toEqual([0.25, 0.5, 0.25]);
    expect(rois.centers[0]).toBeCloseTo(28, 5);
    expect(rois.centers[1]).toBeCloseTo(15, 5);
    await rec.close();
  });

  it('NWB CaImAn demo: Fluorescence 16 × 2000 at 10 Hz, image masks through the rois object reference', async () => {
    const rec = await openRecording(at('nwb/caiman_demo_cnmf.nwb'));
    expect([rec.meta.nNeurons, rec.meta.nFrames]).toEqual([16, 2000]);
    expect(rec.meta.timeBase).toEqual({ kind: 'rate', rate: 10, start: 0 });
    // h5py: data[0,0] = 0.00520549115746085, data[1000,3] = 0.050353432966002365, data[1999,15] = 0.004444387586101633
    const t = await rec.readTraces([3, 16], [1000, 2000]);
    expect(t[0]).toBeCloseTo(0.050353432966002365, 7);
    expect(t[12 * 1000 + 999]).toBeCloseTo(0.004444387586101633, 7);
    const rois = await rec.rois!();
    // image_mask[0]: 268 non-zero pixels, weighted centre x = 8.30577, y = 7.02645 (60 × 80 image)
    expect(rois.dims).toEqual([60, 80]);
    expect(rois.masks!.pixels[0]).toHaveLength(268);
    expect(rois.centers[0]).toBeCloseTo(8.30577, 3);
    expect(rois.centers[1]).toBeCloseTo(7.02645, 3);
    await rec.close();
  });

  it('NWB Units: 20 units, 27,783 spikes, uint16 index, ragged obs_intervals respected when binned', async () => {
    const info = await inspectFile(at('nwb/spikes_units_synthetic.nwb'));
    expect(info.objects.find((o) => o.kind === 'spikes')).toMatchObject({ path: '/units', shape: [20] });
    const rec = await openRecording(at('nwb/spikes_units_synthetic.nwb'), { rate: 1 });
    expect(rec.meta.hasSpikes).toBe(true);
    const s = await rec.spikes!();
    // h5py: spike_times_index[:3] = 2003, 2919, 3933; spike_times[:3] = 0.0258667, 0.0533667, 0.3552667
    expect(s.times).toHaveLength(20);
    expect(s.times.reduce((a, t) => a + t.length, 0)).toBe(27783);
    expect(s.times[0]).toHaveLength(2003);
    expect(s.times[1]).toHaveLength(916);
    expect(s.times[0][2]).toBeCloseTo(0.35526667, 7);
    // obs_intervals_index = 1, 2, 3, 5: unit 3 observed [0, 120] and [150.5, 300]
    expect(Array.from(s.observed![3])).toEqual([0, 120, 150.5, 300]);
    expect(rec.meta.nFrames).toBe(300);
    // numpy.histogram(unit0, bins=0..5) = 8, 4, 8, 6, 7
    const counts = await rec.readTraces([0, 4], [0, 300]);
    expect(Array.from(counts.slice(0, 5))).toEqual([8, 4, 8, 6, 7]);
    expect(counts[3 * 300 + 130]).toBeNaN(); // unit 3 unobserved between 120 and 150.5 s
    expect(counts[3 * 300 + 100]).not.toBeNaN();
    await rec.close();
  });

  it('NWB intracellular files inspect fine and open with "no calcium or spike data here" listing their objects', async () => {
    for (const name of ['FergusonEtAl2015_PYR5_rebound.nwb', 'LantyerEtAl2018_170328_AB_277_ST50_C.nwb']) {
      const info = await inspectFile(at(`nwb/${name}`));
      expect(info.notes.join(' ')).toMatch(/no calcium or spike data here/);
      expect(info.objects.some((o) => /ClampSeries$/.test(o.type ?? ''))).toBe(true);
      const err = await openRecording(at(`nwb/${name}`)).catch((e) => e);
      expect(err).toBeInstanceOf(DataError);
      expect(err.message).toMatch(/no calcium or spike data here.*objects in the file: .*ClampSeries \/acquisition\//);
    }
    // Any TimeSeries opens when named: h5py CurrentClampSeries_01 data[100] = -0.040405277 V at 10 kHz
    const rec = await openRecording(at('nwb/FergusonEtAl2015_PYR5_rebound.nwb'), { object: '/acquisition/CurrentClampSeries_01' });
    expect([rec.meta.nNeurons, rec.meta.nFrames]).toEqual([1, 20000]);
    expect(rec.meta.timeBase).toEqual({ kind: 'rate', rate: 10000, start: 0 });
    expect((await rec.readTraces([0, 1], [100, 101]))[0]).toBeCloseTo(-0.040405277, 7);
    await rec.close();
  });

  it('NWB generic TimeSeries with timestamps, old and extension files', async () => {
    const rec = await openRecording(at('nwb/time_series_data_latest.nwb'), { object: '/acquisition/test_sine_1' });
    expect(rec.meta.timeBase).toEqual({ kind: 'timestamps', count: 100 });
    expect(Array.from((await rec.timestamps!()).slice(0, 3))).toEqual([0, 1, 2]);
    expect((await rec.readTraces([0, 1], [5, 6]))[0]).toBeCloseTo(0.9489846193555862, 6);
    await rec.close();
    expect((await inspectFile(at('nwb/pynwb_1.0.2_nwbfile.nwb'))).notes[0]).toBe('NWB 2.0b');
    const ext = await inspectFile(at('nwb/pynwb_2.1.0_nwbfile_with_extension.nwb'));
    expect(ext.objects.find((o) => o.type === 'TimeSeriesWithID')).toMatchObject({ path: '/acquisition/test_ts', shape: [3] });
  });

  it('CaImAn .npz (Python-2 latin1 pickles): C_full traces, sparse A_full footprints in Fortran order', async () => {
    const ex = await inspectFile(at('caiman/example.npz'));
    expect(ex.format).toBe('caiman-npz');
    expect(ex.objects.find((o) => o.path === 'C_full.npy')).toMatchObject({ shape: [58, 3000], rate: 30 });
    const rec = await openRecording(at('caiman/example.npz'));
    expect([rec.meta.nNeurons, rec.meta.nFrames]).toEqual([58, 3000]);
    expect(rec.meta.timeBase).toEqual({ kind: 'rate', rate: 30, start: 0 });
    // numpy: C_full[0,:3] = 37.88565196 ×3
    expect((await rec.readTraces([0, 1], [0, 1]))[0]).toBeCloseTo(37.88565196, 4);
    const rois = await rec.rois!();
    // scipy csc A_full (28900 × 58): data[:3] = 7.33568086e-05, 2.00737404e-04, 1.78215308e-04 at rows 513, 514, 515
    // Fortran order in 170 × 170: pixel 513 = (row 3, col 3) → row-major 3·170 + 3 = 513; 514 → (4, 3) → 683
    expect(rois.dims).toEqual([170, 170]);
    expect(Array.from(rois.masks!.pixels[0].slice(0, 2))).toEqual([513, 683]);
    expect(rois.masks!.weights[0][0]).toBeCloseTo(7.33568086e-5, 10);
    await rec.close();

    const gt = await openRecording(at('caiman/groundtruth_demoMovie.npz'), { dims: [60, 80] });
    // numpy: C_full (16, 2000) float64 at final_frate 10; C_full[3,1000] = 0.050353432966002365
    expect([gt.meta.nNeurons, gt.meta.nFrames, gt.meta.timeBase]).toEqual([16, 2000, { kind: 'rate', rate: 10, start: 0 }]);
    expect((await gt.readTraces([3, 4], [1000, 1001]))[0]).toBeCloseTo(0.050353432966002365, 8);
    // coo A_full: first entries row 62, 63, 64 of column 0 with 1891.50438189, 2081.18087877, …
    const gtRois = await gt.rois!();
    expect(gtRois.masks!.pixels).toHaveLength(16);
    expect(gtRois.masks!.weights[0][0]).toBeCloseTo(1891.50438189, 4);
    // Same footprints as the NWB image_mask written from A_full.reshape((60, 80), order='F'): centre (8.30577, 7.02645)
    expect(gtRois.centers[0]).toBeCloseTo(8.30577, 3);
    expect(gtRois.centers[1]).toBeCloseTo(7.02645, 3);
    const noDims = await openRecording(at('caiman/groundtruth_demoMovie.npz'));
    await expect(noDims.rois!()).rejects.toThrow(/4800 pixels is not a square: give dims/);
  });

  it('MATLAB v5 compressed (zebrafish): activity_matrix 114 × 4245, coordinates as ROI centres', async () => {
    const info = await inspectFile(at('zebrafish-tectum/zf_20151104-f1.mat'));
    expect(info.format).toBe('mat-v5');
    expect(info.objects.map((o) => [o.path, o.type, o.shape])).toEqual([
      ['activity_matrix', 'double', [114, 4245]],
      ['cell_coordinates', 'double', [114, 2]],
      ['detected_assemblies', 'cell', [5, 1]],
    ]);
    const rec = await openRecording(at('zebrafish-tectum/zf_20151104-f1.mat'), { rate: 2.2 });
    expect([rec.meta.nNeurons, rec.meta.nFrames]).toEqual([114, 4245]);
    // scipy.io.loadmat: activity_matrix[0,:3] = 0.19215154, 0.17770878, 0.11181774; [113,4244] = 0.19126075581624552
    const t = await rec.readTraces([0, 114], [0, 4245]);
    expect(t[0]).toBeCloseTo(0.19215154, 7);
    expect(t[2]).toBeCloseTo(0.11181774, 7);
    expect(t[113 * 4245 + 4244]).toBeCloseTo(0.19126075581624552, 7);
    const rois = await rec.rois!();
    // cell_coordinates[:2] = (27.6667, 15), (214, 164.6667)
    expect(Array.from(rois.centers.slice(0, 4)).map((v) => +v.toFixed(3))).toEqual([27.667, 15, 214, 164.667]);
    await rec.close();
  });

  it('MATLAB v5 with nested structs and subsystem data lists fields and says there is no matrix', async () => {
    const info = await inspectFile(at('matlab/caiman_2d_sbx.mat'));
    // scipy: info.sz = [[512, 796]], info.resfreq = 8000 (class double stored as uint16)
    expect(info.objects.find((o) => o.path === 'info.sz')).toMatchObject({ shape: [1, 2], type: 'double' });
    expect(info.objects.find((o) => o.path === 'info.chan.sample')).toMatchObject({ shape: [1, 4] });
    await expect(openRecording(at('matlab/caiman_2d_sbx.mat'))).rejects.toThrow(/no 2-D numeric variable/);
  });

  it('CSV zebrafish: 114 cells × 4245 frames, one row per cell, same values as the MAT file', async () => {
    const info = await inspectFile(at('zebrafish-tectum/zf_20151104-f1_activity_matrix.csv'));
    expect(info.objects[0].shape).toEqual([114, 4245]);
    expect(info.notes.join(' ')).toMatch(/one row per neuron/);
    const rec = await openRecording(at('zebrafish-tectum/zf_20151104-f1_activity_matrix.csv'), { rate: 2.2 });
    expect([rec.meta.nNeurons, rec.meta.nFrames]).toEqual([114, 4245]);
    const t = await rec.readTraces([113, 114], [4240, 4245]);
    expect(t[4]).toBeCloseTo(0.19126, 5);
    expect((await rec.readTraces([0, 1], [0, 1]))[0]).toBeCloseTo(0.19215, 5);
    // The assemblies file is ragged: its short rows are reported as missing values.
    const asm = await inspectFile(at('zebrafish-tectum/zf_20151104-f1_assembly_assignments.csv'));
    expect(asm.notes.join(' ')).toMatch(/missing or non-numeric value\(s\).*first at row 2 column 17/);
  });

  it('Suite2p ops.npy (NumPy 1.x pickle) and classifier.npy inspect as pickled dicts', async () => {
    const ops = await inspectFile(at('suite2p/ops.npy'));
    // numpy: ops['fs'] = 10.0
    expect(ops.objects.find((o) => o.path === 'fs')).toMatchObject({ description: '10' });
    const cls = await inspectFile(at('suite2p/classifier.npy'));
    // numpy: stats (14058, 3) float64, iscell (14058,) float32
    expect(cls.objects.find((o) => o.path === 'stats')).toMatchObject({ shape: [14058, 3], dtype: 'f8' });
    expect(cls.objects.find((o) => o.path === 'iscell')).toMatchObject({ shape: [14058], dtype: 'f4' });
    await expect(openRecording(at('suite2p/ops.npy'))).rejects.toThrow(/pickled Python objects/);
  });
});
