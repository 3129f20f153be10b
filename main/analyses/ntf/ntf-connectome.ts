/**
 * The dynamic functional connectome analysis: windowed pair affinities → non-negative CP (HALS or
 * multiplicative updates on the engine, seeded restarts, rank sweep) → Louvain communities per
 * component → circular-shift null control with a p-value per component.
 */
import {
  type NtfComponentReport,
  type NtfConnectomeParams,
  type NtfRankReport,
  ntfConnectomeParams,
} from '../../../shared/analyses/ntf-connectome.js';
import type { NdArray } from '../../../shared/domain/ndarray.js';
import type { Engine } from '../../compute/index.js';
import { defineAnalysis, type FitContext } from '../types.js';
import { type AffinitySpec, pairCount, pairIndex } from './affinity.js';
import { type Communities, detectCommunities } from './communities.js';
import { congruence } from './congruence.js';
import { type NormalisedCp, type NtfFit, fitNtf, normalise } from './cp.js';
import { ntfFigures } from './figures.js';
import { type PreparedInput, prepareInput } from './inputs.js';
import { affinityTensor, circularlyShifted } from './tensor-build.js';
import type { Tensor3 } from './tensor3.js';

interface Work {
  total: number;
  done: number;
}

/** Fits one rank `restarts` times (the first from params.init, the rest from random factors) and keeps the lowest final error. */
async function fitRank(
  engine: Engine,
  x: Tensor3,
  rank: number,
  params: NtfConnectomeParams,
  restarts: number,
  ctx: FitContext,
  work: Work,
  label: string,
) {
  const fits: NtfFit[] = [];
  for (let restart = 0; restart < restarts; restart++) {
    const rng = ctx.rng.fork();
    const fit = await fitNtf(engine, x, {
      rank,
      algorithm: params.algorithm,
      init: restart === 0 ? params.init : 'random',
      tol: params.tol,
      maxIterations: params.maxIterations,
      sparsity: [params.sparsityPairs, params.sparsityTime, params.sparsityRecordings],
      fixLast: x.shape[2] === 1,
      rng,
      token: ctx.token,
      onIteration: (it, error) =>
        ctx.progress({
          fraction: (work.done + Math.min(0.95, it / Math.min(params.maxIterations, 200))) / work.total,
          message: `${label}, rank ${rank}${restarts > 1 ? `, restart ${restart + 1} of ${restarts}` : ''}: iteration ${it}, error ${error.toPrecision(4)}`,
          objective: error,
        }),
    });
    fits.push(fit);
    work.done++;
  }
  const finals = fits.map((f) => f.errors[f.errors.length - 1]!);
  const best = finals.indexOf(Math.min(...finals));
  const models = fits.map((f) => normalise(f.loadings, x.shape, rank));
  const modes = x.shape[2] === 1 ? [0, 1] : [0, 1, 2];
  const others = models.filter((_, r) => r !== best).map((m) => congruence(m.factors, models[best]!.factors, rank, modes).score);
  const stability = others.length ? others.reduce((a, b) => a + b, 0) / others.length : null;
  return { fits, finals, best, model: models[best]!, stability };
}

function componentCommunities(model: NormalisedCp, n: number, params: NtfConnectomeParams, ctx: FitContext): Communities[] {
  const P = pairCount(n);
  const random = ctx.rng.fork();
  return Array.from({ length: model.weights.length }, (_, r) =>
    detectCommunities(model.factors[0].subarray(r * P, (r + 1) * P), n, {
      resolution: params.resolution,
      contrast: params.communityContrast,
      random: () => random.uniform(),
    }),
  );
}

/** Loading rows (R × n) as the n × R matrix users expect in .npy files. */
function columns(rows: Float64Array, rank: number): NdArray {
  const n = rows.length / rank;
  const out = new Float64Array(n * rank);
  for (let r = 0; r < rank; r++) for (let i = 0; i < n; i++) out[i * rank + r] = rows[r * n + i]!;
  return { dtype: 'float64', shape: [n, rank], data: out };
}

/**
 * A component's strength in affinity units: the modelled affinity X̂ among its strongest community at
 * its peak window and recording, λ_r · density · max f_t · max f_k (the component's mean pair loading
 * when it has no community). Unlike λ_r alone it is not reached by the diffuse "everyone weakly
 * correlated" component that any data, surrogates included, produce.
 */
function strengthOf(model: NormalisedCp, c: Communities, r: number): number {
  const [pairs, time, recs] = model.factors;
  const P = pairs.length / model.weights.length;
  const W = time.length / model.weights.length;
  const K = recs.length / model.weights.length;
  let mean = 0;
  for (let p = 0; p < P; p++) mean += pairs[r * P + p]!;
  const density = c.density.length ? Math.max(...c.density) : mean / P;
  return model.weights[r]! * density * Math.max(...time.subarray(r * W, (r + 1) * W)) * Math.max(...recs.subarray(r * K, (r + 1) * K));
}

/** (1 + #{null ≥ observed}) / (1 + S). */
function pValue(observed: number, nulls: readonly number[]): number | null {
  if (nulls.length === 0) return null;
  return (1 + nulls.filter((v) => v >= observed).length) / (1 + nulls.length);
}

/** Per neuron, the kept community (over all components) where its weighted strength λ_r·s_r(i) is largest. */
function assemblyLabels(model: NormalisedCp, communities: Communities[], n: number) {
  const index: Array<{ component: number; community: number }> = [];
  const label = new Int32Array(n).fill(-1);
  const best = new Float64Array(n).fill(-Infinity);
  communities.forEach((c, r) =>
    c.communities.forEach((members, k) => {
      const id = index.push({ component: r, community: k }) - 1;
      for (const i of members) {
        const score = model.weights[r]! * c.strength[i]!;
        if (score > best[i]!) {
          best[i] = score;
          label[i] = id;
        }
      }
    }),
  );
  return { index, label };
}

export const ntfConnectome = defineAnalysis({
  id: 'ntf-connectome',
  params: ntfConnectomeParams,
  async fit(input, params, ctx) {
    const prepared: PreparedInput = await prepareInput(input, params);
    const engine = await ctx.engine();
    const spec: AffinitySpec = {
      kind: params.affinity,
      window: params.windowFrames,
      step: params.stepFrames,
      riseThreshold: params.riseThreshold,
    };
    const { n } = prepared;
    const K = prepared.recordings.length;
    const W = prepared.starts.length;
    const work: Work = { total: 1 + prepared.ranks.length * params.restarts + params.surrogates, done: 0 };

    ctx.progress({ fraction: 0, message: `affinities: ${pairCount(n)} pairs × ${W} windows × ${K} recording${K > 1 ? 's' : ''}` });
    const x = await affinityTensor(engine, prepared, spec);
    work.done++;

    const rankReports: NtfRankReport[] = [];
    let main: Awaited<ReturnType<typeof fitRank>> | null = null;
    const t0 = performance.now();
    let fitSeconds = 0;
    for (const rank of prepared.ranks) {
      const t = performance.now();
      const result = await fitRank(engine, x, rank, params, params.restarts, ctx, work, 'fit');
      rankReports.push({ rank, errors: result.finals, stability: result.stability });
      if (rank === params.rank) {
        main = result;
        fitSeconds = (performance.now() - t) / 1000;
      }
    }
    const best = main!;
    const model = best.model;
    const bestFit = best.fits[best.best]!;
    const communities = componentCommunities(model, n, params, ctx);

    // Null control: the same pipeline (affinities, one fit from params.init, Louvain) on shifted traces.
    const nullStrength: number[] = [];
    const nullModularity: number[] = [];
    for (let s = 0; s < params.surrogates; s++) {
      ctx.token.throwIfCancelled();
      const shifted = circularlyShifted(prepared, ctx.rng.fork());
      const xs = await affinityTensor(engine, prepared, spec, shifted);
      const surrogate = await fitRank(engine, xs, params.rank, params, 1, ctx, work, `surrogate ${s + 1} of ${params.surrogates}`);
      const found = componentCommunities(surrogate.model, n, params, ctx);
      nullStrength.push(Math.max(...found.map((c, r) => strengthOf(surrogate.model, c, r))));
      nullModularity.push(Math.max(...found.map((c) => c.modularity)));
    }

    const R = params.rank;
    const components: NtfComponentReport[] = communities.map((c, r) => {
      const time = model.factors[1].subarray(r * W, (r + 1) * W);
      const peak = time.indexOf(Math.max(...time));
      return {
        index: r,
        weight: model.weights[r]!,
        strength: strengthOf(model, c, r),
        pValue: pValue(strengthOf(model, c, r), nullStrength),
        modularity: c.modularity,
        modularityPValue: pValue(c.modularity, nullModularity),
        communities: c.communities,
        communityDensity: c.density,
        peakTime: prepared.windowTimes[peak]!,
      };
    });
    const assemblies = assemblyLabels(model, communities, n);
    const labelsByComponent = new Int32Array(n * R);
    const strengthByComponent = new Float64Array(n * R);
    communities.forEach((c, r) => {
      for (let i = 0; i < n; i++) {
        labelsByComponent[i * R + r] = c.label[i]!;
        strengthByComponent[i * R + r] = c.strength[i]!;
      }
    });

    const arrays: Record<string, NdArray> = {
      pairLoadings: columns(model.factors[0], R),
      timeLoadings: columns(model.factors[1], R),
      recordingLoadings: columns(model.factors[2], R),
      weights: { dtype: 'float64', shape: [R], data: model.weights },
      errors: { dtype: 'float64', shape: [bestFit.errors.length], data: Float64Array.from(bestFit.errors) },
      windowTimes: { dtype: 'float64', shape: [W], data: prepared.windowTimes },
      pairs: { dtype: 'int32', shape: [pairCount(n), 2], data: pairIndex(n) },
      communityLabels: { dtype: 'int32', shape: [n, R], data: labelsByComponent },
      nodeStrength: { dtype: 'float64', shape: [n, R], data: strengthByComponent },
      assembly: { dtype: 'int32', shape: [n], data: assemblies.label },
    };
    if (params.surrogates > 0) {
      arrays.nullStrength = { dtype: 'float64', shape: [params.surrogates], data: Float64Array.from(nullStrength) };
      arrays.nullModularity = { dtype: 'float64', shape: [params.surrogates], data: Float64Array.from(nullModularity) };
    }
    if (prepared.roiCenters) arrays.roiCenters = { dtype: 'float32', shape: [n, 2], data: prepared.roiCenters };

    const finalError = bestFit.errors[bestFit.errors.length - 1]!;
    return {
      metrics: {
        finalError,
        iterations: bestFit.iterations,
        converged: bestFit.converged,
        restarts: params.restarts,
        bestRestart: best.best,
        stability: best.stability,
        fitSeconds,
        totalFitSeconds: (performance.now() - t0) / 1000,
        neurons: n,
        pairs: pairCount(n),
        windows: W,
        recordings: K,
        matching: prepared.matching,
        communities: components.reduce((s, c) => s + c.communities.length, 0),
        significantComponents: params.surrogates > 0 ? components.filter((c) => c.pValue! < 0.05).length : null,
        dtype: 'float64',
      },
      arrays,
      report: {
        components,
        errors: bestFit.errors,
        restarts: best.fits.map((f, r) => ({
          restart: r,
          init: r === 0 ? params.init : 'random',
          finalError: best.finals[r],
          iterations: f.iterations,
          converged: f.converged,
        })),
        rankSweep: rankReports,
        null: params.surrogates > 0 ? { surrogates: params.surrogates, maxStrength: nullStrength, maxModularity: nullModularity } : null,
        assemblies: assemblies.index,
        neuronLabels: prepared.labels,
        recordings: prepared.recordings.map((r) => r.source),
        windows: { starts: prepared.starts, frames: params.windowFrames, step: params.stepFrames },
      },
    };
  },
  figures(result, params) {
    return ntfFigures(result, params);
  },
});
