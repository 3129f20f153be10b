/**
 * Jobs: runs of analyses on datasets, executed by the worker pool, persisted as rows in `runs`
 * (queued → running → done | failed | cancelled; interrupted at boot for rows a crash left behind).
 */
import { statedLayout } from '../../shared/domain/derived.js';
import type { ProviderSetting } from '../../shared/domain/engine.js';
import type { FigureSpec } from '../../shared/domain/figure.js';
import type { RunSummary } from '../../shared/domain/project.js';
import { StudioError } from '../../shared/ipc/contract.js';
import { analysisImpl } from '../analyses/registry.js';
import type { AnalysisResult } from '../analyses/types.js';
import { WorkerPool, type PoolOptions } from '../jobs/pool.js';
import type { Logger } from '../log.js';
import { appVersion } from '../paths.js';
import { FINISHED } from '../store/runs.js';
import type { Store } from '../store/store.js';
import type { DatasetService } from './datasets.js';
import type { DerivedDatasets, PreparedDataset } from './derived.js';
import type { EventBus } from './events.js';

const PROGRESS_DB_INTERVAL_MS = 500;

export interface StartJob {
  projectId: number;
  datasetId: number;
  /** Further recordings for analyses that take several, in order. */
  extraDatasetIds?: number[];
  analysis: string;
  params: Record<string, unknown>;
}

export class JobService {
  readonly name = 'jobs';
  private pool: WorkerPool | null = null;
  private readonly lastDbProgress = new Map<number, number>();
  private readonly waiters = new Map<number, Array<(run: RunSummary) => void>>();
  /** Results being stored (a derived dataset's file is written first): shutdown waits for them. */
  private readonly pendingResults = new Set<Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly datasets: DatasetService,
    private readonly events: EventBus,
    private readonly log: Logger,
    private readonly poolOptions: PoolOptions,
    private readonly provider: () => ProviderSetting,
    /** Registers the derived datasets of preprocessing runs. */
    private readonly derived?: DerivedDatasets,
  ) {}

  boot(): void {
    const interrupted = this.store.runs.interruptLeftovers();
    if (interrupted > 0) this.log.warn(`${interrupted} run(s) left unfinished by an earlier session were marked interrupted`);
    this.pool = new WorkerPool(this.poolOptions, {
      started: (id) => this.publish(this.store.runs.markRunning(id)),
      progress: (id, fraction, message, objective) => this.onProgress(id, fraction, message, objective),
      log: (id, message) => this.log.info(`run ${id}: ${message}`),
      done: (id, result, figures, timings) => this.storing(this.onDone(id, result, figures, timings)),
      failed: (id, message) => {
        this.log.error(`run ${id} failed: ${message}`);
        this.finish(this.store.runs.finish(id, 'failed', message));
      },
      cancelled: (id) => this.finish(this.store.runs.finish(id, 'cancelled', null)),
    });
  }

  async shutdown(): Promise<void> {
    const unfinished = (await this.pool?.close()) ?? [];
    await Promise.allSettled(this.pendingResults);
    for (const id of unfinished) this.finish(this.store.runs.finish(id, 'interrupted', 'the studio was shut down during this run'));
    this.pool = null;
  }

  get workers(): number {
    return this.pool?.size ?? 0;
  }

  async start(request: StartJob): Promise<RunSummary> {
    const analysis = analysisImpl(request.analysis);
    if (!analysis) throw new StudioError('invalid-input', `unknown analysis '${request.analysis}'`);
    const parsed = analysis.params.safeParse(request.params);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`).join('; ');
      throw new StudioError('invalid-input', `invalid parameters for ${request.analysis}: ${issues}`);
    }
    const datasets = [request.datasetId, ...(request.extraDatasetIds ?? [])].map((id) => this.store.datasets.get(id));
    for (const dataset of datasets) {
      if (dataset.projectId !== request.projectId)
        throw new StudioError('invalid-input', `dataset ${dataset.id} belongs to another project`);
      const state = await this.datasets.fileState(dataset);
      if (state === 'missing') throw new StudioError('not-found', `${dataset.path}: the file behind dataset '${dataset.name}' is missing`);
      if (state === 'changed') this.log.warn(`${dataset.path} changed since it was added; the run records the hash it was added with`);
    }
    const dataset = datasets[0];
    const run = this.store.runs.create({
      projectId: request.projectId,
      datasetId: dataset.id,
      inputs: datasets.map((d) => ({ datasetId: d.id, path: d.path, object: d.object, hash: d.hash })),
      analysis: request.analysis,
      // Parameters are stored with defaults filled in, so the run can be recomputed exactly.
      params: parsed.data as Record<string, unknown>,
      appVersion,
      dataHash: dataset.hash,
    });
    this.publish(run);
    this.requirePool().submit({
      runId: run.id,
      analysis: request.analysis,
      datasets: datasets.map((d) => ({ path: d.path, format: d.format, object: d.object, rate: d.rate, layout: statedLayout(d) })),
      params: parsed.data as Record<string, unknown>,
      provider: this.provider(),
    });
    return this.store.runs.summary(run.id);
  }

  cancel(runId: number): RunSummary {
    const run = this.store.runs.summary(runId);
    if (FINISHED.includes(run.status)) return run;
    const outcome = this.requirePool().cancel(runId);
    if (outcome === 'dequeued' || outcome === 'unknown') this.finish(this.store.runs.finish(runId, 'cancelled', null));
    return this.store.runs.summary(runId);
  }

  /** Resolves when the run reaches a final status. */
  wait(runId: number): Promise<RunSummary> {
    const run = this.store.runs.summary(runId);
    if (FINISHED.includes(run.status)) return Promise.resolve(run);
    return new Promise((resolve) => {
      const list = this.waiters.get(runId) ?? [];
      list.push(resolve);
      this.waiters.set(runId, list);
    });
  }

  private requirePool(): WorkerPool {
    if (!this.pool) throw new StudioError('internal', 'the job system is not running');
    return this.pool;
  }

  private onProgress(id: number, fraction: number, message: string, objective: number | null): void {
    const now = Date.now();
    if (now - (this.lastDbProgress.get(id) ?? 0) >= PROGRESS_DB_INTERVAL_MS) {
      this.lastDbProgress.set(id, now);
      this.store.runs.progress(id, fraction, message, objective);
    }
    this.events.emit('job.progress', { runId: id, fraction, message, objective });
  }

  private storing(work: Promise<void>): void {
    const tracked = work
      .catch((error: unknown) => this.log.error(`storing results: ${String(error)}`))
      .finally(() => this.pendingResults.delete(tracked));
    this.pendingResults.add(tracked);
  }

  private async onDone(id: number, result: AnalysisResult, figures: FigureSpec[], timings: Record<string, number>): Promise<void> {
    let derived: PreparedDataset | null = null;
    try {
      // The derived file is written first (outside the transaction, it is slow); its row lands with the run.
      derived = result.derived && this.derived ? await this.derived.prepare(this.store.runs.get(id), result) : null;
      // Results, figures, a derived dataset and the final status land together or not at all.
      const run = this.store.tx(() => {
        const summary = this.store.runs.complete(id, {
          metrics: result.metrics,
          report: result.report ?? {},
          arrays: result.arrays,
          timings,
        });
        for (const figure of figures)
          this.store.figures.add({ projectId: summary.projectId, runId: id, datasetId: summary.datasetId, spec: figure });
        if (derived) this.store.datasets.add({ projectId: summary.projectId, ...derived.dataset });
        return summary;
      });
      this.finish(run);
    } catch (error) {
      await derived?.discard().catch(() => {});
      const message = `could not store the results: ${error instanceof Error ? error.message : String(error)}`;
      this.log.error(`run ${id}: ${message}`);
      this.finish(this.store.runs.finish(id, 'failed', message));
    }
  }

  private finish(run: RunSummary): void {
    this.lastDbProgress.delete(run.id);
    this.publish(run);
    for (const resolve of this.waiters.get(run.id) ?? []) resolve(run);
    this.waiters.delete(run.id);
  }

  private publish(run: RunSummary): void {
    this.events.emit('job.state', run);
  }
}
