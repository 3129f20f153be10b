/** Worker body for workers.test.ts: one engine per worker thread, as the jobs pool runs fits. */
import { parentPort, workerData } from 'node:worker_threads';
import { createEngine } from '../../../main/compute/engine.js';
import type { Tensor } from '../../../main/compute/tensor.js';

const { a, b, workers } = workerData as { a: Tensor; b: Tensor; workers: number };
const engine = await createEngine({ provider: 'cpu', workers });
const c = await engine.matmul(a, b);
const s = await engine.softplus(c);
parentPort!.postMessage({ c, s, threads: engine.info.threads });
await engine.dispose();
