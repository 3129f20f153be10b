import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { analysisDescriptor, ANALYSES } from '../../../shared/analyses/index.js';
import { StudioError } from '../../../shared/ipc/contract.js';
import { writeRunOutputs } from '../../services/run-output.js';
import type { Studio } from '../../services/studio.js';
import { jsonArgument, parse, UsageError } from '../args.js';
import { bootStudio, type CliIO, type Command } from '../context.js';

const DEFAULT_PROJECT = 'Command line';

async function datasetFor(studio: Studio, projectId: number, path: string, object: string, rate: number | null) {
  const described = await studio.datasets.describe({ path, object, rate });
  // Re-running on the same unchanged file reuses its dataset row instead of piling up copies.
  const existing = studio.store.datasets
    .list(projectId)
    .find((d) => d.path === described.path && d.hash === described.hash && d.object === described.object && d.rate === described.rate);
  return existing ?? studio.store.datasets.add({ projectId, ...described });
}

function progressPrinter(studio: Studio, runId: number, io: CliIO): () => void {
  if (!process.stderr.isTTY) return () => {};
  let last = -1;
  return studio.events.subscribe((topic, payload) => {
    if (topic !== 'job.progress') return;
    const p = payload as { runId: number; fraction: number; message: string };
    const pct = Math.floor(p.fraction * 100);
    if (p.runId === runId && pct !== last) {
      last = pct;
      io.err(`  ${String(pct).padStart(3)} %  ${p.message}`);
    }
  });
}

export const run: Command = {
  name: 'run',
  summary: 'run an analysis on a file, record it, write its results',
  usage:
    'cajal run <analysis> --input <file> [--params <json or @file>] --out <dir> [--json] [--project <name>] [--object <path>] [--rate <Hz>]',
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      input: { type: 'string', multiple: true },
      params: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
      project: { type: 'string' },
      object: { type: 'string' },
      rate: { type: 'string' },
    });
    const analysis = positionals[0];
    if (!analysis || positionals.length > 1) throw new UsageError(`usage: ${this.usage}`);
    if (!analysisDescriptor(analysis)) {
      throw new UsageError(`unknown analysis '${analysis}' (available: ${ANALYSES.map((a) => a.id).join(', ')})`);
    }
    if (!values.input?.length) throw new UsageError('--input <file> is required');
    if (!values.out) throw new UsageError('--out <dir> is required');
    const inputs = values.input.map((p) => resolve(p));
    for (const input of inputs) {
      try {
        await stat(input);
      } catch {
        throw new UsageError(`input file not found: ${input}`);
      }
    }
    const rate = values.rate === undefined ? null : Number(values.rate);
    if (rate !== null && !(rate > 0)) throw new UsageError(`--rate must be a positive number of Hz, got ${values.rate}`);
    const params = await jsonArgument(values.params, '--params');
    const outDir = resolve(values.out);

    const studio = await bootStudio(io);
    const stopOnSignal = () => {
      io.err('cancelling…');
      for (const r of studio.store.runs.active()) studio.jobs.cancel(r.id);
    };
    process.once('SIGINT', stopOnSignal);
    try {
      const projectName = values.project ?? DEFAULT_PROJECT;
      const project = studio.store.projects.findByName(projectName) ?? studio.store.projects.create(projectName);
      const datasets = [];
      try {
        for (const input of inputs) datasets.push(await datasetFor(studio, project.id, input, values.object ?? '', rate));
      } catch (error) {
        if (error instanceof StudioError) throw new UsageError(error.message);
        throw error;
      }
      const [dataset, ...extra] = datasets;
      let started;
      try {
        started = await studio.jobs.start({
          projectId: project.id,
          datasetId: dataset.id,
          extraDatasetIds: extra.map((d) => d.id),
          analysis,
          params,
        });
      } catch (error) {
        if (error instanceof StudioError && error.code === 'invalid-input') throw new UsageError(error.message);
        throw error;
      }
      const unsubscribe = progressPrinter(studio, started.id, io);
      const finished = await studio.jobs.wait(started.id);
      unsubscribe();
      const written = await writeRunOutputs(studio.store, finished.id, outDir);
      const summary = {
        runId: finished.id,
        analysis,
        status: finished.status,
        error: finished.error,
        project: project.name,
        datasetId: dataset.id,
        out: outDir,
        result: written.resultFile,
        arrays: written.arrays,
        metrics: studio.store.runs.get(finished.id).metrics,
        figureIds: studio.store.figures.forRun(finished.id).map((f) => f.id),
      };
      if (values.json) io.out(JSON.stringify(summary, null, 2));
      else if (finished.status === 'done') io.out(`run ${finished.id} done: results in ${outDir}`);
      if (finished.status !== 'done') {
        io.err(`run ${finished.id} ${finished.status}${finished.error ? `: ${finished.error}` : ''}`);
        return finished.status === 'cancelled' ? 130 : 1;
      }
      return 0;
    } finally {
      process.removeListener('SIGINT', stopOnSignal);
      await studio.shutdown();
    }
  },
};
