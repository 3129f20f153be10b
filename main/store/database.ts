/**
 * Opening the one SQLite database: WAL, foreign keys, numbered migrations. A database written by a
 * newer app is refused with the file untouched; a corrupt file is moved aside under a timestamped
 * name (never deleted) and a fresh database is created.
 */
import Database from 'better-sqlite3';
import { existsSync, renameSync } from 'node:fs';
import { MIGRATIONS, SCHEMA_VERSION, type Migration } from './migrations.js';

export class FutureDatabaseError extends Error {
  constructor(
    readonly path: string,
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      `${path} was written by a newer Cajal Studio (schema version ${found}; this version understands up to ${supported}). ` +
        'It was left untouched: update the app, or set CAJAL_DATA_DIR to use another data directory.',
    );
    this.name = 'FutureDatabaseError';
  }
}

export interface OpenedDatabase {
  db: Database.Database;
  /** Where a corrupt file was moved, when that happened during this open. */
  movedAside: string | null;
}

function isCorruption(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? '';
  return code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_CORRUPT');
}

/** Reads user_version without writing anything (no WAL switch, no journal). */
function readVersion(path: string): number {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return db.pragma('user_version', { simple: true }) as number;
  } finally {
    db.close();
  }
}

function moveAside(path: string, now: Date): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const target = `${path}.corrupt-${stamp}`;
  renameSync(path, target);
  for (const suffix of ['-wal', '-shm']) {
    if (existsSync(path + suffix)) renameSync(path + suffix, target + suffix);
  }
  return target;
}

export function migrate(db: Database.Database, migrations: Migration[] = MIGRATIONS): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}

export function openDatabase(path: string, options: { supported?: number; now?: Date } = {}): OpenedDatabase {
  const supported = options.supported ?? SCHEMA_VERSION;
  let movedAside: string | null = null;
  if (existsSync(path)) {
    let version: number | null = null;
    try {
      version = readVersion(path);
    } catch (error) {
      if (!isCorruption(error)) throw error;
      movedAside = moveAside(path, options.now ?? new Date());
    }
    if (version !== null && version > supported) throw new FutureDatabaseError(path, version, supported);
  }
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    // Runs and their results are the user's work: trade a little write speed for durability.
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return { db, movedAside };
}
