/**
 * Pairwise correlation of a recording's traces (neurons × neurons), optionally with a circular-shift
 * null: each surrogate shifts every neuron's trace by its own random offset, which keeps each
 * trace's autocorrelation and destroys the alignment between neurons. p-values are two-sided,
 * (1 + #{|r_surrogate| ≥ |r|}) / (1 + shuffles), per pair.
 */
import { correlationParams } from '../../../shared/analyses/correlation.js';
import { correlationFigure } from '../../../shared/figures/correlation.js';
import { StudioError } from '../../../shared/ipc/contract.js';
import { tensor, type Engine } from '../../compute/index.js';
import { defineAnalysis } from '../types.js';

/** Rows standardised to zero mean and unit norm (so Z Zᵀ is the correlation); constant rows stay 0. */
export function standardiseRows(x: Float32Array, n: number, t: number): Float64Array {
  const z = new Float64Array(n * t);
  for (let i = 0; i < n; i++) {
    let mean = 0;
    for (let j = 0; j < t; j++) mean += x[i * t + j];
    mean /= t;
    let ss = 0;
    for (let j = 0; j < t; j++) {
      const d = x[i * t + j] - mean;
      z[i * t + j] = d;
      ss += d * d;
    }
    const norm = Math.sqrt(ss);
    for (let j = 0; j < t; j++) z[i * t + j] = norm > 0 ? z[i * t + j] / norm : 0;
  }
  return z;
}

/** Replaces each row by its ranks (average ranks for ties), for Spearman correlation. */
export function rankRows(x: Float32Array, n: number, t: number): Float32Array {
  const out = new Float32Array(n * t);
  const idx = new Uint32Array(t);
  for (let i = 0; i < n; i++) {
    const row = x.subarray(i * t, (i + 1) * t);
    for (let j = 0; j < t; j++) idx[j] = j;
    idx.sort((a, b) => row[a] - row[b]);
    for (let a = 0; a < t;) {
      let b = a;
      while (b + 1 < t && row[idx[b + 1]] === row[idx[a]]) b++;
      const rank = (a + b) / 2 + 1;
      for (let k = a; k <= b; k++) out[i * t + idx[k]] = rank;
      a = b + 1;
    }
  }
  return out;
}

/** C = Z Zᵀ for row-standardised Z, on the engine (float64). */
async function gram(engine: Engine, z: Float64Array, n: number, t: number): Promise<Float64Array> {
  const zt = tensor(z, [n, t]);
  return (await engine.matmul(zt, zt, { transB: true })).data as Float64Array;
}

export const correlation = defineAnalysis({
  id: 'correlation',
  params: correlationParams,
  async fit({ recording }, params, ctx) {
    const { nNeurons: n, nFrames } = recording.meta;
    const end = params.endFrame ?? nFrames;
    if (end > nFrames || params.startFrame >= end) {
      throw new StudioError('invalid-input', `frame window [${params.startFrame}, ${end}) is outside the recording's ${nFrames} frames`);
    }
    const t = end - params.startFrame;
    if (t < 3) throw new StudioError('invalid-input', `a correlation needs at least 3 frames, the window has ${t}`);
    ctx.progress({ fraction: 0, message: 'reading traces' });
    let x = await recording.readTraces([0, n], [params.startFrame, end]);
    for (let i = 0; i < x.length; i++) {
      if (!Number.isFinite(x[i])) {
        throw new StudioError(
          'bad-data',
          `trace of neuron ${Math.floor(i / t)} has a non-finite value at frame ${params.startFrame + (i % t)}`,
        );
      }
    }
    if (params.method === 'spearman') x = rankRows(x, n, t);
    const z = standardiseRows(x, n, t);
    const steps = 1 + params.shuffles;
    const engine = await ctx.engine();
    const r = await gram(engine, z, n, t);
    ctx.progress({ fraction: 1 / steps, message: 'correlation' });

    const arrays: Record<string, { dtype: 'float32'; shape: number[]; data: Float32Array }> = {
      correlation: { dtype: 'float32', shape: [n, n], data: Float32Array.from(r) },
    };
    if (params.shuffles > 0) {
      const exceed = new Uint32Array(n * n);
      const shifted = new Float64Array(n * t);
      for (let s = 0; s < params.shuffles; s++) {
        ctx.token.throwIfCancelled();
        for (let i = 0; i < n; i++) {
          const off = ctx.rng.int(t);
          const row = z.subarray(i * t, (i + 1) * t);
          shifted.set(row.subarray(t - off), i * t);
          shifted.set(row.subarray(0, t - off), i * t + off);
        }
        const rs = await gram(engine, shifted, n, t);
        for (let k = 0; k < n * n; k++) if (Math.abs(rs[k]) >= Math.abs(r[k])) exceed[k]++;
        ctx.progress({ fraction: (s + 2) / steps, message: `surrogate ${s + 1} of ${params.shuffles}` });
      }
      const p = new Float32Array(n * n);
      for (let k = 0; k < n * n; k++) p[k] = (1 + exceed[k]) / (1 + params.shuffles);
      arrays.pValues = { dtype: 'float32', shape: [n, n], data: p };
    }

    let sum = 0;
    let maxOff = -Infinity;
    for (let i = 0; i < n; i++) {
      for (let k = i + 1; k < n; k++) {
        sum += r[i * n + k];
        maxOff = Math.max(maxOff, r[i * n + k]);
      }
    }
    const pairs = (n * (n - 1)) / 2;
    return {
      metrics: {
        neurons: n,
        frames: t,
        method: params.method,
        meanOffDiagonal: pairs > 0 ? sum / pairs : null,
        maxOffDiagonal: pairs > 0 ? maxOff : null,
        shuffles: params.shuffles,
      },
      arrays,
    };
  },
  figures(result, params) {
    return [correlationFigure(result.arrays.correlation, params, result.metrics.frames as number)];
  },
});
