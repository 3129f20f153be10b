/**
 * Restyling for print (pure): page size, fonts and lines from the preset, WebGL traces as SVG
 * traces, dense traces thinned at the print resolution without losing their extremes or gaps;
 * and the SVG page, the CSV and the notebook markdown made from them.
 */
import { describe, expect, it } from 'vitest';
import { lineIndices, markerIndices } from '../../../shared/figures/decimate.js';
import { printSpec, rasterOnlyTraces } from '../../../shared/figures/print.js';
import { mmToPx, ptToPx, resolveExportOptions } from '../../../shared/figures/presets.js';
import { paperAxis, paperLayout } from '../../../shared/figures/style.js';
import { composeSvg, fontSizesInPoints, gridCells, printSvg } from '../../../shared/figures/svg.js';
import { figureTable, toCsv } from '../../../shared/figures/table.js';
import { markdownToHtml } from '../../../shared/notebooks/markdown.js';

type Obj = Record<string, unknown>;

describe('printSpec', () => {
  const options = resolveExportOptions({ preset: 'nature-single' });
  const spec = {
    data: [
      { type: 'heatmap', z: [[1, 2]], colorbar: { thickness: 10, outlinewidth: 0, title: { text: 'r' } } },
      { type: 'scattergl', mode: 'lines', x: [0, 1, 2], y: [1, 3, 2], line: { width: 4 }, xaxis: 'x2', yaxis: 'y2' },
      { type: 'bar', x: ['a', 'b'], y: [1, 2], marker: { line: { width: 2 } }, xaxis: 'x3', yaxis: 'y3' },
    ],
    layout: paperLayout('T', {
      xaxis: paperAxis('neuron'),
      yaxis: paperAxis('neuron'),
      xaxis2: paperAxis('time (s)', { domain: [0.5, 1] }),
      yaxis2: paperAxis('ΔF/F', { anchor: 'x2' }),
      xaxis3: paperAxis('state'),
      yaxis3: paperAxis('count'),
    }),
  };
  const printed = printSpec(spec, options);
  const layout = printed.layout as Obj;

  it('sets the exact page size in CSS px and every font from the preset', () => {
    expect(layout.width).toBeCloseTo(mmToPx(89), 9);
    expect(layout.height).toBeCloseTo(mmToPx(70), 9);
    expect((layout.font as Obj).size).toBeCloseTo(ptToPx(7), 9);
    expect(((layout.title as Obj).font as Obj).size).toBeCloseTo(ptToPx(7), 9);
    for (const axis of ['xaxis', 'yaxis', 'xaxis2', 'yaxis2', 'xaxis3', 'yaxis3']) {
      const a = layout[axis] as Obj;
      expect((a.tickfont as Obj).size, axis).toBeCloseTo(ptToPx(6), 9);
      expect(((a.title as Obj).font as Obj).size, axis).toBeCloseTo(ptToPx(7), 9);
      expect(a.linewidth, axis).toBeCloseTo(ptToPx(0.5), 9);
      expect(a.tickwidth, axis).toBeCloseTo(ptToPx(0.5), 9);
    }
    const colorbar = (printed.data[0] as Obj).colorbar as Obj;
    expect((colorbar.tickfont as Obj).size).toBeCloseTo(ptToPx(6), 9);
    expect(((colorbar.title as Obj).font as Obj).size).toBeCloseTo(ptToPx(7), 9);
  });

  it('draws data lines at the preset width (a plotly-default 2 px line at dataLinePt) and keeps their ratios', () => {
    expect(((printed.data[1] as Obj).line as Obj).width).toBeCloseTo(2 * ptToPx(0.75), 9);
    expect((((printed.data[2] as Obj).marker as Obj).line as Obj).width).toBeCloseTo(ptToPx(0.75), 9);
  });

  it('redraws WebGL traces as SVG traces and names the WebGL-only ones', () => {
    expect((printed.data[1] as Obj).type).toBe('scatter');
    expect(rasterOnlyTraces(spec)).toEqual([]);
    expect(rasterOnlyTraces({ data: [{ type: 'splom' }, { type: 'scatter3d' }, { type: 'splom' }], layout: {} })).toEqual([
      'splom',
      'scatter3d',
    ]);
  });

  it('leaves the stored spec untouched', () => {
    expect((spec.data[1] as Obj).type).toBe('scattergl');
    expect((spec.layout.font as Obj).size).toBe(10);
  });

  it('thins a dense line to at most 4 points per device column at the print dpi, every per-point array alike', () => {
    const n = 200_000;
    const x = Array.from({ length: n }, (_, i) => i / 1000);
    const y = x.map((t) => Math.sin(t * 3) + (Math.floor(t * 7919) % 2 ? 0.01 : -0.01));
    const text = x.map((_, i) => `p${i}`);
    const dense = printSpec({ data: [{ type: 'scattergl', mode: 'lines', x, y, text }], layout: {} }, options).data[0] as Obj;
    const columns = Math.ceil(mmToPx(89) * (600 / 96));
    const kx = dense.x as number[];
    expect(kx.length).toBeLessThanOrEqual(4 * columns);
    expect(kx.length).toBeGreaterThan(columns);
    expect((dense.text as string[]).every((t, i) => t === `p${Math.round(kx[i] * 1000)}`)).toBe(true);
    // Extremes survive: the thinned line spans the same range.
    const max = (v: number[]) => v.reduce((a, b) => Math.max(a, b), -Infinity);
    const min = (v: number[]) => v.reduce((a, b) => Math.min(a, b), Infinity);
    const ky = dense.y as number[];
    expect(max(ky)).toBe(max(y));
    expect(min(ky)).toBe(min(y));
  });

  it('keeps small traces as they are', () => {
    const small = printSpec({ data: [{ type: 'scatter', x: [1, 2, 3], y: [3, 1, 2] }], layout: {} }, options).data[0] as Obj;
    expect(small.x).toEqual([1, 2, 3]);
  });
});

describe('decimation', () => {
  it('M4 keeps first, min, max and last of every column, in order', () => {
    // 3 columns over x in [0, 9): column 0 = x 0..2, column 1 = x 3..5, column 2 = x 6..8.
    const x = [0, 1, 2, 3, 4, 5, 6, 7, 8];
    const y = [5, 9, 1, 2, 2, 2, 0, 7, 3];
    expect(lineIndices(x, y, 3)).toEqual([0, 1, 2, 3, 5, 6, 7, 8]);
  });

  it('keeps one gap per run of NaN/null so the line stays broken where the data are', () => {
    const x = Array.from({ length: 12 }, (_, i) => i);
    const y = [1, 2, 3, NaN, null, NaN, 4, 5, 6, 7, 8, 9];
    const keep = lineIndices(x, y, 2);
    const gaps = keep.filter((i) => y[i] === null || Number.isNaN(y[i] as number));
    expect(gaps).toEqual([3]);
    expect(keep).toContain(6);
    expect(keep).toContain(11);
  });

  it('keeps one marker per pixel cell', () => {
    const x = [0, 0.01, 0.02, 5, 10];
    const y = [0, 0.01, 0.02, 5, 10];
    expect(markerIndices(x, y, 10, 10)).toEqual([0, 3, 4]);
  });
});

describe('SVG page', () => {
  const plotly =
    '<svg class="main-svg" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="336.37795" height="264.56693" style="" viewBox="0 0 336.37795 264.56693">' +
    '<text style="font-family: \'Liberation Sans\'; font-size: 9.33333px; fill: rgb(0, 0, 0);">0</text><text font-size="8px">1</text></svg>';

  it('sets width and height in mm over the px viewBox and every font size in pt', () => {
    const page = printSvg(plotly, { widthMm: 89, heightMm: 70, title: 'A & B' });
    expect(page).toMatch(/^<svg [^>]*width="89mm" height="70mm" viewBox="0 0 336.37795 264.56693">/);
    expect(page).toContain('<title>A &amp; B</title>');
    expect(page).toContain('font-size: 7pt');
    expect(page).toContain('font-size="6pt"');
    expect(page).not.toMatch(/font-size:\s*[\d.]+px/);
    expect(fontSizesInPoints('font-size: 13.3333px')).toBe('font-size: 10pt');
  });

  it('lays panels out row by row and letters them in bold at the preset size', () => {
    const cells = gridCells(3, 2, 600, 400);
    expect(cells).toEqual([
      { x: 0, y: 0, width: 300, height: 200 },
      { x: 300, y: 0, width: 300, height: 200 },
      { x: 0, y: 200, width: 300, height: 200 },
    ]);
    const composed = composeSvg(
      cells
        .slice(0, 2)
        .map((cell, i) => ({ svg: plotly, cell, plot: { ...cell, y: cell.y + 16, height: cell.height - 16 }, letter: 'ab'[i] })),
      { widthPx: 600, heightPx: 400, letterPx: ptToPx(8) },
    );
    expect(composed.match(/<svg /g)).toHaveLength(3);
    expect(composed).toContain('x="300" y="16" width="300" height="184"');
    const letters = [
      ...composed.matchAll(/<text x="[\d.]+" y="[\d.]+" style="[^"]*font-size: ([\d.]+)px; font-weight: bold;[^"]*">([ab])<\/text>/g),
    ];
    expect(letters.map((m) => m[2])).toEqual(['a', 'b']);
    expect(Number(letters[0][1])).toBeCloseTo(ptToPx(8), 3);
    expect(fontSizesInPoints(composed)).toContain('font-size: 8pt; font-weight: bold');
  });
});

describe('figure data as CSV', () => {
  it('writes the analysis table as RFC 4180 CSV with numbers in full', () => {
    const csv = toCsv({
      columns: ['neuron_i', 'label', 'r'],
      rows: [
        [0, 'a, "b"', 0.123456789],
        [1, null, Number.NaN],
      ],
    });
    expect(csv).toBe('neuron_i,label,r\n0,"a, ""b""",0.123456789\n1,,nan\n');
  });

  it('reads a long table off the traces when the analysis gave none', () => {
    const table = figureTable({
      plot: {
        data: [
          { type: 'scatter', name: 'cell 1', x: [0, 1], y: [2, 3] },
          { type: 'heatmap', z: [[5, 6]] },
        ],
        layout: {},
      },
    });
    expect(table.columns).toEqual(['trace', 'x', 'y', 'z']);
    expect(table.rows).toEqual([
      ['cell 1', 0, 2, null],
      ['cell 1', 1, 3, null],
      ['trace 1', 0, 0, 5],
      ['trace 1', 1, 0, 6],
    ]);
  });
});

describe('notebook markdown', () => {
  it('renders the supported subset and escapes everything else', () => {
    const html = markdownToHtml(
      '# Title\n\nSome **bold**, *em* and `<code>`.\n\n- one\n- two [site](https://example.org)\n\n1. first\n\n> quoted\n\n```\nx < y\n```\n\n<script>alert(1)</script> [bad](javascript:alert(1))',
    );
    expect(html).toContain('<h1>Title</h1>');
    expect(html).toContain('<p>Some <strong>bold</strong>, <em>em</em> and <code>&lt;code&gt;</code>.</p>');
    expect(html).toContain(
      '<ul><li>one</li><li>two <a href="https://example.org" rel="noreferrer noopener" target="_blank">site</a></li></ul>',
    );
    expect(html).toContain('<ol><li>first</li></ol>');
    expect(html).toContain('<blockquote><p>quoted</p></blockquote>');
    expect(html).toContain('<pre><code>x &lt; y</code></pre>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; bad');
    expect(html).not.toContain('javascript:');
    expect(html).not.toContain('<script>');
  });
});
