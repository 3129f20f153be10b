/**
 * Datasets: files added to a project. Adding one reads only what the reader needs to describe it,
 * plus a sampled hash; the file is never written. Listing tells whether a file moved or changed.
 */
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { Dataset, DatasetFileState } from '../../shared/domain/project.js';
import { StudioError } from '../../shared/ipc/contract.js';
import { readerFor } from '../io/registry.js';
import { DataError } from '../io/types.js';
import type { NewDataset } from '../store/datasets.js';
import type { Store } from '../store/store.js';
import { fileStamp, sampledHash } from './file-hash.js';

export interface AddDataset {
  projectId: number;
  path: string;
  object?: string;
  name?: string;
  rate?: number | null;
}

export class DatasetService {
  readonly name = 'datasets';

  constructor(private readonly store: Store) {}

  async add(request: AddDataset): Promise<Dataset> {
    this.store.projects.get(request.projectId);
    const described = await this.describe(request);
    return this.store.datasets.add({ projectId: request.projectId, ...described });
  }

  /** Everything a dataset row needs, read from the file (read-only); nothing is stored yet. */
  async describe(request: Omit<AddDataset, 'projectId'>): Promise<Omit<NewDataset, 'projectId'>> {
    const path = resolve(request.path);
    try {
      await stat(path);
    } catch {
      throw new StudioError('not-found', `${path}: file not found`);
    }
    try {
      const reader = await readerFor(path);
      const info = await reader.inspect(path);
      const object = request.object ?? '';
      if (object && !info.objects.some((o) => o.path === object)) {
        throw new DataError(path, object, `no such object (the file holds: ${info.objects.map((o) => o.path || '(root)').join(', ')})`);
      }
      const stamp = await fileStamp(path);
      const hash = await sampledHash(path);
      return {
        name: request.name ?? basename(path),
        path,
        format: reader.id,
        object,
        size: stamp.size,
        mtimeMs: stamp.mtimeMs,
        hash,
        rate: request.rate ?? null,
        info,
      };
    } catch (error) {
      if (error instanceof DataError) throw new StudioError('bad-data', error.message);
      throw error;
    }
  }

  async fileState(d: Dataset): Promise<DatasetFileState> {
    let stamp;
    try {
      stamp = await fileStamp(d.path);
    } catch {
      return 'missing';
    }
    if (stamp.size === d.size && stamp.mtimeMs === d.mtimeMs) return 'ok';
    // Touched but maybe not edited (copied, synced): only the content decides.
    return (await sampledHash(d.path)) === d.hash ? 'ok' : 'changed';
  }

  async list(projectId: number): Promise<Array<Dataset & { fileState: DatasetFileState }>> {
    this.store.projects.get(projectId);
    const datasets = this.store.datasets.list(projectId);
    return Promise.all(datasets.map(async (d) => ({ ...d, fileState: await this.fileState(d) })));
  }
}
