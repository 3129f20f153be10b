/**
 * Opening real recordings in the studio: shared real files (skipped with the reason printed when
 * ../shared/data is absent) and a generated Suite2p folder are added through the Add dialog (typed
 * path and the file browser), shown as traces, raster, ROI map and spike raster, panned and zoomed
 * (views re-requested from main), and ΔF/F runs to a derived dataset. Screenshots go to
 * .tmp/screenshots/viewer/ for looking at.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { ndarray } from '../../shared/domain/ndarray.js';
import { writeNpy } from '../../main/io/npy.js';
import { expect, test } from './fixtures';

const SHARED = resolve(import.meta.dirname, '../../../shared/data');
const haveShared = existsSync(SHARED);
const SHOTS = resolve(import.meta.dirname, '../../.tmp/screenshots/viewer');
const FIX = resolve(import.meta.dirname, '../fixtures/io');
const work = mkdtempSync(join(tmpdir(), 'cajal-e2e-viewer-'));
test.afterAll(() => rmSync(work, { recursive: true, force: true }));
if (!haveShared) console.log(`skipping the viewer tests on shared real files: ${SHARED} is absent`);

async function newProject(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'new project' }).click();
  await page.getByRole('textbox', { name: 'project name' }).fill(name);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('project-title')).toHaveText(name);
}

async function addByPath(page: Page, path: string, object?: string): Promise<void> {
  await page.getByRole('button', { name: 'Add file…' }).click();
  await page.getByTestId('dataset-path').fill(path);
  await page.getByRole('button', { name: 'Inspect' }).click();
  const dialog = page.getByRole('dialog');
  if (object) await dialog.getByRole('cell', { name: object, exact: true }).click();
  await dialog.getByRole('button', { name: 'Add to project' }).click();
  await expect(dialog).toBeHidden();
}

/** Waits until a view container has drawn `n` times in all (its data-draws counter). */
async function drawn(view: Locator, n: number): Promise<number> {
  await expect.poll(async () => Number((await view.getAttribute('data-draws')) ?? 0), { timeout: 30_000 }).toBeGreaterThanOrEqual(n);
  return Number(await view.getAttribute('data-draws'));
}

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

test('zebrafish NWB (shared data): traces, raster and ROI map; pan and zoom ask for new views', async ({ studio, page }) => {
  test.skip(!haveShared, `${SHARED} is absent`);
  await page.goto(studio.openUrl);
  await newProject(page, 'Zebrafish tectum');
  await addByPath(page, join(SHARED, 'nwb/zebrafish_tectum_triplett2018.nwb'));
  await page.getByTestId('datasets-table').getByText('zebrafish_tectum_triplett2018.nwb').click();
  await expect(page.getByTestId('viewer-summary')).toContainText('114 × 4,245 (neurons × frames) · 2.200 Hz');
  const viewer = page.getByTestId('trace-viewer');
  const plot = page.getByTestId('traces-plot');
  let draws = await drawn(viewer, 1);
  await expect(page.getByTestId('roi-map').locator('.heatmaplayer image')).toHaveCount(1);
  await plot.scrollIntoViewIfNeeded();
  await shot(page, 'zebrafish');

  /** What plotly keeps on the element it draws into. */
  interface PlotEl {
    data: Array<{ x: ArrayLike<number> }>;
    _fullLayout: { xaxis: { range: [number, number]; _length: number } };
  }
  const state = () =>
    plot.evaluate((el) => {
      const p = el as unknown as PlotEl;
      return { range: p._fullLayout.xaxis.range, width: p._fullLayout.xaxis._length, points: p.data[0].x.length };
    });
  const whole = await state();
  expect(whole.range[0]).toBeCloseTo(0, 6);
  expect(whole.range[1]).toBeCloseTo(4245 / 2.2, 3);
  // 50 traces, each at most 2 points per pixel column plus its gap: never more than 4 × width.
  expect(whole.points / 50).toBeLessThanOrEqual(4 * whole.width);

  // Zoom in with the wheel over the traces: a new view is asked for and drawn.
  const box = (await plot.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.3);
  await page.mouse.wheel(0, -600);
  draws = await drawn(viewer, draws + 1);
  await expect.poll(async () => (await state()).range[1] - (await state()).range[0]).toBeLessThan(1900);
  const zoomed = await state();
  expect(zoomed.points / 50).toBeLessThanOrEqual(4 * zoomed.width);

  // Pan by dragging: the window moves and is drawn again.
  await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.3);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 - 150, box.y + box.height * 0.3, { steps: 8 });
  await page.mouse.up();
  await drawn(viewer, draws + 1);
  await expect.poll(async () => (await state()).range[0]).toBeGreaterThan(zoomed.range[0]);

  // The next 50 neurons: traces 50–99, the raster marks them.
  await page.getByRole('button', { name: 'next neurons' }).click();
  await expect(page.getByTestId('first-neuron')).toHaveValue('50');
  await drawn(viewer, draws + 2);
  await shot(page, 'zebrafish-zoomed');
});

test('NWB Units (shared data): spike raster with unobserved stretches, zoomable', async ({ studio, page }) => {
  test.skip(!haveShared, `${SHARED} is absent`);
  await page.goto(studio.openUrl);
  await newProject(page, 'Units');
  await addByPath(page, join(SHARED, 'nwb/spikes_units_synthetic.nwb'));
  await page.getByTestId('datasets-table').getByText('spikes_units_synthetic.nwb').click();
  await expect(page.getByTestId('viewer-summary')).toHaveText('20 units · 300.0 s');
  const raster = page.getByTestId('spike-raster');
  const draws = await drawn(raster, 1);
  await expect(raster.getByTestId('view-status')).toContainText('27,783 spikes in view · one tick per spike');
  await page.getByTestId('spike-plot').scrollIntoViewIfNeeded();
  await shot(page, 'units');
  const box = (await page.getByTestId('spike-plot').boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
  await page.mouse.wheel(0, -800);
  await drawn(raster, draws + 1);
  await expect(raster.getByTestId('view-status')).not.toContainText('27,783 spikes');
  await shot(page, 'units-zoomed');
});

test('intracellular NWB (shared data): its objects listed and "no calcium or spike data here", not a failure', async ({ studio, page }) => {
  test.skip(!haveShared, `${SHARED} is absent`);
  await page.goto(studio.openUrl);
  await newProject(page, 'Patch clamp');
  await addByPath(page, join(SHARED, 'nwb/FergusonEtAl2015_PYR5_rebound.nwb'));
  await page.getByTestId('datasets-table').getByText('FergusonEtAl2015_PYR5_rebound.nwb').click();
  await expect(page.getByTestId('no-data-note')).toContainText('no calcium or spike data here');
  // The Add dialog chose the first series with data as the dataset's object: it is drawn as a trace.
  await expect(page.getByTestId('viewer-summary')).toContainText('1 × 20,000 (neurons × frames) · 1.000e+4 Hz');
  await page.getByTestId('toggle-objects').click();
  const objects = page.getByTestId('objects-table');
  await expect(objects.getByRole('row')).toHaveCount(25);
  await expect(objects).toContainText('IntracellularElectrode');
  await shot(page, 'intracellular');
  // Any other series can be looked at from the list.
  await objects.getByRole('cell', { name: '/acquisition/CurrentClampSeries_01', exact: true }).click();
  await expect(page.getByTestId('viewer-summary')).toContainText('volts');
  await drawn(page.getByTestId('trace-viewer'), 1);
  await page.getByTestId('trace-viewer').scrollIntoViewIfNeeded();
  await shot(page, 'intracellular-series');
});

test('a Suite2p folder chosen in the file browser: ROI map over the mean image, then ΔF/F to a derived dataset', async ({
  studio,
  page,
}) => {
  // 5 ROIs × 3000 frames at ops.npy's 15 Hz: a slow baseline and calcium-like transients.
  const plane = join(work, 'suite2p', 'plane0');
  mkdirSync(plane, { recursive: true });
  const n = 5;
  const t = 3000;
  const f = new Float32Array(n * t);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < t; j++) {
      const since = (j + 97 * i) % 240;
      f[i * t + j] = 200 + 40 * i + 20 * Math.sin(j / 400) + (since < 60 ? 150 * Math.exp(-since / 12) : 0);
    }
  }
  await writeNpy(join(plane, 'F.npy'), ndarray(f, [n, t]));
  await writeNpy(
    join(plane, 'Fneu.npy'),
    ndarray(
      f.map((v) => v * 0.3),
      [n, t],
    ),
  );
  copyFileSync(join(FIX, 'suite2p', 'np2', 'stat.npy'), join(plane, 'stat.npy'));
  copyFileSync(join(FIX, 'suite2p', 'np2', 'ops.npy'), join(plane, 'ops.npy'));

  await page.goto(studio.openUrl);
  await newProject(page, 'Suite2p');
  await page.getByRole('button', { name: 'Add file…' }).click();
  await page.getByTestId('browse').click();
  await page.getByTestId('browse-folder').fill(join(work, 'suite2p'));
  await page.getByTestId('browse-folder').press('Enter');
  const entries = page.getByTestId('browse-entries');
  await expect(entries).toContainText('plane0');
  await shot(page, 'browser');
  await entries.getByText('Suite2p · choose').click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('SUITE2P');
  await expect(dialog.getByRole('row', { name: /F\.npy\s+Suite2p F\s+5 × 3000/ })).toBeVisible();
  await dialog.getByRole('button', { name: 'Add to project' }).click();
  await expect(dialog).toBeHidden();

  await page.getByTestId('datasets-table').getByText('plane0').click();
  await expect(page.getByTestId('viewer-summary')).toContainText('5 × 3,000 (neurons × frames) · 15.00 Hz');
  await drawn(page.getByTestId('trace-viewer'), 1);
  const map = page.getByTestId('roi-map');
  await expect(map).toContainText('ROI map · 5 ROIs · 40 × 32 px · over meanImg');
  await expect(map.locator('.heatmaplayer image')).toHaveCount(2);
  await shot(page, 'suite2p');

  await page.getByTestId('preprocess-menu').click();
  await page.getByRole('menuitem', { name: /ΔF\/F/ }).click();
  await page.getByTestId('param-window').fill('10');
  await page.getByTestId('start-preprocessing').click();
  const job = page.getByTestId('jobs-panel').locator('[data-testid^="job-"]').first();
  await expect(job.getByTestId('status-done')).toBeVisible({ timeout: 60_000 });

  await page.getByRole('button', { name: 'back to recordings' }).click();
  const derivedRow = page.getByTestId('datasets-table').getByRole('row', { name: /ΔF\/F of plane0/ });
  await expect(derivedRow).toContainText('derived');
  await expect(derivedRow).toContainText('5 × 3000');
  await expect(derivedRow).toContainText('15 Hz');
  await derivedRow.getByText('ΔF/F of plane0').click();
  await expect(page.getByTestId('provenance')).toContainText('dff run');
  await expect(page.getByTestId('provenance')).toContainText('"window":10');
  await expect(page.getByTestId('viewer-summary')).toContainText('5 × 3,000 (neurons × frames) · 15.00 Hz');
  await drawn(page.getByTestId('trace-viewer'), 1);
  await shot(page, 'suite2p-dff');

  // The user's file changes after it was added: the Data tab, the dataset page and the
  // preprocessing form say so (the studio itself never writes to it).
  await writeNpy(
    join(plane, 'F.npy'),
    ndarray(
      f.map((v) => v + 1),
      [n, t],
    ),
  );
  await page.getByRole('button', { name: 'back to recordings' }).click();
  await page.getByRole('tab', { name: 'Analyses' }).click();
  await page.getByRole('tab', { name: /Data/ }).click();
  const sourceRow = page.getByTestId('datasets-table').getByRole('row', { name: /The file changed since it was added/ });
  await expect(sourceRow.getByTestId('file-state-chip')).toHaveText('changed');
  await sourceRow.getByText('plane0', { exact: true }).click();
  await expect(page.getByTestId('file-changed')).toBeVisible();
  await page.getByRole('button', { name: 'toggle theme' }).click();
  await drawn(page.getByTestId('trace-viewer'), 1);
  await shot(page, 'suite2p-changed-light');
  await page.getByTestId('preprocess-menu').click();
  await page.getByRole('menuitem', { name: /z-score/ }).click();
  await expect(page.getByRole('dialog').getByTestId('file-changed')).toBeVisible();
});
