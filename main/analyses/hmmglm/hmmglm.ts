/**
 * The `hmm-glm` analysis: a Poisson HMM-GLM with coupling filters (Li et al., ICLR 2024) fitted by
 * log-space EM with Newton or L-BFGS GLM M-steps on the engine, several seeded restarts from the
 * one-state GLM, held-out bits/spike, an optional cross-validated number of states and a
 * circular-shift null for the gain over one state.
 */
import { covariatePaths, hmmGlmParams, type HmmGlmParams } from '../../../shared/analyses/hmm-glm.js';
import type { NdArray } from '../../../shared/domain/ndarray.js';
import { StudioError } from '../../../shared/ipc/contract.js';
import { defineAnalysis } from '../types.js';
import { type Basis, basisMass, columnsPerCovariate, exponentialBasis, raisedCosineBasis } from './basis.js';
import { type Covariates, loadCovariates } from './covariates.js';
import { loadCounts, type SpikeCounts, where } from './data.js';
import { DivergenceError, type HmmGlmFit } from './em.js';
import type { GlmData } from './emission.js';
import { hmmGlmFigures } from './figures.js';
import { logForwardBackward, type Segment, viterbi } from './forwardBackward.js';
import { evaluatorFor, fitOneState, fitStates, gather, meanRates, type ModelSettings, prepare, scoreHeldOut } from './pipeline.js';
import { crossValidateStates, nullGains, nullPValue } from './selection.js';
import { validateCounts } from './validate.js';

/** Newton's packed Hessian pair products (T × P(P+1)/2 doubles) above this many values make L-BFGS the better choice. */
const NEWTON_MAX_PAIR_VALUES = 1.5e7;
const NEWTON_MAX_WEIGHTS = 80;
const RASTER_COLUMNS = 1200;

export function makeBasis(params: HmmGlmParams): Basis {
  if (params.basis === 'exponential') return exponentialBasis(params.basisLength, params.basisDecay);
  if (params.basisCount < 2)
    throw new StudioError('invalid-input', `a raised-cosine basis needs at least 2 functions (basisCount is ${params.basisCount})`);
  if (params.basisLength < 2)
    throw new StudioError(
      'invalid-input',
      `a raised-cosine basis needs a history of at least 2 bins (basisLength is ${params.basisLength})`,
    );
  return raisedCosineBasis(params.basisLength, params.basisCount, params.basis === 'raised-cosine-log');
}

export function chooseSolver(requested: HmmGlmParams['solver'], trainBins: number, p: number): 'newton' | 'lbfgs' {
  if (requested !== 'auto') return requested;
  return p <= NEWTON_MAX_WEIGHTS && (trainBins * p * (p + 1)) / 2 <= NEWTON_MAX_PAIR_VALUES ? 'newton' : 'lbfgs';
}

const f32 = (data: ArrayLike<number>, shape: number[]): NdArray => ({ dtype: 'float32', shape, data: Float32Array.from(data) });

/** Posterior-weighted firing rate of every neuron in every state (spikes/s when the bin width is known, else per bin). */
function stateRates(data: GlmData, gamma: Float64Array, k: number, binSeconds: number | null): Float64Array {
  const { s, m, t, n } = data;
  const spikes = new Float64Array(k * n);
  const bins = new Float64Array(k * n);
  for (let r = 0; r < t; r++) {
    for (let j = 0; j < k; j++) {
      const g = gamma[r * k + j]!;
      for (let i = 0; i < n; i++) {
        spikes[j * n + i] += g * s[r * n + i]! * m[r * n + i]!;
        bins[j * n + i] += g * m[r * n + i]!;
      }
    }
  }
  return spikes.map((v, i) => v / Math.max(bins[i]!, 1e-12) / (binSeconds ?? 1));
}

/** Mean count per bin in ≤ columns time columns (neurons × columns), for the raster figure and view. */
function rasterPreview(counts: SpikeCounts, columns: number): { data: Float32Array; columns: number; binsPerColumn: number } {
  const { s, m, t, n } = counts;
  const c = Math.min(columns, t);
  const out = new Float32Array(n * c);
  const seen = new Float32Array(n * c);
  for (let r = 0; r < t; r++) {
    const col = Math.min(c - 1, Math.floor((r * c) / t));
    for (let i = 0; i < n; i++) {
      out[i * c + col] += s[r * n + i]!;
      seen[i * c + col] += m[r * n + i]!;
    }
  }
  for (let q = 0; q < out.length; q++) out[q] = seen[q]! > 0 ? out[q]! / seen[q]! : NaN;
  return { data: out, columns: c, binsPerColumn: t / c };
}

/** Net coupling of every connection: Σ_j w_j·Σ_l φ_j(l) (K × N × N, target × source). */
function netCoupling(w: Float64Array, k: number, n: number, p: number, basis: Basis): Float64Array {
  const j = basis.count;
  const mass = basisMass(basis);
  const out = new Float64Array(k * n * n);
  for (let s = 0; s < k; s++) {
    for (let i = 0; i < n; i++) {
      for (let m = 0; m < n; m++) {
        let v = 0;
        for (let f = 0; f < j; f++) v += w[(s * n + i) * p + m * j + f]! * mass[f]!;
        out[(s * n + i) * n + m] = v;
      }
    }
  }
  return out;
}

function sign(v: number, threshold: number): number {
  return v > threshold ? 1 : v < -threshold ? -1 : 0;
}

/** Connection types: the one-hot prior's argmax (and each state's types), or the net couplings thresholded. */
function connectionTypes(
  fit: HmmGlmFit,
  coupling: Float64Array,
  n: number,
  threshold: number,
): { overall: Int8Array; perState: Int8Array } {
  const k = fit.k;
  const perState = new Int8Array(k * n * n);
  const overall = new Int8Array(n * n);
  const prior = fit.prior;
  const onehot = prior.config.kind === 'onehot';
  const types = onehot ? prior.typeMaps() : null;
  for (let i = 0; i < n; i++) {
    for (let m = 0; m < n; m++) {
      let mean = 0;
      for (let s = 0; s < k; s++) mean += coupling[(s * n + i) * n + m]! / k;
      const governed = onehot && prior.inPrior(i, m);
      if (governed) {
        const probs = prior.typeProb.subarray((i * n + m) * 3, (i * n + m) * 3 + 3);
        let arg = 0;
        for (let t = 1; t < 3; t++) if (probs[t]! > probs[arg]!) arg = t;
        overall[i * n + m] = arg - 1;
      } else {
        overall[i * n + m] = sign(mean, threshold);
      }
      for (let s = 0; s < k; s++)
        perState[(s * n + i) * n + m] = governed ? types![(s * n + i) * n + m]! : sign(coupling[(s * n + i) * n + m]!, threshold);
    }
  }
  return { overall, perState };
}

/** The covariate block of every state's and neuron's weights (K × N × columns). */
function covariateWeights(w: Float64Array, k: number, n: number, p: number, j: number, columns: number): Float64Array {
  const out = new Float64Array(k * n * columns);
  for (let b = 0; b < k * n; b++) out.set(w.subarray(b * p + n * j, b * p + n * j + columns), b * columns);
  return out;
}

function nested(values: Float64Array, shape: number[]): unknown {
  if (shape.length === 1) return Array.from(values.subarray(0, shape[0]));
  const size = shape.slice(1).reduce((a, b) => a * b, 1);
  return Array.from({ length: shape[0]! }, (_, i) => nested(values.subarray(i * size, (i + 1) * size), shape.slice(1)));
}

function covariatesReport(
  covariates: Covariates,
  standardised: { mean: Float64Array; sd: Float64Array },
  params: HmmGlmParams,
  basis: Basis,
  perState: Float64Array,
  oneState: Float64Array,
  k: number,
  n: number,
  terms: number,
): Record<string, unknown> {
  return {
    names: covariates.names,
    weights: params.covariateWeights,
    history: params.covariateHistory ? { kind: params.basis, length: basis.length, functions: basis.count } : null,
    terms: ['value in the bin', ...Array.from({ length: terms - 1 }, (_, f) => `history basis function ${f}`)],
    standardisation: { over: 'training bins', mean: Array.from(standardised.mean), sd: Array.from(standardised.sd) },
    sources: covariates.sources,
    provenance:
      'sources[].input is the position of the covariate’s file among the run’s inputs (provenance.inputs records its path and content hash)',
    weightLayout:
      'covariateWeights[k, n, c, l]: state k, neuron n, covariate c; l = 0 the covariate in the bin, l ≥ 1 its history through basis function l − 1; per standard deviation of the covariate (mean and sd in standardisation)',
    weightsPerState: nested(perState, [k, n, covariates.c, terms]),
    oneStateWeights: nested(oneState, [n, covariates.c, terms]),
    comparator:
      'the one-state GLM has the same covariates, so the held-out gain over one state measures state switching, not the covariates',
  };
}

function restartSummary(fit: HmmGlmFit, index: number) {
  return {
    restart: index + 1,
    objective: fit.objective,
    logLikelihood: fit.logLikelihood,
    iterations: fit.iterations,
    converged: fit.converged,
    stopReason: fit.stopReason,
    objectiveDecreases: fit.decreases,
    objectivePerIteration: fit.objectiveHistory,
    logLikelihoodPerIteration: fit.logLikelihoodHistory,
  };
}

export const hmmGlm = defineAnalysis({
  id: 'hmm-glm',
  params: hmmGlmParams,
  async fit(input, params, ctx) {
    ctx.progress({ fraction: 0, message: 'reading spike counts' });
    // Inputs from covariateInput on are covariate recordings, not spike sequences.
    const sequences = params.covariateInput ?? input.recordings.length;
    const spikeInput = { ...input, recordings: input.recordings.slice(0, sequences), datasets: input.datasets.slice(0, sequences) };
    const counts = await loadCounts(spikeInput, params);
    for (const note of counts.notes) ctx.log(note);
    const basis = makeBasis(params);
    const covariates = await loadCovariates(input, counts, {
      paths: covariatePaths(params),
      covariateInput: params.covariateInput,
      rate: params.covariateRate,
      layout: params.covariateLayout,
    });
    for (const note of covariates?.notes ?? []) ctx.log(note);
    const covariateSpec = covariates && { covariates, history: params.covariateHistory };
    const termsPerCovariate = columnsPerCovariate({ history: params.covariateHistory ? basis : null });
    const covariateColumns = covariates ? covariates.c * termsPerCovariate : 0;
    validateCounts(counts, basis, params, spikeInput.datasets.map(where), covariateColumns);
    const prep = prepare(counts, basis, params.heldOutFraction, covariateSpec);
    const { n, p } = prep.all;
    const trainRanges = prep.sequences.map(({ start, trainEnd }) => [start, trainEnd] as Segment);
    const trainBins = prep.sequences.reduce((a, s) => a + s.trainEnd - s.start, 0);
    const solver = chooseSolver(params.solver, trainBins, p);
    const settings: ModelSettings = {
      link: params.link,
      solver,
      precision: solver === 'lbfgs' ? 'float32' : 'float64',
      maxIterations: params.maxIterations,
      tolerance: params.tolerance,
      stickiness: params.stickiness,
      transitionConcentration: params.transitionConcentration,
      restarts: params.restarts,
      jitter: params.jitter,
      prior: {
        kind: params.prior,
        selfCoupling: params.selfCoupling,
        l2: params.l2,
        priorScale: params.priorScale,
        typeConcentration: params.typeConcentration,
        n,
        j: basis.count,
        covariates: covariateColumns,
        sharedCovariates: params.covariateWeights === 'shared',
      },
    };
    const engine = await ctx.engine();
    const models = (params.selectStates ? params.folds * params.states : 0) + 2 + 2 * params.surrogates;
    let done = 0;
    const hooks = {
      token: ctx.token,
      onIteration: (what: string, it: number, objective: number) => {
        ctx.token.throwIfCancelled();
        ctx.progress({ fraction: Math.min(0.99, done / models), message: `${what}, iteration ${it}`, objective });
      },
      onModel: () => done++,
    };
    const restartRng = ctx.rng.fork();
    const surrogateRng = ctx.rng.fork();
    try {
      let k = params.states;
      let selection: Awaited<ReturnType<typeof crossValidateStates>> | null = null;
      if (params.selectStates) {
        selection = await crossValidateStates(engine, prep, params.states, params.folds, settings, restartRng.fork(), hooks);
        k = selection.chosen;
        ctx.log(`cross-validation chose ${k} state${k === 1 ? '' : 's'}`);
      }

      const train = gather(prep.all, trainRanges);
      const evaluator = evaluatorFor(engine, train.data, settings);
      const oneState = await fitOneState(evaluator, train.segments, settings, hooks);
      done++;
      const fits = await fitStates(evaluator, train.segments, k, settings, restartRng, hooks, oneState);
      done++;
      const best = fits.best;
      const bestIndex = fits.restarts.indexOf(best);

      const all = evaluatorFor(engine, prep.all, settings);
      const rates = meanRates(prep.all, trainRanges);
      const scored = prep.sequences.map(({ start, trainEnd, end }) => ({ from: start, split: trainEnd, to: end }));
      const heldOne = await scoreHeldOut(all, oneState, scored, rates);
      const heldK = await scoreHeldOut(all, best, scored, rates);
      const gain = heldOne.bitsPerSpike === null || heldK.bitsPerSpike === null ? null : heldK.bitsPerSpike - heldOne.bitsPerSpike;

      ctx.progress({ fraction: done / models, message: 'decoding states' });
      const sequences = prep.sequences.map(({ start, end }) => [start, end] as Segment);
      const logB = await all.emissions(best.w, k);
      const posterior = logForwardBackward(logB, k, best.transition, best.initial, sequences);
      const path = viterbi(logB, k, best.transition, best.initial, sequences);

      let gains: number[] = [];
      let pValue: number | null = null;
      if (params.surrogates > 0 && gain !== null && k > 1) {
        gains = await nullGains(
          engine,
          counts,
          basis,
          params.heldOutFraction,
          covariateSpec,
          k,
          params.surrogates,
          settings,
          surrogateRng,
          {
            ...hooks,
            onSurrogate: () => (done += 2),
          },
        );
        pValue = nullPValue(gain, gains);
      }

      const T = counts.t;
      const coupling = netCoupling(best.w, k, n, p, basis);
      const oneCoupling = netCoupling(oneState.w, 1, n, p, basis);
      const types = connectionTypes(best, coupling, n, params.typeThreshold);
      const raster = rasterPreview(counts, RASTER_COLUMNS);
      const weights = new Float64Array(k * n * n * basis.count);
      const bias = new Float64Array(k * n);
      for (let b = 0; b < k * n; b++) {
        weights.set(best.w.subarray(b * p, b * p + n * basis.count), b * n * basis.count);
        bias[b] = best.w[b * p + p - 1]!;
      }
      const arrays: Record<string, NdArray> = {
        viterbi: { dtype: 'int32', shape: [T], data: path },
        posterior: f32(posterior.gamma, [T, k]),
        weights: f32(weights, [k, n, n, basis.count]),
        coupling: f32(coupling, [k, n, n]),
        bias: f32(bias, [k, n]),
        transition: f32(best.transition, [k, k]),
        initial: f32(best.initial, [k]),
        basis: f32(basis.values, [basis.length, basis.count]),
        rates: f32(stateRates(prep.all, posterior.gamma, k, counts.binSeconds), [k, n]),
        connectionTypes: { dtype: 'int8', shape: [n, n], data: types.overall },
        stateTypes: { dtype: 'int8', shape: [k, n, n], data: types.perState },
        oneStateCoupling: f32(oneCoupling, [n, n]),
        raster: f32(raster.data, [n, raster.columns]),
      };
      const priorReport: Record<string, unknown> = { kind: params.prior };
      if (params.prior === 'gaussian') {
        const mean = new Float64Array(n * n * basis.count);
        for (let i = 0; i < n; i++) mean.set(best.prior.mean.subarray(i * p, i * p + n * basis.count), i * n * basis.count);
        arrays.priorMean = f32(mean, [n, n, basis.count]);
        priorReport.sigma = Math.sqrt(best.prior.sigma2);
      }
      if (params.prior === 'onehot') {
        arrays.typePrior = f32(best.prior.typeProb, [n, n, 3]);
        priorReport.dirichletAlpha = best.prior.alpha;
        priorReport.typeOrder = ['inhibitory', 'none', 'excitatory'];
      }
      if (gains.length > 0) arrays.nullGains = f32(gains, [gains.length]);
      let covariateReport: Record<string, unknown> | null = null;
      if (covariates && prep.covariates) {
        const terms = termsPerCovariate;
        const perState = covariateWeights(best.w, k, n, p, basis.count, covariates.c * terms);
        const perOne = covariateWeights(oneState.w, 1, n, p, basis.count, covariates.c * terms);
        arrays.covariateWeights = f32(perState, [k, n, covariates.c, terms]);
        arrays.oneStateCovariateWeights = f32(perOne, [n, covariates.c, terms]);
        arrays.covariates = f32(prep.covariates.values, [T, covariates.c]);
        covariateReport = covariatesReport(covariates, prep.covariates, params, basis, perState, perOne, k, n, terms);
      }

      const guessed = counts.notes.find((note) => note.includes('orientation guessed'));
      const converged = fits.restarts.filter((f) => f.converged).length;
      const metrics = {
        states: k,
        neurons: n,
        bins: T,
        trainingBins: trainBins,
        heldOutBins: heldK.bins,
        sequences: prep.sequences.length,
        logLikelihood: best.logLikelihood,
        objective: best.objective,
        iterations: best.iterations,
        converged: best.converged,
        stopReason: best.stopReason,
        restartsConverged: `${converged} of ${fits.restarts.length}`,
        heldOutBitsPerSpike: heldK.bitsPerSpike,
        oneStateBitsPerSpike: heldOne.bitsPerSpike,
        gainOverOneState: gain,
        pValue,
        surrogates: gains.length,
        solver,
        covariates: covariates?.c ?? 0,
        layout: guessed ? 'guessed (longer axis = time)' : null,
      };
      const report = {
        model: {
          states: k,
          neurons: n,
          labels: counts.labels,
          bins: T,
          binSeconds: counts.binSeconds,
          sequences: prep.sequences,
          basis: { kind: params.basis, length: basis.length, functions: basis.count },
          link: params.link,
          selfCoupling: params.selfCoupling,
          solver,
          weightLayout: 'weights[k, n, m, j]: state k, target neuron n, source neuron m, basis function j',
        },
        logLikelihoodPerIteration: best.logLikelihoodHistory,
        objectivePerIteration: best.objectiveHistory,
        bestRestart: bestIndex + 1,
        stopReason: best.stopReason,
        restarts: fits.restarts.map(restartSummary),
        oneState: restartSummary(oneState, 0),
        heldOut: {
          fraction: params.heldOutFraction,
          bins: heldK.bins,
          spikes: heldK.spikes,
          logLikelihood: { homogeneous: heldK.homogeneous, oneState: heldOne.logLikelihood, model: heldK.logLikelihood },
          bitsPerSpike: { oneState: heldOne.bitsPerSpike, model: heldK.bitsPerSpike },
          gainOverOneState: gain,
        },
        stateSelection: selection ? { folds: params.folds, candidates: selection.candidates, chosen: selection.chosen } : null,
        nullControl:
          gains.length > 0
            ? {
                surrogates: gains.length,
                method: 'circular shift of every neuron within each sequence',
                observedGain: gain,
                nullGains: gains,
                pValue,
              }
            : {
                surrogates: 0,
                reason: params.surrogates === 0 ? 'no surrogates requested' : k === 1 ? 'one state: no gain to test' : 'no held-out spikes',
              },
        prior: priorReport,
        covariates: covariateReport,
        raster: { columns: raster.columns, binsPerColumn: raster.binsPerColumn },
        monotonicity:
          'EM raises the log posterior (log-likelihood + log prior, up to constants) every iteration; the data log-likelihood alone may fall slightly when a prior term rises more.',
        notes: [...counts.notes, ...(covariates?.notes ?? [])],
      };
      return { metrics, arrays, report };
    } catch (e) {
      if (e instanceof DivergenceError) throw new StudioError('bad-data', `the HMM-GLM diverged: ${e.message}`);
      throw e;
    }
  },
  figures(result, params) {
    return hmmGlmFigures(result, params);
  },
});
