import type Database from 'better-sqlite3';
import type { DType, NdArray } from '../../shared/domain/ndarray.js';
import { typedArrayConstructor } from '../../shared/domain/ndarray.js';
import type { Run, RunArrayInfo, RunInput, RunStatus, RunSummary } from '../../shared/domain/project.js';
import { StudioError } from '../../shared/ipc/contract.js';
import { nowIso } from './time.js';

interface Row {
  id: number;
  project_id: number;
  dataset_id: number | null;
  analysis: string;
  params: string;
  status: RunStatus;
  progress: number;
  message: string;
  objective: number | null;
  metrics: string;
  report: string;
  inputs: string;
  timings: string;
  error: string | null;
  app_version: string;
  data_hash: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

const toSummary = (r: Row): RunSummary => ({
  id: r.id,
  projectId: r.project_id,
  datasetId: r.dataset_id,
  analysis: r.analysis,
  status: r.status,
  progress: r.progress,
  message: r.message,
  objective: r.objective,
  error: r.error,
  createdAt: r.created_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
});

export interface NewRun {
  projectId: number;
  datasetId: number | null;
  inputs: RunInput[];
  analysis: string;
  params: Record<string, unknown>;
  appVersion: string;
  dataHash: string | null;
}

export interface RunOutcome {
  metrics: Record<string, unknown>;
  report: Record<string, unknown>;
  arrays: Record<string, NdArray>;
  timings: Record<string, number>;
}

export const FINISHED: readonly RunStatus[] = ['done', 'failed', 'cancelled', 'interrupted'];

export class RunRepository {
  constructor(private readonly db: Database.Database) {}

  private row(id: number): Row {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as Row | undefined;
    if (!row) throw new StudioError('not-found', `run ${id} does not exist`);
    return row;
  }

  summary(id: number): RunSummary {
    return toSummary(this.row(id));
  }

  get(id: number): Run {
    const r = this.row(id);
    const arrays = this.db.prepare('SELECT name, dtype, shape FROM run_arrays WHERE run_id = ? ORDER BY name').all(id) as Array<{
      name: string;
      dtype: string;
      shape: string;
    }>;
    return {
      ...toSummary(r),
      params: JSON.parse(r.params),
      metrics: JSON.parse(r.metrics),
      report: JSON.parse(r.report),
      inputs: JSON.parse(r.inputs),
      timings: JSON.parse(r.timings),
      appVersion: r.app_version,
      dataHash: r.data_hash,
      arrays: arrays.map((a): RunArrayInfo => ({ name: a.name, dtype: a.dtype, shape: JSON.parse(a.shape) })),
    };
  }

  list(projectId: number): RunSummary[] {
    return (this.db.prepare('SELECT * FROM runs WHERE project_id = ? ORDER BY id DESC').all(projectId) as Row[]).map(toSummary);
  }

  active(): RunSummary[] {
    return (this.db.prepare("SELECT * FROM runs WHERE status IN ('queued','running') ORDER BY id").all() as Row[]).map(toSummary);
  }

  create(r: NewRun): RunSummary {
    const info = this.db
      .prepare(
        `INSERT INTO runs (project_id, dataset_id, inputs, analysis, params, status, app_version, data_hash, created_at)
         VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?)`,
      )
      .run(r.projectId, r.datasetId, JSON.stringify(r.inputs), r.analysis, JSON.stringify(r.params), r.appVersion, r.dataHash, nowIso());
    return this.summary(Number(info.lastInsertRowid));
  }

  markRunning(id: number): RunSummary {
    this.db.prepare("UPDATE runs SET status = 'running', started_at = ? WHERE id = ? AND status = 'queued'").run(nowIso(), id);
    return this.summary(id);
  }

  progress(id: number, fraction: number, message: string, objective: number | null): void {
    this.db
      .prepare("UPDATE runs SET progress = ?, message = ?, objective = ? WHERE id = ? AND status = 'running'")
      .run(fraction, message, objective, id);
  }

  /** Results, metrics and the final status land together or not at all. */
  complete(id: number, outcome: RunOutcome): RunSummary {
    const insert = this.db.prepare('INSERT INTO run_arrays (run_id, name, dtype, shape, data) VALUES (?, ?, ?, ?, ?)');
    this.db.transaction(() => {
      for (const [name, a] of Object.entries(outcome.arrays)) {
        insert.run(id, name, a.dtype, JSON.stringify(a.shape), Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength));
      }
      this.db
        .prepare(
          `UPDATE runs SET status = 'done', progress = 1, message = 'done', metrics = ?, report = ?, timings = ?, finished_at = ?
           WHERE id = ?`,
        )
        .run(JSON.stringify(outcome.metrics), JSON.stringify(outcome.report), JSON.stringify(outcome.timings), nowIso(), id);
    })();
    return this.summary(id);
  }

  finish(id: number, status: Exclude<RunStatus, 'queued' | 'running' | 'done'>, error: string | null): RunSummary {
    this.db.prepare('UPDATE runs SET status = ?, error = ?, finished_at = ? WHERE id = ?').run(status, error, nowIso(), id);
    return this.summary(id);
  }

  /** At boot: rows a crash left queued or running can never finish. */
  interruptLeftovers(): number {
    return this.db
      .prepare(
        "UPDATE runs SET status = 'interrupted', error = 'the studio stopped while this run was in progress', finished_at = ? WHERE status IN ('queued','running')",
      )
      .run(nowIso()).changes;
  }

  array(id: number, name: string): NdArray {
    const row = this.db.prepare('SELECT dtype, shape, data FROM run_arrays WHERE run_id = ? AND name = ?').get(id, name) as
      { dtype: DType; shape: string; data: Buffer } | undefined;
    if (!row) throw new StudioError('not-found', `run ${id} has no array '${name}'`);
    const Ctor = typedArrayConstructor(row.dtype);
    // Copy into a fresh, aligned buffer: SQLite's blob buffer may sit at any offset.
    const bytes = new Uint8Array(row.data.byteLength);
    bytes.set(row.data);
    return { dtype: row.dtype, shape: JSON.parse(row.shape), data: new Ctor(bytes.buffer) };
  }

  delete(id: number): void {
    const info = this.db.prepare('DELETE FROM runs WHERE id = ?').run(id);
    if (info.changes === 0) throw new StudioError('not-found', `run ${id} does not exist`);
  }
}
