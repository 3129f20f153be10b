/**
 * Where an exported figure comes from, written next to it: the runs behind it (analysis,
 * parameters, every input file with its hash), the app and renderer versions and the export
 * options; and a methods sentence the user can paste into a paper.
 */
import { basename } from 'node:path';
import { analysisDescriptor } from '../../shared/analyses/index.js';
import type { Figure } from '../../shared/domain/figure.js';
import type { Run } from '../../shared/domain/project.js';
import type { ExportFormat, ExportOptions } from '../../shared/figures/presets.js';
import { appVersion } from '../paths.js';

export interface RendererInfo {
  engine: string;
  plotly: string;
}

export interface Panel {
  letter: string;
  figure: Figure;
}

export interface ProvenanceInput {
  figure: Figure;
  /** Multi-panel figures: their panels in order; otherwise the figure itself as the only panel. */
  panels: Panel[];
  runs: Map<number, Run>;
  datasetFormats: Map<number, string>;
  format: ExportFormat;
  options: ExportOptions;
  file: string;
  sha256: string;
  renderer: RendererInfo;
  exportedAt: string;
}

export function provenance(p: ProvenanceInput): Record<string, unknown> {
  return {
    figure: { id: p.figure.id, key: p.figure.key, title: p.figure.title, projectId: p.figure.projectId, createdAt: p.figure.createdAt },
    export: {
      file: p.file,
      sha256: p.sha256,
      format: p.format,
      preset: p.options.preset,
      widthMm: p.options.widthMm,
      heightMm: p.options.heightMm,
      dpi: p.options.dpi,
      fontPt: p.options.fontPt,
      tickFontPt: p.options.tickFontPt,
      axisLinePt: p.options.axisLinePt,
      dataLinePt: p.options.dataLinePt,
    },
    panels: p.panels.map(({ letter, figure }) => ({
      letter,
      figureId: figure.id,
      key: figure.key,
      title: figure.title,
      runId: figure.runId,
    })),
    runs: [...p.runs.values()].map((run) => ({
      id: run.id,
      analysis: run.analysis,
      status: run.status,
      params: run.params,
      metrics: run.metrics,
      appVersion: run.appVersion,
      dataHash: run.dataHash,
      inputs: run.inputs.map((i) => ({ ...i, format: p.datasetFormats.get(i.datasetId) ?? null })),
      createdAt: run.createdAt,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
    })),
    software: {
      app: 'Cajal Studio',
      version: appVersion,
      runtime: process.versions.electron ? `electron ${process.versions.electron}` : `node ${process.versions.node}`,
      platform: `${process.platform}-${process.arch}`,
      renderer: p.renderer.engine,
      plotly: p.renderer.plotly,
    },
    exportedAt: p.exportedAt,
  };
}

function formatValue(v: unknown): string {
  if (v === null) return 'none';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function runSentence(run: Run): string {
  const title = analysisDescriptor(run.analysis)?.title ?? run.analysis;
  const params = Object.entries(run.params)
    .map(([k, v]) => `${k} = ${formatValue(v)}`)
    .join(', ');
  const files = run.inputs.map((i) => `${basename(i.path)}${i.object ? ` (${i.object})` : ''}, ${i.hash}`).join('; ');
  return `${title} (run ${run.id}${params ? `; ${params}` : ''}) on ${files || 'no recorded input'}`;
}

/** The paragraph written next to an export: what was computed, by which run, with which software. */
export function methodsText(p: Pick<ProvenanceInput, 'panels' | 'runs' | 'renderer'>): string {
  const multi = p.panels.length > 1;
  const sentences = p.panels.map(({ letter, figure }) => {
    const text = figure.methods?.trim() || `${figure.title}.`;
    return multi ? `(${letter}) ${text}` : text;
  });
  const runs = [...p.runs.values()];
  const software = `Cajal Studio ${appVersion}`;
  if (runs.length > 0) {
    sentences.push(`Analyses were run in ${software}: ${runs.map(runSentence).join('; ')}.`);
  }
  sentences.push(`The figure was drawn with plotly.js ${p.renderer.plotly} and exported with ${software}.`);
  return sentences.join(' ') + '\n';
}
