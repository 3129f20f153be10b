/**
 * `cajal inspect`: the format, objects, shapes, dtypes, rates and uses of shared real files (skipped,
 * with the reason printed, where ../shared/data is absent), and exit code 2 with a one-line reason
 * for missing or unreadable files.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ndarray } from '../../../shared/domain/ndarray.js';
import type { FileInfo } from '../../../shared/domain/recording.js';
import { main } from '../../../main/cli/index.js';
import { writeNpy } from '../../../main/io/npy.js';
import { tempDir } from '../helpers.js';

const SHARED = resolve(import.meta.dirname, '../../../../shared/data');
const haveShared = existsSync(SHARED);
if (!haveShared) console.log(`skipping cajal inspect on shared real files: ${SHARED} is absent`);

async function cajal(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n') });
  return { code, out, err };
}

let dir: { path: string; remove: () => void };
beforeAll(() => {
  dir = tempDir('cajal-inspect-');
});
afterAll(() => dir.remove());

describe('cajal inspect', () => {
  it('prints a generated .npy with its shape, dtype and what the studio can do with it', async () => {
    const p = join(dir.path, 'traces.npy');
    await writeNpy(p, ndarray(new Float32Array(12 * 300), [12, 300]));
    const text = await cajal('inspect', p);
    expect(text.code).toBe(0);
    expect(text.out).toContain(`${p}\n  format npy`);
    expect(text.out).toMatch(/\(whole file\)\s+traces\s+12 × 300\s+<f4\s+—\s+traces, raster, analyses/);
    expect(text.out).toContain('note: NumPy files carry no sampling rate');
    const json = await cajal('inspect', p, '--json');
    const info = JSON.parse(json.out) as FileInfo;
    expect(info).toMatchObject({
      path: p,
      format: 'npy',
      objects: [{ path: '', kind: 'traces', shape: [12, 300], dtype: '<f4', uses: ['traces', 'raster', 'analyses'] }],
    });
  });

  it('exits 2 with one line naming the file and what is wrong', async () => {
    const missing = await cajal('inspect', join(dir.path, 'nope.nwb'));
    expect(missing.code).toBe(2);
    expect(missing.out).toBe('');
    expect(missing.err).toBe(`cajal inspect: ${join(dir.path, 'nope.nwb')}: file not found\n`);
    const bad = join(dir.path, 'broken.npy');
    writeFileSync(bad, Buffer.from('\x93NUMPY\x01\x00garbage'));
    const broken = await cajal('inspect', bad);
    expect(broken.code).toBe(2);
    expect(broken.err.split('\n').filter(Boolean)).toHaveLength(1);
    expect(broken.err).toContain(`cajal inspect: ${bad}`);
    expect((await cajal('inspect')).code).toBe(2);
  });

  it.runIf(haveShared)('lists the zebrafish NWB (shared data): ΔF/F traces at 2.2 Hz with an ROI map', async () => {
    const { code, out } = await cajal('inspect', join(SHARED, 'nwb/zebrafish_tectum_triplett2018.nwb'), '--json');
    expect(code).toBe(0);
    const info = JSON.parse(out) as FileInfo;
    expect(info.format).toBe('nwb');
    expect(info.objects.find((o) => o.type === 'RoiResponseSeries')).toMatchObject({
      path: '/processing/ophys/DfOverF/dff',
      kind: 'traces',
      shape: [4245, 114],
      dtype: 'float64',
      rate: 2.2,
      uses: ['traces', 'raster', 'analyses', 'ROI map'],
    });
    expect(info.objects.find((o) => o.type === 'PlaneSegmentation')).toMatchObject({
      kind: 'rois',
      shape: [114],
      dtype: 'pixel_mask',
      uses: ['ROI map'],
    });
  });

  it.runIf(haveShared)('lists the NWB Units file (shared data) as a spike raster', async () => {
    const { code, out } = await cajal('inspect', join(SHARED, 'nwb/spikes_units_synthetic.nwb'));
    expect(code).toBe(0);
    expect(out).toMatch(/\/units\s+spikes\s+Units\s+20\s+float64\s+—\s+spike raster, binned counts, analyses/);
  });

  it.runIf(haveShared)('lists the intracellular NWB (shared data): objects and "no calcium or spike data here", exit 0', async () => {
    const { code, out } = await cajal('inspect', join(SHARED, 'nwb/FergusonEtAl2015_PYR5_rebound.nwb'));
    expect(code).toBe(0);
    expect(out).toMatch(/\/acquisition\/CurrentClampSeries_01\s+timeseries\s+CurrentClampSeries\s+20000\s+float32\s+10000 Hz/);
    expect(out).toContain('note: no calcium or spike data here');
  });

  it.runIf(haveShared)('lists the CaImAn .npz and the Suite2p ops (shared data)', async () => {
    const caiman = JSON.parse((await cajal('inspect', join(SHARED, 'caiman/example.npz'), '--json')).out) as FileInfo;
    expect(caiman.format).toBe('caiman-npz');
    expect(caiman.objects.find((o) => o.path === 'C_full.npy')).toMatchObject({ kind: 'traces', shape: [58, 3000], rate: 30 });
    const ops = await cajal('inspect', join(SHARED, 'suite2p/ops.npy'));
    expect(ops.code).toBe(0);
    expect(ops.out).toContain('a pickled object array');
  });
});
