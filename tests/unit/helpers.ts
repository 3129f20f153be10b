/** Shared by unit tests: throw-away data directories and studios booted in them. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Studio, type StudioOptions } from '../../main/services/studio.js';

export function tempDir(prefix = 'cajal-test-'): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export async function bootTestStudio(dir: string, options: Partial<StudioOptions> = {}): Promise<Studio> {
  return Studio.boot({ dataDir: dir, workers: 1, cancelGraceMs: 500, ...options });
}

/** Resolves when `predicate` holds, polling; rejects after `timeoutMs`. */
export async function until(predicate: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

import type { Recording } from '../../main/io/types.js';
import { CancelledError, type AnalysisInput, type FitContext } from '../../main/analyses/types.js';
import { createEngine, type Engine } from '../../main/compute/index.js';
import { Rng } from '../../main/util/rng.js';

/** An in-memory recording (neurons × frames) for calling fits directly. */
export function memoryRecording(traces: Float32Array, n: number, t: number, rate = 10): Recording {
  return {
    meta: {
      source: { path: 'memory', format: 'memory', object: '' },
      nNeurons: n,
      nFrames: t,
      timeBase: { kind: 'rate', rate, start: 0 },
      hasRois: false,
      hasSpikes: false,
    },
    async readTraces([n0, n1], [f0, f1]) {
      const out = new Float32Array((n1 - n0) * (f1 - f0));
      for (let i = n0; i < n1; i++) out.set(traces.subarray(i * t + f0, i * t + f1), (i - n0) * (f1 - f0));
      return out;
    },
    async close() {},
  };
}

/** Analysis input around one in-memory recording. */
export function inputOf(recording: Recording): AnalysisInput {
  const dataset = { path: recording.meta.source.path, format: recording.meta.source.format, object: '', rate: null };
  return { recording, dataset, recordings: [recording], datasets: [dataset] };
}

let sharedEngine: Promise<Engine> | null = null;

/** A fit context that records progress and can be cancelled after a number of progress reports. */
export function testContext(seed = 0, cancelAfterReports = Infinity): FitContext & { reports: number[] } {
  const reports: number[] = [];
  let cancelled = false;
  return {
    reports,
    rng: new Rng(seed),
    log: () => {},
    engine: () => (sharedEngine ??= createEngine({ provider: 'cpu', threads: 1 })),
    progress: ({ fraction }) => {
      reports.push(fraction);
      if (reports.length >= cancelAfterReports) cancelled = true;
    },
    token: {
      get cancelled() {
        return cancelled;
      },
      throwIfCancelled() {
        if (cancelled) throw new CancelledError();
      },
    },
  };
}

/** Textbook two-pass Pearson correlation of two sequences, in float64: the reference tests compare against. */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** A seeded uniform [0, 1) generator for tests, on the studio's own Rng. */
export function uniforms(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.uniform();
}
