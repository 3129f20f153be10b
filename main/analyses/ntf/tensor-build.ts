/**
 * The affinity tensor X[pair, window, recording] of prepared recordings, optionally from circularly
 * shifted traces (the null control's surrogates).
 */
import type { Engine } from '../../compute/index.js';
import type { Rng } from '../../util/rng.js';
import { type AffinitySpec, pairCount, windowedAffinities } from './affinity.js';
import type { PreparedInput } from './inputs.js';
import type { Tensor3 } from './tensor3.js';

export async function affinityTensor(
  engine: Engine,
  input: PreparedInput,
  spec: AffinitySpec,
  traces = input.recordings.map((r) => r.traces),
): Promise<Tensor3> {
  const P = pairCount(input.n);
  const W = input.starts.length;
  const K = input.recordings.length;
  const data = new Float64Array(P * W * K);
  for (let k = 0; k < K; k++) {
    const a = await windowedAffinities(engine, traces[k]!, input.n, input.recordings[k]!.frames, input.starts, spec);
    for (let q = 0; q < P * W; q++) data[q * K + k] = a[q]!;
  }
  return { shape: [P, W, K], data };
}

/**
 * Each neuron's whole trace rotated by its own uniform offset in [0, frames), independently per
 * recording; one offset serves every window, so within-neuron dynamics are kept and only the
 * alignment between neurons is destroyed.
 */
export function circularlyShifted(input: PreparedInput, rng: Rng): Float32Array[] {
  return input.recordings.map(({ traces, frames }) => {
    const out = new Float32Array(traces.length);
    for (let i = 0; i < input.n; i++) {
      const row = traces.subarray(i * frames, (i + 1) * frames);
      const off = rng.int(frames);
      out.set(row.subarray(frames - off), i * frames);
      out.set(row.subarray(0, frames - off), i * frames + off);
    }
    return out;
  });
}
