/** The store: one database, its repositories, one owner (main). */
import type Database from 'better-sqlite3';
import { openDatabase } from './database.js';
import { DatasetRepository } from './datasets.js';
import { FigureExportRepository } from './figure-exports.js';
import { FigureRepository } from './figures.js';
import { NotebookRepository } from './notebooks.js';
import { ProjectRepository } from './projects.js';
import { RunRepository } from './runs.js';
import { SettingsRepository } from './settings.js';

export class Store {
  readonly projects: ProjectRepository;
  readonly datasets: DatasetRepository;
  readonly runs: RunRepository;
  readonly settings: SettingsRepository;
  readonly figures: FigureRepository;
  readonly figureExports: FigureExportRepository;
  readonly notebooks: NotebookRepository;

  private constructor(
    readonly db: Database.Database,
    readonly path: string,
    readonly movedAside: string | null,
  ) {
    this.projects = new ProjectRepository(db);
    this.datasets = new DatasetRepository(db);
    this.runs = new RunRepository(db);
    this.settings = new SettingsRepository(db);
    this.figures = new FigureRepository(db);
    this.figureExports = new FigureExportRepository(db);
    this.notebooks = new NotebookRepository(db);
  }

  static open(path: string): Store {
    const { db, movedAside } = openDatabase(path);
    return new Store(db, path, movedAside);
  }

  /** Runs `fn` in one transaction (nested calls join the outer one). */
  tx<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  close(): void {
    this.db.close();
  }
}
