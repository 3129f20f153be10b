/** Shared by the figure and notebook end-to-end tests. */
import type { Locator, Page } from '@playwright/test';
import { expect } from './fixtures';

/** Waits for an export to finish (the first starts the browser engine: slow on a busy machine); fails with its message if it failed. */
export async function expectWritten(dialog: Locator, text: string): Promise<void> {
  await expect(dialog.getByTestId('export-written').or(dialog.getByTestId('export-error'))).toBeVisible({ timeout: 90_000 });
  await expect(dialog.getByTestId('export-error')).toHaveCount(0);
  await expect(dialog.getByTestId('export-written')).toContainText(text);
}

/** Runs the correlation analysis on the Demo recording and waits until it is done. */
export async function runCorrelation(page: Page): Promise<void> {
  await page.getByRole('tab', { name: 'Analyses' }).click();
  const done = page.getByTestId('jobs-panel').getByTestId('status-done');
  const before = await done.count();
  await page.getByTestId('run-analysis').click();
  await expect(done).toHaveCount(before + 1, { timeout: 60_000 });
}
