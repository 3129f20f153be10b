/** Every export of a figure: which file, in which format, with which options (figure_exports). */
import type Database from 'better-sqlite3';
import type { FigureExport } from '../../shared/domain/figure.js';
import { nowIso } from './time.js';

interface Row {
  id: number;
  figure_id: number;
  format: FigureExport['format'];
  path: string;
  options: string;
  created_at: string;
}

/** What is kept in `options` besides the export options: the files written next to the figure. */
type Stored = FigureExport['options'] & { csv: string[]; provenance: string; methods: string };

const toExport = (r: Row): FigureExport => {
  const { csv, provenance, methods, ...options } = JSON.parse(r.options) as Stored;
  return { id: r.id, figureId: r.figure_id, format: r.format, path: r.path, csv, provenance, methods, options, createdAt: r.created_at };
};

export class FigureExportRepository {
  constructor(private readonly db: Database.Database) {}

  add(e: Omit<FigureExport, 'id' | 'createdAt'>): FigureExport {
    const stored: Stored = { ...e.options, csv: e.csv, provenance: e.provenance, methods: e.methods };
    const info = this.db
      .prepare('INSERT INTO figure_exports (figure_id, format, path, options, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(e.figureId, e.format, e.path, JSON.stringify(stored), nowIso());
    return toExport(this.db.prepare('SELECT * FROM figure_exports WHERE id = ?').get(Number(info.lastInsertRowid)) as Row);
  }

  list(figureId: number): FigureExport[] {
    return (this.db.prepare('SELECT * FROM figure_exports WHERE figure_id = ? ORDER BY id DESC').all(figureId) as Row[]).map(toExport);
  }
}
