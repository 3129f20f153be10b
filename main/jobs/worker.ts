/**
 * Worker thread entry: runs one analysis at a time. Cancellation arrives through a shared Int32
 * (slot 0 holds the run id to cancel), so a fit that never yields to the event loop still sees it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ProviderSetting } from '../../shared/domain/engine.js';
import { analysisImpl } from '../analyses/registry.js';
import { CancelledError, type CancellationToken, type FitContext } from '../analyses/types.js';
import { createEngine, type Engine } from '../compute/index.js';
import { openRecording } from '../io/registry.js';
import type { Recording } from '../io/types.js';
import { Rng } from '../util/rng.js';
import type { FromWorker, JobSpec, ToWorker, WorkerData } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('main/jobs/worker.ts must run in a worker thread');
const data = workerData as WorkerData;
const cancelFlag = new Int32Array(data.cancelFlag);
const PROGRESS_INTERVAL_MS = 50;

/** One engine per worker and provider, kept across jobs so its session cache pays off. */
let engine: { provider: ProviderSetting; ready: Promise<Engine> } | null = null;
function engineFor(provider: ProviderSetting, runId: number): Promise<Engine> {
  if (engine?.provider !== provider) {
    const previous = engine?.ready;
    engine = {
      provider,
      ready: (async () => {
        await previous?.then((e) => e.dispose()).catch(() => {});
        return createEngine({ provider, threads: data.threads, workers: data.workers, log: (_level, message) => post({ type: 'log', runId, message }) });
      })(),
    };
  }
  return engine.ready;
}

const post = (msg: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(msg, transfer);

async function run(job: JobSpec): Promise<void> {
  const { runId } = job;
  const token: CancellationToken = {
    get cancelled() {
      return Atomics.load(cancelFlag, 0) === runId;
    },
    throwIfCancelled() {
      if (Atomics.load(cancelFlag, 0) === runId) throw new CancelledError();
    },
  };
  let lastProgress = 0;
  const ctx: FitContext = {
    token,
    rng: new Rng(typeof job.params.seed === 'number' ? job.params.seed : 0),
    progress({ fraction, message = '', objective = null }) {
      const now = performance.now();
      if (fraction < 1 && now - lastProgress < PROGRESS_INTERVAL_MS) return;
      lastProgress = now;
      post({ type: 'progress', runId, fraction: Math.min(1, Math.max(0, fraction)), message, objective });
    },
    log: (message) => post({ type: 'log', runId, message }),
    engine: () => engineFor(job.provider, runId),
  };
  const analysis = analysisImpl(job.analysis);
  if (!analysis) {
    post({ type: 'failed', runId, message: `unknown analysis '${job.analysis}'` });
    return;
  }
  const t0 = performance.now();
  const recordings: Recording[] = [];
  try {
    const params = analysis.params.parse(job.params);
    for (const d of job.datasets) {
      recordings.push(await openRecording(d.path, { object: d.object || undefined, rate: d.rate ?? undefined, layout: d.layout }));
    }
    const t1 = performance.now();
    const input = { recording: recordings[0], dataset: job.datasets[0], recordings, datasets: job.datasets };
    const result = await analysis.fit(input, params, ctx);
    const t2 = performance.now();
    const figures = analysis.figures?.(result, params, input) ?? [];
    const t3 = performance.now();
    const transfer = [...new Set(Object.values(result.arrays).map((a) => a.data.buffer as ArrayBuffer))];
    post(
      { type: 'done', runId, result, figures, timings: { openMs: t1 - t0, fitMs: t2 - t1, figuresMs: t3 - t2, totalMs: t3 - t0 } },
      transfer,
    );
  } catch (error) {
    if (error instanceof CancelledError) post({ type: 'cancelled', runId });
    else post({ type: 'failed', runId, message: error instanceof Error ? error.message : String(error) });
  } finally {
    await Promise.all(recordings.map((r) => r.close().catch(() => {})));
  }
}

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'start') void run(msg.job);
});
post({ type: 'ready' });
