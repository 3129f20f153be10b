/**
 * Preprocessing math on neurons × frames float32 blocks (row-major), pure: ΔF/F against a
 * sliding-percentile baseline, z-scoring, neuropil subtraction. The job system wraps these as analyses.
 */

function checkBlock(data: Float32Array, nNeurons: number, nFrames: number): void {
  if (data.length !== nNeurons * nFrames) throw new RangeError(`block holds ${data.length} values, expected ${nNeurons} × ${nFrames}`);
}

/** Percentile (0–100) of sorted values, linearly interpolated as numpy.percentile does by default. */
function percentileOfSorted(sorted: Float64Array, n: number, q: number): number {
  if (n === 0) return NaN;
  const pos = (q / 100) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** First index in sorted[0, n) whose value is ≥ v. */
function lowerBound(sorted: Float64Array, n: number, v: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The running percentile of one trace over a centred window of `window` frames
 * ([t − ⌊w/2⌋, t + ⌈w/2⌉), clipped at the ends); NaN values are left out of the window.
 */
export function slidingPercentile(trace: ArrayLike<number>, window: number, percentile: number): Float32Array {
  if (!(window >= 1) || !(percentile >= 0 && percentile <= 100)) throw new RangeError(`window ${window} must be ≥ 1 and percentile ${percentile} within 0–100`);
  const T = trace.length;
  const w = Math.min(Math.floor(window), T);
  const before = Math.floor(w / 2);
  const after = w - before;
  const sorted = new Float64Array(w + 1);
  let n = 0;
  const insert = (v: number) => {
    if (v !== v) return;
    const at = lowerBound(sorted, n, v);
    sorted.copyWithin(at + 1, at, n);
    sorted[at] = v;
    n++;
  };
  const remove = (v: number) => {
    if (v !== v) return;
    const at = lowerBound(sorted, n, v);
    sorted.copyWithin(at, at + 1, n);
    n--;
  };
  const out = new Float32Array(T);
  let lo = 0;
  let hi = 0;
  for (let t = 0; t < T; t++) {
    const a = Math.max(0, t - before);
    const b = Math.min(T, t + after);
    while (hi < b) insert(trace[hi++]);
    while (lo < a) remove(trace[lo++]);
    out[t] = percentileOfSorted(sorted, n, percentile);
  }
  return out;
}

export interface DffParams {
  /** Baseline window in frames. */
  window: number;
  /** Baseline percentile, 0–100 (e.g. 8 or 10). */
  percentile: number;
}

/** ΔF/F = (F − F0) / F0 with F0 the sliding percentile; NaN where F0 is 0. */
export function deltaFOverF(data: Float32Array, nNeurons: number, nFrames: number, params: DffParams): Float32Array {
  checkBlock(data, nNeurons, nFrames);
  const out = new Float32Array(data.length);
  for (let i = 0; i < nNeurons; i++) {
    const row = data.subarray(i * nFrames, (i + 1) * nFrames);
    const f0 = slidingPercentile(row, params.window, params.percentile);
    for (let t = 0; t < nFrames; t++) out[i * nFrames + t] = f0[t] === 0 ? NaN : (row[t] - f0[t]) / f0[t];
  }
  return out;
}

/** Per neuron (x − mean) / std (population std, NaN values ignored); a constant trace becomes 0. */
export function zScore(data: Float32Array, nNeurons: number, nFrames: number): Float32Array {
  checkBlock(data, nNeurons, nFrames);
  const out = new Float32Array(data.length);
  for (let i = 0; i < nNeurons; i++) {
    const o = i * nFrames;
    let sum = 0;
    let n = 0;
    for (let t = 0; t < nFrames; t++) {
      const v = data[o + t];
      if (v === v) {
        sum += v;
        n++;
      }
    }
    const mean = n ? sum / n : NaN;
    let ss = 0;
    for (let t = 0; t < nFrames; t++) {
      const v = data[o + t];
      if (v === v) ss += (v - mean) * (v - mean);
    }
    const sd = n ? Math.sqrt(ss / n) : NaN;
    for (let t = 0; t < nFrames; t++) out[o + t] = sd > 0 ? (data[o + t] - mean) / sd : data[o + t] === data[o + t] ? 0 : NaN;
  }
  return out;
}

/** F − r·Fneu (Suite2p uses r = 0.7). */
export function subtractNeuropil(f: Float32Array, fneu: Float32Array, r: number): Float32Array {
  if (f.length !== fneu.length) throw new RangeError(`F has ${f.length} values, Fneu ${fneu.length}`);
  const out = new Float32Array(f.length);
  for (let k = 0; k < f.length; k++) out[k] = f[k] - r * fneu[k];
  return out;
}
