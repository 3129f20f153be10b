/** Intra-op threads per session, so that `workers` engines running at once share the cores without oversubscribing them. */
import { availableParallelism } from 'node:os';

export function intraOpThreads(workers = 1, cores = availableParallelism()): number {
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a positive integer, got ${workers}`);
  return Math.max(1, Math.floor(cores / workers));
}
