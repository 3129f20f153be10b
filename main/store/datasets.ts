import type Database from 'better-sqlite3';
import type { Dataset } from '../../shared/domain/project.js';
import { StudioError } from '../../shared/ipc/contract.js';
import { nowIso } from './time.js';

interface Row {
  id: number;
  project_id: number;
  name: string;
  path: string;
  format: string;
  object: string;
  size: number;
  mtime_ms: number;
  hash: string;
  rate: number | null;
  info: string;
  added_at: string;
}

const toDataset = (r: Row): Dataset => ({
  id: r.id,
  projectId: r.project_id,
  name: r.name,
  path: r.path,
  format: r.format,
  object: r.object,
  size: r.size,
  mtimeMs: r.mtime_ms,
  hash: r.hash,
  rate: r.rate,
  info: JSON.parse(r.info),
  addedAt: r.added_at,
});

export type NewDataset = Omit<Dataset, 'id' | 'addedAt'>;

export class DatasetRepository {
  constructor(private readonly db: Database.Database) {}

  list(projectId: number): Dataset[] {
    return (this.db.prepare('SELECT * FROM datasets WHERE project_id = ? ORDER BY id').all(projectId) as Row[]).map(toDataset);
  }

  get(id: number): Dataset {
    const row = this.db.prepare('SELECT * FROM datasets WHERE id = ?').get(id) as Row | undefined;
    if (!row) throw new StudioError('not-found', `dataset ${id} does not exist`);
    return toDataset(row);
  }

  add(d: NewDataset): Dataset {
    const info = this.db
      .prepare(
        `INSERT INTO datasets (project_id, name, path, format, object, size, mtime_ms, hash, rate, info, added_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(d.projectId, d.name, d.path, d.format, d.object, d.size, d.mtimeMs, d.hash, d.rate, JSON.stringify(d.info ?? {}), nowIso());
    return this.get(Number(info.lastInsertRowid));
  }

  remove(id: number): void {
    const info = this.db.prepare('DELETE FROM datasets WHERE id = ?').run(id);
    if (info.changes === 0) throw new StudioError('not-found', `dataset ${id} does not exist`);
  }
}
