/**
 * The dynamic connectome from the studio UI: choose the analysis on the Demo recording (120 neurons,
 * 4 planted assemblies active in different epochs), run it, step through the components on the
 * results page, and find every planted assembly (demo-assemblies.npy) among the communities shown.
 */
import { join, resolve } from 'node:path';
import { readNpy } from '../../main/io/npy.js';
import { expect, test } from './fixtures.js';

test('runs ntf-connectome on the demo recording and shows components, communities and figures', async ({ studio, page }) => {
  test.setTimeout(240_000);
  await page.goto(studio.openUrl);
  await page.getByTestId('project-sidebar').getByText('Demo').click();
  await page.getByRole('tab', { name: 'Analyses' }).click();
  await page.getByRole('combobox', { name: 'Analysis' }).click();
  await page.getByRole('option', { name: 'Dynamic functional connectome (NTF)' }).click();
  await expect(page.getByTestId('param-windowFrames')).toHaveValue('200');
  await page.getByTestId('param-surrogates').fill('5');
  await page.getByTestId('param-restarts').fill('2');
  await page.getByTestId('run-analysis').click();

  const job = page.getByTestId('jobs-panel').locator('[data-testid^="job-"]').first();
  await expect(job.getByTestId('status-done')).toBeVisible({ timeout: 200_000 });
  const view = page.getByTestId('ntf-view');
  await expect(view).toBeVisible();
  await expect(page.getByTestId('ntf-components').locator('tbody tr')).toHaveCount(5);
  await expect(page.getByTestId('plot-ntf-component-1')).toBeVisible();
  // The grid below keeps the figures the view does not show.
  await expect(page.getByTestId('plot-ntf-rank')).toBeVisible();
  await expect(page.getByTestId('plot-ntf-null')).toBeVisible();

  // Step through every component and read its communities.
  const shown: number[][] = [];
  for (let k = 1; k <= 5; k++) {
    await expect(page.getByTestId('ntf-current')).toHaveText(`component ${k} of 5`);
    await expect(page.getByTestId(`plot-ntf-component-${k}`)).toBeVisible();
    for (const line of await page.getByTestId('ntf-communities').locator('p').allTextContents()) {
      const m = /cells · density [^:]+: (.*)$/.exec(line);
      if (m && !m[1]!.includes('…')) shown.push(m[1]!.split(', ').map(Number));
    }
    if (k === 2) {
      await page.screenshot({ path: resolve(import.meta.dirname, '../../.tmp/e2e/ntf-view.png') });
      await page.getByTestId('plot-ntf-component-2').screenshot({ path: resolve(import.meta.dirname, '../../.tmp/e2e/ntf-component.png') });
    }
    await page.getByRole('button', { name: 'next component' }).click();
  }
  await expect(page.getByTestId('ntf-current')).toHaveText('component 1 of 5');

  const truth = (await readNpy(join(studio.dataDir, 'demo', 'demo-assemblies.npy'))).data as Int32Array;
  for (let a = 0; a < 4; a++) {
    const members = Array.from(truth.keys()).filter((i) => truth[i] === a);
    const found = shown.some((c) => c.length === members.length && c.every((i) => truth[i] === a));
    expect(found, `assembly ${a} (${members.length} cells) among the communities shown`).toBe(true);
  }
});
