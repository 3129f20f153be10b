/**
 * The studio's services, booted in order behind one object; the same under Electron, the browser
 * host and the CLI. Nothing here knows which transport (if any) serves it.
 */
import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { AppInfo } from '../../shared/domain/app.js';
import type { ExecutionProviderInfo, ProviderSetting } from '../../shared/domain/engine.js';
import { engineInfo, intraOpThreads } from '../compute/index.js';
import { systemBrowserBackend, type BackendFactory } from '../figures/backend.js';
import { FigureService } from '../figures/service.js';
import { Logger } from '../log.js';
import { appVersion, paths } from '../paths.js';
import { Store } from '../store/store.js';
import { ServiceContainer } from './container.js';
import { DatasetService } from './datasets.js';
import { DerivedDatasets } from './derived.js';
import { EventBus } from './events.js';
import { JobService } from './jobs.js';
import { NotebookService } from './notebooks.js';
import { ViewService } from './views.js';

export interface StudioOptions {
  dataDir: string;
  /** Worker threads for fits; default: one per core but one, at least one. */
  workers?: number;
  /** Seconds a cancelled fit may take before its worker is terminated. */
  cancelGraceMs?: number;
  /** Echo log lines (the CLI prints warnings to stderr). */
  echo?: (line: { level: string; message: string }) => void;
  /** The browser engine that draws figure exports (Electron passes its hidden window). */
  figureBackend?: BackendFactory;
}

const PROVIDER_KEY = 'engine.provider';

export function defaultWorkerCount(cores = availableParallelism()): number {
  return Math.max(1, Math.min(cores - 1, 8));
}

export class Studio {
  readonly log: Logger;
  readonly events = new EventBus();
  readonly store: Store;
  readonly datasets: DatasetService;
  readonly derived: DerivedDatasets;
  readonly views: ViewService;
  readonly jobs: JobService;
  readonly figures: FigureService;
  readonly notebooks: NotebookService;
  private readonly container: ServiceContainer;

  private constructor(
    readonly dataDir: string,
    options: StudioOptions,
  ) {
    mkdirSync(dataDir, { recursive: true });
    this.log = new Logger(join(dataDir, 'logs', 'studio.log'), options.echo);
    this.log.onLine((line) => this.events.emit('log', line));
    this.container = new ServiceContainer((name, error) => this.log.error(`shutting down ${name}: ${String(error)}`));
    this.store = Store.open(join(dataDir, 'studio.db'));
    if (this.store.movedAside)
      this.log.error(`the database was corrupt and was moved aside to ${this.store.movedAside}; a new one was created`);
    this.container.add({ name: 'store', shutdown: () => this.store.close() });
    this.datasets = this.container.add(new DatasetService(this.store));
    this.derived = new DerivedDatasets(join(dataDir, 'derived'), this.datasets);
    this.views = this.container.add(new ViewService(this.store, this.datasets, this.log));
    const workers = options.workers ?? defaultWorkerCount();
    this.jobs = this.container.add(
      new JobService(
        this.store,
        this.datasets,
        this.events,
        this.log,
        {
          size: workers,
          workerPath: paths.worker,
          graceMs: options.cancelGraceMs ?? 3000,
          threadsPerWorker: intraOpThreads(workers),
        },
        () => this.providerSetting(),
        this.derived,
      ),
    );
    this.figures = this.container.add(new FigureService(this.store, this.log, options.figureBackend ?? systemBrowserBackend, join(dataDir, 'exports')));
    this.notebooks = this.container.add(new NotebookService(this.store, this.jobs, this.figures, this.log));
  }

  static async boot(options: StudioOptions): Promise<Studio> {
    const studio = new Studio(options.dataDir, options);
    await studio.container.boot();
    return studio;
  }

  providerSetting(): ProviderSetting {
    return this.store.settings.get<ProviderSetting>(PROVIDER_KEY, 'auto');
  }

  /** The engine's execution provider as the workers will get it (requested, active, fallback reason). */
  engineInfo(): Promise<ExecutionProviderInfo> {
    return engineInfo({ provider: this.providerSetting(), workers: this.jobs.workers || 1 });
  }

  async setProvider(provider: ProviderSetting): Promise<ExecutionProviderInfo> {
    this.store.settings.set(PROVIDER_KEY, provider);
    const info = await this.engineInfo();
    if (info.fallbackReason) this.log.warn(`engine: ${provider} requested, using ${info.active}: ${info.fallbackReason}`);
    return info;
  }

  info(): AppInfo {
    return {
      name: 'Cajal Studio',
      version: appVersion,
      runtime: process.versions.electron ? 'electron' : 'node',
      nodeVersion: process.versions.node,
      electronVersion: process.versions.electron ?? null,
      platform: process.platform,
      arch: process.arch,
      dataDir: this.dataDir,
      dbPath: this.store.path,
      workers: this.jobs.workers,
    };
  }

  async shutdown(): Promise<void> {
    await this.container.shutdown();
  }
}
