/**
 * Exporting a stored figure (or a multi-panel figure) for a journal: everything is checked before
 * any work starts (preset, size, output name, the runs behind the figure), then the export page
 * draws it, main turns plotly's SVG into the print page and the requested format, and the figure,
 * its data (CSV), its provenance (JSON) and a methods paragraph land together or not at all.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { Figure, FigureExport } from '../../shared/domain/figure.js';
import type { Run } from '../../shared/domain/project.js';
import { exportOptions, panelPlaces } from '../../shared/figures/layout.js';
import {
  EXPORT_FORMATS,
  ExportOptionsError,
  panelLetter,
  type ExportFormat,
  type ExportOptions,
  type ExportRequest,
} from '../../shared/figures/presets.js';
import { printSize, printSpec, rasterOnlyTraces } from '../../shared/figures/print.js';
import { composeSvg, printSvg } from '../../shared/figures/svg.js';
import { figureTable, toCsv } from '../../shared/figures/table.js';
import { StudioError } from '../../shared/ipc/contract.js';
import { appVersion } from '../paths.js';
import type { Store } from '../store/store.js';
import type { ExportBackend } from './backend.js';
import { writeAllOrNothing, type OutputFile } from './files.js';
import { decodePng, withResolution } from './png.js';
import { methodsText, provenance, type Panel } from './provenance.js';
import { encodeTiff } from './tiff.js';

export interface ExportFigureRequest extends Omit<ExportRequest, 'preset'> {
  /** Journal preset; a multi-panel figure's own preset, else nature-single, when absent. */
  preset?: string;
  figureId: number;
  format: ExportFormat;
  /** The figure file (absolute, or relative to the working directory); the other files go beside it. */
  out: string;
}

export interface ExportPlan {
  figure: Figure;
  panels: Panel[];
  runs: Map<number, Run>;
  format: ExportFormat;
  options: ExportOptions;
  files: { figure: string; csv: string[]; provenance: string; methods: string };
}

const EXTENSIONS: Record<ExportFormat, string[]> = { svg: ['.svg'], pdf: ['.pdf'], png: ['.png'], tiff: ['.tif', '.tiff'] };

const invalid = (message: string) => new StudioError('invalid-input', message);

export class FigureExporter {
  constructor(private readonly store: Store) {}

  /** Every check an export needs, before anything is drawn or written. */
  plan(request: ExportFigureRequest): ExportPlan {
    if (!EXPORT_FORMATS.includes(request.format)) {
      throw invalid(`unknown format '${request.format}' (available: ${EXPORT_FORMATS.join(', ')})`);
    }
    const figure = this.store.figures.get(request.figureId);
    const composition = figure.composition;
    let options: ExportOptions;
    try {
      options = exportOptions(request, composition);
    } catch (error) {
      if (error instanceof ExportOptionsError) throw invalid(error.message);
      throw error;
    }
    const panels: Panel[] = composition
      ? composition.panels.map((id, i) => {
          const panel = this.panelFigure(figure, id);
          return { letter: panelLetter(i, options.panelLetter.case), figure: panel };
        })
      : [{ letter: panelLetter(0, options.panelLetter.case), figure }];
    if (panels.length === 0) throw invalid(`figure ${figure.id} ('${figure.title}') has no panels`);
    if (request.format === 'svg' || request.format === 'pdf') {
      for (const { figure: f } of panels) {
        const raster = rasterOnlyTraces(f.plot);
        if (raster.length) {
          throw invalid(
            `figure ${f.id} ('${f.title}') has WebGL-only traces (${raster.join(', ')}) that cannot be drawn as vectors: export it as png or tiff`,
          );
        }
      }
    }
    const runs = new Map<number, Run>();
    for (const { figure: f } of panels) {
      if (f.runId === null || runs.has(f.runId)) continue;
      try {
        runs.set(f.runId, this.store.runs.get(f.runId));
      } catch (error) {
        if (error instanceof StudioError && error.code === 'not-found') {
          throw new StudioError(
            'not-found',
            `figure ${f.id} ('${f.title}') was made by run ${f.runId}, which has been deleted: its provenance cannot be written, so it is not exported`,
          );
        }
        throw error;
      }
    }
    return { figure, panels, runs, format: request.format, options, files: outputFiles(request.out, request.format, panels) };
  }

  private panelFigure(parent: Figure, id: number): Figure {
    let panel: Figure;
    try {
      panel = this.store.figures.get(id);
    } catch (error) {
      if (error instanceof StudioError && error.code === 'not-found') {
        throw new StudioError('not-found', `figure ${parent.id} ('${parent.title}') shows figure ${id}, which has been deleted`);
      }
      throw error;
    }
    if (panel.composition) throw invalid(`figure ${id} is itself a multi-panel figure and cannot be a panel of figure ${parent.id}`);
    return panel;
  }

  /** The finished print page as SVG: mm page, pt fonts, panels lettered. */
  async pageSvg(plan: ExportPlan, backend: ExportBackend): Promise<string> {
    const { options, figure } = plan;
    const page = printSize(options);
    if (!figure.composition) {
      const svg = await backend.renderSvg(printSpec(figure.plot, options, page), { ...page, dpi: options.dpi });
      return printSvg(svg, { widthMm: options.widthMm, heightMm: options.heightMm, title: figure.title });
    }
    const { places, letterPx } = panelPlaces(options, plan.panels.length, figure.composition.columns);
    const panels = [];
    for (const [i, { letter, figure: f }] of plan.panels.entries()) {
      const { cell, plot } = places[i];
      const svg = await backend.renderSvg(printSpec(f.plot, options, { widthPx: plot.width, heightPx: plot.height }), {
        widthPx: plot.width,
        heightPx: plot.height,
        dpi: options.dpi,
      });
      panels.push({ svg, cell, plot, letter });
    }
    return printSvg(composeSvg(panels, { ...page, letterPx }), {
      widthMm: options.widthMm,
      heightMm: options.heightMm,
      title: figure.title,
    });
  }

  async export(request: ExportFigureRequest, backend: ExportBackend): Promise<FigureExport> {
    const plan = this.plan(request);
    const { options, format, files } = plan;
    const renderer = await backend.describe();
    const svg = await this.pageSvg(plan, backend);
    const page = { widthMm: options.widthMm, heightMm: options.heightMm };
    let data: Uint8Array;
    if (format === 'svg') data = Buffer.from(`<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n${svg}\n`, 'utf8');
    else if (format === 'pdf') data = await backend.pdf(svg, page);
    else {
      const png = await backend.png(svg, page, options.dpi);
      data = format === 'png' ? withResolution(png, options.dpi) : encodeTiff(decodePng(png), options.dpi, `Cajal Studio ${appVersion}`);
    }
    const exportedAt = new Date().toISOString();
    const sha256 = createHash('sha256').update(data).digest('hex');
    const datasetFormats = new Map<number, string>();
    for (const run of plan.runs.values()) {
      for (const input of run.inputs) {
        const dataset = this.store.datasets.list(plan.figure.projectId).find((d) => d.id === input.datasetId);
        if (dataset) datasetFormats.set(dataset.id, dataset.format);
      }
    }
    const output: OutputFile[] = [
      { path: files.figure, data },
      ...plan.panels.map((p, i) => ({ path: files.csv[i], data: toCsv(figureTable(p.figure)) })),
      {
        path: files.provenance,
        data:
          JSON.stringify(provenance({ ...plan, datasetFormats, format, file: files.figure, sha256, renderer, exportedAt }), null, 2) + '\n',
      },
      { path: files.methods, data: methodsText({ panels: plan.panels, runs: plan.runs, renderer }) },
    ];
    await writeAllOrNothing(output);
    return this.store.figureExports.add({
      figureId: plan.figure.id,
      format,
      path: files.figure,
      csv: files.csv,
      provenance: files.provenance,
      methods: files.methods,
      options: { preset: options.preset, widthMm: options.widthMm, heightMm: options.heightMm, dpi: options.dpi, fontPt: options.fontPt },
    });
  }
}

/** The figure file and the files written beside it; the name must agree with the format. */
export function outputFiles(out: string, format: ExportFormat, panels: Panel[]): ExportPlan['files'] {
  if (!out.trim()) throw invalid('an output file is required');
  let figure = resolve(out);
  const ext = extname(figure).toLowerCase();
  if (ext === '') figure += EXTENSIONS[format][0];
  else if (!EXTENSIONS[format].includes(ext)) {
    throw invalid(`the output ${figure} ends in ${ext} but the format is ${format} (use ${EXTENSIONS[format].join(' or ')})`);
  }
  if (isDirectory(figure)) throw invalid(`the output ${figure} is a folder: give a file name`);
  const stem = join(dirname(figure), basename(figure, extname(figure)));
  const csv = panels.length > 1 ? panels.map((p) => `${stem}.panel-${p.letter}.csv`) : [`${stem}.csv`];
  // The data and methods are the same for every format; the provenance names this very file and its hash.
  return { figure, csv, provenance: `${figure}.provenance.json`, methods: `${stem}.methods.txt` };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
