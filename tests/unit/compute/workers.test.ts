import { build } from 'esbuild';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Tensor } from '../../../main/compute/tensor.js';
import { TOL, expectClose, rand, refMatmul } from './reference.js';

const outfile = resolve(import.meta.dirname, '../../../.tmp/test/engine-worker.mjs');

beforeAll(async () => {
  await build({
    entryPoints: [resolve(import.meta.dirname, 'engine-worker.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  });
});

function runWorker(workerData: unknown): Promise<{ c: Tensor; s: Tensor; threads: number }> {
  return new Promise((res, rej) => {
    const w = new Worker(outfile, { workerData });
    w.once('message', res);
    w.once('error', rej);
    w.once('exit', (code) => code !== 0 && rej(new Error(`worker exited with ${code}`)));
  });
}

describe('worker threads', () => {
  it('two workers run engines at once, each with its share of the cores, and match the JS reference', async () => {
    const jobs = [1, 2].map((k) => ({ a: rand('float64', [40, 30], k), b: rand('float64', [30, 20], 10 + k), workers: 2 }));
    const results = await Promise.all(jobs.map(runWorker));
    results.forEach((r, k) => {
      const ref = refMatmul(jobs[k]!.a, jobs[k]!.b);
      expectClose(r.c, ref, TOL.float64);
      expectClose(r.s, { shape: ref.shape, data: ref.data.map((x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)))) }, TOL.float64);
      expect(r.threads).toBe(Math.max(1, Math.floor(availableParallelism() / 2)));
    });
  });
});
