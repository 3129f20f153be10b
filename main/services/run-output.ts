/**
 * A finished run written to a folder: each result array as .npy, and result.json with parameters,
 * metrics, timings and provenance, so the run can be traced and recomputed outside the studio.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeNpy } from '../io/npy.js';
import type { Store } from '../store/store.js';

export interface WrittenRun {
  resultFile: string;
  arrays: Array<{ name: string; file: string; dtype: string; shape: number[] }>;
}

/** Writes through a temporary name, so a reader never sees half a file. */
async function writeAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.partial-${process.pid}`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

export async function writeRunOutputs(store: Store, runId: number, outDir: string): Promise<WrittenRun> {
  const run = store.runs.get(runId);
  const dataset = run.datasetId === null ? null : store.datasets.get(run.datasetId);
  await mkdir(outDir, { recursive: true });
  const arrays: WrittenRun['arrays'] = [];
  for (const info of run.arrays) {
    const file = `${info.name}.npy`;
    await writeAtomic(join(outDir, file), encodeNpy(store.runs.array(runId, info.name)));
    arrays.push({ name: info.name, file, dtype: info.dtype, shape: info.shape });
  }
  const result = {
    // Analysis-specific results first (components, log-likelihoods …), then the fixed fields.
    ...run.report,
    runId: run.id,
    analysis: run.analysis,
    status: run.status,
    error: run.error,
    params: run.params,
    metrics: run.metrics,
    timings: run.timings,
    arrays,
    figureIds: store.figures.forRun(run.id).map((f) => f.id),
    provenance: {
      input: dataset && { path: dataset.path, format: dataset.format, object: dataset.object, rate: dataset.rate, hash: dataset.hash },
      inputs: run.inputs,
      dataHash: run.dataHash,
      appVersion: run.appVersion,
      runtime: process.versions.electron ? `electron ${process.versions.electron}` : `node ${process.versions.node}`,
      platform: `${process.platform}-${process.arch}`,
      createdAt: run.createdAt,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
    },
  };
  const resultFile = join(outDir, 'result.json');
  await writeAtomic(resultFile, JSON.stringify(result, null, 2) + '\n');
  return { resultFile, arrays };
}
