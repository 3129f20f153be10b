/** Helpers every reader shares to build a `Recording`. */
import type { RecordingMeta } from '../../shared/domain/recording.js';
import { DataError, type Range, type Recording } from './types.js';

/** Throws a DataError unless [start, end) lies within 0..n. */
export function checkRange(file: string, object: string, r: Range, n: number, what: string): void {
  if (!Number.isInteger(r[0]) || !Number.isInteger(r[1]) || r[0] < 0 || r[1] > n || r[0] > r[1]) {
    throw new DataError(file, object, `${what} range [${r[0]}, ${r[1]}) is outside 0..${n}`);
  }
}

/** Copies rows [n0, n1) × columns [t0, t1) out of a row-major neurons × frames matrix. */
export function sliceRows(data: ArrayLike<number>, cols: number, neurons: Range, frames: Range): Float32Array {
  const n = neurons[1] - neurons[0];
  const t = frames[1] - frames[0];
  const out = new Float32Array(n * t);
  for (let i = 0; i < n; i++) {
    const row = (neurons[0] + i) * cols + frames[0];
    for (let j = 0; j < t; j++) out[i * t + j] = data[row + j];
  }
  return out;
}

/**
 * A recording over a matrix already in memory (CSV, MATLAB v5, deflated .npz members): `data` is
 * rows × cols row-major, rows are neurons unless `timeFirst`.
 */
export function memoryRecording(meta: RecordingMeta, data: ArrayLike<number>, timeFirst: boolean, extra: Partial<Recording> = {}): Recording {
  const { nNeurons, nFrames, source } = meta;
  return {
    meta,
    layout: 'neurons-first',
    async readTraces(neurons, frames) {
      checkRange(source.path, source.object, neurons, nNeurons, 'neuron');
      checkRange(source.path, source.object, frames, nFrames, 'frame');
      if (!timeFirst) return sliceRows(data, nFrames, neurons, frames);
      const n = neurons[1] - neurons[0];
      const t = frames[1] - frames[0];
      const out = new Float32Array(n * t);
      for (let j = 0; j < t; j++) {
        const row = (frames[0] + j) * nNeurons + neurons[0];
        for (let i = 0; i < n; i++) out[i * t + j] = data[row + i];
      }
      return out;
    },
    async close() {},
    ...extra,
  };
}
