/**
 * Analyses over several recordings from the studio UI: a derived dataset (z-scored demo) joins the
 * demo recording as the second animal of a connectome run, and the run records both inputs.
 */
import { resolve } from 'node:path';
import { expect, test } from './fixtures.js';

test('runs ntf-connectome over two recordings chosen in the Analyses tab', async ({ studio, page }) => {
  test.setTimeout(240_000);
  await page.goto(studio.openUrl);
  await page.getByTestId('project-sidebar').getByText('Demo').click();
  await page.getByRole('tab', { name: 'Analyses' }).click();

  await page.getByRole('combobox', { name: 'Analysis' }).click();
  await page.getByRole('option', { name: 'z-score' }).click();
  await page.getByTestId('run-analysis').click();
  await expect(page.getByTestId('jobs-panel').locator('[data-testid^="job-"]').first().getByTestId('status-done')).toBeVisible({
    timeout: 60_000,
  });

  await page.getByRole('tab', { name: 'Analyses' }).click();
  await page.getByRole('combobox', { name: 'Analysis' }).click();
  await page.getByRole('option', { name: 'Dynamic functional connectome (NTF)' }).click();
  await page.getByRole('combobox', { name: 'Recording', exact: true }).click();
  await page.getByRole('option', { name: /^Simulated calcium/ }).click();
  const further = page.getByTestId('further-inputs');
  await further.getByRole('combobox').click();
  await page.getByRole('option', { name: /z-score/i }).click();
  await page.keyboard.press('Escape');
  await expect(further).toContainText(/z-score/i);
  await page.screenshot({ path: resolve(import.meta.dirname, '../../.tmp/e2e/further-inputs.png') });
  await page.getByTestId('param-surrogates').fill('5');
  await page.getByTestId('param-restarts').fill('1');
  await page.getByTestId('run-analysis').click();

  // The z-score job is done already; wait on the connectome job itself, not on whichever row is first.
  const job = page.getByTestId('jobs-panel').locator('[data-testid^="job-"]').filter({ hasText: 'Dynamic functional connectome' });
  await expect(job.getByTestId('status-done')).toBeVisible({ timeout: 200_000 });
  const view = page.getByTestId('run-view');
  await expect(view.getByRole('row', { name: /^recordings\s*2$/ })).toBeVisible();
});
