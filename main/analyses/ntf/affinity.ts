/**
 * The affinity stage: per sliding window, a symmetric non-negative affinity between every pair of
 * neurons, laid out over unordered pairs (i < j, row-major: (0,1), (0,2) … (1,2) …, as scipy's
 * squareform) × windows. Both affinities are cosines of per-window row vectors, so one batched Gram
 * matrix on the engine computes a whole chunk of windows:
 *   pearson       a_ij = max(0, r_ij): rows centred and scaled to unit norm within the window;
 *   coactivation  a_ij = ⟨s_i, s_j⟩/(‖s_i‖‖s_j‖), s_i(t) = d_i(t) where the increase d_i(t) = x_i(t+1) − x_i(t)
 *                 exceeds threshold × 1.4826·MAD(d_i) over the whole trace, else 0 (rows scaled, not centred).
 * A row that is constant (pearson) or has no rise (coactivation) in a window has affinity 0 there.
 */
import type { Engine } from '../../compute/index.js';
import { tensor } from '../../compute/index.js';

export type AffinityKind = 'pearson' | 'coactivation';

export interface AffinitySpec {
  kind: AffinityKind;
  window: number;
  step: number;
  riseThreshold: number;
}

const CHUNK_ENTRIES = 8_000_000;

/** Starts of the windows [s, s + window) that fit in the recording. */
export function windowStarts(frames: number, window: number, step: number): number[] {
  const starts: number[] = [];
  for (let s = 0; s + window <= frames; s += step) starts.push(s);
  return starts;
}

export function pairCount(n: number): number {
  return (n * (n - 1)) / 2;
}

/** (i, j) of each pair index, i < j. */
export function pairIndex(n: number): Int32Array {
  const out = new Int32Array(pairCount(n) * 2);
  let p = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++, p++) {
      out[2 * p] = i;
      out[2 * p + 1] = j;
    }
  }
  return out;
}

function median(values: Float64Array): number {
  const s = Float64Array.from(values).sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Rising phases: increases above threshold × robust SD of the increases, else 0 (n × (frames − 1)). */
export function risingPhases(traces: Float32Array, n: number, frames: number, threshold: number): Float64Array {
  const L = frames - 1;
  const out = new Float64Array(n * L);
  const d = new Float64Array(L);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < L; t++) d[t] = traces[i * frames + t + 1]! - traces[i * frames + t]!;
    const med = median(d);
    const sd = 1.4826 * median(d.map((v) => Math.abs(v - med)));
    const cut = Math.max(threshold * sd, 0);
    for (let t = 0; t < L; t++) out[i * L + t] = d[t]! > cut ? d[t]! : 0;
  }
  return out;
}

/**
 * Affinities of one recording: pairs × windows, float64, row-major. `traces` is n × frames.
 * Pearson values are clipped to [0, 1] (a cosine can exceed 1 by rounding).
 */
export async function windowedAffinities(
  engine: Engine,
  traces: Float32Array,
  n: number,
  frames: number,
  starts: readonly number[],
  spec: AffinitySpec,
): Promise<Float64Array> {
  const coact = spec.kind === 'coactivation';
  const source = coact ? risingPhases(traces, n, frames, spec.riseThreshold) : Float64Array.from(traces);
  const stride = coact ? frames - 1 : frames;
  const L = coact ? spec.window - 1 : spec.window;
  const W = starts.length;
  const P = pairCount(n);
  const out = new Float64Array(P * W);
  const perChunk = Math.max(1, Math.floor(CHUNK_ENTRIES / (n * L)));
  for (let w0 = 0; w0 < W; w0 += perChunk) {
    const c = Math.min(W, w0 + perChunk) - w0;
    const z = new Float64Array(c * n * L);
    for (let w = 0; w < c; w++) {
      const s = starts[w0 + w]!;
      for (let i = 0; i < n; i++) {
        const row = z.subarray((w * n + i) * L, (w * n + i + 1) * L);
        row.set(source.subarray(i * stride + s, i * stride + s + L));
        let mean = 0;
        if (!coact) {
          for (let t = 0; t < L; t++) mean += row[t]!;
          mean /= L;
        }
        let ss = 0;
        for (let t = 0; t < L; t++) {
          row[t] = row[t]! - mean;
          ss += row[t]! * row[t]!;
        }
        // A constant row leaves only rounding residue after centring; it must stay zero, not become a random direction.
        const norm = Math.sqrt(ss);
        const scale = norm > 1e-10 * Math.abs(mean) * Math.sqrt(L) && norm > 0 ? 1 / norm : 0;
        for (let t = 0; t < L; t++) row[t] = row[t]! * scale;
      }
    }
    const zt = tensor(z, [c, n, L]);
    const gram = (await engine.matmul(zt, zt, { transB: true })).data;
    for (let w = 0; w < c; w++) {
      let p = 0;
      const base = w * n * n;
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++, p++) out[p * W + w0 + w] = Math.min(1, Math.max(0, gram[base + i * n + j]!));
      }
    }
  }
  return out;
}
