/**
 * HMM inference over T × K emission log-likelihoods: forward–backward in log space (log-sum-exp)
 * and with per-step scaling (Rabiner), Viterbi, and the forward log-likelihood alone. O(T·K²) glue
 * in JS: K is a handful of states, and the T × K emissions come from the engine.
 *
 * Sequences are given as [start, end) row ranges; the chain restarts from `initial` at each start.
 */

export type Segment = readonly [start: number, end: number];

export interface Posteriors {
  /** T × K state posteriors, row-major. */
  gamma: Float64Array;
  /** K × K expected transition counts Σ_t ξ_t(i, j), over all segments. */
  xi: Float64Array;
  /** log p(y) summed over segments. */
  logLikelihood: number;
}

function logsumexp(v: Float64Array | number[], k: number): number {
  let m = -Infinity;
  for (let i = 0; i < k; i++) if (v[i]! > m) m = v[i]!;
  if (m === -Infinity) return -Infinity;
  let s = 0;
  for (let i = 0; i < k; i++) s += Math.exp(v[i]! - m);
  return m + Math.log(s);
}

function logOf(p: Float64Array): Float64Array {
  return p.map(Math.log);
}

/**
 * Log-space forward–backward: log-sum-exp at every step, with α and β kept normalised in log space
 * (the per-step log normalisers sum to log p(y)), so rounding does not grow with the magnitude of
 * the accumulated log-likelihood over long sequences.
 */
export function logForwardBackward(
  logB: Float64Array,
  k: number,
  transition: Float64Array,
  initial: Float64Array,
  segments: readonly Segment[],
): Posteriors {
  const t = logB.length / k;
  const logP = logOf(transition);
  const logPi = logOf(initial);
  const alpha = new Float64Array(t * k);
  const beta = new Float64Array(t * k);
  const logC = new Float64Array(t);
  const gamma = new Float64Array(t * k);
  const xi = new Float64Array(k * k);
  const tmp = new Float64Array(k);
  let total = 0;
  for (const [a, b] of segments) {
    if (b <= a) continue;
    for (let r = a; r < b; r++) {
      const row = r * k;
      for (let j = 0; j < k; j++) {
        if (r === a) alpha[row + j] = logPi[j]! + logB[row + j]!;
        else {
          for (let i = 0; i < k; i++) tmp[i] = alpha[row - k + i]! + logP[i * k + j]!;
          alpha[row + j] = logsumexp(tmp, k) + logB[row + j]!;
        }
      }
      for (let j = 0; j < k; j++) tmp[j] = alpha[row + j]!;
      const c = logsumexp(tmp, k);
      logC[r] = c;
      total += c;
      for (let j = 0; j < k; j++) alpha[row + j] -= c;
    }
    for (let j = 0; j < k; j++) beta[(b - 1) * k + j] = 0;
    for (let r = b - 2; r >= a; r--) {
      const next = (r + 1) * k;
      for (let i = 0; i < k; i++) {
        for (let j = 0; j < k; j++) tmp[j] = logP[i * k + j]! + logB[next + j]! + beta[next + j]!;
        beta[r * k + i] = logsumexp(tmp, k) - logC[r + 1]!;
      }
    }
    for (let r = a; r < b; r++) {
      for (let j = 0; j < k; j++) gamma[r * k + j] = Math.exp(alpha[r * k + j]! + beta[r * k + j]!);
    }
    for (let r = a; r + 1 < b; r++) {
      const next = (r + 1) * k;
      for (let j = 0; j < k; j++) tmp[j] = logB[next + j]! + beta[next + j]! - logC[r + 1]!;
      for (let i = 0; i < k; i++) {
        const ai = alpha[r * k + i]!;
        for (let j = 0; j < k; j++) xi[i * k + j] += Math.exp(ai + logP[i * k + j]! + tmp[j]!);
      }
    }
  }
  return { gamma, xi, logLikelihood: total };
}

/**
 * Scaled forward–backward: emissions are exponentiated after subtracting each row's maximum, and
 * α is renormalised at every step; log p(y) = Σ log c_t + Σ max_t.
 */
export function scaledForwardBackward(
  logB: Float64Array,
  k: number,
  transition: Float64Array,
  initial: Float64Array,
  segments: readonly Segment[],
): Posteriors {
  const t = logB.length / k;
  const B = new Float64Array(t * k);
  const rowMax = new Float64Array(t);
  for (let r = 0; r < t; r++) {
    let m = -Infinity;
    for (let j = 0; j < k; j++) m = Math.max(m, logB[r * k + j]!);
    rowMax[r] = m;
    for (let j = 0; j < k; j++) B[r * k + j] = Math.exp(logB[r * k + j]! - m);
  }
  const alpha = new Float64Array(t * k);
  const beta = new Float64Array(t * k);
  const scale = new Float64Array(t);
  const gamma = new Float64Array(t * k);
  const xi = new Float64Array(k * k);
  let total = 0;
  for (const [a, b] of segments) {
    if (b <= a) continue;
    for (let r = a; r < b; r++) {
      let c = 0;
      for (let j = 0; j < k; j++) {
        let s = 0;
        if (r === a) s = initial[j]!;
        else for (let i = 0; i < k; i++) s += alpha[(r - 1) * k + i]! * transition[i * k + j]!;
        alpha[r * k + j] = s * B[r * k + j]!;
        c += alpha[r * k + j]!;
      }
      scale[r] = c;
      for (let j = 0; j < k; j++) alpha[r * k + j] /= c;
      total += Math.log(c) + rowMax[r]!;
    }
    for (let j = 0; j < k; j++) beta[(b - 1) * k + j] = 1;
    for (let r = b - 2; r >= a; r--) {
      for (let i = 0; i < k; i++) {
        let s = 0;
        for (let j = 0; j < k; j++) s += transition[i * k + j]! * B[(r + 1) * k + j]! * beta[(r + 1) * k + j]!;
        beta[r * k + i] = s / scale[r + 1]!;
      }
    }
    for (let r = a; r < b; r++) for (let j = 0; j < k; j++) gamma[r * k + j] = alpha[r * k + j]! * beta[r * k + j]!;
    for (let r = a; r + 1 < b; r++) {
      for (let i = 0; i < k; i++) {
        for (let j = 0; j < k; j++) {
          xi[i * k + j] += (alpha[r * k + i]! * transition[i * k + j]! * B[(r + 1) * k + j]! * beta[(r + 1) * k + j]!) / scale[r + 1]!;
        }
      }
    }
  }
  return { gamma, xi, logLikelihood: total };
}

/** log p(y) per segment by the log-space forward pass alone (held-out scoring). */
export function forwardLogLikelihoods(
  logB: Float64Array,
  k: number,
  transition: Float64Array,
  initial: Float64Array,
  segments: readonly Segment[],
): number[] {
  const logP = logOf(transition);
  const logPi = logOf(initial);
  const prev = new Float64Array(k);
  const next = new Float64Array(k);
  const tmp = new Float64Array(k);
  return segments.map(([a, b]) => {
    if (b <= a) return 0;
    for (let j = 0; j < k; j++) prev[j] = logPi[j]! + logB[a * k + j]!;
    for (let r = a + 1; r < b; r++) {
      for (let j = 0; j < k; j++) {
        for (let i = 0; i < k; i++) tmp[i] = prev[i]! + logP[i * k + j]!;
        next[j] = logsumexp(tmp, k) + logB[r * k + j]!;
      }
      prev.set(next);
    }
    return logsumexp(prev, k);
  });
}

/** The most probable state path (log-space Viterbi); ties go to the lower state index. */
export function viterbi(
  logB: Float64Array,
  k: number,
  transition: Float64Array,
  initial: Float64Array,
  segments: readonly Segment[],
): Int32Array {
  const t = logB.length / k;
  const logP = logOf(transition);
  const logPi = logOf(initial);
  const path = new Int32Array(t);
  const delta = new Float64Array(t * k);
  const back = new Int32Array(t * k);
  for (const [a, b] of segments) {
    if (b <= a) continue;
    for (let j = 0; j < k; j++) delta[a * k + j] = logPi[j]! + logB[a * k + j]!;
    for (let r = a + 1; r < b; r++) {
      for (let j = 0; j < k; j++) {
        let best = -Infinity;
        let arg = 0;
        for (let i = 0; i < k; i++) {
          const v = delta[(r - 1) * k + i]! + logP[i * k + j]!;
          if (v > best) {
            best = v;
            arg = i;
          }
        }
        delta[r * k + j] = best + logB[r * k + j]!;
        back[r * k + j] = arg;
      }
    }
    let best = -Infinity;
    let state = 0;
    for (let j = 0; j < k; j++) {
      if (delta[(b - 1) * k + j]! > best) {
        best = delta[(b - 1) * k + j]!;
        state = j;
      }
    }
    path[b - 1] = state;
    for (let r = b - 1; r > a; r--) path[r - 1] = state = back[r * k + state]!;
  }
  return path;
}
