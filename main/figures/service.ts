/**
 * Figures as a studio service: exports (one browser engine, started on the first export and kept
 * until shutdown; exports run one at a time) and multi-panel figures made in the composer.
 */
import { join } from 'node:path';
import { COMPOSITE_KEY, type Composition, type FigureExport, type FigureSummary } from '../../shared/domain/figure.js';
import { presetById, PRESETS } from '../../shared/figures/presets.js';
import { StudioError } from '../../shared/ipc/contract.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import type { BackendFactory, ExportBackend } from './backend.js';
import { FigureExporter, type ExportFigureRequest } from './exporter.js';
import { exportPath, slug } from './files.js';

export interface NewComposite {
  projectId: number;
  title: string;
  composition: Composition;
}

export class FigureService {
  readonly name = 'figures';
  readonly exporter: FigureExporter;
  private backend: Promise<ExportBackend> | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    private readonly factory: BackendFactory,
    /** Where the studio's exports go when it is given no absolute path. */
    readonly exportsDir: string,
  ) {
    this.exporter = new FigureExporter(store);
  }

  /** Exports one figure; checks everything first, so bad input fails fast with nothing written. */
  export(request: ExportFigureRequest): Promise<FigureExport> {
    this.exporter.plan(request);
    return this.serialised(async () => {
      const started = performance.now();
      const result = await this.exporter.export(request, await this.engine());
      this.log.info(
        `figure ${request.figureId} exported as ${result.format} to ${result.path} in ${Math.round(performance.now() - started)} ms`,
      );
      return result;
    });
  }

  /** Export from the studio: a relative or missing path lands in the exports folder of the data directory. */
  exportTo(request: Omit<ExportFigureRequest, 'out'> & { out?: string }): Promise<FigureExport> {
    const figure = this.store.figures.summary(request.figureId);
    const name = `${slug(figure.title)}-${figure.id}-${request.preset ?? 'default'}.${request.format === 'tiff' ? 'tif' : request.format}`;
    return this.export({ ...request, out: exportPath(this.exportsDir, request.out, name) });
  }

  /** The print SVG an export would contain, for the studio's exact preview. */
  render(request: Omit<ExportFigureRequest, 'out' | 'format'>): Promise<{ svg: string; widthMm: number; heightMm: number }> {
    const plan = this.exporter.plan({ ...request, format: 'svg', out: join(this.exportsDir, 'preview.svg') });
    return this.serialised(async () => ({
      svg: await this.exporter.pageSvg(plan, await this.engine()),
      widthMm: plan.options.widthMm,
      heightMm: plan.options.heightMm,
    }));
  }

  /** Runs `task` with the engine once the exports before it are done. */
  serialised<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** The browser engine, started on first use; a failed start is retried on the next call. */
  engine(): Promise<ExportBackend> {
    this.backend ??= this.factory().catch((error: unknown) => {
      this.backend = null;
      throw error;
    });
    return this.backend;
  }

  createComposite(c: NewComposite): FigureSummary {
    this.store.projects.get(c.projectId);
    return this.store.figures.add({
      projectId: c.projectId,
      runId: null,
      datasetId: null,
      spec: this.compositeSpec(c.projectId, c.title, c.composition),
    });
  }

  updateComposite(id: number, title: string, composition: Composition): FigureSummary {
    const figure = this.store.figures.get(id);
    if (!figure.composition) throw new StudioError('invalid-input', `figure ${id} is not a multi-panel figure`);
    return this.store.figures.update(id, this.compositeSpec(figure.projectId, title, composition));
  }

  /** Only multi-panel figures are deleted here; a run's figures go with the run. */
  deleteComposite(id: number): void {
    const figure = this.store.figures.get(id);
    if (!figure.composition)
      throw new StudioError('invalid-input', `figure ${id} belongs to run ${figure.runId}; only multi-panel figures can be deleted`);
    this.store.figures.delete(id);
  }

  private compositeSpec(projectId: number, title: string, composition: Composition) {
    if (!presetById(composition.preset)) {
      throw new StudioError('invalid-input', `unknown preset '${composition.preset}' (available: ${PRESETS.map((p) => p.id).join(', ')})`);
    }
    for (const panelId of composition.panels) {
      const panel = this.store.figures.get(panelId);
      if (panel.projectId !== projectId) throw new StudioError('invalid-input', `figure ${panelId} belongs to another project`);
      if (panel.composition) throw new StudioError('invalid-input', `figure ${panelId} is itself a multi-panel figure`);
    }
    return { key: COMPOSITE_KEY, title, plot: { data: [], layout: {} }, composition };
  }

  async shutdown(): Promise<void> {
    const backend = this.backend;
    this.backend = null;
    if (backend) await (await backend.catch(() => null))?.close();
  }
}
