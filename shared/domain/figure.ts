/**
 * A figure is data: a plotly spec (data + layout, plain JSON) plus the table behind it and where it
 * came from. Stored in SQLite, rendered by the studio and by the exporter from the same spec.
 */
export interface PlotSpec {
  data: unknown[];
  layout: Record<string, unknown>;
}

export interface FigureTable {
  columns: string[];
  rows: Array<Array<number | string | null>>;
}

/** What an analysis produces for each of its default figures. */
export interface FigureSpec {
  /** Stable within an analysis ('correlation-heatmap'), so re-runs can be matched up. */
  key: string;
  title: string;
  plot: PlotSpec;
  /** The plotted numbers, exported as CSV next to the figure. */
  table?: FigureTable;
  /** One sentence for a paper's methods section describing how the plotted result was computed. */
  methods?: string;
  /** Set on multi-panel figures: the panels are other figures, `plot` is then empty. */
  composition?: Composition;
}

/** A multi-panel journal figure: other figures in a grid, lettered a, b, c … in reading order. */
export interface Composition {
  /** Figure ids in reading order (row by row). */
  panels: number[];
  columns: number;
  /** Journal preset the panels share (font, line widths, panel letters). */
  preset: string;
  /** Page size; the preset's when absent. */
  widthMm?: number;
  heightMm?: number;
}

export const COMPOSITE_KEY = 'composite';

export interface FigureSummary {
  id: number;
  projectId: number;
  runId: number | null;
  datasetId: number | null;
  key: string;
  title: string;
  createdAt: string;
  updatedAt: string;
}

export interface Figure extends FigureSummary, FigureSpec {}

/** One export of a figure: the file written and the files written next to it. */
export interface FigureExport {
  id: number;
  figureId: number;
  format: 'svg' | 'pdf' | 'png' | 'tiff';
  /** The figure file. */
  path: string;
  /** The plotted data (one CSV per panel for multi-panel figures). */
  csv: string[];
  provenance: string;
  methods: string;
  options: { preset: string; widthMm: number; heightMm: number; dpi: number; fontPt: number };
  createdAt: string;
}
