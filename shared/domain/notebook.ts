/**
 * Notebooks: per project, an ordered list of cells that keep text, runs and figures together.
 * A run cell shows one run; re-running it makes a new run and keeps the earlier ones in `history`.
 */
export type CellKind = 'markdown' | 'run' | 'figure';

export interface NotebookSummary {
  id: number;
  projectId: number;
  title: string;
  createdAt: string;
  updatedAt: string;
}

export interface NotebookCell {
  id: number;
  notebookId: number;
  position: number;
  kind: CellKind;
  /** Markdown text (markdown cells); a note under the run or figure otherwise. */
  content: string;
  runId: number | null;
  figureId: number | null;
  /** Earlier runs of a run cell, newest first. */
  history: number[];
  createdAt: string;
  updatedAt: string;
}

export interface Notebook extends NotebookSummary {
  cells: NotebookCell[];
}
