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
}

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
