/**
 * Notebooks: per project, ordered cells of text, runs and figures. A run cell is re-run through
 * the job system with the same analysis, parameters and data; the new run takes the cell and the
 * old one moves to the cell's history. Exported as one self-contained HTML file, or printed to PDF.
 */
import { extname, resolve } from 'node:path';
import type { Figure } from '../../shared/domain/figure.js';
import type { CellKind, Notebook, NotebookCell, NotebookSummary } from '../../shared/domain/notebook.js';
import type { Run } from '../../shared/domain/project.js';
import { StudioError } from '../../shared/ipc/contract.js';
import { exportPath, slug, writeAllOrNothing } from '../figures/files.js';
import { notebookHtml } from '../figures/notebook-html.js';
import type { FigureService } from '../figures/service.js';
import type { Logger } from '../log.js';
import type { NewCell } from '../store/notebooks.js';
import type { Store } from '../store/store.js';
import type { JobService } from './jobs.js';

export type NotebookFormat = 'html' | 'pdf';

export interface AddCell {
  notebookId: number;
  kind: CellKind;
  content?: string;
  runId?: number | null;
  figureId?: number | null;
  history?: number[];
  position?: number;
}

export class NotebookService {
  readonly name = 'notebooks';

  constructor(
    private readonly store: Store,
    private readonly jobs: JobService,
    private readonly figures: FigureService,
    private readonly log: Logger,
  ) {}

  list(projectId: number): NotebookSummary[] {
    this.store.projects.get(projectId);
    return this.store.notebooks.list(projectId);
  }

  create(projectId: number, title: string): NotebookSummary {
    this.store.projects.get(projectId);
    return this.store.notebooks.create(projectId, title);
  }

  get(id: number): Notebook {
    return this.store.notebooks.get(id);
  }

  /** Adds a cell (also how a deleted cell is restored: with its position, content and history). */
  addCell(request: AddCell): NotebookCell {
    const notebook = this.store.notebooks.summary(request.notebookId);
    const cell: NewCell = {
      kind: request.kind,
      content: request.content ?? '',
      position: request.position,
      history: request.history ?? [],
    };
    if (request.kind === 'run') {
      if (request.runId == null) throw new StudioError('invalid-input', 'a run cell needs a runId');
      this.sameProject(this.store.runs.summary(request.runId).projectId, notebook, `run ${request.runId}`);
      cell.runId = request.runId;
    } else if (request.kind === 'figure') {
      if (request.figureId == null) throw new StudioError('invalid-input', 'a figure cell needs a figureId');
      this.sameProject(this.store.figures.summary(request.figureId).projectId, notebook, `figure ${request.figureId}`);
      cell.figureId = request.figureId;
    }
    return this.store.notebooks.addCell(request.notebookId, cell);
  }

  /** Starts a new run of a run cell's analysis with the same parameters and data; the old run goes to history. */
  async rerun(cellId: number): Promise<NotebookCell> {
    const cell = this.store.notebooks.cell(cellId);
    if (cell.kind !== 'run' || cell.runId === null) throw new StudioError('invalid-input', `cell ${cellId} is not a run cell`);
    let run: Run;
    try {
      run = this.store.runs.get(cell.runId);
    } catch {
      throw new StudioError('not-found', `run ${cell.runId} of cell ${cellId} has been deleted: there is nothing to re-run`);
    }
    if (run.status === 'queued' || run.status === 'running') throw new StudioError('conflict', `run ${run.id} is still ${run.status}`);
    const [first, ...extra] = run.inputs.map((i) => i.datasetId);
    if (first === undefined) throw new StudioError('invalid-input', `run ${run.id} recorded no input data`);
    const started = await this.jobs.start({
      projectId: run.projectId,
      datasetId: first,
      extraDatasetIds: extra,
      analysis: run.analysis,
      params: run.params,
    });
    this.log.info(`notebook cell ${cellId}: run ${run.id} re-run as run ${started.id}`);
    return this.store.notebooks.updateCell(cellId, { runId: started.id, history: [run.id, ...cell.history] });
  }

  /** The notebook as one HTML file, or printed to PDF; returns the absolute path written. */
  async export(id: number, format: NotebookFormat, out: string): Promise<string> {
    const file = resolve(out);
    this.store.notebooks.summary(id);
    const ext = extname(file).toLowerCase();
    if (ext !== `.${format}` && !(format === 'html' && ext === '.htm')) {
      throw new StudioError('invalid-input', `the output ${file} must end in .${format} for a ${format.toUpperCase()} export`);
    }
    const html = this.html(id);
    const data = format === 'html' ? html : await this.figures.serialised(async () => (await this.figures.engine()).printHtml(html));
    await writeAllOrNothing([{ path: file, data }]);
    return file;
  }

  /** Export from the studio: a relative or missing path lands in the exports folder of the data directory. */
  exportTo(id: number, format: NotebookFormat, out?: string): Promise<string> {
    const notebook = this.store.notebooks.summary(id);
    return this.export(id, format, exportPath(this.figures.exportsDir, out, `${slug(notebook.title)}-notebook-${id}.${format}`));
  }

  html(id: number): string {
    const notebook = this.store.notebooks.get(id);
    const runs = new Map<number, Run>();
    const figures = new Map<number, Figure>();
    const runFigures = new Map<number, Figure[]>();
    const addFigure = (figureId: number): Figure | null => {
      try {
        const figure = this.store.figures.get(figureId);
        figures.set(figureId, figure);
        for (const panel of figure.composition?.panels ?? []) if (!figures.has(panel)) addFigure(panel);
        return figure;
      } catch {
        return null;
      }
    };
    for (const cell of notebook.cells) {
      if (cell.figureId !== null) addFigure(cell.figureId);
      if (cell.runId === null) continue;
      try {
        runs.set(cell.runId, this.store.runs.get(cell.runId));
      } catch {
        continue;
      }
      runFigures.set(
        cell.runId,
        this.store.figures.forRun(cell.runId).flatMap((f) => addFigure(f.id) ?? []),
      );
    }
    const projectName = this.store.projects.get(notebook.projectId).name;
    return notebookHtml({ notebook, projectName, runs, figures, runFigures });
  }

  private sameProject(projectId: number, notebook: NotebookSummary, what: string): void {
    if (projectId !== notebook.projectId)
      throw new StudioError('invalid-input', `${what} belongs to another project than notebook ${notebook.id}`);
  }
}
