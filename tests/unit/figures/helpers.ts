/** Shared by the figure tests: a studio with a finished correlation run. */
import { join } from 'node:path';
import { writeNpy } from '../../../main/io/npy.js';
import type { Studio } from '../../../main/services/studio.js';
import { bootTestStudio } from '../helpers.js';

export interface StudioWithRun {
  studio: Studio;
  projectId: number;
  runId: number;
  figureId: number;
  /** The recording: neuron 1 follows neuron 0, the others are independent. */
  traces: Float32Array;
  neurons: number;
  frames: number;
}

/** A studio (one worker) that has run the correlation analysis on a small seeded recording. */
export async function studioWithRun(dir: string): Promise<StudioWithRun> {
  const studio = await bootTestStudio(dir);
  const neurons = 12;
  const frames = 400;
  const traces = new Float32Array(neurons * frames);
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5;
  for (let i = 0; i < traces.length; i++) traces[i] = rand();
  for (let t = 0; t < frames; t++) traces[frames + t] = 0.8 * traces[t] + 0.2 * traces[frames + t];
  const file = join(dir, 'traces.npy');
  await writeNpy(file, { dtype: 'float32', shape: [neurons, frames], data: traces });
  const projectId = studio.store.projects.create('Figures').id;
  const dataset = await studio.datasets.add({ projectId, path: file, rate: 30 });
  const started = await studio.jobs.start({ projectId, datasetId: dataset.id, analysis: 'correlation', params: { method: 'pearson' } });
  const done = await studio.jobs.wait(started.id);
  if (done.status !== 'done') throw new Error(`correlation run ${done.id} ended ${done.status}: ${done.error}`);
  const [figure] = studio.store.figures.forRun(done.id);
  return { studio, projectId, runId: done.id, figureId: figure.id, traces, neurons, frames };
}
