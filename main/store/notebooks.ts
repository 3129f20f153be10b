/**
 * Notebooks and their cells. Cell positions are kept contiguous (0 … n-1) by every change, each
 * change is one transaction and touches the notebook's updated_at.
 */
import type Database from 'better-sqlite3';
import type { CellKind, Notebook, NotebookCell, NotebookSummary } from '../../shared/domain/notebook.js';
import { StudioError } from '../../shared/ipc/contract.js';
import { nowIso } from './time.js';

interface NotebookRow {
  id: number;
  project_id: number;
  title: string;
  created_at: string;
  updated_at: string;
}

interface CellRow {
  id: number;
  notebook_id: number;
  position: number;
  kind: CellKind;
  content: string;
  run_id: number | null;
  figure_id: number | null;
  history: string;
  created_at: string;
  updated_at: string;
}

const toSummary = (r: NotebookRow): NotebookSummary => ({
  id: r.id,
  projectId: r.project_id,
  title: r.title,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toCell = (r: CellRow): NotebookCell => ({
  id: r.id,
  notebookId: r.notebook_id,
  position: r.position,
  kind: r.kind,
  content: r.content,
  runId: r.run_id,
  figureId: r.figure_id,
  history: JSON.parse(r.history),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export interface NewCell {
  kind: CellKind;
  content?: string;
  runId?: number | null;
  figureId?: number | null;
  history?: number[];
  /** Where to insert (0 = first); at the end when absent. */
  position?: number;
}

export class NotebookRepository {
  constructor(private readonly db: Database.Database) {}

  list(projectId: number): NotebookSummary[] {
    return (this.db.prepare('SELECT * FROM notebooks WHERE project_id = ? ORDER BY id').all(projectId) as NotebookRow[]).map(toSummary);
  }

  summary(id: number): NotebookSummary {
    const row = this.db.prepare('SELECT * FROM notebooks WHERE id = ?').get(id) as NotebookRow | undefined;
    if (!row) throw new StudioError('not-found', `notebook ${id} does not exist`);
    return toSummary(row);
  }

  get(id: number): Notebook {
    const cells = this.db.prepare('SELECT * FROM notebook_cells WHERE notebook_id = ? ORDER BY position').all(id) as CellRow[];
    return { ...this.summary(id), cells: cells.map(toCell) };
  }

  create(projectId: number, title: string): NotebookSummary {
    const now = nowIso();
    const info = this.db
      .prepare('INSERT INTO notebooks (project_id, title, created_at, updated_at) VALUES (?, ?, ?, ?)')
      .run(projectId, title, now, now);
    return this.summary(Number(info.lastInsertRowid));
  }

  rename(id: number, title: string): NotebookSummary {
    const info = this.db.prepare('UPDATE notebooks SET title = ?, updated_at = ? WHERE id = ?').run(title, nowIso(), id);
    if (info.changes === 0) throw new StudioError('not-found', `notebook ${id} does not exist`);
    return this.summary(id);
  }

  delete(id: number): void {
    const info = this.db.prepare('DELETE FROM notebooks WHERE id = ?').run(id);
    if (info.changes === 0) throw new StudioError('not-found', `notebook ${id} does not exist`);
  }

  cell(id: number): NotebookCell {
    const row = this.db.prepare('SELECT * FROM notebook_cells WHERE id = ?').get(id) as CellRow | undefined;
    if (!row) throw new StudioError('not-found', `notebook cell ${id} does not exist`);
    return toCell(row);
  }

  addCell(notebookId: number, cell: NewCell): NotebookCell {
    return this.db.transaction(() => {
      const count = this.count(notebookId);
      const position = Math.max(0, Math.min(count, cell.position ?? count));
      this.db
        .prepare('UPDATE notebook_cells SET position = position + 1 WHERE notebook_id = ? AND position >= ?')
        .run(notebookId, position);
      const now = nowIso();
      const info = this.db
        .prepare(
          `INSERT INTO notebook_cells (notebook_id, position, kind, content, run_id, figure_id, history, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          notebookId,
          position,
          cell.kind,
          cell.content ?? '',
          cell.runId ?? null,
          cell.figureId ?? null,
          JSON.stringify(cell.history ?? []),
          now,
          now,
        );
      this.touch(notebookId);
      return this.cell(Number(info.lastInsertRowid));
    })();
  }

  updateCell(id: number, change: { content?: string; runId?: number | null; figureId?: number | null; history?: number[] }): NotebookCell {
    return this.db.transaction(() => {
      const cell = this.cell(id);
      this.db
        .prepare('UPDATE notebook_cells SET content = ?, run_id = ?, figure_id = ?, history = ?, updated_at = ? WHERE id = ?')
        .run(
          change.content ?? cell.content,
          change.runId === undefined ? cell.runId : change.runId,
          change.figureId === undefined ? cell.figureId : change.figureId,
          JSON.stringify(change.history ?? cell.history),
          nowIso(),
          id,
        );
      this.touch(cell.notebookId);
      return this.cell(id);
    })();
  }

  /** Moves a cell to `position` (clamped), shifting the cells between. */
  moveCell(id: number, position: number): NotebookCell {
    return this.db.transaction(() => {
      const cell = this.cell(id);
      const target = Math.max(0, Math.min(this.count(cell.notebookId) - 1, position));
      if (target !== cell.position) {
        const shift =
          target > cell.position
            ? 'UPDATE notebook_cells SET position = position - 1 WHERE notebook_id = ? AND position > ? AND position <= ?'
            : 'UPDATE notebook_cells SET position = position + 1 WHERE notebook_id = ? AND position < ? AND position >= ?';
        this.db.prepare(shift).run(cell.notebookId, cell.position, target);
        this.db.prepare('UPDATE notebook_cells SET position = ? WHERE id = ?').run(target, id);
        this.touch(cell.notebookId);
      }
      return this.cell(id);
    })();
  }

  /** Deletes a cell and returns it as it was, so the caller can offer to undo. */
  deleteCell(id: number): NotebookCell {
    return this.db.transaction(() => {
      const cell = this.cell(id);
      this.db.prepare('DELETE FROM notebook_cells WHERE id = ?').run(id);
      this.db
        .prepare('UPDATE notebook_cells SET position = position - 1 WHERE notebook_id = ? AND position > ?')
        .run(cell.notebookId, cell.position);
      this.touch(cell.notebookId);
      return cell;
    })();
  }

  private count(notebookId: number): number {
    this.summary(notebookId);
    return (this.db.prepare('SELECT count(*) AS n FROM notebook_cells WHERE notebook_id = ?').get(notebookId) as { n: number }).n;
  }

  private touch(notebookId: number): void {
    this.db.prepare('UPDATE notebooks SET updated_at = ? WHERE id = ?').run(nowIso(), notebookId);
  }
}
