/**
 * Data-layer benchmark: open time and a 1000 × 100,000 float32 slice from NWB (a ≥ 1 GB file),
 * NPY and CaImAn HDF5, the peak RSS of that read, and decimated view latency at 1500 px.
 * The files are generated in os.tmpdir() and deleted afterwards. Each measurement runs in its own
 * child process so that its peak RSS (getrusage maxrss) is its own.
 * Usage: npm run bench:io [-- --json]
 * Targets: view request < 50 ms, open < 1 s regardless of size, peak RSS < 1.5 × the slice read.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { shutdownHdf5 } from '../main/io/hdf5/engine.js';
import { writeNpyFile } from './_npy-file.js';
import { openRecording } from '../main/io/registry.js';
import { TraceViews } from '../main/io/views.js';

const NEURONS = 1000;
const FRAMES = 100_000;
/** The NWB file holds more frames than are read so that it passes 1 GB. */
const NWB_FRAMES = 270_000;
const WIDTH = 1500;
const SLICE_BYTES = NEURONS * FRAMES * 4;
const json = process.argv.includes('--json');

/** A value that says where it is and has some transients, cheap to generate. */
function value(neuron: number, frame: number): number {
  return Math.sin(frame * 0.001 * (1 + (neuron % 7))) + ((frame + neuron * 31) % 997 === 0 ? 5 : 0);
}

type H5 = typeof import('h5wasm/node');

/** Writes a 2-D float32 dataset block by block (rows of the first axis). */
function writeBlocks(
  group: InstanceType<H5['Group']>,
  name: string,
  rows: number,
  cols: number,
  chunks: number[],
  fill: (r: number, c: number) => number,
): void {
  const ds = group.create_dataset({ name, data: new Float32Array(0), shape: [0, cols], maxshape: [null, cols], chunks, dtype: '<f4' });
  ds.resize([rows, cols]);
  const step = Math.max(1, Math.floor((32 << 20) / (cols * 4)));
  const block = new Float32Array(step * cols);
  for (let r = 0; r < rows; r += step) {
    const n = Math.min(step, rows - r);
    for (let i = 0; i < n; i++) for (let c = 0; c < cols; c++) block[i * cols + c] = fill(r + i, c);
    ds.write_slice(
      [
        [r, r + n],
        [0, cols],
      ],
      n === step ? block : block.subarray(0, n * cols),
    );
  }
}

async function writeHdf5Files(nwbPath: string, caimanPath: string): Promise<void> {
  const h5: H5 = await import('h5wasm/node');
  await h5.ready;
  const nwb = new h5.File(nwbPath, 'w');
  nwb.create_attribute('neurodata_type', 'NWBFile');
  nwb.create_attribute('namespace', 'core');
  nwb.create_attribute('nwb_version', '2.7.0');
  const ophys = nwb.create_group('processing').create_group('ophys');
  ophys.create_attribute('neurodata_type', 'ProcessingModule');
  const fl = ophys.create_group('Fluorescence');
  fl.create_attribute('neurodata_type', 'Fluorescence');
  const rrs = fl.create_group('RoiResponseSeries');
  rrs.create_attribute('neurodata_type', 'RoiResponseSeries');
  // NWB stores (time, rois).
  writeBlocks(rrs, 'data', NWB_FRAMES, NEURONS, [1000, 100], (t, n) => value(n, t));
  const st = rrs.create_dataset({ name: 'starting_time', data: new Float64Array([0]), shape: [] });
  st.create_attribute('rate', 30.0);
  st.create_attribute('unit', 'seconds');
  nwb.close();

  const cm = new h5.File(caimanPath, 'w');
  const est = cm.create_group('estimates');
  // CaImAn stores (components, frames).
  writeBlocks(est, 'C', NEURONS, FRAMES, [10, 10_000], (n, t) => value(n, t));
  cm.create_group('params')
    .create_group('data')
    .create_dataset({ name: 'fr', data: new Float64Array([30]), shape: [] });
  cm.close();
}

interface Measure {
  format: string;
  fileBytes: number;
  openMs: number;
  readMs: number;
  rssBeforeReadMB: number;
  peakRssMB: number;
  sliceMB: number;
  viewBuildMs: number;
  viewFullMs: number;
  viewZoomMs: number;
  viewDeepZoom50Ms: number;
  viewDeepZoom1000Ms: number;
  viewDeepZoom1000CoarseMs: number;
}

const MB = 1 << 20;

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await fn();
  return [v, performance.now() - t0];
}

/** Runs in a child: one format, one file. */
async function child(format: string, path: string): Promise<void> {
  const [rec, openMs] = await timed(() => openRecording(path));
  const before = process.memoryUsage().rss;
  const [ok, readMs] = await timed(async () => {
    const slice = await rec.readTraces([0, NEURONS], [0, FRAMES]);
    return slice[5 * FRAMES + 123] === Math.fround(value(5, 123));
  });
  const peak = process.resourceUsage().maxRSS * 1024;
  if (!ok) throw new Error(`${format}: wrong value at (5, 123)`);
  // Views over the first 100,000 frames whatever the file holds.
  const window = { ...rec, meta: { ...rec.meta, nFrames: FRAMES } };
  const [views, viewBuildMs] = await timed(() => TraceViews.build(window));
  const median = async (fn: () => Promise<unknown>) => {
    const times: number[] = [];
    for (let i = 0; i < 11; i++) times.push((await timed(fn))[1]);
    return times.sort((a, b) => a - b)[5];
  };
  const all: [number, number] = [0, NEURONS];
  const m: Measure = {
    format,
    fileBytes: statSync(path).size,
    openMs,
    readMs,
    rssBeforeReadMB: before / MB,
    peakRssMB: peak / MB,
    sliceMB: SLICE_BYTES / MB,
    viewBuildMs,
    viewFullMs: await median(() => views.view(all, [0, FRAMES], WIDTH)),
    viewZoomMs: await median(() => views.view(all, [20_000, 80_000], WIDTH)),
    viewDeepZoom50Ms: await median(() => views.view([100, 150], [50_000, 60_000], WIDTH)),
    viewDeepZoom1000Ms: await median(() => views.view(all, [50_000, 60_000], WIDTH)),
    viewDeepZoom1000CoarseMs: await median(() => views.view(all, [50_000, 60_000], WIDTH, { coarse: true })),
  };
  await rec.close();
  await shutdownHdf5();
  process.stdout.write(`RESULT ${JSON.stringify(m)}\n`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cajal-bench-io-'));
  const files = { nwb: join(dir, 'big.nwb'), npy: join(dir, 'F.npy'), 'caiman-hdf5': join(dir, 'cnmf.hdf5') };
  const results: Measure[] = [];
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  process.on('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  try {
    const t0 = performance.now();
    writeNpyFile(files.npy, NEURONS, FRAMES, value);
    await writeHdf5Files(files.nwb, files['caiman-hdf5']);
    if (!json)
      console.log(
        `generated ${Object.values(files)
          .map((f) => `${(statSync(f).size / 1e9).toFixed(2)} GB`)
          .join(', ')} in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      );
    for (const [format, path] of Object.entries(files)) {
      const r = spawnSync(process.execPath, [...process.execArgv, process.argv[1], '--child', format, path], {
        encoding: 'utf8',
        maxBuffer: 1 << 24,
      });
      const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
      if (!line) throw new Error(`${format} child failed (${r.status}): ${r.stderr.slice(-2000)}`);
      results.push(JSON.parse(line.slice(7)));
    }
  } finally {
    cleanup();
  }
  if (json) {
    console.log(JSON.stringify({ neurons: NEURONS, frames: FRAMES, width: WIDTH, results }, null, 2));
    return;
  }
  const f = (v: number, d = 0) => v.toFixed(d);
  console.log(
    `\n1000 × 100,000 float32 slice (${f(SLICE_BYTES / MB)} MiB); views at ${WIDTH} px; targets: open < 1000 ms, view < 50 ms, peak RSS < ${f((1.5 * SLICE_BYTES) / MB)} MiB`,
  );
  console.log(
    [
      'format',
      'file',
      'open ms',
      'read ms',
      'RSS before MiB',
      'peak RSS MiB',
      'peak/slice',
      'pyramid ms',
      'view full',
      'view 60k fr',
      'deep 50 n',
      'deep 1000 n',
      'deep 1000 coarse',
    ].join('\t'),
  );
  for (const r of results) {
    console.log(
      [
        r.format,
        `${(r.fileBytes / 1e9).toFixed(2)} GB`,
        f(r.openMs),
        f(r.readMs),
        f(r.rssBeforeReadMB),
        f(r.peakRssMB),
        f(r.peakRssMB / r.sliceMB, 2),
        f(r.viewBuildMs),
        f(r.viewFullMs, 1),
        f(r.viewZoomMs, 1),
        f(r.viewDeepZoom50Ms, 1),
        f(r.viewDeepZoom1000Ms, 1),
        f(r.viewDeepZoom1000CoarseMs, 1),
      ].join('\t'),
    );
  }
}

const at = process.argv.indexOf('--child');
if (at >= 0) await child(process.argv[at + 1], process.argv[at + 2]);
else await main();
