/**
 * Derived datasets (a preprocessing run's result, written by the studio into its own folder): what
 * their `info` holds besides the file's description, read by main (to open them the right way
 * round) and by the Data tab (to show where they came from).
 */
import type { Dataset } from './project.js';
import type { FileInfo } from './recording.js';

export interface DerivedProvenance {
  runId: number;
  analysis: string;
  params: Record<string, unknown>;
  /** Name of the run's array the file holds. */
  array: string;
  rate: number;
  /** Time of the first frame in the source, seconds (the .npy keeps only the rate). */
  start: number;
  source: { datasetId: number; path: string; object: string; hash: string } | null;
  appVersion: string;
}

export interface DerivedInfo extends FileInfo {
  /** Derived arrays are written neurons × frames whatever their shape: the reader must not guess. */
  layout: 'neurons-first';
  derived: DerivedProvenance;
}

export function derivedOf(d: Pick<Dataset, 'info'>): DerivedProvenance | undefined {
  return (d.info as Partial<DerivedInfo> | null)?.derived;
}

/** Orientation a dataset states (derived datasets do), for opening it. */
export function statedLayout(d: Pick<Dataset, 'info'>): 'neurons-first' | 'time-first' | undefined {
  const layout = (d.info as Partial<DerivedInfo> | null)?.layout;
  return layout === 'neurons-first' || layout === 'time-first' ? layout : undefined;
}
