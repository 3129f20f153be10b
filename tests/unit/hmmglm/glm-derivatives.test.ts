/**
 * The engine's fused GLM graph against plain JS and finite differences: per-bin state
 * log-likelihoods, posterior-weighted objectives, gradients, packed Hessians and their diagonals,
 * for both links, with unobserved bins masked. Plus the history bases and the design, with and
 * without external covariates, and the joint step over weights shared by all states.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { basisMass, columnsPerCovariate, exponentialBasis, historyDesign, raisedCosineBasis } from '../../../main/analyses/hmmglm/basis.js';
import { GlmEvaluator, type GlmData, type Link, logFactorialSums, packedPairs } from '../../../main/analyses/hmmglm/emission.js';
import { sharedStep } from '../../../main/analyses/hmmglm/glmStep.js';
import { PriorModel } from '../../../main/analyses/hmmglm/priors.js';
import { createEngine } from '../../../main/compute/index.js';
import { Rng } from '../../../main/util/rng.js';

const engine = await createEngine({ provider: 'cpu', threads: 1 });
afterAll(() => engine.dispose());

function lgammaInt(c: number): number {
  let v = 0;
  for (let i = 2; i <= c; i++) v += Math.log(i);
  return v;
}

function dataSet(seed: number, t: number, n: number, j: number) {
  const rng = new Rng(seed);
  const s = Float64Array.from({ length: t * n }, () => Math.floor(3 * rng.uniform() ** 2));
  const m = Float64Array.from({ length: t * n }, () => (rng.uniform() < 0.1 ? 0 : 1));
  for (let i = 0; i < s.length; i++) if (!m[i]) s[i] = 0;
  const basis = j === 1 ? exponentialBasis(4, 1.5) : raisedCosineBasis(6, j, true);
  const x = historyDesign(s, t, n, [0, Math.floor(t / 2)], basis);
  const data: GlmData = { x, s, m, logFact: logFactorialSums(s, m, t, n), t, n, p: n * j + 1 };
  return { data, rng };
}

/** Σ_t γ M (s log λ − λ) for one state and neuron in JS, and the per-bin emissions. */
function reference(data: GlmData, w: Float64Array, k: number, gamma: Float64Array, link: Link) {
  const { x, s, m, t, n, p } = data;
  const obj = new Float64Array(k * n);
  const logB = new Float64Array(t * k);
  for (let r = 0; r < t; r++) {
    for (let q = 0; q < k; q++) {
      for (let i = 0; i < n; i++) {
        let z = 0;
        for (let c = 0; c < p; c++) z += x[r * p + c]! * w[(q * n + i) * p + c]!;
        const rate = link === 'exp' ? Math.exp(z) : Math.log1p(Math.exp(z));
        const ell = s[r * n + i]! * Math.log(rate) - rate;
        if (!m[r * n + i]) continue;
        logB[r * k + q] += ell - lgammaInt(s[r * n + i]!);
        obj[q * n + i] += gamma[r * k + q]! * ell;
      }
    }
  }
  return { obj, logB };
}

describe('GLM graph', () => {
  for (const [link, j] of [
    ['exp', 1],
    ['softplus', 1],
    ['exp', 3],
    ['softplus', 2],
  ] as Array<[Link, number]>) {
    it(`${link} link, ${j} basis function${j > 1 ? 's' : ''}: log-likelihoods, gradients and Hessians match JS and finite differences`, async () => {
      const k = 2;
      const n = 3;
      const t = 300;
      const { data, rng } = dataSet(j * 7 + (link === 'exp' ? 0 : 1), t, n, j);
      const p = data.p;
      const w = Float64Array.from({ length: k * n * p }, () => 0.3 * (rng.uniform() - 0.5));
      const gamma = new Float64Array(t * k);
      for (let r = 0; r < t; r++) {
        const g = rng.uniform();
        gamma[r * k] = g;
        gamma[r * k + 1] = 1 - g;
      }
      // Small chunks exercise the accumulation across chunks.
      const evaluator = new GlmEvaluator(engine, data, link, { chunkRows: 64 });
      const ev = await evaluator.evaluate(w, k, 'newton', gamma);
      const ref = reference(data, w, k, gamma, link);
      (await evaluator.emissions(w, k)).forEach((v, i) => expect(v).toBeCloseTo(ref.logB[i]!, 9));
      ev.obj!.forEach((v, i) => expect(v).toBeCloseTo(ref.obj[i]!, 9));

      const h = 1e-5;
      const pairs = packedPairs(p);
      const q = evaluator.packedSize;
      for (let b = 0; b < k * n; b++) {
        for (let a = 0; a < p; a++) {
          const plus = Float64Array.from(w);
          const minus = Float64Array.from(w);
          plus[b * p + a] += h;
          minus[b * p + a] -= h;
          const ep = await evaluator.evaluate(plus, k, 'newton', gamma);
          const em = await evaluator.evaluate(minus, k, 'newton', gamma);
          const fd = (ep.obj![b]! - em.obj![b]!) / (2 * h);
          expect(ev.grad![b * p + a]!).toBeCloseTo(fd, 5);
          // Row a of the negative Hessian from differences of the gradient.
          for (let c = 0; c < q; c++) {
            const [u, v] = [pairs[2 * c]!, pairs[2 * c + 1]!];
            if (u !== a && v !== a) continue;
            const other = u === a ? v : u;
            const fdH = -(ep.grad![b * p + other]! - em.grad![b * p + other]!) / (2 * h);
            expect(ev.hess![b * q + c]!).toBeCloseTo(fdH, 4);
          }
        }
      }
      const diag = await evaluator.evaluate(w, k, 'diagonal', gamma);
      for (let b = 0; b < k * n; b++) {
        let c = 0;
        for (let a = 0; a < p; a++) {
          expect(diag.hdiag![b * p + a]!).toBeCloseTo(ev.hess![b * q + c]!, 9);
          c += p - a;
        }
      }
      const grad = await evaluator.evaluate(w, k, 'gradient', gamma);
      grad.grad!.forEach((v, i) => expect(v).toBeCloseTo(ev.grad![i]!, 10));
    });
  }
});

describe('GLM graph in float32', () => {
  it.each(['exp', 'softplus'] as const)(
    '%s link: single-precision graphs agree with float64 to single-precision rounding',
    async (link) => {
      const k = 3;
      const n = 8;
      const t = 5000;
      const { data, rng } = dataSet(11, t, n, 1);
      const p = data.p;
      const w = Float64Array.from({ length: k * n * p }, () => 0.2 * (rng.uniform() - 0.5));
      const gamma = Float64Array.from({ length: t * k }, () => rng.uniform());
      const single = new GlmEvaluator(engine, data, link, { precision: 'float32', chunkRows: 1000 });
      const double = new GlmEvaluator(engine, data, link);
      for (const mode of ['newton', 'diagonal'] as const) {
        const a = await single.evaluate(w, k, mode, gamma);
        const b = await double.evaluate(w, k, mode, gamma);
        const close = (x: Float64Array, y: Float64Array) => {
          const scale = y.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
          x.forEach((v, i) => expect(Math.abs(v - y[i]!)).toBeLessThan(1e-5 * scale));
        };
        close(a.obj!, b.obj!);
        close(a.grad!, b.grad!);
        close((a.hess ?? a.hdiag)!, (b.hess ?? b.hdiag)!);
      }
      const la = await single.emissions(w, k);
      const lb = await double.emissions(w, k);
      la.forEach((v, i) => expect(Math.abs(v - lb[i]!)).toBeLessThan(1e-5 * Math.max(1, Math.abs(lb[i]!))));
    },
  );
});

describe('history bases and design', () => {
  it('the exponential basis is Li et al.’s normalised e^{−t}', () => {
    const b = exponentialBasis(5, 1);
    expect(Array.from(b.values, (v) => Number(v.toFixed(3)))).toEqual([0.636, 0.234, 0.086, 0.032, 0.012]);
    expect(basisMass(b)[0]).toBeCloseTo(1, 14);
  });

  it('linear raised cosines peak at evenly spaced lags and tile the window (width 2: four bumps sum to 2 inside)', () => {
    const j = 9;
    const b = raisedCosineBasis(17, j, false);
    // Peaks at x = 0, 1/8, …, 1 ↔ lags 1, 3, …, 17.
    for (let f = 0; f < j; f++) expect(b.values[2 * f * j + f]).toBeCloseTo(1, 14);
    for (let l = 4; l <= 12; l++) {
      let sum = 0;
      for (let f = 0; f < j; f++) sum += b.values[l * j + f]!;
      expect(sum).toBeCloseTo(2, 12);
    }
  });

  it('log raised cosines put their first peak at lag 1 and let the last one decay to 0 at the end', () => {
    const b = raisedCosineBasis(20, 4, true);
    expect(b.values[0]).toBeCloseTo(1, 14);
    expect(b.values[19 * 4 + 3]).toBeLessThan(1e-12);
    // Narrow early bumps, wide late ones: the first function is over before the last one starts rising.
    expect(b.values[10 * 4]).toBeLessThan(1e-12);
  });

  it('the design convolves each neuron with the basis and never reaches across a sequence start', () => {
    const basis = raisedCosineBasis(3, 2, false);
    const n = 2;
    const t = 7;
    const s = Float64Array.from([1, 0, 0, 2, 3, 1, 0, 0, 1, 1, 2, 0, 0, 5]);
    const x = historyDesign(s, t, n, [0, 4], basis);
    const p = n * 2 + 1;
    for (let r = 0; r < t; r++) {
      const start = r < 4 ? 0 : 4;
      expect(x[r * p + p - 1]).toBe(1);
      for (let m = 0; m < n; m++) {
        for (let j = 0; j < 2; j++) {
          let v = 0;
          for (let l = 1; l <= 3 && r - l >= start; l++) v += s[(r - l) * n + m]! * basis.values[(l - 1) * 2 + j]!;
          expect(x[r * p + m * 2 + j]).toBeCloseTo(v, 14);
        }
      }
    }
    expect(x[4 * p]).toBe(0);
  });
});

describe('covariate columns', () => {
  /** Counts, a T × C covariate block (value in the bin, then its history through the basis) and the design holding both. */
  function withCovariates(seed: number, t: number, n: number, c: number, history: boolean) {
    const rng = new Rng(seed);
    const s = Float64Array.from({ length: t * n }, () => Math.floor(3 * rng.uniform() ** 2));
    const m = new Float64Array(t * n).fill(1);
    const values = Float64Array.from({ length: t * c }, () => rng.normal());
    const basis = raisedCosineBasis(5, 2, false);
    const columns = { values, c, history: history ? basis : null };
    const x = historyDesign(s, t, n, [0, Math.floor(t / 2)], basis, columns);
    const p = n * 2 + c * columnsPerCovariate(columns) + 1;
    const data: GlmData = { x, s, m, logFact: logFactorialSums(s, m, t, n), t, n, p };
    return { data, rng, basis, values };
  }

  it('the design holds each covariate in its bin and filtered by the basis, between the couplings and the constant', () => {
    const t = 40;
    const n = 2;
    const c = 2;
    const { data, basis, values } = withCovariates(1, t, n, c, true);
    const p = data.p;
    expect(p).toBe(n * 2 + c * 3 + 1);
    for (let r = 0; r < t; r++) {
      const start = r < t / 2 ? 0 : t / 2;
      expect(data.x[r * p + p - 1]).toBe(1);
      for (let q = 0; q < c; q++) {
        expect(data.x[r * p + n * 2 + q * 3]).toBe(values[r * c + q]);
        for (let j = 0; j < 2; j++) {
          let v = 0;
          for (let l = 1; l <= 5 && r - l >= start; l++) v += values[(r - l) * c + q]! * basis.values[(l - 1) * 2 + j]!;
          expect(data.x[r * p + n * 2 + q * 3 + 1 + j]).toBeCloseTo(v, 13);
        }
      }
    }
  });

  it.each(['exp', 'softplus'] as const)('%s link: gradients and Hessians with covariate weights match finite differences', async (link) => {
    const k = 2;
    const n = 2;
    const t = 250;
    const { data, rng } = withCovariates(link === 'exp' ? 2 : 3, t, n, 2, true);
    const p = data.p;
    const w = Float64Array.from({ length: k * n * p }, () => 0.2 * (rng.uniform() - 0.5));
    const gamma = new Float64Array(t * k);
    for (let r = 0; r < t; r++) gamma[r * k] = 1 - (gamma[r * k + 1] = rng.uniform());
    const evaluator = new GlmEvaluator(engine, data, link, { chunkRows: 64 });
    const ev = await evaluator.evaluate(w, k, 'newton', gamma);
    const pairs = packedPairs(p);
    const q = evaluator.packedSize;
    const h = 1e-5;
    for (let b = 0; b < k * n; b++) {
      // The covariate coordinates and the bias.
      for (let a = n * 2; a < p; a++) {
        const plus = Float64Array.from(w);
        const minus = Float64Array.from(w);
        plus[b * p + a] += h;
        minus[b * p + a] -= h;
        const ep = await evaluator.evaluate(plus, k, 'newton', gamma);
        const em = await evaluator.evaluate(minus, k, 'newton', gamma);
        expect(ev.grad![b * p + a]!).toBeCloseTo((ep.obj![b]! - em.obj![b]!) / (2 * h), 5);
        for (let c = 0; c < q; c++) {
          const [u, v] = [pairs[2 * c]!, pairs[2 * c + 1]!];
          if (u !== a && v !== a) continue;
          const other = u === a ? v : u;
          expect(ev.hess![b * q + c]!).toBeCloseTo(-(ep.grad![b * p + other]! - em.grad![b * p + other]!) / (2 * h), 4);
        }
      }
    }
  });

  it.each(['newton', 'lbfgs'] as const)(
    'shared weights (%s): the joint step over the states keeps the copies equal, raises the summed objective and reaches its stationary point',
    async (solver) => {
      const k = 3;
      const n = 3;
      const t = 600;
      const { data, rng } = withCovariates(4, t, n, 2, false);
      const p = data.p;
      const prior = new PriorModel({
        kind: 'gaussian',
        selfCoupling: 'free',
        l2: 0.5,
        priorScale: 0.3,
        typeConcentration: 4,
        n,
        j: 2,
        k,
        covariates: 2,
        sharedCovariates: true,
      });
      const pen = prior.penalty();
      const w = Float64Array.from({ length: k * n * p }, () => 0.2 * (rng.uniform() - 0.5));
      for (let b = n; b < k * n; b++) for (let a = n * 2; a < n * 2 + 2; a++) w[b * p + a] = w[(b % n) * p + a]!;
      const gamma = Float64Array.from({ length: t * k }, () => rng.uniform());
      const evaluator = new GlmEvaluator(engine, data, 'exp');
      /** Per neuron: Σ_k f and Σ_k ∇f over the shared coordinates, penalty included. */
      const summed = async (x: Float64Array) => {
        const ev = await evaluator.evaluate(x, k, 'gradient', gamma);
        const f = new Float64Array(n);
        const g = new Float64Array(n * 2);
        for (let b = 0; b < k * n; b++) {
          f[b % n] += ev.obj![b]!;
          for (let a = 0; a < p; a++) f[b % n] -= 0.5 * pen.prec[b * p + a]! * (x[b * p + a]! - pen.center[b * p + a]!) ** 2;
          for (let a = 0; a < 2; a++) {
            const at = b * p + n * 2 + a;
            g[(b % n) * 2 + a] += ev.grad![at]! - pen.prec[at]! * (x[at]! - pen.center[at]!);
          }
        }
        return { f, g };
      };
      const before = await summed(w);
      const out = await sharedStep(evaluator, w, k, gamma, pen, {
        solver,
        maxIterations: solver === 'newton' ? 20 : 200,
        tolerance: 1e-12,
      });
      const after = await summed(out);
      for (let i = 0; i < n; i++) {
        for (let a = n * 2; a < n * 2 + 2; a++) for (let s = 1; s < k; s++) expect(out[(s * n + i) * p + a]).toBe(out[i * p + a]);
        expect(after.f[i]!).toBeGreaterThan(before.f[i]!);
        for (let a = 0; a < 2; a++) expect(Math.abs(after.g[i * 2 + a]!)).toBeLessThan(1e-5 * Math.max(1, Math.abs(before.g[i * 2 + a]!)));
      }
      // Only the shared coordinates moved.
      for (let b = 0; b < k * n; b++)
        for (let a = 0; a < p; a++) if (a < n * 2 || a >= n * 2 + 2) expect(out[b * p + a]).toBe(w[b * p + a]);
    },
  );
});
