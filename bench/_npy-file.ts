/** Benchmark setup: streams a large neurons × frames float32 .npy to disk row by row (never whole in memory). */
import { closeSync, openSync, writeSync } from 'node:fs';
import { npyHeader } from '../main/io/npy.js';

export function writeNpyFile(path: string, neurons: number, frames: number, value: (neuron: number, frame: number) => number): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, npyHeader('float32', [neurons, frames]));
    const row = new Float32Array(frames);
    for (let i = 0; i < neurons; i++) {
      for (let t = 0; t < frames; t++) row[t] = value(i, t);
      writeSync(fd, new Uint8Array(row.buffer));
    }
  } finally {
    closeSync(fd);
  }
}
