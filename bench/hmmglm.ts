/**
 * HMM-GLM benchmark: seconds per EM iteration for 100 neurons × 100,000 bins, 3 states, exponential
 * basis of 5 bins, with the dense work on the engine against the same EM (same solver, same
 * forward–backward) whose GLM evaluations are plain JS loops, in the same run.
 * Usage: npm run bench:hmmglm [-- --json] [-- --quick]
 * An EM iteration = E-step (forward–backward on the T × K emissions) + M-step (transitions, GLM
 * weights by the solver the analysis picks for this size, hyperparameters). Engine figures are
 * medians over several iterations after a warm-up (the first also evaluates the Hessian diagonal
 * that scales L-BFGS); the JS figure is that first iteration (it is slow), so it is a little dearer.
 */
import { cpus, platform } from 'node:os';
import { performance } from 'node:perf_hooks';
import { exponentialBasis } from '../main/analyses/hmmglm/basis.js';
import { fitEm, jitteredStart, stickyTransition } from '../main/analyses/hmmglm/em.js';
import { type EvalMode, type Evaluation, GlmEvaluator } from '../main/analyses/hmmglm/emission.js';
import { logForwardBackward } from '../main/analyses/hmmglm/forwardBackward.js';
import { chooseSolver } from '../main/analyses/hmmglm/hmmglm.js';
import { evaluatorFor, fitOneState, type ModelSettings, prepare } from '../main/analyses/hmmglm/pipeline.js';
import { PriorModel } from '../main/analyses/hmmglm/priors.js';
import { createEngine } from '../main/compute/engine.js';
import { Rng } from '../main/util/rng.js';
import { randomTruth, simulate } from '../tests/unit/hmmglm/simulate.js';

const args = new Set(process.argv.slice(2));
const json = args.has('--json');
const quick = args.has('--quick');
const say = (s: string) => !json && console.log(s);

const N = 100;
const T = quick ? 20_000 : 100_000;
const K = 3;
const L = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The GLM evaluations as straightforward loops over bins, states, neurons and weights. */
class JsEvaluator extends GlmEvaluator {
  override async evaluate(w: Float64Array, k: number, mode: EvalMode, gamma?: Float64Array): Promise<Evaluation> {
    this.evaluations++;
    const { x, s, m, logFact, t, n, p } = this.data;
    const logB = new Float64Array(t * k);
    const out: Evaluation = { logB };
    const full = mode !== 'value';
    if (full) {
      out.obj = new Float64Array(k * n);
      out.grad = new Float64Array(k * n * p);
      if (mode === 'diagonal') out.hdiag = new Float64Array(k * n * p);
    }
    for (let r = 0; r < t; r++) {
      const xr = x.subarray(r * p, (r + 1) * p);
      for (let q = 0; q < k; q++) {
        let ll = -logFact[r]!;
        const g = full ? gamma![r * k + q]! : 0;
        for (let i = 0; i < n; i++) {
          if (!m[r * n + i]) continue;
          const b = q * n + i;
          const wb = w.subarray(b * p, (b + 1) * p);
          let z = 0;
          for (let c = 0; c < p; c++) z += xr[c]! * wb[c]!;
          const rate = Math.exp(z);
          const ell = s[r * n + i]! * z - rate;
          ll += ell;
          if (!full) continue;
          out.obj![b] += g * ell;
          const d1 = g * (s[r * n + i]! - rate);
          const grad = out.grad!.subarray(b * p, (b + 1) * p);
          for (let c = 0; c < p; c++) grad[c] += d1 * xr[c]!;
          if (out.hdiag) {
            const hd = out.hdiag.subarray(b * p, (b + 1) * p);
            const d2 = g * rate;
            for (let c = 0; c < p; c++) hd[c] += d2 * xr[c]! * xr[c]!;
          }
        }
        logB[r * k + q] = ll;
      }
    }
    return out;
  }
}

const engine = await createEngine({ log: (level, message) => say(`[${level}] ${message}`) });
const basis = exponentialBasis(L, 1);
// Sparse, weak couplings keep a 100-neuron exp-link network from running away.
const truth = randomTruth(N, K, 1, { density: 0.05, stay: 0.995, rates: [0.05, 0.3] });
truth.weights.forEach((v, i) => (truth.weights[i] = v * 0.4));
let t0 = performance.now();
const sim = simulate(truth, basis, T, 1);
const simulateS = (performance.now() - t0) / 1000;
const m = new Float64Array(T * N).fill(1);
t0 = performance.now();
// Every bin trains here: the benchmark times iterations, not held-out scores.
const prep = prepare({ s: sim.s, m, t: T, n: N, starts: [0], binSeconds: 0.01, labels: [], notes: [] }, basis, 0.05);
const data = { data: prep.all, segments: [[0, T]] as Array<[number, number]> };
const designS = (performance.now() - t0) / 1000;
const p = data.data.p;
const solver = chooseSolver('auto', T, p);
const settings: ModelSettings = {
  link: 'exp',
  solver,
  precision: solver === 'lbfgs' ? 'float32' : 'float64',
  maxIterations: 100,
  tolerance: 1e-9,
  stickiness: 10,
  transitionConcentration: 1,
  restarts: 1,
  jitter: 0.1,
  prior: { kind: 'none', selfCoupling: 'free', l2: 0.01, priorScale: 0.33, typeConcentration: 4, n: N, j: 1 },
};

say(`simulated ${N} neurons × ${T} bins in ${simulateS.toFixed(1)} s, design in ${designS.toFixed(2)} s; solver ${solver}`);
const engineEval = evaluatorFor(engine, data.data, settings);
t0 = performance.now();
const oneState = await fitOneState(engineEval, data.segments, { ...settings, maxIterations: 3 });
say(`one-state GLM start: ${((performance.now() - t0) / 1000).toFixed(1)} s`);

async function iterationTimes(evaluator: GlmEvaluator, iterations: number): Promise<{ seconds: number[]; evaluations: number[] }> {
  const prior = new PriorModel({ ...settings.prior, k: K });
  const w = jitteredStart(oneState.w, K, N, p, settings.jitter, new Rng(3), prior);
  prior.initialise(w);
  const seconds: number[] = [];
  const evaluations: number[] = [];
  let last = performance.now();
  let lastEvals = evaluator.evaluations;
  await fitEm(
    evaluator,
    data.segments,
    { w, transition: stickyTransition(K), initial: new Float64Array(K).fill(1 / K), prior },
    {
      ...settings,
      k: K,
      maxIterations: iterations,
      prior: settings.prior,
      onIteration: (it) => {
        const now = performance.now();
        // Iteration 0 is the initial E-step alone; each later call closes one M-step + E-step.
        if (it > 0) {
          seconds.push((now - last) / 1000);
          evaluations.push(evaluator.evaluations - lastEvals);
        }
        last = now;
        lastEvals = evaluator.evaluations;
      },
    },
  );
  return { seconds, evaluations };
}

const engineRuns = await iterationTimes(engineEval, quick ? 4 : 6);
const engineS = median(engineRuns.seconds.slice(1));
say(
  `engine (${settings.precision}): ${engineRuns.seconds.map((s) => s.toFixed(2)).join(', ')} s per iteration (${engineRuns.evaluations.join(', ')} evaluations)`,
);
const f64Runs = await iterationTimes(new GlmEvaluator(engine, data.data, 'exp', { precision: 'float64' }), quick ? 4 : 6);
const f64S = median(f64Runs.seconds.slice(1));
say(
  `engine (float64): ${f64Runs.seconds.map((s) => s.toFixed(2)).join(', ')} s per iteration (${f64Runs.evaluations.join(', ')} evaluations)`,
);
// The E-step's forward–backward stays in JS (a sequential scan over T of K × K work): its share.
const logB = await engineEval.emissions(
  jitteredStart(oneState.w, K, N, p, 0.1, new Rng(4), new PriorModel({ ...settings.prior, k: K })),
  K,
);
const fbTimes: number[] = [];
for (let r = 0; r < 5; r++) {
  const t1 = performance.now();
  logForwardBackward(logB, K, stickyTransition(K), new Float64Array(K).fill(1 / K), data.segments);
  fbTimes.push((performance.now() - t1) / 1000);
}
const fbS = median(fbTimes);
say(`forward–backward (log space, JS): ${(fbS * 1000).toFixed(0)} ms per E-step`);
const jsRuns = await iterationTimes(new JsEvaluator(engine, data.data, 'exp'), 1);
const jsS = jsRuns.seconds[0]!;
say(
  `plain JS: ${jsS.toFixed(1)} s for the first iteration (${jsRuns.evaluations[0]} GLM evaluations, one with the Hessian diagonal, as the engine's first)`,
);
await engine.dispose();

const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  platform: `${platform()} ${process.arch}`,
  node: process.version,
  onnxruntime: engine.info.runtimeVersion,
  provider: engine.info.active,
  threads: engine.info.threads,
};
const result = {
  machine,
  problem: { neurons: N, bins: T, states: K, basis: `exponential, ${L} bins`, weightsPerNeuron: p, solver },
  precision: settings.precision,
  engineSecondsPerIteration: engineS,
  engineFloat64SecondsPerIteration: f64S,
  engineIterations: engineRuns.seconds,
  engineEvaluationsPerIteration: engineRuns.evaluations,
  forwardBackwardSeconds: fbS,
  jsSecondsPerIteration: jsS,
  jsEvaluationsPerIteration: jsRuns.evaluations[0],
  speedup: jsS / engineS,
  target: { secondsPerIteration: 2, met: quick ? null : engineS < 2 },
};
if (json) console.log(JSON.stringify(result, null, 2));
else {
  say('');
  say(
    `${machine.cpu} · ${machine.cores} cores · ${machine.platform} · Node ${machine.node} · onnxruntime-node ${machine.onnxruntime} · provider ${machine.provider} · ${machine.threads} intra-op threads`,
  );
  say(`HMM-GLM EM iteration, ${N} neurons × ${T} bins, ${K} states, exponential basis ${L} bins (${solver})`);
  say(
    `  engine   ${engineS.toFixed(2)} s per iteration, ${settings.precision} graphs (median of ${engineRuns.seconds.length - 1} after a warm-up)`,
  );
  say(`  engine   ${f64S.toFixed(2)} s per iteration, float64 graphs`);
  say(`  plain JS ${jsS.toFixed(1)} s per iteration (float64)`);
  say(`  forward–backward in JS: ${(fbS * 1000).toFixed(0)} ms of each iteration`);
  say(`  speedup  ${(jsS / engineS).toFixed(1)}×`);
  say(`target: < 2 s per iteration at 100,000 bins — ${quick ? 'n/a (--quick)' : engineS < 2 ? 'met' : 'not met'}`);
}
