/**
 * Viewer benchmark on a 1000 × 100,000 float32 recording (.npy, 400 MB, generated in os.tmpdir()
 * and deleted afterwards):
 *  - in main: the overview (pyramid) build time and the longest event-loop stall during it (main
 *    must keep answering), and view request latency from the overview against the baseline of
 *    reading the same window from the file and decimating it;
 *  - in the studio (browser host + Chromium): time from opening the dataset to the first drawn
 *    view, and from each pan or zoom (plotly_relayout) to the redrawn traces and raster, for the
 *    coarse answer and for the exact one that follows when the gestures settle.
 * Usage: node scripts/run-ts.mjs bench/viewer.ts [--json]   (CHROMIUM_PATH, default /usr/bin/chromium)
 * Target: relayout → redraw under 100 ms at 1000 neurons × 100,000 frames.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { chromium, type Page } from 'playwright-core';
import { shutdownHdf5 } from '../main/io/hdf5/engine.js';
import { writeNpyFile } from './_npy-file.js';
import { openRecording } from '../main/io/registry.js';
import { decimate } from '../main/io/views.js';
import { Studio } from '../main/services/studio.js';

const NEURONS = 1000;
const FRAMES = 100_000;
const RATE = 30;
const WIDTH = 1200;
const json = process.argv.includes('--json');
const log = (s: string) => !json && console.log(s);

function value(neuron: number, frame: number): number {
  return Math.sin(frame * 0.001 * (1 + (neuron % 7))) + ((frame + neuron * 31) % 997 < 3 ? 5 : 0) + 0.01 * neuron;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
};
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * (s.length - 1)))] : NaN;
};

/** Windows a user might look at: the whole recording, a minute, ten seconds, one second, at several places. */
function windows(): Array<[number, number]> {
  const end = FRAMES / RATE;
  const out: Array<[number, number]> = [];
  for (const span of [end, 600, 60, 10, 1])
    for (const at of [0.1, 0.5, 0.8]) out.push([Math.max(0, at * end - span / 2), Math.min(end, at * end + span / 2)]);
  return out;
}

async function inMain(file: string, dataDir: string) {
  const studio = await Studio.boot({ dataDir, workers: 1 });
  try {
    const project = studio.store.projects.create('bench').id;
    const dataset = await studio.datasets.add({ projectId: project, path: file, rate: RATE });
    // Let the boot (worker threads starting) settle first: only the build is measured.
    await new Promise((r) => setTimeout(r, 2000));
    // Let the boot (worker threads starting) settle first: only the build is measured.
    await new Promise((r) => setTimeout(r, 2000));
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const t0 = performance.now();
    await studio.views.traces({ datasetId: dataset.id, neurons: [0, 50], window: [0, FRAMES / RATE], width: WIDTH });
    const buildMs = performance.now() - t0;
    delay.disable();
    const traces: number[] = [];
    const rasters: number[] = [];
    const coarse: number[] = [];
    const baseline: number[] = [];
    const rec = await openRecording(file, { rate: RATE });
    for (const w of windows()) {
      let t = performance.now();
      await studio.views.traces({ datasetId: dataset.id, neurons: [100, 150], window: w, width: WIDTH });
      traces.push(performance.now() - t);
      t = performance.now();
      await studio.views.raster({ datasetId: dataset.id, neurons: [0, NEURONS], window: w, width: WIDTH, height: 200 });
      rasters.push(performance.now() - t);
      t = performance.now();
      await studio.views.raster({ datasetId: dataset.id, neurons: [0, NEURONS], window: w, width: WIDTH, height: 200, coarse: true });
      coarse.push(performance.now() - t);
      // Baseline: the same 50 traces read from the file and decimated, no overview.
      t = performance.now();
      const f0 = Math.floor(w[0] * RATE);
      const f1 = Math.ceil(w[1] * RATE);
      decimate(await rec.readTraces([100, 150], [f0, f1]), 50, f1 - f0, WIDTH);
      baseline.push(performance.now() - t);
    }
    await rec.close();
    return {
      pyramidBuildMs: buildMs,
      eventLoopMaxStallMs: delay.max / 1e6,
      eventLoopP99Ms: delay.percentile(99) / 1e6,
      traces50Ms: { median: median(traces), max: Math.max(...traces) },
      raster1000Ms: { median: median(rasters), max: Math.max(...rasters) },
      raster1000CoarseMs: { median: median(coarse), max: Math.max(...coarse) },
      baselineFileDecimate50Ms: { median: median(baseline), max: Math.max(...baseline) },
    };
  } finally {
    await studio.shutdown();
  }
}

async function serve(dataDir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [resolve(process.cwd(), 'bin/cajal.js'), 'serve', '--port', '0'], {
    env: { ...process.env, CAJAL_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((res, rej) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /serving at (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out);
      if (m) res(m[1]);
    });
    child.once('exit', (code) => rej(new Error(`cajal serve exited (${code})`)));
  });
  return {
    url,
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function draws(page: Page): Promise<number> {
  return Number((await page.getByTestId('trace-viewer').getAttribute('data-draws')) ?? 0);
}

async function waitDraws(page: Page, above: number, timeout = 30_000): Promise<void> {
  const start = Date.now();
  while ((await draws(page)) <= above) {
    if (Date.now() - start > timeout) throw new Error('no redraw');
    await page.waitForTimeout(5);
  }
}

async function inStudio(file: string, dataDir: string) {
  const server = await serve(dataDir);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Add file…' }).click();
    await page.getByTestId('dataset-path').fill(file);
    await page.getByRole('button', { name: 'Inspect' }).click();
    await page.getByLabel('Sampling rate (Hz)').fill(String(RATE));
    await page.getByRole('button', { name: 'Add to project' }).click();
    const t0 = performance.now();
    await page.getByTestId('datasets-table').getByText('big.npy').click();
    await waitDraws(page, 0, 120_000);
    const firstViewMs = performance.now() - t0;
    const plot = page.getByTestId('traces-plot');
    await plot.scrollIntoViewIfNeeded();
    const box = (await plot.boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height * 0.3;
    // (a) Relayouts as plotly reports them, emitted on the plot: the studio's part alone (request,
    // answer, redraw), for a zoom from the whole recording down to 1 s, then pans at 1 s and 60 s.
    const end = FRAMES / RATE;
    const targets: Array<[number, number]> = [];
    for (let span = end; span >= 1; span /= 2.5) targets.push([end / 2 - span / 2, end / 2 + span / 2]);
    for (const span of [1, 60]) for (let k = 1; k <= 5; k++) targets.push([1000 + k * span * 0.4, 1000 + k * span * 0.4 + span]);
    const coarse: number[] = [];
    const exact: number[] = [];
    const el = page.getByTestId('trace-viewer');
    const record = async (before: number) => {
      await waitDraws(page, before);
      const ms = Number(await el.getAttribute('data-last-draw-ms'));
      if ((await el.getAttribute('data-last-draw-coarse')) === 'true') coarse.push(ms);
      else exact.push(ms);
      // Let it settle: the exact view may follow the coarse one.
      const settled = await draws(page);
      await page.waitForTimeout(500);
      if ((await draws(page)) > settled) exact.push(Number(await el.getAttribute('data-last-draw-ms')));
    };
    for (const [a, b] of targets) {
      const before = await draws(page);
      await plot.evaluate(
        (div, r) =>
          (div as unknown as { emit(e: string, d: unknown): void }).emit('plotly_relayout', {
            'xaxis.range[0]': r[0],
            'xaxis.range[1]': r[1],
          }),
        [a, b],
      );
      await record(before);
    }
    // (b) Real gestures: wheel zooms and drags, timed from the input event to the redraw; this
    // includes plotly's own redraw of the gesture before it reports the relayout.
    const gestures: number[] = [];
    const toRelayout: number[] = [];
    await page.mouse.move(cx, cy);
    for (let k = 0; k < 10; k++) {
      const before = await draws(page);
      const relayouts = Number((await el.getAttribute('data-relayouts')) ?? 0);
      const t = performance.now();
      if (k % 2 === 0) await page.mouse.wheel(0, k < 6 ? -400 : 400);
      else {
        await page.mouse.down();
        await page.mouse.move(cx - 150, cy, { steps: 4 });
        await page.mouse.up();
        await page.mouse.move(cx, cy);
      }
      const deadline = Date.now() + 60_000;
      while (Number((await el.getAttribute('data-relayouts')) ?? 0) === relayouts && Date.now() < deadline) await page.waitForTimeout(5);
      toRelayout.push(performance.now() - t);
      await waitDraws(page, before);
      gestures.push(performance.now() - t);
      await page.waitForTimeout(500);
    }
    return {
      firstViewMs,
      relayoutToRedrawMs: { n: coarse.length, median: median(coarse), p90: quantile(coarse, 0.9), max: Math.max(...coarse) },
      settledToExactRedrawMs: { n: exact.length, median: median(exact), p90: quantile(exact, 0.9), max: Math.max(...exact) },
      gestureToRedrawMs: { n: gestures.length, median: median(gestures), p90: quantile(gestures, 0.9), max: Math.max(...gestures) },
      gestureToRelayoutEventMs: {
        n: toRelayout.length,
        median: median(toRelayout),
        p90: quantile(toRelayout, 0.9),
        max: Math.max(...toRelayout),
      },
    };
  } finally {
    await browser.close();
    await server.stop();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cajal-bench-viewer-'));
  try {
    const file = join(dir, 'big.npy');
    const t0 = performance.now();
    writeNpyFile(file, NEURONS, FRAMES, value);
    log(
      `generated ${NEURONS} × ${FRAMES} float32 (.npy, ${((NEURONS * FRAMES * 4) / 2 ** 20).toFixed(0)} MiB) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const main = await inMain(file, join(dir, 'main'));
    await shutdownHdf5();
    const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
    const studio = existsSync(chromiumPath) ? await inStudio(file, join(dir, 'studio')) : null;
    if (!studio) log(`skipping the in-studio measurement: no Chromium at ${chromiumPath}`);
    const result = { neurons: NEURONS, frames: FRAMES, rate: RATE, width: WIDTH, main, studio };
    if (json) {
      console.log(JSON.stringify(result, null, 2));
      return;
    }
    const f = (v: number) => v.toFixed(1);
    log(`\nmain (service, in-process), views ${WIDTH} px wide over ${windows().length} windows (whole recording … 1 s):`);
    log(
      `  overview build ${f(main.pyramidBuildMs)} ms; longest event-loop stall meanwhile ${f(main.eventLoopMaxStallMs)} ms (p99 ${f(main.eventLoopP99Ms)} ms)`,
    );
    log(
      `  50 traces: median ${f(main.traces50Ms.median)} ms, max ${f(main.traces50Ms.max)} ms   (baseline: read + decimate from the file ${f(main.baselineFileDecimate50Ms.median)} ms, max ${f(main.baselineFileDecimate50Ms.max)} ms)`,
    );
    log(
      `  raster of 1000 neurons: median ${f(main.raster1000Ms.median)} ms, max ${f(main.raster1000Ms.max)} ms; coarse median ${f(main.raster1000CoarseMs.median)} ms`,
    );
    if (studio) {
      log(`studio (browser host, Chromium, 50 traces + 1000-neuron raster):`);
      log(`  open → first view drawn ${f(studio.firstViewMs)} ms (includes the overview build)`);
      const line = (name: string, m: { n: number; median: number; p90: number; max: number }) =>
        log(`  ${name}: median ${f(m.median)} ms, p90 ${f(m.p90)} ms, max ${f(m.max)} ms (n = ${m.n})`);
      line('relayout → redraw, first (coarse) answer', studio.relayoutToRedrawMs);
      line('settled → exact redraw (deep zooms)', studio.settledToExactRedrawMs);
      line('wheel/drag → plotly reports the relayout (plotly’s own gesture redraw)', studio.gestureToRelayoutEventMs);
      line('wheel/drag → redraw with the new view', studio.gestureToRedrawMs);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
