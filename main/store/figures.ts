import type Database from 'better-sqlite3';
import type { Figure, FigureSpec, FigureSummary } from '../../shared/domain/figure.js';
import { StudioError } from '../../shared/ipc/contract.js';
import { nowIso } from './time.js';

interface Row {
  id: number;
  project_id: number;
  run_id: number | null;
  dataset_id: number | null;
  title: string;
  kind: string;
  spec: string;
  created_at: string;
  updated_at: string;
}

const SUMMARY_COLUMNS = 'id, project_id, run_id, dataset_id, title, kind, created_at, updated_at';

const toSummary = (r: Omit<Row, 'spec'>): FigureSummary => ({
  id: r.id,
  projectId: r.project_id,
  runId: r.run_id,
  datasetId: r.dataset_id,
  // `kind` holds the figure's stable key within its analysis.
  key: r.kind,
  title: r.title,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export interface NewFigure {
  projectId: number;
  runId: number | null;
  datasetId: number | null;
  spec: FigureSpec;
}

export class FigureRepository {
  constructor(private readonly db: Database.Database) {}

  add(f: NewFigure): FigureSummary {
    const now = nowIso();
    const { key, title, ...rest } = f.spec;
    const info = this.db
      .prepare(
        'INSERT INTO figures (project_id, run_id, dataset_id, title, kind, spec, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(f.projectId, f.runId, f.datasetId, title, key, JSON.stringify(rest), now, now);
    return this.summary(Number(info.lastInsertRowid));
  }

  summary(id: number): FigureSummary {
    const row = this.db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM figures WHERE id = ?`).get(id) as Row | undefined;
    if (!row) throw new StudioError('not-found', `figure ${id} does not exist`);
    return toSummary(row);
  }

  get(id: number): Figure {
    const row = this.db.prepare('SELECT * FROM figures WHERE id = ?').get(id) as Row | undefined;
    if (!row) throw new StudioError('not-found', `figure ${id} does not exist`);
    return { ...toSummary(row), title: row.title, key: row.kind, ...(JSON.parse(row.spec) as Omit<FigureSpec, 'key' | 'title'>) };
  }

  list(projectId: number, runId?: number): FigureSummary[] {
    const rows =
      runId === undefined
        ? this.db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM figures WHERE project_id = ? ORDER BY id`).all(projectId)
        : this.db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM figures WHERE project_id = ? AND run_id = ? ORDER BY id`).all(projectId, runId);
    return (rows as Row[]).map(toSummary);
  }

  /** Replaces a figure's title and spec (multi-panel figures are edited in the composer). */
  update(id: number, spec: FigureSpec): FigureSummary {
    const { key, title, ...rest } = spec;
    const info = this.db
      .prepare('UPDATE figures SET title = ?, kind = ?, spec = ?, updated_at = ? WHERE id = ?')
      .run(title, key, JSON.stringify(rest), nowIso(), id);
    if (info.changes === 0) throw new StudioError('not-found', `figure ${id} does not exist`);
    return this.summary(id);
  }

  delete(id: number): void {
    const info = this.db.prepare('DELETE FROM figures WHERE id = ?').run(id);
    if (info.changes === 0) throw new StudioError('not-found', `figure ${id} does not exist`);
  }

  forRun(runId: number): FigureSummary[] {
    return (this.db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM figures WHERE run_id = ? ORDER BY id`).all(runId) as Row[]).map(toSummary);
  }
}
