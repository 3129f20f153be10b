/**
 * A notebook as one self-contained HTML file: the text, each run with its parameters, metrics and
 * figures, and the figures interactive (plotly.js and the figure data inlined, the font inlined;
 * nothing is loaded from anywhere). Printed to PDF by the same browser engine as figure exports.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { analysisDescriptor } from '../../shared/analyses/index.js';
import type { Figure } from '../../shared/domain/figure.js';
import type { Notebook, NotebookCell } from '../../shared/domain/notebook.js';
import type { Run } from '../../shared/domain/project.js';
import { panelLetter, presetById } from '../../shared/figures/presets.js';
import { FIGURE_FONT } from '../../shared/figures/style.js';
import { markdownToHtml } from '../../shared/notebooks/markdown.js';
import { appVersion, paths } from '../paths.js';
import { DOCUMENT_CSP } from './export-page.js';
import { READY_FLAG } from './backend.js';

export interface NotebookContent {
  notebook: Notebook;
  projectName: string;
  runs: Map<number, Run>;
  figures: Map<number, Figure>;
  /** Figures of each run, in order. */
  runFigures: Map<number, Figure[]>;
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** JSON safe inside a <script> element. */
const scriptJson = (value: unknown): string =>
  JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

let plotlySource: string | null = null;
function plotlyBundle(): string {
  if (plotlySource === null) {
    const require = createRequire(import.meta.url);
    plotlySource = readFileSync(require.resolve('plotly.js-strict-dist-min'), 'utf8').replace(/<\/script/gi, '<\\/script');
  }
  return plotlySource;
}

function fontFaces(): string {
  return (['Regular', 'Bold'] as const)
    .map((w) => {
      const data = readFileSync(join(paths.assets, 'fonts', `LiberationSans-${w}.ttf`)).toString('base64');
      return `@font-face{font-family:'Liberation Sans';font-weight:${w === 'Bold' ? 700 : 400};src:url(data:font/ttf;base64,${data}) format('truetype')}`;
    })
    .join('\n');
}

const STYLE = `
@page { size: A4; margin: 16mm 16mm 18mm; }
html { font-family: ${FIGURE_FONT}; color: #111; background: #fff; }
body { margin: 0 auto; padding: 24px; max-width: 190mm; font-size: 10.5pt; line-height: 1.45; }
header { border-bottom: 1px solid #ccc; margin-bottom: 16px; }
header h1 { font-size: 18pt; margin: 0 0 4px; }
.meta, .methods, .history { color: #555; font-size: 8.5pt; }
section.cell { margin: 0 0 18px; }
.plot, .panels, table.kv { break-inside: avoid; }
h1, h2, h3 { break-after: avoid; }
h2.run-title { font-size: 11.5pt; margin: 0 0 6px; }
table.kv { border-collapse: collapse; font-size: 8.5pt; margin: 0 16px 8px 0; display: inline-table; vertical-align: top; }
table.kv caption { text-align: left; font-weight: 700; color: #444; }
table.kv td { padding: 1px 10px 1px 0; border-bottom: 1px solid #eee; font-variant-numeric: tabular-nums; }
.plot { width: 170mm; max-width: 100%; height: 112mm; margin: 4px 0; }
.panels { display: grid; gap: 4mm; width: 178mm; max-width: 100%; }
.panels .panel { position: relative; }
.panels .panel .plot { width: 100%; height: 72mm; }
.panels .letter { position: absolute; left: 0; top: -2px; font-weight: 700; font-size: 11pt; }
pre { background: #f6f6f6; padding: 8px; overflow: auto; font-size: 9pt; }
blockquote { border-left: 3px solid #ccc; margin: 0; padding-left: 10px; color: #444; }
.status { font-size: 8.5pt; padding: 1px 6px; border: 1px solid #aaa; border-radius: 8px; margin-left: 6px; }
`;

/** Draws every figure, then tells whoever prints the page that it is ready. */
const RENDER = `
(function () {
  var specs = JSON.parse(document.getElementById('cajal-figures').textContent);
  var plots = Array.prototype.map.call(document.querySelectorAll('.plot[data-figure]'), function (el) {
    var spec = specs[el.getAttribute('data-figure')];
    var layout = Object.assign({}, spec.layout, { autosize: true, width: undefined, height: undefined });
    return Plotly.newPlot(el, spec.data, layout, { displaylogo: false, responsive: true });
  });
  Promise.all(plots).then(function () { window.${READY_FLAG} = true; }, function (e) { window.${READY_FLAG} = true; console.error(e); });
})();
`;

function formatValue(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
  return typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
}

function keyValues(caption: string, entries: Array<[string, unknown]>): string {
  if (entries.length === 0) return '';
  const rows = entries.map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td>${escapeHtml(formatValue(v))}</td></tr>`).join('');
  return `<table class="kv"><caption>${escapeHtml(caption)}</caption>${rows}</table>`;
}

function figureBlock(figure: Figure, figures: Map<number, Figure>): string {
  const methods = figure.methods ? `<p class="methods">${escapeHtml(figure.methods)}</p>` : '';
  if (!figure.composition) return `<div class="plot" data-figure="${figure.id}"></div>${methods}`;
  const letterCase = presetById(figure.composition.preset)?.panelLetter.case ?? 'lower';
  const panels = figure.composition.panels
    .map((id, i) => {
      const panel = figures.get(id);
      const letter = panelLetter(i, letterCase);
      return panel
        ? `<div class="panel"><span class="letter">${letter}</span><div class="plot" data-figure="${panel.id}"></div></div>`
        : `<div class="panel"><span class="letter">${letter}</span><p class="meta">figure ${id} has been deleted</p></div>`;
    })
    .join('');
  return `<div class="panels" style="grid-template-columns: repeat(${Math.max(1, Math.min(figure.composition.columns, figure.composition.panels.length))}, 1fr)">${panels}</div>`;
}

function cellHtml(cell: NotebookCell, c: NotebookContent): string {
  const note = cell.kind !== 'markdown' && cell.content.trim() ? markdownToHtml(cell.content) : '';
  if (cell.kind === 'markdown') return `<section class="cell markdown">${markdownToHtml(cell.content)}</section>`;
  if (cell.kind === 'figure') {
    const figure = cell.figureId === null ? undefined : c.figures.get(cell.figureId);
    if (!figure) return `<section class="cell figure"><p class="meta">figure ${cell.figureId} has been deleted</p></section>`;
    return `<section class="cell figure"><h2 class="run-title">${escapeHtml(figure.title)}</h2>${figureBlock(figure, c.figures)}${note}</section>`;
  }
  const run = cell.runId === null ? undefined : c.runs.get(cell.runId);
  if (!run) return `<section class="cell run"><p class="meta">run ${cell.runId} has been deleted</p></section>`;
  const title = analysisDescriptor(run.analysis)?.title ?? run.analysis;
  const figures = (c.runFigures.get(run.id) ?? []).map((f) => figureBlock(f, c.figures)).join('');
  const history = cell.history.length ? `<p class="history">Earlier runs: ${cell.history.map((id) => `#${id}`).join(', ')}</p>` : '';
  return (
    `<section class="cell run"><h2 class="run-title">${escapeHtml(title)} · run ${run.id}<span class="status">${run.status}</span></h2>` +
    keyValues('Parameters', Object.entries(run.params)) +
    keyValues('Metrics', Object.entries(run.metrics)) +
    keyValues(
      'Data',
      run.inputs.map((i) => [i.path, i.hash]),
    ) +
    (run.error ? `<p class="meta">${escapeHtml(run.error)}</p>` : '') +
    figures +
    note +
    history +
    '</section>'
  );
}

export function notebookHtml(c: NotebookContent): string {
  const specs: Record<number, unknown> = {};
  for (const f of c.figures.values()) if (!f.composition) specs[f.id] = f.plot;
  const exported = new Date().toISOString().slice(0, 16).replace('T', ' ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${DOCUMENT_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Cajal Studio ${appVersion}">
<title>${escapeHtml(c.notebook.title)}</title>
<style>
${fontFaces()}
${STYLE}
</style>
</head>
<body>
<header><h1>${escapeHtml(c.notebook.title)}</h1><p class="meta">${escapeHtml(c.projectName)} · exported ${exported} UTC · Cajal Studio ${appVersion}</p></header>
${c.notebook.cells.map((cell) => cellHtml(cell, c)).join('\n')}
<script type="application/json" id="cajal-figures">${scriptJson(specs)}</script>
<script>${plotlyBundle()}</script>
<script>${RENDER}</script>
</body>
</html>
`;
}
