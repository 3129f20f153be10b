/**
 * The one router behind both transports: validates every payload against the contract's zod
 * schema, dispatches to the handler, and turns every failure into a WireError (the process stays up).
 */
import { channels, isChannel, StudioError, type Channel, type Output, type Parsed, type WireError } from '../shared/ipc/contract.js';
import { inspectFile } from './io/registry.js';
import { DataError } from './io/types.js';
import { listFolder } from './services/files.js';
import type { Studio } from './services/studio.js';

export type Handlers = {
  [C in Channel]: (input: Parsed<C>) => Promise<Output<C>> | Output<C>;
};

export type CallResult = { ok: true; value: unknown } | { ok: false; error: WireError };

export function formatIssues(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  return issues.map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message)).join('; ');
}

export class Router {
  constructor(
    private readonly handlers: Handlers,
    private readonly onError: (channel: string, error: WireError, cause: unknown) => void,
  ) {}

  async call(channel: unknown, payload: unknown): Promise<CallResult> {
    if (!isChannel(channel)) {
      return this.fail(String(channel), { code: 'unknown-channel', message: `unknown channel ${JSON.stringify(channel)}` }, null);
    }
    const parsed = channels[channel].input.safeParse(payload ?? {});
    if (!parsed.success) {
      return this.fail(channel, { code: 'invalid-input', message: `${channel}: ${formatIssues(parsed.error.issues)}` }, parsed.error);
    }
    try {
      const handler = this.handlers[channel] as (input: unknown) => unknown;
      return { ok: true, value: await handler(parsed.data) };
    } catch (error) {
      if (error instanceof StudioError) return this.fail(channel, { code: error.code, message: error.message }, error);
      if (error instanceof DataError) return this.fail(channel, { code: 'bad-data', message: error.message }, error);
      const message = error instanceof Error ? error.message : String(error);
      return this.fail(channel, { code: 'internal', message: `${channel} failed: ${message}` }, error);
    }
  }

  private fail(channel: string, error: WireError, cause: unknown): CallResult {
    this.onError(channel, error, cause);
    return { ok: false, error };
  }
}

export function studioHandlers(studio: Studio): Handlers {
  const { store } = studio;
  return {
    'app.info': () => studio.info(),
    'engine.info': () => studio.engineInfo(),
    'engine.setProvider': ({ provider }) => studio.setProvider(provider),
    'projects.list': () => store.projects.list(),
    'projects.create': ({ name }) => store.projects.create(name),
    'projects.rename': ({ id, name }) => store.projects.rename(id, name),
    'projects.delete': async ({ id }) => {
      const active = store.runs.active().filter((r) => r.projectId === id);
      if (active.length > 0) {
        throw new StudioError('conflict', `project ${id} has ${active.length} run(s) in progress: cancel them first`);
      }
      const datasets = store.datasets.list(id);
      for (const d of datasets) await studio.views.forget(d.id);
      store.projects.delete(id);
      // The studio's own copies of derived results go with the project; users' files stay.
      for (const d of datasets) await studio.derived.discard(d);
      return { deleted: true as const };
    },
    'datasets.list': ({ projectId }) => studio.datasets.list(projectId),
    'datasets.add': (input) => studio.datasets.add(input),
    'datasets.remove': async ({ id }) => {
      const dataset = store.datasets.get(id);
      await studio.views.forget(id);
      store.datasets.remove(id);
      await studio.derived.discard(dataset);
      return { removed: true as const };
    },
    'files.inspect': ({ path }) => inspectFile(path),
    'files.list': ({ path }) => listFolder(path),
    'views.info': ({ datasetId, object }) => studio.views.info(datasetId, object),
    'views.traces': (input) => studio.views.traces(input),
    'views.raster': (input) => studio.views.raster(input),
    'views.spikes': (input) => studio.views.spikes(input),
    'views.rois': (input) => studio.views.rois(input),
    'runs.list': ({ projectId }) => store.runs.list(projectId),
    'runs.get': ({ id }) => store.runs.get(id),
    'runs.array': ({ id, name }) => store.runs.array(id, name),
    'runs.delete': ({ id }) => {
      const run = store.runs.summary(id);
      if (run.status === 'queued' || run.status === 'running') {
        throw new StudioError('conflict', `run ${id} is ${run.status}: cancel it first`);
      }
      store.runs.delete(id);
      return { deleted: true as const };
    },
    'jobs.start': (input) => studio.jobs.start(input),
    'jobs.cancel': ({ runId }) => ({ status: studio.jobs.cancel(runId).status }),
    'jobs.active': () => store.runs.active(),
    'figures.list': ({ projectId, runId }) => store.figures.list(projectId, runId),
    'figures.get': ({ id }) => store.figures.get(id),
    'figures.export': (input) => studio.figures.exportTo(input),
    'figures.exports': ({ figureId }) => store.figureExports.list(figureId),
    'figures.render': (input) => studio.figures.render(input),
    'figures.createComposite': (input) => studio.figures.createComposite(input),
    'figures.updateComposite': ({ id, title, composition }) => studio.figures.updateComposite(id, title, composition),
    'figures.deleteComposite': ({ id }) => {
      studio.figures.deleteComposite(id);
      return { deleted: true as const };
    },
    'notebooks.list': ({ projectId }) => studio.notebooks.list(projectId),
    'notebooks.create': ({ projectId, title }) => studio.notebooks.create(projectId, title),
    'notebooks.rename': ({ id, title }) => store.notebooks.rename(id, title),
    'notebooks.delete': ({ id }) => {
      store.notebooks.delete(id);
      return { deleted: true as const };
    },
    'notebooks.get': ({ id }) => studio.notebooks.get(id),
    'notebooks.addCell': (input) => studio.notebooks.addCell(input),
    'notebooks.updateCell': ({ id, content }) => store.notebooks.updateCell(id, { content }),
    'notebooks.moveCell': ({ id, position }) => store.notebooks.moveCell(id, position),
    'notebooks.deleteCell': ({ id }) => store.notebooks.deleteCell(id),
    'notebooks.rerunCell': ({ id }) => studio.notebooks.rerun(id),
    'notebooks.export': async ({ id, format, out }) => ({ path: await studio.notebooks.exportTo(id, format, out) }),
  };
}
