/**
 * Figures in the studio: the Figures tab lists a run's figures, the export dialog writes every
 * format at a journal preset, and an exported PDF, rendered back to pixels with pdftoppm, matches
 * the plot on screen (export drift is caught).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { decodePng, pngResolution } from '../../main/figures/png.js';
import { aligned, boxGrey, correlation, grey, pdfFonts, pdfPageSize, readTiff } from '../unit/figures/readers.js';
import { expect, test } from './fixtures';
import { expectWritten, runCorrelation } from './export-helpers';

const outDir = mkdtempSync(join(tmpdir(), 'cajal-e2e-figures-'));
test.afterAll(() => rmSync(outDir, { recursive: true, force: true }));

async function exportAs(
  page: Page,
  options: { format: string; preset?: string; width?: string; height?: string; font?: string; out: string },
): Promise<void> {
  const dialog = page.getByTestId('export-dialog');
  if (options.preset) {
    await dialog.getByRole('combobox', { name: 'Preset' }).click();
    await page.getByTestId(`preset-${options.preset}`).click();
  }
  if (options.width !== undefined) await dialog.getByTestId('export-width').fill(options.width);
  if (options.height !== undefined) await dialog.getByTestId('export-height').fill(options.height);
  if (options.font !== undefined) await dialog.getByLabel('Text (pt)').fill(options.font);
  await dialog.getByTestId(`format-${options.format}`).click();
  await dialog.getByTestId('export-out').fill(options.out);
  await dialog.getByTestId('export-run').click();
  await expectWritten(dialog, options.out);
}

test('exports a run’s figure in every format at a journal preset from the Figures tab', async ({ studio, page }) => {
  await page.goto(studio.openUrl);
  await page.getByTestId('project-sidebar').getByText('Demo').click();
  await runCorrelation(page);
  await page.getByRole('tab', { name: 'Figures' }).click();
  await expect(page.getByTestId('figures-list')).toContainText('Pairwise correlation · run');
  await expect(page.getByTestId('figure-view').locator('.heatmaplayer image')).toHaveCount(1);
  await page.getByTestId('open-export').click();
  const dialog = page.getByTestId('export-dialog');

  // The dialog checks as the user types, with the same message main gives.
  await dialog.getByTestId('export-width').fill('250');
  await expect(dialog).toContainText("width 250 mm does not fit Nature's page (nature-single: at most 183 mm)");
  await expect(dialog.getByTestId('export-run')).toBeDisabled();
  await dialog.getByTestId('export-width').fill('');

  for (const format of ['svg', 'pdf', 'png', 'tiff']) {
    await exportAs(page, { format, out: join(outDir, `heatmap.${format}`) });
  }
  await expect(dialog.getByTestId('export-written')).toContainText('heatmap.tiff.provenance.json');
  await dialog.getByRole('button', { name: 'Preview at print size' }).click();
  await expect(dialog.getByTestId('export-preview').locator('svg')).toHaveAttribute('width', '89mm');
  await page.screenshot({ path: join(import.meta.dirname, '../../test-results/figures-export-dialog.png') });
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByTestId('export-history')).toContainText('TIFF');

  const svg = readFileSync(join(outDir, 'heatmap.svg'), 'utf8');
  expect(svg).toMatch(/<svg [^>]*width="89mm" height="70mm"/);
  expect(svg).toContain('font-size: 7pt');
  const pdf = pdfPageSize(join(outDir, 'heatmap.pdf'));
  expect(Math.abs((pdf.widthPt * 25.4) / 72 - 89)).toBeLessThanOrEqual(0.5);
  expect(pdfFonts(join(outDir, 'heatmap.pdf')).every((f) => f.embedded)).toBe(true);
  const png = new Uint8Array(readFileSync(join(outDir, 'heatmap.png')));
  expect(Math.round(pngResolution(png)!.x)).toBe(600);
  const tiff = readTiff(new Uint8Array(readFileSync(join(outDir, 'heatmap.tiff'))));
  expect(tiff.tags.get(282)).toEqual([600, 1]);
  for (const side of ['heatmap.csv', 'heatmap.methods.txt', 'heatmap.pdf.provenance.json'])
    expect(existsSync(join(outDir, side))).toBe(true);
});

test('an exported PDF looks like the plot the studio shows at print size (export drift check)', async ({ studio, browser }) => {
  // Two device pixels per CSS px on screen, 192 dpi from the PDF: the same pixel grid, fine enough for 7 pt text.
  const context = await browser.newContext({ deviceScaleFactor: 2, viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto(studio.openUrl);
  await page.getByTestId('project-sidebar').getByText('Demo').click();
  await runCorrelation(page);
  await page.getByRole('tab', { name: 'Figures' }).click();
  // The studio draws the stored spec live with its own plotly at Nature single-column size (89 × 70 mm, 7 pt).
  await page.getByRole('combobox', { name: 'View' }).click();
  await page.getByTestId('view-nature-single').click();
  await expect(page.locator('.MuiMenu-root')).toHaveCount(0);
  const view = page.getByTestId('print-view');
  await expect(view.locator('.heatmaplayer image')).toHaveCount(1);
  await page.mouse.move(0, 0);
  const screen = decodePng(new Uint8Array(await view.screenshot()));

  await page.getByTestId('open-export').click();
  await exportAs(page, { format: 'pdf', preset: 'nature-single', out: join(outDir, 'print.pdf') });
  execFileSync('pdftoppm', ['-r', '192', '-png', '-singlefile', join(outDir, 'print.pdf'), join(outDir, 'print')]);
  const printed = decodePng(new Uint8Array(readFileSync(join(outDir, 'print.png'))));
  // Chromium sizes PDF pages to 1/300 in (up to 0.3 mm larger): at most 3 px more at 192 dpi.
  expect(Math.abs(printed.width - screen.width)).toBeLessThanOrEqual(4);
  expect(Math.abs(printed.height - screen.height)).toBeLessThanOrEqual(4);

  // Text metrics (hinted on screen, unhinted in print) may move the plot area by a pixel or two:
  // align within ±3 CSS px, then compare grey levels averaged over 56 × 44 boxes of ~6 CSS px.
  // Measured here: correlation 0.972, mean absolute difference 0.005, shift ≤ 1 CSS px.
  const compare = (pdfPng: string) => {
    const { dx, dy, a, b } = aligned(grey(screen), grey(decodePng(new Uint8Array(readFileSync(pdfPng)))), 6);
    const ga = boxGrey(a, 56, 44);
    const gb = boxGrey(b, 56, 44);
    return { dx: dx / 2, dy: dy / 2, r: correlation(ga, gb), mad: ga.reduce((sum, v, i) => sum + Math.abs(v - gb[i]), 0) / ga.length };
  };
  const same = compare(join(outDir, 'print.png'));
  console.log(
    `export vs screen: shift (${same.dx}, ${same.dy}) CSS px, grey-level correlation ${same.r.toFixed(4)}, mean absolute difference ${same.mad.toFixed(4)}`,
  );
  expect(same.r).toBeGreaterThan(0.95);
  expect(same.mad).toBeLessThan(0.01);

  // Negative control: the same figure exported with 5 pt instead of 7 pt text must fail the check.
  await exportAs(page, { format: 'pdf', font: '5', out: join(outDir, 'drifted.pdf') });
  execFileSync('pdftoppm', ['-r', '192', '-png', '-singlefile', join(outDir, 'drifted.pdf'), join(outDir, 'drifted')]);
  const drifted = compare(join(outDir, 'drifted.png'));
  console.log(`drifted (5 pt) vs screen: correlation ${drifted.r.toFixed(4)}, mean absolute difference ${drifted.mad.toFixed(4)}`);
  expect(drifted.r < 0.95 || drifted.mad > 0.01).toBe(true);
  await context.close();
});
