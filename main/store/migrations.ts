/**
 * Numbered schema migrations. The database's `user_version` is the number of the last one applied;
 * each runs in one transaction together with its version bump. Never edit a released migration:
 * add the next one.
 */
import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  description: string;
  up(db: Database.Database): void;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    description: 'projects, datasets, runs with result arrays, figures, notebooks, settings',
    up(db) {
      db.exec(`
        CREATE TABLE projects (
          id INTEGER PRIMARY KEY,
          name TEXT NOT NULL,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL
        );
        CREATE TABLE datasets (
          id INTEGER PRIMARY KEY,
          project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
          name TEXT NOT NULL,
          path TEXT NOT NULL,
          format TEXT NOT NULL,
          object TEXT NOT NULL DEFAULT '',
          size INTEGER NOT NULL,
          mtime_ms REAL NOT NULL,
          hash TEXT NOT NULL,
          rate REAL,
          info TEXT NOT NULL DEFAULT '{}',
          added_at TEXT NOT NULL
        );
        CREATE INDEX datasets_project ON datasets(project_id);
        CREATE TABLE runs (
          id INTEGER PRIMARY KEY,
          project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
          dataset_id INTEGER REFERENCES datasets(id) ON DELETE SET NULL,
          analysis TEXT NOT NULL,
          params TEXT NOT NULL,
          status TEXT NOT NULL CHECK (status IN ('queued','running','done','failed','cancelled','interrupted')),
          progress REAL NOT NULL DEFAULT 0,
          message TEXT NOT NULL DEFAULT '',
          objective REAL,
          metrics TEXT NOT NULL DEFAULT '{}',
          timings TEXT NOT NULL DEFAULT '{}',
          error TEXT,
          app_version TEXT NOT NULL,
          data_hash TEXT,
          created_at TEXT NOT NULL,
          started_at TEXT,
          finished_at TEXT
        );
        CREATE INDEX runs_project ON runs(project_id);
        CREATE INDEX runs_status ON runs(status);
        CREATE TABLE run_arrays (
          run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          name TEXT NOT NULL,
          dtype TEXT NOT NULL,
          shape TEXT NOT NULL,
          data BLOB NOT NULL,
          PRIMARY KEY (run_id, name)
        );
        -- run_id is deliberately not a foreign key: a figure outlives its run's deletion so that
        -- exporting it can say which run is gone instead of silently losing the link.
        CREATE TABLE figures (
          id INTEGER PRIMARY KEY,
          project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
          run_id INTEGER,
          dataset_id INTEGER REFERENCES datasets(id) ON DELETE SET NULL,
          title TEXT NOT NULL,
          kind TEXT NOT NULL,
          spec TEXT NOT NULL,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL
        );
        CREATE INDEX figures_project ON figures(project_id);
        CREATE INDEX figures_run ON figures(run_id);
        CREATE TABLE figure_exports (
          id INTEGER PRIMARY KEY,
          figure_id INTEGER NOT NULL REFERENCES figures(id) ON DELETE CASCADE,
          format TEXT NOT NULL,
          path TEXT NOT NULL,
          options TEXT NOT NULL,
          created_at TEXT NOT NULL
        );
        CREATE TABLE notebooks (
          id INTEGER PRIMARY KEY,
          project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
          title TEXT NOT NULL,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL
        );
        CREATE TABLE notebook_cells (
          id INTEGER PRIMARY KEY,
          notebook_id INTEGER NOT NULL REFERENCES notebooks(id) ON DELETE CASCADE,
          position INTEGER NOT NULL,
          kind TEXT NOT NULL CHECK (kind IN ('markdown','run','figure')),
          content TEXT NOT NULL DEFAULT '',
          run_id INTEGER,
          figure_id INTEGER,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL
        );
        CREATE INDEX notebook_cells_notebook ON notebook_cells(notebook_id, position);
        CREATE TABLE settings (
          key TEXT PRIMARY KEY,
          value TEXT NOT NULL
        );
      `);
    },
  },
  {
    version: 2,
    description: 'runs.report (structured results for result.json) and runs.inputs (every dataset a run read, with its hash)',
    up(db) {
      db.exec(`
        ALTER TABLE runs ADD COLUMN report TEXT NOT NULL DEFAULT '{}';
        ALTER TABLE runs ADD COLUMN inputs TEXT NOT NULL DEFAULT '[]';
      `);
    },
  },
  {
    version: 3,
    description: 'notebook_cells.history: earlier runs of a re-run run cell, newest first',
    up(db) {
      db.exec(`ALTER TABLE notebook_cells ADD COLUMN history TEXT NOT NULL DEFAULT '[]';`);
    },
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
