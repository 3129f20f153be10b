/**
 * Figure export end to end through the studio's service, drawn by Chromium (playwright-core):
 * every format's physical size, fonts, resolution and embedded data checked by reading the files
 * (pdfinfo/pdffonts/pdftotext from poppler-utils for PDFs); WebGL, bar, subplot and colorbar traces;
 * a two-panel figure; the files written beside each export; and bad input refused with nothing written.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBrowser } from '../../../main/figures/browser-path.js';
import { decodePng, pngResolution } from '../../../main/figures/png.js';
import type { FigureExport } from '../../../shared/domain/figure.js';
import { mmToPx } from '../../../shared/figures/presets.js';
import { paperAxis, paperLayout } from '../../../shared/figures/style.js';
import { StudioError } from '../../../shared/ipc/contract.js';
import { tempDir } from '../helpers.js';
import { studioWithRun, type StudioWithRun } from './helpers.js';
import { pdfFonts, pdfPageSize, readTiff } from './readers.js';

const MM_PER_PT = 25.4 / 72;
const dir = tempDir('cajal-figures-');
const out = (name: string) => join(dir.path, 'out', name);

interface ParsedSvg {
  error: string | null;
  width: string | null;
  height: string | null;
  viewBox: string | null;
  texts: Array<{ text: string; fontSize: string; fontWeight: string }>;
  images: Array<{ width: number; height: number; href: string }>;
  paths: string[];
  nested: number;
}

/** The little of the DOM the probe below uses (this file is type-checked without DOM types). */
interface XmlElement {
  textContent: string | null;
  getAttribute(name: string): string | null;
  querySelectorAll(selector: string): ArrayLike<XmlElement>;
}
interface XmlDocument {
  documentElement: XmlElement;
  querySelector(selector: string): XmlElement | null;
  getElementsByTagName(name: string): ArrayLike<XmlElement>;
}

let browser: Browser;
/** Parses an SVG file with the browser's XML parser, as an editor would read it. */
async function parseSvg(file: string): Promise<ParsedSvg> {
  const page = await browser.newPage();
  try {
    return await page.evaluate(
      (svg) => {
        const { DOMParser } = globalThis as unknown as { DOMParser: new () => { parseFromString(s: string, type: string): XmlDocument } };
        const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
        const root = doc.documentElement;
        const style = (el: XmlElement, prop: string) =>
          (el.getAttribute('style') ?? '').match(new RegExp(`${prop}:\\s*([^;]+)`))?.[1]?.trim() ?? '';
        return {
          error: doc.querySelector('parsererror')?.textContent ?? null,
          width: root.getAttribute('width'),
          height: root.getAttribute('height'),
          viewBox: root.getAttribute('viewBox'),
          texts: Array.from(doc.getElementsByTagName('text')).map((t) => ({
            text: t.textContent ?? '',
            fontSize: style(t, 'font-size') || (t.getAttribute('font-size') ?? ''),
            fontWeight: style(t, 'font-weight'),
          })),
          images: Array.from(doc.getElementsByTagName('image')).map((i) => ({
            width: parseFloat(i.getAttribute('width') ?? '0'),
            height: parseFloat(i.getAttribute('height') ?? '0'),
            href: i.getAttribute('xlink:href') ?? i.getAttribute('href') ?? '',
          })),
          paths: Array.from(root.querySelectorAll('.scatterlayer path.js-line')).map((p) => p.getAttribute('d') ?? ''),
          nested: root.querySelectorAll('svg').length,
        };
      },
      readFileSync(file, 'utf8'),
    );
  } finally {
    await page.close();
  }
}

/** Width and height of a PNG given as a data URI. */
function dataUriPngSize(href: string): [number, number] {
  const png = Buffer.from(href.replace(/^data:image\/png;base64,/, ''), 'base64');
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

let s: StudioWithRun;
const exports: Partial<Record<'svg' | 'pdf' | 'png' | 'tiff', FigureExport>> = {};

beforeAll(async () => {
  s = await studioWithRun(dir.path);
  browser = await chromium.launch({ executablePath: findBrowser(), headless: true });
  for (const format of ['svg', 'pdf', 'png', 'tiff'] as const) {
    exports[format] = await s.studio.figures.export({
      figureId: s.figureId,
      format,
      preset: 'nature-single',
      out: out(`heatmap.${format}`),
    });
  }
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await s?.studio.shutdown();
  dir.remove();
});

describe('single figure, Nature single column (89 × 70 mm, 7 pt, 600 dpi)', () => {
  it('SVG parses, its page is 89 × 70 mm, and its text is real <text> at the preset sizes in pt', async () => {
    const svg = await parseSvg(out('heatmap.svg'));
    expect(svg.error).toBeNull();
    expect([svg.width, svg.height]).toEqual(['89mm', '70mm']);
    const [, , w, h] = svg.viewBox!.split(' ').map(Number);
    expect(w).toBeCloseTo(mmToPx(89), 6);
    expect(h).toBeCloseTo(mmToPx(70), 6);
    expect(svg.texts.length).toBeGreaterThan(10);
    expect(new Set(svg.texts.map((t) => t.fontSize))).toEqual(new Set(['6pt', '7pt']));
    expect(svg.texts.filter((t) => t.text === 'neuron').map((t) => t.fontSize)).toEqual(['7pt', '7pt']);
    expect(svg.texts.find((t) => t.text === 'Pairwise Pearson correlation')?.fontSize).toBe('7pt');
    expect(svg.texts.filter((t) => /^\d+$/.test(t.text)).every((t) => t.fontSize === '6pt')).toBe(true);
  });

  it('SVG embeds the heatmap as a raster at the requested dpi, the colorbar and everything else as vectors', async () => {
    const svg = await parseSvg(out('heatmap.svg'));
    expect(svg.images).toHaveLength(1);
    const [pw, ph] = dataUriPngSize(svg.images[0].href);
    expect(pw).toBe(Math.round((svg.images[0].width * 600) / 96));
    expect(ph).toBe(Math.round((svg.images[0].height * 600) / 96));
  });

  it('PDF is one page of 89 × 70 mm (±0.5 mm) with Liberation Sans embedded as a subset and the text as text', () => {
    const page = pdfPageSize(out('heatmap.pdf'));
    expect(page.pages).toBe(1);
    expect(Math.abs(page.widthPt * MM_PER_PT - 89)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(page.heightPt * MM_PER_PT - 70)).toBeLessThanOrEqual(0.5);
    const fonts = pdfFonts(out('heatmap.pdf'));
    expect(fonts.length).toBeGreaterThan(0);
    for (const f of fonts) {
      expect(f.name, f.line).toMatch(/^[A-Z]{6}\+LiberationSans/);
      expect(f.embedded, f.line).toBe(true);
      expect(f.subset, f.line).toBe(true);
    }
    const text = execFileSync('pdftotext', [out('heatmap.pdf'), '-'], { encoding: 'utf8' });
    expect(text).toContain('Pairwise Pearson correlation');
    expect(text).toContain('neuron');
  });

  it('PNG has round(size × 600 / 25.4) pixels and 600 dpi in its pHYs chunk', () => {
    const png = new Uint8Array(readFileSync(out('heatmap.png')));
    const image = decodePng(png);
    expect([image.width, image.height]).toEqual([Math.round((89 / 25.4) * 600), Math.round((70 / 25.4) * 600)]);
    const dpi = pngResolution(png)!;
    expect(Math.abs(dpi.x - 600)).toBeLessThan(0.01);
    expect(Math.abs(dpi.y - 600)).toBeLessThan(0.01);
  });

  it('TIFF is LZW RGB with 600/1 dpi and ResolutionUnit inch, and the same pixels as the PNG', () => {
    const tiff = readTiff(new Uint8Array(readFileSync(out('heatmap.tiff'))));
    expect([tiff.width, tiff.height]).toEqual([2102, 1654]);
    expect(tiff.tags.get(259)).toEqual([5]);
    expect(tiff.tags.get(282)).toEqual([600, 1]);
    expect(tiff.tags.get(283)).toEqual([600, 1]);
    expect(tiff.tags.get(296)).toEqual([2]);
    const png = decodePng(new Uint8Array(readFileSync(out('heatmap.png'))));
    let diff = 0;
    for (let p = 0; p < tiff.width * tiff.height; p++) {
      for (let c = 0; c < 3; c++) diff += Math.abs(tiff.data[p * 3 + c] - png.data[p * png.channels + c]);
    }
    expect(diff / (tiff.width * tiff.height * 3)).toBeLessThan(0.5);
  });

  it('writes the plotted data as CSV: every pair with the stored correlation, exactly', () => {
    const lines = readFileSync(out('heatmap.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('neuron_i,neuron_j,r');
    expect(lines).toHaveLength(1 + s.neurons * s.neurons);
    const r = s.studio.store.runs.array(s.runId, 'correlation').data as Float32Array;
    for (const line of lines.slice(1)) {
      const [i, j, v] = line.split(',').map(Number);
      expect(v).toBe(r[i * s.neurons + j]);
    }
    const [, r01] = [0, Number(lines[2].split(',')[2])];
    expect(r01).toBeGreaterThan(0.9);
  });

  it('writes the provenance: the run, its parameters, the data file and its hash, versions, options, the file hash', () => {
    const p = JSON.parse(readFileSync(out('heatmap.pdf.provenance.json'), 'utf8'));
    const dataset = s.studio.store.datasets.list(s.projectId)[0];
    expect(p.figure).toMatchObject({ id: s.figureId, key: 'correlation-heatmap', projectId: s.projectId });
    expect(p.runs).toHaveLength(1);
    expect(p.runs[0]).toMatchObject({
      id: s.runId,
      analysis: 'correlation',
      status: 'done',
      params: { method: 'pearson', startFrame: 0, endFrame: null, shuffles: 0, seed: 0 },
      appVersion: '0.1.0',
      inputs: [{ datasetId: dataset.id, path: dataset.path, hash: dataset.hash, object: '', format: 'npy' }],
    });
    expect(p.export).toMatchObject({
      format: 'pdf',
      preset: 'nature-single',
      widthMm: 89,
      heightMm: 70,
      dpi: 600,
      fontPt: 7,
      tickFontPt: 6,
    });
    expect(p.export.sha256).toBe(
      createHash('sha256')
        .update(readFileSync(out('heatmap.pdf')))
        .digest('hex'),
    );
    expect(p.software).toMatchObject({ app: 'Cajal Studio', version: '0.1.0', plotly: '4.1.1' });
    expect(p.software.renderer).toMatch(/^chromium \d+/);
    expect(Date.now() - Date.parse(p.exportedAt)).toBeLessThan(600_000);
  });

  it('writes a methods paragraph naming the computation, the run, its parameters, the data and the software', () => {
    const methods = readFileSync(out('heatmap.methods.txt'), 'utf8');
    expect(methods).toContain('Pearson correlation coefficients were computed between the traces of all 12 neurons over 400 frames.');
    expect(methods).toContain(
      `Pairwise correlation (run ${s.runId}; method = pearson, startFrame = 0, endFrame = none, shuffles = 0, seed = 0) on traces.npy, sha256-sampled:`,
    );
    expect(methods).toContain('drawn with plotly.js 4.1.1 and exported with Cajal Studio 0.1.0');
  });

  it('records every export with its files and options', () => {
    const history = s.studio.store.figureExports.list(s.figureId);
    expect(history.map((e) => e.format).sort()).toEqual(['pdf', 'png', 'svg', 'tiff']);
    expect(history.find((e) => e.format === 'tiff')).toMatchObject({
      path: out('heatmap.tiff'),
      csv: [out('heatmap.csv')],
      provenance: out('heatmap.tiff.provenance.json'),
      methods: out('heatmap.methods.txt'),
      options: { preset: 'nature-single', widthMm: 89, heightMm: 70, dpi: 600, fontPt: 7 },
    });
  });
});

describe('figures of other analyses: WebGL lines with gaps, bars, subplots, colorbars', () => {
  let figureId: number;
  const n = 60_000;
  beforeAll(() => {
    const x = Array.from({ length: n }, (_, i) => i / 100);
    const y = x.map((t, i) => (i % 10_000 === 5_000 ? null : Math.sin(t) + 0.3 * Math.sin(t * 17)));
    const spec = {
      key: 'test-kitchen-sink',
      title: 'Traces and states',
      plot: {
        data: [
          { type: 'scattergl', mode: 'lines', x, y, line: { width: 1.5, color: '#1f77b4' }, xaxis: 'x', yaxis: 'y' },
          { type: 'bar', x: ['A', 'B', 'C'], y: [3, 1, 2], xaxis: 'x2', yaxis: 'y2', marker: { color: '#888' } },
          {
            type: 'heatmap',
            z: [
              [0, 1],
              [2, 3],
            ],
            xaxis: 'x3',
            yaxis: 'y3',
            colorbar: { title: { text: 'rate (Hz)' }, thickness: 8, len: 0.4, y: 0.2 },
          },
        ],
        layout: paperLayout('Traces and states', {
          xaxis: paperAxis('time (s)', { domain: [0, 1], anchor: 'y' }),
          yaxis: paperAxis('ΔF/F', { domain: [0.6, 1], anchor: 'x' }),
          xaxis2: paperAxis('state', { domain: [0, 0.4], anchor: 'y2' }),
          yaxis2: paperAxis('dwell (s)', { domain: [0, 0.4], anchor: 'x2' }),
          xaxis3: paperAxis('neuron', { domain: [0.55, 0.85], anchor: 'y3' }),
          yaxis3: paperAxis('neuron', { domain: [0, 0.4], anchor: 'x3' }),
        }),
      },
    };
    figureId = s.studio.store.figures.add({ projectId: s.projectId, runId: s.runId, datasetId: null, spec }).id;
  });

  it('draws the WebGL line as an SVG path thinned at print resolution, gaps kept; only the heatmap is a raster', async () => {
    await s.studio.figures.export({ figureId, format: 'svg', preset: 'nature-double', dpi: 300, out: out('sink.svg') });
    const svg = await parseSvg(out('sink.svg'));
    expect(svg.error).toBeNull();
    expect([svg.width, svg.height]).toEqual(['183mm', '110mm']);
    expect(svg.images).toHaveLength(1); // the heatmap; no glimages
    const d = svg.paths.join('');
    const points = (d.match(/[ML]/g) ?? []).length;
    const columns = Math.ceil(mmToPx(183) * (300 / 96));
    expect(points).toBeLessThanOrEqual(4 * columns + 20);
    expect(points).toBeGreaterThan(columns / 2);
    // Six gaps (samples 5 000, 15 000 … 55 000): the line is drawn in 7 pieces.
    expect((d.match(/M/g) ?? []).length).toBe(7);
    const sizes = new Set(svg.texts.map((t) => t.fontSize));
    expect(sizes).toEqual(new Set(['6pt', '7pt']));
    expect(svg.texts.map((t) => t.text)).toEqual(expect.arrayContaining(['time (s)', 'ΔF/F', 'state', 'A', 'rate (Hz)']));
  });

  it('prints it to a PDF page of 183 × 110 mm', async () => {
    await s.studio.figures.export({ figureId, format: 'pdf', preset: 'nature-double', out: out('sink.pdf') });
    const page = pdfPageSize(out('sink.pdf'));
    expect(Math.abs(page.widthPt * MM_PER_PT - 183)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(page.heightPt * MM_PER_PT - 110)).toBeLessThanOrEqual(0.5);
    expect(pdfFonts(out('sink.pdf')).every((f) => f.embedded)).toBe(true);
  });

  it('reads the CSV off the traces when the analysis gave no table', () => {
    return s.studio.figures.export({ figureId, format: 'svg', preset: 'nature-double', out: out('sink2.svg') }).then(() => {
      const lines = readFileSync(out('sink2.csv'), 'utf8').trim().split('\n');
      expect(lines[0]).toBe('trace,x,y,z');
      expect(lines).toHaveLength(1 + n + 3 + 4);
      expect(lines[1]).toBe('trace 0,0,0,');
    });
  });

  it('two panels in one figure: letters a and b in bold 8 pt, shared fonts, one CSV per panel', async () => {
    const composite = s.studio.figures.createComposite({
      projectId: s.projectId,
      title: 'Figure 1',
      composition: { panels: [s.figureId, figureId], columns: 2, preset: 'nature-double' },
    });
    const result = await s.studio.figures.export({ figureId: composite.id, format: 'svg', out: out('figure1.svg') });
    expect(result.options).toMatchObject({ preset: 'nature-double', widthMm: 183 });
    expect(result.csv).toEqual([out('figure1.panel-a.csv'), out('figure1.panel-b.csv')]);
    const svg = await parseSvg(out('figure1.svg'));
    expect(svg.error).toBeNull();
    expect(svg.width).toBe('183mm');
    expect(svg.nested).toBe(2);
    const letters = svg.texts.filter((t) => t.fontWeight === 'bold');
    expect(letters.map((t) => [t.text, t.fontSize])).toEqual([
      ['a', '8pt'],
      ['b', '8pt'],
    ]);
    expect(new Set(svg.texts.filter((t) => t.fontWeight !== 'bold').map((t) => t.fontSize))).toEqual(new Set(['6pt', '7pt']));
    const p = JSON.parse(readFileSync(out('figure1.svg.provenance.json'), 'utf8'));
    expect(p.panels.map((x: { letter: string; figureId: number }) => [x.letter, x.figureId])).toEqual([
      ['a', s.figureId],
      ['b', figureId],
    ]);
    expect(readFileSync(out('figure1.methods.txt'), 'utf8')).toMatch(
      /^\(a\) Pearson correlation coefficients .* \(b\) Traces and states\./,
    );
    await s.studio.figures.export({ figureId: composite.id, format: 'pdf', out: out('figure1.pdf') });
    const page = pdfPageSize(out('figure1.pdf'));
    expect(Math.abs(page.widthPt * MM_PER_PT - 183)).toBeLessThanOrEqual(0.5);
    expect(page.pages).toBe(1);
  });
});

describe('bad input: a clear message and nothing written', () => {
  const bad = (name: string) => join(dir.path, 'bad', name);
  const refuse = async (request: Parameters<StudioWithRun['studio']['figures']['export']>[0], code: string, message: string | RegExp) => {
    let error: unknown;
    try {
      await s.studio.figures.export(request);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StudioError);
    expect((error as StudioError).code).toBe(code);
    expect((error as StudioError).message).toMatch(message);
    expect(existsSync(join(dir.path, 'bad'))).toBe(false);
  };

  it('unknown preset, impossible sizes, a name that disagrees with the format', async () => {
    await refuse(
      { figureId: s.figureId, format: 'pdf', preset: 'nature-triple', out: bad('a.pdf') },
      'invalid-input',
      /^unknown preset 'nature-triple'/,
    );
    await refuse(
      { figureId: s.figureId, format: 'pdf', preset: 'nature-single', widthMm: 250, out: bad('a.pdf') },
      'invalid-input',
      "width 250 mm does not fit Nature's page",
    );
    await refuse(
      { figureId: s.figureId, format: 'png', preset: 'cell-single', heightMm: -1, out: bad('a.png') },
      'invalid-input',
      'height must be a positive number of mm, got -1',
    );
    await refuse(
      { figureId: s.figureId, format: 'pdf', preset: 'nature-single', out: bad('a.png') },
      'invalid-input',
      /ends in \.png but the format is pdf/,
    );
    await refuse({ figureId: 999, format: 'pdf', preset: 'nature-single', out: bad('a.pdf') }, 'not-found', 'figure 999 does not exist');
  });

  it('a figure whose run was deleted', async () => {
    const dataset = s.studio.store.datasets.list(s.projectId)[0];
    const run = await s.studio.jobs.start({ projectId: s.projectId, datasetId: dataset.id, analysis: 'correlation', params: {} });
    await s.studio.jobs.wait(run.id);
    const [orphan] = s.studio.store.figures.forRun(run.id);
    s.studio.store.runs.delete(run.id);
    await refuse(
      { figureId: orphan.id, format: 'svg', preset: 'nature-single', out: bad('orphan.svg') },
      'not-found',
      `figure ${orphan.id} ('Pairwise Pearson correlation') was made by run ${run.id}, which has been deleted`,
    );
  });

  it('a WebGL-only trace asked for as vectors', async () => {
    const spec = { key: 'splom', title: 'Pairs', plot: { data: [{ type: 'splom', dimensions: [{ values: [1, 2] }] }], layout: {} } };
    const id = s.studio.store.figures.add({ projectId: s.projectId, runId: s.runId, datasetId: null, spec }).id;
    await refuse(
      { figureId: id, format: 'pdf', preset: 'nature-single', out: bad('pairs.pdf') },
      'invalid-input',
      /WebGL-only traces \(splom\).*export it as png or tiff/,
    );
  });

  it('the CLI exits 2 with the message and writes nothing', () => {
    const env = { ...process.env, CAJAL_DATA_DIR: dir.path };
    const bin = resolve(import.meta.dirname, '../../../bin/cajal.js');
    const cajal = (...args: string[]) => spawnSync(process.execPath, [bin, 'export-figure', ...args], { env, encoding: 'utf8' });
    const cases: Array<[string[], RegExp]> = [
      [
        [String(s.figureId), '--format', 'pdf', '--preset', 'nature-5', '--out', bad('x.pdf')],
        /^cajal export-figure: unknown preset 'nature-5' \(available: /,
      ],
      [
        [String(s.figureId), '--format', 'pdf', '--preset', 'nature-single', '--width-mm', 'wide', '--out', bad('x.pdf')],
        /--width-mm must be a number of millimetres, got 'wide'/,
      ],
      [
        [String(s.figureId), '--format', 'pdf', '--preset', 'nature-single', '--height-mm', '500', '--out', bad('x.pdf')],
        /height 500 mm does not fit Nature's page/,
      ],
      [[String(s.figureId), '--format', 'eps', '--out', bad('x.eps')], /unknown format 'eps' \(available: svg, pdf, png, tiff\)/],
      [['4242', '--format', 'svg', '--preset', 'nature-single', '--out', bad('x.svg')], /figure 4242 does not exist/],
    ];
    for (const [args, message] of cases) {
      const r = cajal(...args);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr.trim()).toMatch(message);
    }
    expect(existsSync(join(dir.path, 'bad'))).toBe(false);
  });
});

describe('the CLI', () => {
  it('exports a figure as SVG and prints where every file went', () => {
    const env = { ...process.env, CAJAL_DATA_DIR: dir.path };
    const bin = resolve(import.meta.dirname, '../../../bin/cajal.js');
    const r = spawnSync(
      process.execPath,
      [
        bin,
        'export-figure',
        String(s.figureId),
        '--format',
        'svg',
        '--preset',
        'pnas-single',
        '--font-pt',
        '8',
        '--out',
        out('cli/fig'),
        '--json',
      ],
      { env, encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    const written = JSON.parse(r.stdout);
    expect(written).toMatchObject({ format: 'svg', path: out('cli/fig.svg'), options: { preset: 'pnas-single', widthMm: 87, fontPt: 8 } });
    expect(readdirSync(out('cli')).sort()).toEqual(['fig.csv', 'fig.methods.txt', 'fig.svg', 'fig.svg.provenance.json']);
    expect(readFileSync(out('cli/fig.svg'), 'utf8')).toContain('font-size: 8pt');
  });
});
