/**
 * Derived datasets: a preprocessing run's result array written as .npy into the studio's own
 * folder (`<dataDir>/derived/`, never next to the user's file) and registered as a dataset of the
 * run's project, carrying the rate and the provenance (source dataset, run, parameters). The job
 * system adds the row in the same transaction that completes the run.
 */
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join, relative, isAbsolute } from 'node:path';
import { derivedOf, type DerivedInfo } from '../../shared/domain/derived.js';
import type { Dataset, Run } from '../../shared/domain/project.js';
import type { FileInfo } from '../../shared/domain/recording.js';
import type { AnalysisResult } from '../analyses/types.js';
import { writeNpy } from '../io/npy.js';
import type { NewDataset } from '../store/datasets.js';
import type { DatasetService } from './datasets.js';

export interface PreparedDataset {
  dataset: Omit<NewDataset, 'projectId'>;
  /** Removes the written file (when the transaction that would register it fails). */
  discard(): Promise<void>;
}

export class DerivedDatasets {
  constructor(
    readonly dir: string,
    private readonly datasets: DatasetService,
  ) {}

  /** Writes the result's derived array and describes the dataset to add; nothing is stored yet. */
  async prepare(run: Run, result: AnalysisResult): Promise<PreparedDataset | null> {
    const spec = result.derived;
    if (!spec) return null;
    const array = result.arrays[spec.array];
    if (!array || array.shape.length !== 2) {
      throw new Error(`derived array '${spec.array}' is missing or not 2-D (neurons × frames)`);
    }
    await mkdir(this.dir, { recursive: true });
    const file = join(this.dir, `run-${run.id}-${spec.array.replace(/[^\w.-]/g, '_')}.npy`);
    const partial = `${file}.partial-${process.pid}`;
    try {
      await writeNpy(partial, array);
      await rename(partial, file);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    const discard = () => rm(file, { force: true });
    try {
      const described = await this.datasets.describe({ path: file, name: spec.name, rate: spec.rate });
      const input = run.inputs[0];
      const info: DerivedInfo = {
        ...(described.info as FileInfo),
        notes: [
          `derived by run ${run.id} (${run.analysis}) from ${input ? input.path : 'a removed dataset'}; neurons × frames at ${spec.rate.toPrecision(6)} Hz`,
        ],
        layout: 'neurons-first',
        derived: {
          runId: run.id,
          analysis: run.analysis,
          params: run.params,
          array: spec.array,
          rate: spec.rate,
          start: spec.start,
          source: input ? { datasetId: input.datasetId, path: input.path, object: input.object, hash: input.hash } : null,
          appVersion: run.appVersion,
        },
      };
      return { dataset: { ...described, info }, discard };
    } catch (error) {
      await discard();
      throw error;
    }
  }

  /** Deletes the file behind a removed derived dataset; files outside the studio's folder are never touched. */
  async discard(dataset: Dataset): Promise<void> {
    if (!derivedOf(dataset)) return;
    const rel = relative(this.dir, dataset.path);
    if (rel.startsWith('..') || isAbsolute(rel) || dirname(rel) !== '.') return;
    await rm(dataset.path, { force: true });
  }
}
