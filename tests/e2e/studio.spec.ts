import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from './fixtures';

test('the host rejects requests without the token', async ({ studio, request }) => {
  const page = await request.get(studio.base, { maxRedirects: 0 });
  expect(page.status()).toBe(401);
  expect(await page.text()).toContain('missing access token');
  const asset = await request.get(`${studio.base}assets/anything.js`, { maxRedirects: 0 });
  expect(asset.status()).toBe(401);
});

test('opens with the Demo project and keeps a new project across reloads', async ({ studio, page }) => {
  await page.goto(studio.openUrl);
  await expect(page.getByTestId('project-title')).toHaveText('Demo');
  await expect(page.getByTestId('datasets-table')).toContainText('120 × 6000');
  await expect(page.getByTestId('status-bar')).toContainText('browser host · connected');

  await page.getByRole('button', { name: 'new project' }).click();
  await page.getByRole('textbox', { name: 'project name' }).fill('Visual cortex, mouse 12');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('project-title')).toHaveText('Visual cortex, mouse 12');

  await page.reload();
  await expect(page.getByTestId('project-sidebar')).toContainText('Visual cortex, mouse 12');
  await expect(page.getByTestId('project-sidebar')).toContainText('Demo');
});

test('runs the correlation job on the demo data: progress reaches 100 % and the heatmap shows', async ({ studio, page }) => {
  await page.goto(studio.openUrl);
  await page.getByTestId('project-sidebar').getByText('Demo').click();
  await page.getByRole('tab', { name: 'Analyses' }).click();
  await page.getByTestId('run-analysis').click();
  const job = page.getByTestId('jobs-panel').locator('[data-testid^="job-"]').first();
  await expect(job.getByRole('progressbar')).toHaveAttribute('data-progress', '100');
  await expect(job.getByTestId('status-done')).toBeVisible();
  const heatmap = page.getByTestId('plot-correlation-heatmap');
  await expect(heatmap.locator('.heatmaplayer image')).toHaveCount(1);
  // The plotted matrix is the whole 120 × 120 correlation with ones on the diagonal.
  const z = await heatmap.evaluate((el) => (el as unknown as { data: Array<{ z: number[][] }> }).data[0].z);
  expect(z).toHaveLength(120);
  expect(z.every((row, i) => row.length === 120 && Math.abs(row[i] - 1) < 1e-5)).toBe(true);
  await expect(page.getByTestId('run-view')).toContainText('neurons');
  mkdirSync(resolve(import.meta.dirname, '../../docs'), { recursive: true });
  await page.screenshot({ path: resolve(import.meta.dirname, '../../docs/screenshot.png') });
});

test('starts a long job and cancels it', async ({ studio, page }) => {
  await page.goto(studio.openUrl);
  await page.getByTestId('project-sidebar').getByText('Demo').click();
  await page.getByRole('tab', { name: 'Analyses' }).click();
  await page.getByTestId('param-shuffles').fill('100000');
  await page.getByTestId('run-analysis').click();
  const job = page.getByTestId('jobs-panel').locator('[data-testid^="job-"]').first();
  await expect(job.getByTestId('status-running')).toBeVisible();
  await expect(job).toContainText('surrogate');
  await job.getByRole('button', { name: /cancel run/ }).click();
  await expect(job.getByTestId('status-cancelled')).toBeVisible();
  await expect(page.getByTestId('active-jobs')).toHaveText('0 jobs running');
});
