import type Database from 'better-sqlite3';
import type { Project } from '../../shared/domain/project.js';
import { StudioError } from '../../shared/ipc/contract.js';
import { nowIso } from './time.js';

interface Row {
  id: number;
  name: string;
  created_at: string;
  updated_at: string;
}

const toProject = (r: Row): Project => ({ id: r.id, name: r.name, createdAt: r.created_at, updatedAt: r.updated_at });

export class ProjectRepository {
  constructor(private readonly db: Database.Database) {}

  list(): Project[] {
    return (this.db.prepare('SELECT * FROM projects ORDER BY name COLLATE NOCASE, id').all() as Row[]).map(toProject);
  }

  get(id: number): Project {
    const row = this.db.prepare('SELECT * FROM projects WHERE id = ?').get(id) as Row | undefined;
    if (!row) throw new StudioError('not-found', `project ${id} does not exist`);
    return toProject(row);
  }

  findByName(name: string): Project | undefined {
    const row = this.db.prepare('SELECT * FROM projects WHERE name = ? ORDER BY id LIMIT 1').get(name) as Row | undefined;
    return row && toProject(row);
  }

  create(name: string): Project {
    const now = nowIso();
    const info = this.db.prepare('INSERT INTO projects (name, created_at, updated_at) VALUES (?, ?, ?)').run(name, now, now);
    return this.get(Number(info.lastInsertRowid));
  }

  rename(id: number, name: string): Project {
    const info = this.db.prepare('UPDATE projects SET name = ?, updated_at = ? WHERE id = ?').run(name, nowIso(), id);
    if (info.changes === 0) throw new StudioError('not-found', `project ${id} does not exist`);
    return this.get(id);
  }

  delete(id: number): void {
    const info = this.db.prepare('DELETE FROM projects WHERE id = ?').run(id);
    if (info.changes === 0) throw new StudioError('not-found', `project ${id} does not exist`);
  }
}
