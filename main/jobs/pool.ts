/**
 * A pool of worker threads running analyses, one job per worker at a time, first come first served.
 * Cancel is cooperative first (a shared flag the fit checks between iterations), then a hard
 * terminate after a grace period; a worker that dies is replaced and its job reported failed.
 */
import { Worker } from 'node:worker_threads';
import type { FigureSpec } from '../../shared/domain/figure.js';
import type { AnalysisResult } from '../analyses/types.js';
import type { FromWorker, JobSpec, ToWorker, WorkerData } from './protocol.js';

export interface PoolHandlers {
  started(runId: number): void;
  progress(runId: number, fraction: number, message: string, objective: number | null): void;
  log(runId: number, message: string): void;
  done(runId: number, result: AnalysisResult, figures: FigureSpec[], timings: Record<string, number>): void;
  failed(runId: number, message: string): void;
  cancelled(runId: number): void;
}

export interface PoolOptions {
  size: number;
  workerPath: string;
  /** How long a cancelled fit may take to stop by itself before its worker is terminated. */
  graceMs: number;
  /** ORT intra-op threads per worker, chosen so the pool does not oversubscribe the cores. */
  threadsPerWorker: number;
}

interface Slot {
  worker: Worker;
  flag: Int32Array;
  job: JobSpec | null;
  grace: NodeJS.Timeout | null;
}

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: JobSpec[] = [];
  private closed = false;

  constructor(
    private readonly options: PoolOptions,
    private readonly handlers: PoolHandlers,
  ) {
    for (let i = 0; i < options.size; i++) this.slots.push(this.spawn());
  }

  get size(): number {
    return this.slots.length;
  }

  private spawn(): Slot {
    const cancelFlag = new SharedArrayBuffer(4);
    const workerData: WorkerData = { cancelFlag, threads: this.options.threadsPerWorker, workers: this.options.size };
    const worker = new Worker(this.options.workerPath, { workerData });
    const slot: Slot = { worker, flag: new Int32Array(cancelFlag), job: null, grace: null };
    worker.on('message', (msg: FromWorker) => this.onMessage(slot, msg));
    worker.on('error', (error) => this.onDeath(slot, `worker error: ${error.message}`));
    worker.on('exit', (code) => this.onDeath(slot, `the worker stopped unexpectedly (exit code ${code})`));
    return slot;
  }

  private onMessage(slot: Slot, msg: FromWorker): void {
    const job = slot.job;
    if (msg.type === 'ready' || !job || msg.runId !== job.runId) return;
    switch (msg.type) {
      case 'progress':
        this.handlers.progress(msg.runId, msg.fraction, msg.message, msg.objective);
        return;
      case 'log':
        this.handlers.log(msg.runId, msg.message);
        return;
      case 'done':
        this.release(slot);
        this.handlers.done(msg.runId, msg.result, msg.figures, msg.timings);
        break;
      case 'failed':
        this.release(slot);
        this.handlers.failed(msg.runId, msg.message);
        break;
      case 'cancelled':
        this.release(slot);
        this.handlers.cancelled(msg.runId);
        break;
    }
    this.dispatch();
  }

  private release(slot: Slot): void {
    if (slot.grace) clearTimeout(slot.grace);
    slot.grace = null;
    slot.job = null;
  }

  /** A worker that exits or throws outside a fit is replaced; its job (if any) is reported failed. */
  private onDeath(slot: Slot, reason: string): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return; // already replaced (terminated on purpose)
    const job = slot.job;
    this.release(slot);
    slot.worker.removeAllListeners();
    void slot.worker.terminate();
    if (this.closed) {
      this.slots.splice(index, 1);
      return;
    }
    this.slots[index] = this.spawn();
    if (job) this.handlers.failed(job.runId, reason);
    this.dispatch();
  }

  submit(job: JobSpec): void {
    if (this.closed) throw new Error('the job pool is shut down');
    this.queue.push(job);
    this.dispatch();
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.job || this.queue.length === 0) continue;
      const job = this.queue.shift()!;
      slot.job = job;
      Atomics.store(slot.flag, 0, 0);
      slot.worker.postMessage({ type: 'start', job } satisfies ToWorker);
      this.handlers.started(job.runId);
    }
  }

  /** 'dequeued': it never started; 'signalled': the fit was asked to stop; 'unknown': not here. */
  cancel(runId: number): 'dequeued' | 'signalled' | 'unknown' {
    const queued = this.queue.findIndex((j) => j.runId === runId);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      return 'dequeued';
    }
    const slot = this.slots.find((s) => s.job?.runId === runId);
    if (!slot) return 'unknown';
    Atomics.store(slot.flag, 0, runId);
    slot.grace ??= setTimeout(() => this.terminate(slot, runId), this.options.graceMs);
    return 'signalled';
  }

  private terminate(slot: Slot, runId: number): void {
    if (slot.job?.runId !== runId) return;
    const index = this.slots.indexOf(slot);
    this.release(slot);
    slot.worker.removeAllListeners();
    void slot.worker.terminate();
    this.slots[index] = this.spawn();
    this.handlers.cancelled(runId);
    this.dispatch();
  }

  /** Running jobs are terminated; their callers mark them as they see fit. */
  async close(): Promise<number[]> {
    this.closed = true;
    const running = this.slots.flatMap((s) => (s.job ? [s.job.runId] : []));
    const queued = this.queue.splice(0).map((j) => j.runId);
    await Promise.all(
      this.slots.map((s) => {
        this.release(s);
        s.worker.removeAllListeners();
        return s.worker.terminate();
      }),
    );
    this.slots.length = 0;
    return [...running, ...queued];
  }
}
