/**
 * Notebooks: ordered cells kept contiguous through insert, move and delete (and undo by adding the
 * deleted cell back), re-running a run cell through the job system with its history, and the export
 * as one self-contained HTML file (checked in Chromium with every request blocked) and as PDF.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBrowser } from '../../../main/figures/browser-path.js';
import type { Notebook } from '../../../shared/domain/notebook.js';
import { StudioError } from '../../../shared/ipc/contract.js';
import { tempDir } from '../helpers.js';
import { studioWithRun, type StudioWithRun } from './helpers.js';
import { pdfFonts, pdfPageSize } from './readers.js';

const dir = tempDir('cajal-notebooks-');
let s: StudioWithRun;
let notebookId: number;
let browser: Browser;

const kinds = (n: Notebook) => n.cells.map((c) => `${c.position}:${c.kind}:${c.content || c.runId || c.figureId}`);

beforeAll(async () => {
  s = await studioWithRun(dir.path);
  browser = await chromium.launch({ executablePath: findBrowser(), headless: true });
  notebookId = s.studio.notebooks.create(s.projectId, 'Assemblies in V1').id;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await s?.studio.shutdown();
  dir.remove();
});

describe('cells', () => {
  it('appends, inserts, moves and deletes, keeping positions 0 … n-1', () => {
    const nb = s.studio.notebooks;
    const intro = nb.addCell({ notebookId, kind: 'markdown', content: '# Assemblies\n\nNeurons **0 and 1** fire together.' });
    const run = nb.addCell({ notebookId, kind: 'run', runId: s.runId });
    const figure = nb.addCell({ notebookId, kind: 'figure', figureId: s.figureId, content: 'The heatmap, for the paper.' });
    nb.addCell({ notebookId, kind: 'markdown', content: 'first', position: 0 });
    expect(kinds(nb.get(notebookId))).toEqual([
      '0:markdown:first',
      `1:markdown:${intro.content}`,
      `2:run:${s.runId}`,
      `3:figure:The heatmap, for the paper.`,
    ]);
    s.studio.store.notebooks.moveCell(figure.id, 1);
    expect(kinds(nb.get(notebookId)).map((k) => k.split(':')[1])).toEqual(['markdown', 'figure', 'markdown', 'run']);
    s.studio.store.notebooks.moveCell(figure.id, 99);
    expect(kinds(nb.get(notebookId)).map((k) => k.split(':')[1])).toEqual(['markdown', 'markdown', 'run', 'figure']);
    expect(run.history).toEqual([]);
  });

  it('deletes a cell and restores it where it was (undo)', () => {
    const nb = s.studio.notebooks;
    const before = nb.get(notebookId);
    const removed = s.studio.store.notebooks.deleteCell(before.cells[0].id);
    expect(nb.get(notebookId).cells.map((c) => c.position)).toEqual([0, 1, 2]);
    const back = nb.addCell({
      notebookId,
      kind: removed.kind,
      content: removed.content,
      position: removed.position,
      history: removed.history,
    });
    expect(back.position).toBe(0);
    expect(kinds(nb.get(notebookId))).toEqual(kinds(before));
  });

  it('refuses cells that point at another project or at nothing', async () => {
    const other = s.studio.store.projects.create('Other');
    const foreign = s.studio.notebooks.create(other.id, 'Elsewhere');
    expect(() => s.studio.notebooks.addCell({ notebookId: foreign.id, kind: 'run', runId: s.runId })).toThrow(
      `run ${s.runId} belongs to another project than notebook ${foreign.id}`,
    );
    expect(() => s.studio.notebooks.addCell({ notebookId, kind: 'figure' })).toThrow('a figure cell needs a figureId');
    expect(() => s.studio.notebooks.addCell({ notebookId, kind: 'run', runId: 9999 })).toThrow('run 9999 does not exist');
  });

  it('re-runs a run cell as a new run of the same analysis, parameters and data; the old run stays in its history', async () => {
    const cell = s.studio.notebooks.get(notebookId).cells.find((c) => c.kind === 'run')!;
    const rerun = await s.studio.notebooks.rerun(cell.id);
    expect(rerun.runId).not.toBe(s.runId);
    expect(rerun.history).toEqual([s.runId]);
    const done = await s.studio.jobs.wait(rerun.runId!);
    expect(done.status).toBe('done');
    const [a, b] = [s.studio.store.runs.get(s.runId), s.studio.store.runs.get(rerun.runId!)];
    expect(b.params).toEqual(a.params);
    expect(b.inputs).toEqual(a.inputs);
    // Deterministic given its seed: the same correlation, exactly.
    expect(s.studio.store.runs.array(b.id, 'correlation').data).toEqual(s.studio.store.runs.array(a.id, 'correlation').data);
    const again = await s.studio.notebooks.rerun(cell.id);
    expect(again.history).toEqual([rerun.runId, s.runId]);
    await s.studio.jobs.wait(again.runId!);
  });
});

describe('export', () => {
  it('writes one self-contained HTML file: plotly and the data inline, interactive figures, no request at all', async () => {
    const file = await s.studio.notebooks.export(notebookId, 'html', join(dir.path, 'out', 'notebook.html'));
    const html = readFileSync(file, 'utf8');
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/<link[^>]+href=/i);
    const style = /<style>([^]*?)<\/style>/.exec(html)![1];
    expect([...style.matchAll(/url\(([^)]{0,20})/g)].map((m) => m[1].slice(0, 5))).toEqual(['data:', 'data:']);
    expect(html).toContain('Content-Security-Policy" content="default-src \'none\'');
    expect(html).toContain('<h1>Assemblies</h1>');
    const context = await browser.newContext();
    const requests: string[] = [];
    await context.route('**/*', (route) => {
      requests.push(route.request().url());
      return route.abort();
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.setContent(html, { waitUntil: 'load' });
    await page.waitForFunction(() => (globalThis as unknown as { cajalReady?: boolean }).cajalReady === true);
    // Three run figures (the run cell's current run) and the figure cell: each drawn by plotly, zoomable.
    expect(await page.locator('.plot .main-svg').count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('.plot .modebar').count()).toBeGreaterThan(0);
    expect(await page.locator('p.history').textContent()).toMatch(/^Earlier runs: #\d+, #\d+$/);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await context.close();
  });

  it('prints to an A4 PDF with the font embedded and the text as text', async () => {
    const file = await s.studio.notebooks.export(notebookId, 'pdf', join(dir.path, 'out', 'notebook.pdf'));
    const page = pdfPageSize(file);
    // A4, 210 × 297 mm (Chromium sizes pages to 1/300 in).
    expect(Math.abs((page.widthPt * 25.4) / 72 - 210)).toBeLessThan(0.5);
    expect(Math.abs((page.heightPt * 25.4) / 72 - 297)).toBeLessThan(0.5);
    expect(page.pages).toBeGreaterThanOrEqual(1);
    expect(pdfFonts(file).every((f) => f.embedded)).toBe(true);
    expect(pdfFonts(file).some((f) => /LiberationSans/.test(f.name))).toBe(true);
    const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
    expect(text).toContain('Assemblies');
    expect(text).toContain('Pairwise correlation');
    expect(text).toContain('The heatmap, for the paper.');
  });

  it('refuses a name that disagrees with the format, an unknown notebook, and the CLI exits 2 for them', async () => {
    await expect(s.studio.notebooks.export(notebookId, 'pdf', join(dir.path, 'bad', 'n.html'))).rejects.toThrow(/must end in \.pdf/);
    await expect(s.studio.notebooks.export(777, 'html', join(dir.path, 'bad', 'n.html'))).rejects.toBeInstanceOf(StudioError);
    const bin = resolve(import.meta.dirname, '../../../bin/cajal.js');
    const r = spawnSync(process.execPath, [bin, 'export-notebook', '777', '--format', 'html', '--out', join(dir.path, 'bad', 'n.html')], {
      env: { ...process.env, CAJAL_DATA_DIR: dir.path },
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('cajal export-notebook: notebook 777 does not exist');
  });
});
