import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FutureDatabaseError, migrate, openDatabase } from '../../../main/store/database.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../../main/store/migrations.js';
import { Store } from '../../../main/store/store.js';
import { tempDir } from '../helpers.js';

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('store', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.remove());

  it('creates a fresh database at the latest schema, with WAL and foreign keys', () => {
    const { db } = openDatabase(join(dir.path, 'a.db'));
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((t) => t.name);
    expect(tables).toEqual(
      expect.arrayContaining(['projects', 'datasets', 'runs', 'run_arrays', 'figures', 'notebooks', 'notebook_cells', 'settings']),
    );
    db.close();
  });

  it('applies only the migrations a database lacks, each with its version bump', () => {
    const path = join(dir.path, 'b.db');
    const db = new Database(path);
    const applied: number[] = [];
    const steps = [
      { version: 1, description: 'one', up: (d: Database.Database) => (applied.push(1), d.exec('CREATE TABLE a (x)')) },
      { version: 2, description: 'two', up: (d: Database.Database) => (applied.push(2), d.exec('CREATE TABLE b (x)')) },
    ];
    migrate(db, steps.slice(0, 1));
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    migrate(db, steps);
    expect(applied).toEqual([1, 2]);
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    db.close();
  });

  it('rolls a failing migration back entirely, version included', () => {
    const db = new Database(join(dir.path, 'c.db'));
    const failing = [
      {
        version: 1,
        description: 'breaks half-way',
        up: (d: Database.Database) => {
          d.exec('CREATE TABLE half (x)');
          throw new Error('boom');
        },
      },
    ];
    expect(() => migrate(db, failing)).toThrow('boom');
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'half'").get()).toEqual({ n: 0 });
    db.close();
  });

  it('refuses a database from a newer app version and leaves the file untouched', () => {
    const path = join(dir.path, 'future.db');
    const db = new Database(path);
    db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1);');
    db.pragma(`user_version = ${SCHEMA_VERSION + 7}`);
    db.close();
    const before = sha(path);
    const listing = readdirSync(dir.path).sort();
    expect(() => openDatabase(path)).toThrow(FutureDatabaseError);
    expect(() => openDatabase(path)).toThrow(`schema version ${SCHEMA_VERSION + 7}; this version understands up to ${SCHEMA_VERSION}`);
    expect(sha(path)).toBe(before);
    expect(readdirSync(dir.path).sort()).toEqual(listing);
  });

  it('moves a corrupt database aside under a timestamped name (never deleting it) and starts fresh', () => {
    const path = join(dir.path, 'studio.db');
    const garbage = Buffer.from('this is not an SQLite database, but it is the user’s file'.repeat(100));
    writeFileSync(path, garbage);
    const { db, movedAside } = openDatabase(path, { now: new Date('2026-01-02T03:04:05.678Z') });
    expect(movedAside).toBe(`${path}.corrupt-2026-01-02T03-04-05-678Z`);
    expect(readFileSync(movedAside!)).toEqual(garbage);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('stores a run and its arrays in one transaction: a failing write leaves no half-written run', () => {
    const store = Store.open(join(dir.path, 's.db'));
    const p = store.projects.create('P');
    const run = store.runs.create({
      projectId: p.id,
      datasetId: null,
      inputs: [],
      analysis: 'x',
      params: {},
      appVersion: 't',
      dataHash: null,
    });
    store.runs.markRunning(run.id);
    const ok = { dtype: 'float32' as const, shape: [2], data: new Float32Array([1, 2]) };
    // A non-serialisable metric fails after the first array row was inserted.
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => store.runs.complete(run.id, { metrics: circular, report: {}, arrays: { a: ok }, timings: {} })).toThrow();
    expect(store.runs.get(run.id).status).toBe('running');
    expect(store.runs.get(run.id).arrays).toEqual([]);
    const done = store.runs.complete(run.id, {
      metrics: { m: 1 },
      report: { perIteration: [3, 2, 1] },
      arrays: { a: ok, b: { dtype: 'int32', shape: [1, 3], data: new Int32Array([7, 8, 9]) } },
      timings: { totalMs: 3 },
    });
    expect(done.status).toBe('done');
    expect(store.runs.array(run.id, 'b')).toEqual({ dtype: 'int32', shape: [1, 3], data: new Int32Array([7, 8, 9]) });
    expect(store.runs.get(run.id).metrics).toEqual({ m: 1 });
    expect(store.runs.get(run.id).report).toEqual({ perIteration: [3, 2, 1] });
    store.close();
  });

  it('deleting a project removes its datasets, runs and arrays', () => {
    const store = Store.open(join(dir.path, 'd.db'));
    const p = store.projects.create('P');
    const run = store.runs.create({
      projectId: p.id,
      datasetId: null,
      inputs: [],
      analysis: 'x',
      params: {},
      appVersion: 't',
      dataHash: null,
    });
    store.runs.markRunning(run.id);
    store.runs.complete(run.id, {
      metrics: {},
      report: {},
      arrays: { a: { dtype: 'float64', shape: [1], data: new Float64Array([1]) } },
      timings: {},
    });
    store.projects.delete(p.id);
    expect(store.db.prepare('SELECT count(*) AS n FROM run_arrays').get()).toEqual({ n: 0 });
    expect(() => store.runs.get(run.id)).toThrow('does not exist');
    store.close();
  });

  it('keeps migrations numbered strictly upwards from 1', () => {
    MIGRATIONS.forEach((m, i) => expect(m.version).toBe(i + 1));
  });
});
