/**
 * The job system end to end in a real worker thread: lifecycle, progress events, cooperative and
 * forced cancel, crashes, and runs a crash left behind.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunStatus } from '../../../shared/domain/project.js';
import { writeNpy } from '../../../main/io/npy.js';
import type { Studio } from '../../../main/services/studio.js';
import { Store } from '../../../main/store/store.js';
import { bootTestStudio, tempDir, until } from '../helpers.js';

process.env.CAJAL_TEST_ANALYSES = '1';

describe('jobs', () => {
  const dir = tempDir();
  let studio: Studio;
  let projectId: number;
  let datasetId: number;
  const states = new Map<number, RunStatus[]>();
  const progress = new Map<number, number[]>();

  beforeAll(async () => {
    studio = await bootTestStudio(dir.path, { cancelGraceMs: 400 });
    studio.events.subscribe((topic, payload) => {
      if (topic === 'job.state') {
        const p = payload as { id: number; status: RunStatus };
        states.set(p.id, [...(states.get(p.id) ?? []), p.status]);
      }
      if (topic === 'job.progress') {
        const p = payload as { runId: number; fraction: number };
        progress.set(p.runId, [...(progress.get(p.runId) ?? []), p.fraction]);
      }
    });
    const file = join(dir.path, 'x.npy');
    await writeNpy(file, { dtype: 'float32', shape: [3, 10], data: Float32Array.from({ length: 30 }, (_, i) => Math.sin(i)) });
    projectId = studio.store.projects.create('P').id;
    datasetId = (await studio.datasets.add({ projectId, path: file, rate: 10 })).id;
  });
  afterAll(async () => {
    await studio.shutdown();
    dir.remove();
  });

  const start = (params: Record<string, unknown>) => studio.jobs.start({ projectId, datasetId, analysis: 'test.spin', params });

  it('runs queued → running → done with monotone progress, persisted', async () => {
    const run = await start({ seconds: 0.4 });
    expect(['queued', 'running']).toContain(run.status);
    const done = await studio.jobs.wait(run.id);
    expect(done.status).toBe('done');
    expect(states.get(run.id)).toEqual(['queued', 'running', 'done']);
    const p = progress.get(run.id) ?? [];
    expect(p.length).toBeGreaterThan(2);
    for (let i = 1; i < p.length; i++) expect(p[i]).toBeGreaterThanOrEqual(p[i - 1]);
    const stored = studio.store.runs.get(run.id);
    expect(stored.progress).toBe(1);
    expect((stored.metrics as { iterations: number }).iterations).toBeGreaterThan(10);
    expect(stored.timings.totalMs).toBeGreaterThan(300);
    expect(stored.params).toEqual({ seconds: 0.4, ignoreCancel: false, crash: 'none' });
  });

  it('cancels cooperatively: the fit stops at its next token check', async () => {
    const run = await start({ seconds: 30 });
    await until(() => (progress.get(run.id)?.length ?? 0) > 0, 10_000, 'first progress');
    const t0 = Date.now();
    studio.jobs.cancel(run.id);
    const end = await studio.jobs.wait(run.id);
    expect(end.status).toBe('cancelled');
    expect(Date.now() - t0).toBeLessThan(400); // before the grace period ran out
  });

  it('terminates a fit that ignores the token after the grace period, and the pool keeps working', async () => {
    const run = await start({ seconds: 30, ignoreCancel: true });
    await until(() => (progress.get(run.id)?.length ?? 0) > 0, 10_000, 'first progress');
    const t0 = Date.now();
    studio.jobs.cancel(run.id);
    const end = await studio.jobs.wait(run.id);
    expect(end.status).toBe('cancelled');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(350);
    const next = await studio.jobs.wait((await start({ seconds: 0.05 })).id);
    expect(next.status).toBe('done');
  });

  it('cancels a queued run before it starts', async () => {
    const first = await start({ seconds: 1 });
    const second = await start({ seconds: 1 });
    expect(studio.jobs.cancel(second.id).status).toBe('cancelled');
    expect(states.get(second.id)).toEqual(['queued', 'cancelled']);
    expect((await studio.jobs.wait(first.id)).status).toBe('done');
  });

  it('reports a failing fit with its message', async () => {
    const end = await studio.jobs.wait((await start({ crash: 'throw' })).id);
    expect(end).toMatchObject({ status: 'failed', error: 'deliberate failure' });
  });

  it('reports a worker that dies mid-fit and replaces it', async () => {
    const end = await studio.jobs.wait((await start({ crash: 'exit' })).id);
    expect(end.status).toBe('failed');
    expect(end.error).toBe('the worker stopped unexpectedly (exit code 3)');
    expect((await studio.jobs.wait((await start({ seconds: 0.05 })).id)).status).toBe('done');
  });

  it('rejects unknown analyses and invalid parameters before creating a run', async () => {
    const before = studio.store.runs.list(projectId).length;
    await expect(studio.jobs.start({ projectId, datasetId, analysis: 'nope', params: {} })).rejects.toThrow("unknown analysis 'nope'");
    await expect(start({ seconds: -1 })).rejects.toThrow(/invalid parameters for test.spin: seconds: Too small/);
    expect(studio.store.runs.list(projectId).length).toBe(before);
  });
});

describe('runs a crash left behind', () => {
  it('become interrupted at the next boot', async () => {
    const dir = tempDir();
    const store = Store.open(join(dir.path, 'studio.db'));
    const p = store.projects.create('P');
    const running = store.runs.create({
      projectId: p.id,
      datasetId: null,
      inputs: [],
      analysis: 'correlation',
      params: {},
      appVersion: 't',
      dataHash: null,
    });
    store.runs.markRunning(running.id);
    const queued = store.runs.create({
      projectId: p.id,
      datasetId: null,
      inputs: [],
      analysis: 'correlation',
      params: {},
      appVersion: 't',
      dataHash: null,
    });
    store.close(); // the "crash": nothing finished these rows
    const studio = await bootTestStudio(dir.path);
    expect(studio.store.runs.summary(running.id).status).toBe('interrupted');
    expect(studio.store.runs.summary(queued.id).status).toBe('interrupted');
    expect(studio.store.runs.summary(running.id).error).toMatch(/stopped while this run was in progress/);
    await studio.shutdown();
    dir.remove();
  });
});
