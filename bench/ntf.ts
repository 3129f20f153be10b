/**
 * NTF benchmark: HALS on a 300-neuron connectome tensor (44,850 pairs × 200 windows × 4 recordings,
 * float64, 287 MB) at rank 10 — time per outer iteration on the engine against a straightforward JS
 * implementation of the same iteration in the same run, time to converge, peak RSS — and, when
 * ../shared/data is present, agreement of the zebrafish connectome's communities with the 5 published
 * assemblies (adjusted Rand index and NMI, default parameters).
 * Usage: npm run bench:ntf [-- --json] [-- --quick]
 */
import { existsSync, readFileSync } from 'node:fs';
import { cpus, platform } from 'node:os';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fitNtf, initialLoadings } from '../main/analyses/ntf/cp.js';
import { INNER_MAX_SWEEPS, INNER_TOL } from '../main/analyses/ntf/graphs.js';
import type { Loadings } from '../main/analyses/ntf/init.js';
import { ntfConnectome } from '../main/analyses/ntf/ntf-connectome.js';
import type { FitContext } from '../main/analyses/types.js';
import { type Tensor3, squaredNorm } from '../main/analyses/ntf/tensor3.js';
import { type Engine, createEngine } from '../main/compute/index.js';
import { openRecording } from '../main/io/registry.js';
import { Rng } from '../main/util/rng.js';
import { adjustedRandIndex, nmi, publishedLabels } from '../tests/unit/ntf/agreement.js';

const args = new Set(process.argv.slice(2));
const json = args.has('--json');
const quick = args.has('--quick');
const log = (s: string) => !json && console.log(s);

const NEURONS = quick ? 100 : 300;
const I = (NEURONS * (NEURONS - 1)) / 2;
const J = 200;
const K = 4;
const R = 10;
const JS_ITERATIONS = quick ? 3 : 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const rssMiB = () => process.memoryUsage().rss / 2 ** 20;
const peakMiB = () => process.resourceUsage().maxRSS / 1024;

/** A rank-10 non-negative tensor (sparse pair groups × smooth time bumps × recording weights) plus U(0, 0.02) noise. */
function connectomeTensor(): Tensor3 {
  const rng = new Rng(7);
  const a = new Float64Array(R * I);
  for (let r = 0; r < R; r++) for (let p = 0; p < I; p++) a[r * I + p] = rng.uniform() < 0.05 ? rng.uniform() : 0;
  const b = new Float64Array(R * J);
  for (let r = 0; r < R; r++) {
    const mu = rng.uniform() * J;
    for (let t = 0; t < J; t++) b[r * J + t] = Math.exp(-((t - mu) ** 2) / (2 * 20 ** 2));
  }
  const c = Float64Array.from({ length: R * K }, () => 0.2 + 0.8 * rng.uniform());
  const data = new Float64Array(I * J * K);
  const bc = new Float64Array(R * J * K);
  for (let r = 0; r < R; r++)
    for (let t = 0; t < J; t++) for (let k = 0; k < K; k++) bc[(r * J + t) * K + k] = b[r * J + t]! * c[r * K + k]!;
  for (let p = 0; p < I; p++) {
    const row = data.subarray(p * J * K, (p + 1) * J * K);
    for (let r = 0; r < R; r++) {
      const ar = a[r * I + p]!;
      if (ar === 0) continue;
      for (let q = 0; q < J * K; q++) row[q] += ar * bc[r * J * K + q]!;
    }
    for (let q = 0; q < J * K; q++) row[q] += 0.02 * rng.uniform();
  }
  return { shape: [I, J, K], data };
}

/**
 * The same HALS outer iteration in plain JS loops over typed arrays: MTTKRP per mode, Hadamard of
 * Grams, tensorly's hals_nnls inner loop with the same stopping, the error through the MTTKRP.
 */
function jsHalsIteration(x: Tensor3, loadings: Loadings, normX2: number): number {
  const [nI, nJ, nK] = x.shape;
  const X = x.data;
  const dims = [nI, nJ, nK];
  const gram = (F: Float64Array, n: number) => {
    const g = new Float64Array(R * R);
    for (let r = 0; r < R; r++)
      for (let s = 0; s < R; s++) {
        let v = 0;
        for (let i = 0; i < n; i++) v += F[r * n + i]! * F[s * n + i]!;
        g[r * R + s] = v;
      }
    return g;
  };
  let lastM = new Float64Array(0);
  let lastG = new Float64Array(0);
  for (let mode = 0; mode < 3; mode++) {
    const n = dims[mode]!;
    const [A, B, C] = loadings;
    const M = new Float64Array(R * n);
    for (let i = 0; i < nI; i++) {
      for (let j = 0; j < nJ; j++) {
        for (let k = 0; k < nK; k++) {
          const v = X[(i * nJ + j) * nK + k]!;
          if (mode === 0) for (let r = 0; r < R; r++) M[r * n + i] += v * B[r * nJ + j]! * C[r * nK + k]!;
          else if (mode === 1) for (let r = 0; r < R; r++) M[r * n + j] += v * A[r * nI + i]! * C[r * nK + k]!;
          else for (let r = 0; r < R; r++) M[r * n + k] += v * A[r * nI + i]! * B[r * nJ + j]!;
        }
      }
    }
    const G = new Float64Array(R * R).fill(1);
    for (let m = 0; m < 3; m++) {
      if (m === mode) continue;
      const g = gram(loadings[m]!, dims[m]!);
      for (let q = 0; q < R * R; q++) G[q] *= g[q]!;
    }
    const V = loadings[mode]!;
    let err0 = -1;
    for (let sweep = 0; sweep < INNER_MAX_SWEEPS; sweep++) {
      let delta = 0;
      for (let k = 0; k < R; k++) {
        const gkk = Math.max(G[k * R + k]!, 1e-300);
        for (let i = 0; i < n; i++) {
          let dot = 0;
          for (let s = 0; s < R; s++) dot += G[k * R + s]! * V[s * n + i]!;
          const old = V[k * n + i]!;
          const next = Math.max(0, (M[k * n + i]! - dot + G[k * R + k]! * old) / gkk);
          delta += (next - old) ** 2;
          V[k * n + i] = next;
        }
      }
      if (err0 < 0) err0 = delta;
      if (delta <= INNER_TOL * err0) break;
    }
    lastM = M;
    lastG = G;
  }
  const C = loadings[2];
  let inner = 0;
  for (let q = 0; q < lastM.length; q++) inner += lastM[q]! * C[q]!;
  const gc = gram(C, nK);
  let model = 0;
  for (let q = 0; q < R * R; q++) model += lastG[q]! * gc[q]!;
  return Math.sqrt(Math.abs(normX2 + model - 2 * inner) / normX2);
}

async function zebrafish(engine: Engine): Promise<{ ari: number; nmi: number; cells: number; seconds: number } | { skipped: string }> {
  const dir = resolve(process.cwd(), '../shared/data');
  const csv = resolve(dir, 'zebrafish-tectum/zf_20151104-f1_activity_matrix.csv');
  if (!existsSync(csv)) return { skipped: `${dir} is absent` };
  const recording = await openRecording(csv, { rate: 2.2 });
  const t0 = performance.now();
  const dataset = { path: csv, format: 'csv', object: '', rate: 2.2 };
  const ctx: FitContext = {
    progress: () => {},
    token: { cancelled: false, throwIfCancelled: () => {} },
    rng: new Rng(0),
    log: () => {},
    engine: async () => engine,
  };
  const input = { recording, dataset, recordings: [recording], datasets: [dataset] };
  const result = await ntfConnectome.fit(input, ntfConnectome.params.parse({}), ctx);
  const seconds = (performance.now() - t0) / 1000;
  await recording.close();
  const truth = publishedLabels(readFileSync(resolve(dir, 'zebrafish-tectum/zf_20151104-f1_assembly_assignments.csv'), 'utf8'), 114);
  const found = result.arrays.assembly!.data as Int32Array;
  const cells = Array.from({ length: 114 }, (_, i) => i).filter((i) => truth[i]! >= 0);
  const a = cells.map((i) => truth[i]!);
  const b = cells.map((i) => found[i]!);
  return { ari: adjustedRandIndex(a, b), nmi: nmi(a, b), cells: cells.length, seconds };
}

const engine = await createEngine({ log: (level, message) => log(`[${level}] ${message}`) });
const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  platform: `${platform()} ${process.arch}`,
  node: process.version,
  provider: engine.info.active,
  threads: engine.info.threads,
};
log(`\n${machine.cpu} · ${machine.cores} cores · provider ${machine.provider} · ${machine.threads} intra-op threads`);

const rssBefore = rssMiB();
const x = connectomeTensor();
log(`tensor ${I} × ${J} × ${K} float64 (${((x.data.length * 8) / 2 ** 20).toFixed(0)} MiB), rank ${R}`);

const tInit = performance.now();
const start = await initialLoadings(engine, x, { rank: R, init: 'nndsvda', rng: new Rng(1) });
const initSeconds = (performance.now() - tInit) / 1000;

const stamps: number[] = [];
let tIter = performance.now();
const t0 = performance.now();
const fit = await fitNtf(engine, x, {
  rank: R,
  algorithm: 'hals',
  init: start,
  tol: 1e-7,
  maxIterations: quick ? 30 : 500,
  rng: new Rng(1),
  onIteration: (it, error) => {
    const now = performance.now();
    stamps.push(now - tIter);
    tIter = now;
    if (it % 25 === 0) process.stderr.write(`  iteration ${it}: error ${error.toFixed(6)}, ${(now - t0) / 1000} s\n`);
  },
});
const convergeSeconds = (performance.now() - t0) / 1000;
const enginePeak = peakMiB();
const convergenceIterationMs = median(stamps);
const sweepsPerIteration = fit.innerSweeps / (3 * fit.iterations);

// Head to head on identical work: from the same state, one engine iteration and one JS iteration,
// interleaved so both see the same machine load; the state then advances by the engine's step.
const normX2 = squaredNorm(x.data);
const oneEngineIteration = (state: Loadings) =>
  fitNtf(engine, x, { rank: R, algorithm: 'hals', init: state, tol: 0, maxIterations: 1, rng: new Rng(1) });
await oneEngineIteration(start); // warm-up: sessions are created on first use
let state = start.map((f) => f.slice()) as Loadings;
const engineTimes: number[] = [];
const jsTimes: number[] = [];
let agreement = 0;
for (let it = 0; it < JS_ITERATIONS; it++) {
  let t = performance.now();
  const step = await oneEngineIteration(state);
  engineTimes.push(performance.now() - t);
  const js = state.map((f) => f.slice()) as Loadings;
  t = performance.now();
  const jsError = jsHalsIteration(x, js, normX2);
  jsTimes.push(performance.now() - t);
  agreement = Math.max(agreement, Math.abs(jsError - step.errors[0]!));
  state = step.loadings;
}
const headToHeadEngineMs = median(engineTimes);
const jsIterationMs = median(jsTimes);

const zf = await zebrafish(engine);
await engine.dispose();

const report = {
  machine,
  tensor: { shape: [I, J, K], rank: R, dtype: 'float64', mib: (x.data.length * 8) / 2 ** 20 },
  engine: {
    iterationMs: headToHeadEngineMs,
    medianIterationMsWhileConverging: convergenceIterationMs,
    iterations: fit.iterations,
    converged: fit.converged,
    finalError: fit.errors[fit.errors.length - 1],
    innerSweepsPerModePerIteration: sweepsPerIteration,
    initSeconds,
    convergeSeconds,
    peakRssMiB: enginePeak,
    rssBeforeTensorMiB: rssBefore,
  },
  js: { iterationMs: jsIterationMs, iterations: JS_ITERATIONS, largestErrorDifferenceToEngine: agreement },
  speedup: jsIterationMs / headToHeadEngineMs,
  zebrafish: zf,
};

if (json) {
  console.log(JSON.stringify(report, null, 2));
} else {
  log(
    `\nHALS iteration (median of ${JS_ITERATIONS} identical iterations, interleaved): engine ${headToHeadEngineMs.toFixed(0)} ms, plain JS ${jsIterationMs.toFixed(0)} ms → ${report.speedup.toFixed(1)}× faster`,
  );
  log(
    `  the JS iterations reproduce the engine's errors to ${agreement.toExponential(1)}; ${sweepsPerIteration.toFixed(1)} inner sweeps per mode per iteration`,
  );
  log(
    `converge (tol 1e-7): ${fit.iterations} iterations (median ${convergenceIterationMs.toFixed(0)} ms), ${convergeSeconds.toFixed(1)} s (+ ${initSeconds.toFixed(1)} s NNDSVDa init), final error ${report.engine.finalError!.toFixed(5)}${fit.converged ? '' : ' (not converged)'}`,
  );
  log(
    `peak RSS during the engine fit: ${enginePeak.toFixed(0)} MiB (tensor ${report.tensor.mib.toFixed(0)} MiB; ${rssBefore.toFixed(0)} MiB before it)`,
  );
  if ('skipped' in zf) log(`zebrafish agreement: skipped (${zf.skipped})`);
  else
    log(
      `zebrafish (defaults, ${zf.seconds.toFixed(1)} s): ARI ${zf.ari.toFixed(3)}, NMI ${zf.nmi.toFixed(3)} against the 5 published assemblies over the ${zf.cells} cells in exactly one`,
    );
}
