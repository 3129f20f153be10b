/**
 * A notebook built in the studio: two runs, a two-panel figure made in the composer and exported
 * in every format, a notebook with text, the run and the figure, edited with undo, the run re-run
 * (its earlier run kept in the cell's history), and the notebook exported as HTML and PDF.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { decodePng, pngResolution } from '../../main/figures/png.js';
import { pdfFonts, pdfPageSize, readTiff } from '../unit/figures/readers.js';
import { expectWritten, runCorrelation } from './export-helpers';
import { expect, test } from './fixtures';

const outDir = mkdtempSync(join(tmpdir(), 'cajal-e2e-notebooks-'));
test.afterAll(() => rmSync(outDir, { recursive: true, force: true }));
const shots = resolve(import.meta.dirname, '../../test-results');

test('builds a notebook with a run and a two-panel figure, edits it with undo, exports it and the figure', async ({ studio, page }) => {
  test.setTimeout(240_000);
  await page.goto(studio.openUrl);
  await page.getByTestId('project-sidebar').getByText('Demo').click();
  await runCorrelation(page);
  await runCorrelation(page);

  // The composer: two figures side by side, lettered a and b (Nature).
  await page.getByRole('tab', { name: 'Figures' }).click();
  await page.getByTestId('new-composite').click();
  const composer = page.getByTestId('composer');
  await composer.getByTestId('composer-title').fill('Figure 1');
  const choices = composer.getByTestId('composer-choices').getByRole('checkbox');
  await choices.nth(0).check();
  await choices.nth(1).check();
  await expect(composer.getByTestId('composer-panels')).toContainText('a');
  await expect(composer.getByTestId('panel-b').locator('.heatmaplayer image')).toHaveCount(1);
  await page.screenshot({ path: join(shots, 'figures-composer.png') });
  await composer.getByTestId('composer-save').click();
  await expect(page.getByTestId('figures-list')).toContainText('Multi-panel figures');
  const view = page.getByTestId('figure-view');
  await expect(view.getByTestId('panel-a').locator('.heatmaplayer image')).toHaveCount(1);
  await expect(view.getByTestId('panel-b').locator('.heatmaplayer image')).toHaveCount(1);
  await page.getByRole('combobox', { name: 'View' }).click();
  await page.getByTestId('view-nature-double').click();
  await expect(page.locator('.MuiMenu-root')).toHaveCount(0);
  await expect(page.getByTestId('print-view').locator('.heatmaplayer image')).toHaveCount(2);
  await page.screenshot({ path: join(shots, 'figures-tab.png') });

  // Every format of the two-panel figure.
  await page.getByTestId('open-export').click();
  const dialog = page.getByTestId('export-dialog');
  for (const format of ['svg', 'pdf', 'png', 'tiff']) {
    await dialog.getByTestId(`format-${format}`).click();
    await dialog.getByTestId('export-dpi').fill('300');
    await dialog.getByTestId('export-out').fill(join(outDir, `figure1.${format}`));
    await dialog.getByTestId('export-run').click();
    await expectWritten(dialog, `figure1.${format}.provenance.json`);
  }
  await expect(dialog.getByTestId('export-written')).toContainText('figure1.panel-b.csv');
  await dialog.getByRole('button', { name: 'Close' }).click();
  const svg = readFileSync(join(outDir, 'figure1.svg'), 'utf8');
  expect(svg).toMatch(/<svg [^>]*width="183mm"/);
  expect([...svg.matchAll(/font-size: 8pt; font-weight: bold;[^>]*>([a-z])</g)].map((m) => m[1])).toEqual(['a', 'b']);
  const pdf = pdfPageSize(join(outDir, 'figure1.pdf'));
  expect(Math.abs((pdf.widthPt * 25.4) / 72 - 183)).toBeLessThanOrEqual(0.5);
  expect(pdfFonts(join(outDir, 'figure1.pdf')).map((f) => f.embedded)).not.toContain(false);
  const png = new Uint8Array(readFileSync(join(outDir, 'figure1.png')));
  expect(Math.round(pngResolution(png)!.x)).toBe(300);
  expect(decodePng(png).width).toBe(Math.round((183 / 25.4) * 300));
  expect(readTiff(new Uint8Array(readFileSync(join(outDir, 'figure1.tiff')))).tags.get(282)).toEqual([300, 1]);

  // The notebook.
  await page.getByRole('tab', { name: 'Notebooks' }).click();
  await page.getByTestId('new-notebook').click();
  await page.getByRole('textbox', { name: 'notebook title' }).fill('Paper draft');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('notebook-title')).toHaveText('Paper draft');

  await page.getByTestId('add-markdown').click();
  await page.getByRole('textbox', { name: 'cell text' }).fill('# Results\n\nAssemblies **appear** in the demo recording.');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('cell-0').locator('h1')).toHaveText('Results');

  await page.getByTestId('add-run').click();
  // The server is shared by the test files of a worker: take the oldest run it lists.
  const item = page.getByRole('menuitem', { name: /^Pairwise correlation · run \d+$/ }).last();
  const picked = Number(/run (\d+)$/.exec((await item.textContent())!)![1]);
  await item.click();
  await expect(page.getByTestId('cell-1')).toHaveAttribute('data-kind', 'run');
  await expect(page.getByTestId('cell-1').getByTestId('status-done')).toBeVisible();
  await expect(page.getByTestId('cell-1').locator('.heatmaplayer image')).toHaveCount(1);

  await page.getByTestId('add-figure').click();
  await page.getByRole('menuitem', { name: /^Figure 1 · #\d+$/ }).click();
  await expect(page.getByTestId('cell-2')).toHaveAttribute('data-kind', 'figure');
  await expect(page.getByTestId('cell-2').locator('.heatmaplayer image')).toHaveCount(2);

  // Reorder, delete, undo.
  await page.getByTestId('cell-2').getByRole('button', { name: 'move cell up' }).click();
  await expect(page.getByTestId('cell-1')).toHaveAttribute('data-kind', 'figure');
  await page.getByTestId('undo').click();
  await expect(page.getByTestId('cell-1')).toHaveAttribute('data-kind', 'run');
  await page.getByTestId('cell-0').getByRole('button', { name: 'delete cell' }).click();
  await expect(page.getByTestId('cell-0')).toHaveAttribute('data-kind', 'run');
  await expect(page.getByTestId('cell-2')).toHaveCount(0);
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('cell-0').locator('h1')).toHaveText('Results');
  await expect(page.getByTestId('cell-2')).toHaveAttribute('data-kind', 'figure');

  // Re-run: a new run through the job system; the first stays in the history.
  await page.getByTestId('cell-1').getByRole('button', { name: 're-run' }).click();
  await expect(page.getByTestId('cell-1').getByTestId('run-history')).toHaveText(`Earlier runs: #${picked}`);
  await expect(page.getByTestId('cell-1')).not.toContainText(`run ${picked}done`);
  await expect(page.getByTestId('cell-1').getByTestId('status-done')).toBeVisible();
  await page.screenshot({ path: join(shots, 'notebook.png'), fullPage: true });

  // Export the notebook.
  await page.getByTestId('export-html').click();
  const html = (await page.getByTestId('notebook-exported').locator('span').textContent())!;
  expect(html).toMatch(/paper-draft-notebook-\d+\.html$/);
  const text = readFileSync(html, 'utf8');
  expect(text).toContain('<h1>Results</h1>');
  expect(text).not.toMatch(/<script[^>]+src=/);
  await page.getByTestId('export-pdf').click();
  await expect(page.getByTestId('notebook-exported')).toContainText('.pdf');
  const pdfPath = (await page.getByTestId('notebook-exported').locator('span').textContent())!;
  expect(pdfPageSize(pdfPath).pages).toBeGreaterThanOrEqual(1);
  expect(pdfFonts(pdfPath).every((f) => f.embedded)).toBe(true);
});
