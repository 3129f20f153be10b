/**
 * The HMM-GLM from the studio UI on a real NWB Units file (../shared/data): add the file through the
 * Add file dialog, pick the Units table, run the analysis with a small null control, and read the
 * fit in the results view (summary, states over the raster, per-state coupling) and its figures;
 * then, on an NWB session written here, running speed and pupil as covariates named by path.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeSessionNwb } from '../unit/hmmglm/sessionNwb.js';
import { expect, test } from './fixtures.js';

const nwb = resolve(import.meta.dirname, '../../../shared/data/nwb/spikes_units_synthetic.nwb');

test('runs hmm-glm on the NWB units file from the UI and shows states, couplings and figures', async ({ studio, page }) => {
  test.skip(!existsSync(nwb), `${nwb} is absent (../shared/data is not checked out)`);
  test.setTimeout(240_000);
  await page.goto(studio.openUrl);
  await page.getByRole('button', { name: 'new project' }).click();
  await page.getByRole('textbox', { name: 'project name' }).fill('Units, synthetic');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('project-title')).toHaveText('Units, synthetic');

  await page.getByRole('button', { name: 'Add file…' }).click();
  await page.getByTestId('dataset-path').fill(nwb);
  await page.getByRole('button', { name: 'Inspect', exact: true }).click();
  await page.getByRole('cell', { name: '/units', exact: true }).click();
  await page.getByRole('button', { name: 'Add to project' }).click();
  await expect(page.getByTestId('datasets-table')).toContainText('spikes_units_synthetic');

  await page.getByRole('tab', { name: 'Analyses' }).click();
  await page.getByRole('combobox', { name: 'Analysis' }).click();
  await page.getByRole('option', { name: 'Switching states (HMM-GLM)' }).click();
  await expect(page.getByTestId('param-basisLength')).toHaveValue('5');
  await page.getByTestId('param-binSeconds').fill('0.05');
  await page.getByTestId('param-restarts').fill('2');
  await page.getByTestId('param-surrogates').fill('3');
  await page.getByTestId('run-analysis').click();

  const job = page.getByTestId('jobs-panel').locator('[data-testid^="job-"]').first();
  await expect(job.getByTestId('status-done')).toBeVisible({ timeout: 200_000 });
  const view = page.getByTestId('hmmglm-view');
  await expect(view).toBeVisible();
  await expect(page.getByTestId('hmmglm-summary')).toContainText('held-out bits/spike');
  await expect(page.getByTestId('hmmglm-summary')).toContainText('3 surrogates');

  // States over the raster: 20 units × the raster's columns, and one posterior line per state.
  const states = page.getByTestId('plot-hmmglm-states-view');
  await expect(states.locator('.heatmaplayer image')).toHaveCount(2);
  const traces = await states.evaluate((el) => (el as unknown as { data: Array<{ type: string; z?: number[][] }> }).data);
  expect(traces[0]!.z).toHaveLength(20);
  expect(traces.filter((t) => t.type === 'scatter')).toHaveLength(2);

  // One state at a time: its coupling matrix (20 × 20) follows the state buttons.
  const title = () => page.getByTestId('plot-hmmglm-coupling-view').locator('.gtitle').textContent();
  expect(await title()).toBe('coupling, state 0');
  await page.getByTestId('hmmglm-state-1').click();
  await expect.poll(title).toBe('coupling, state 1');
  const z = await page
    .getByTestId('plot-hmmglm-coupling-view')
    .evaluate((el) => (el as unknown as { data: Array<{ z: number[][] }> }).data[0]!.z);
  expect(z).toHaveLength(20);
  await expect(page.getByTestId('hmmglm-transition').locator('tr')).toHaveCount(2);

  // The stored, print-styled figures below.
  for (const key of [
    'hmmglm-states',
    'hmmglm-transition',
    'hmmglm-coupling',
    'hmmglm-types',
    'hmmglm-rates',
    'hmmglm-objective',
    'hmmglm-selection',
    'hmmglm-null',
  ]) {
    await expect(page.getByTestId(`plot-${key}`)).toBeVisible();
  }
  await view.scrollIntoViewIfNeeded();
  await page.screenshot({ path: resolve(import.meta.dirname, '../../test-results/hmmglm-view.png') });
  await page.getByTestId('plot-hmmglm-states').scrollIntoViewIfNeeded();
  await page.screenshot({ path: resolve(import.meta.dirname, '../../test-results/hmmglm-figures.png') });
});

test('fits running speed and pupil from the same NWB file as covariates and shows their weights', async ({ studio, page }) => {
  test.setTimeout(180_000);
  const dir = mkdtempSync(join(tmpdir(), 'cajal-e2e-session-'));
  const session = join(dir, 'session_with_behaviour.nwb');
  await writeSessionNwb(session, 240);
  try {
    await page.goto(studio.openUrl);
    await page.getByRole('button', { name: 'new project' }).click();
    await page.getByRole('textbox', { name: 'project name' }).fill('Session with behaviour');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Add file…' }).click();
    await page.getByTestId('dataset-path').fill(session);
    await page.getByRole('button', { name: 'Inspect', exact: true }).click();
    await page.getByRole('cell', { name: '/units', exact: true }).click();
    await page.getByRole('button', { name: 'Add to project' }).click();
    await expect(page.getByTestId('datasets-table')).toContainText('session_with_behaviour');

    await page.getByRole('tab', { name: 'Analyses' }).click();
    await page.getByRole('combobox', { name: 'Analysis' }).click();
    await page.getByRole('option', { name: 'Switching states (HMM-GLM)' }).click();
    await page.getByTestId('param-binSeconds').fill('0.05');
    await page.getByTestId('param-restarts').fill('1');
    await page.getByTestId('param-surrogates').fill('0');
    await page.getByTestId('param-covariates').fill('/acquisition/speed, /acquisition/pupil');
    await page.getByTestId('run-analysis').click();

    const job = page.getByTestId('jobs-panel').locator('[data-testid^="job-"]').first();
    await expect(job.getByTestId('status-done')).toBeVisible({ timeout: 150_000 });
    await expect(page.getByTestId('hmmglm-summary')).toContainText('speed, pupil[0], pupil[1]');
    const view = page.getByTestId('plot-hmmglm-covariates-view');
    await expect(view).toBeVisible();
    const bars = await view.evaluate((el) => (el as unknown as { data: Array<{ name: string; y: number[] }> }).data);
    expect(bars.map((b) => b.name)).toEqual(['speed', 'pupil[0]', 'pupil[1]']);
    expect(bars[0]!.y).toHaveLength(4);
    await expect(page.getByTestId('plot-hmmglm-covariates')).toBeVisible();
    await view.scrollIntoViewIfNeeded();
    await page.screenshot({ path: resolve(import.meta.dirname, '../../test-results/hmmglm-covariates-view.png') });
    await page.getByTestId('plot-hmmglm-covariates').scrollIntoViewIfNeeded();
    await page.screenshot({ path: resolve(import.meta.dirname, '../../test-results/hmmglm-covariates-figure.png') });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
