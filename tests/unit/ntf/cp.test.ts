/**
 * Non-negative CP on the engine against planted truth (fits-reference-implementations.md §1f) and
 * tensorly's own decomposition tests re-expressed. Float64 throughout; seeds fixed.
 */
import { describe, expect, it } from 'vitest';
import { congruence } from '../../../main/analyses/ntf/congruence.js';
import { fitNtf, normalise } from '../../../main/analyses/ntf/cp.js';
import type { Loadings } from '../../../main/analyses/ntf/init.js';
import type { Tensor3 } from '../../../main/analyses/ntf/tensor3.js';
import { createEngine, type Engine } from '../../../main/compute/index.js';
import { Rng } from '../../../main/util/rng.js';
import { planted, RANK } from './planted.js';
import { largestIncrease, maxAbsDifference, reconstruct, relativeError } from './reconstruct.js';

let enginePromise: Promise<Engine> | null = null;
const engine = () => (enginePromise ??= createEngine({ provider: 'cpu', threads: 1 }));

const recovered = (loadings: Loadings, truth: Loadings, dims: [number, number, number]) =>
  congruence(normalise(loadings, dims, RANK).factors, normalise(truth, dims, RANK).factors, RANK).score;

describe('NTF on the planted connectome (435 pairs × 200 windows × 4 animals, rank 3)', () => {
  it('HALS: noise-free error < 1e-6 within 100 iterations, congruence ≥ 0.999, error never rises by > 1e-9', async () => {
    const { x, truth } = planted(1);
    const fit = await fitNtf(await engine(), x, {
      rank: RANK,
      algorithm: 'hals',
      init: 'nndsvda',
      tol: 1e-8,
      maxIterations: 100,
      rng: new Rng(0),
    });
    expect(fit.converged).toBe(true);
    expect(fit.iterations).toBeLessThanOrEqual(100);
    expect(fit.errors.at(-1)!).toBeLessThan(1e-6);
    // The reported error agrees with a direct computation from the full reconstruction.
    const direct = relativeError(x, reconstruct(fit.loadings, x.shape, RANK));
    expect(direct).toBeLessThan(1e-6);
    expect(Math.abs(direct - fit.errors.at(-1)!)).toBeLessThan(1e-9);
    expect(largestIncrease(fit.errors)).toBeLessThanOrEqual(1e-9);
    expect(recovered(fit.loadings, truth, x.shape)).toBeGreaterThanOrEqual(0.999);
    for (const f of fit.loadings) expect(Math.min(...f)).toBeGreaterThanOrEqual(0);
  });

  it('multiplicative updates: noise-free error < 1e-4, congruence ≥ 0.999, monotone', async () => {
    const { x, truth } = planted(1);
    const fit = await fitNtf(await engine(), x, {
      rank: RANK,
      algorithm: 'mu',
      init: 'nndsvda',
      tol: 1e-8,
      maxIterations: 3000,
      rng: new Rng(0),
    });
    expect(fit.errors.at(-1)!).toBeLessThan(1e-4);
    expect(relativeError(x, reconstruct(fit.loadings, x.shape, RANK))).toBeLessThan(1e-4);
    expect(largestIncrease(fit.errors)).toBeLessThanOrEqual(1e-9);
    expect(recovered(fit.loadings, truth, x.shape)).toBeGreaterThanOrEqual(0.999);
  });

  it('HALS with U(0, 0.05) noise: congruence ≥ 0.98 for each of 5 seeds, monotone', async () => {
    for (const seed of [11, 12, 13, 14, 15]) {
      const { x, truth } = planted(seed, 0.05);
      const fit = await fitNtf(await engine(), x, {
        rank: RANK,
        algorithm: 'hals',
        init: 'nndsvda',
        tol: 1e-8,
        maxIterations: 200,
        rng: new Rng(seed),
      });
      expect(largestIncrease(fit.errors)).toBeLessThanOrEqual(1e-9);
      expect(recovered(fit.loadings, truth, x.shape), `seed ${seed}`).toBeGreaterThanOrEqual(0.98);
    }
  });

  it('random initialisation and L1 sparsity reach the same factors', async () => {
    const { x, truth } = planted(2);
    const random = await fitNtf(await engine(), x, {
      rank: RANK,
      algorithm: 'hals',
      init: 'random',
      tol: 1e-8,
      maxIterations: 300,
      rng: new Rng(5),
    });
    expect(recovered(random.loadings, truth, x.shape)).toBeGreaterThanOrEqual(0.999);
    const sparse = await fitNtf(await engine(), x, {
      rank: RANK,
      algorithm: 'hals',
      init: 'nndsvda',
      tol: 1e-8,
      maxIterations: 300,
      sparsity: [1e-3, 1e-3, 0],
      rng: new Rng(5),
    });
    expect(recovered(sparse.loadings, truth, x.shape)).toBeGreaterThanOrEqual(0.999);
  });

  it('is deterministic given the seed', async () => {
    const { x } = planted(3, 0.05);
    const a = await fitNtf(await engine(), x, {
      rank: RANK,
      algorithm: 'hals',
      init: 'random',
      tol: 1e-7,
      maxIterations: 50,
      rng: new Rng(9),
    });
    const b = await fitNtf(await engine(), x, {
      rank: RANK,
      algorithm: 'hals',
      init: 'random',
      tol: 1e-7,
      maxIterations: 50,
      rng: new Rng(9),
    });
    expect(b.errors).toEqual(a.errors);
    expect(b.loadings[0]).toEqual(a.loadings[0]);
  });
});

/** A tensor from R × n loading rows drawn by `draw(mode)`, with optional weights folded into mode 0. */
function cpTensor(
  shape: [number, number, number],
  rank: number,
  draw: (mode: number, rng: Rng) => number,
  seed: number,
  weights?: number[],
): { x: Tensor3; truth: Loadings } {
  const rng = new Rng(seed);
  const truth = shape.map((n, m) => Float64Array.from({ length: rank * n }, () => draw(m, rng))) as Loadings;
  if (weights) for (let r = 0; r < rank; r++) for (let i = 0; i < shape[0]; i++) truth[0][r * shape[0] + i]! *= weights[r]!;
  return { x: { shape, data: reconstruct(truth, shape, rank) }, truth };
}

describe('tensorly tests re-expressed', () => {
  // tensorly asserts this on one random tensor; a single start can land in a local minimum (3 of 20
  // seeds here stay at 0.08–0.10 after 2000 HALS iterations), so, as the analysis does, the best of
  // 3 restarts (SVD init, then random) is checked on 10 tensors. Multiplicative updates converge more
  // slowly (the reference notes: 200–1,400 iterations) and get 500 iterations instead of 80.
  it('shape (6, 3, 12), rank 3, tol 1e-6: best of 3 restarts has relative error < 0.07 and max |X − X̂| < 0.1', async () => {
    for (const algorithm of ['hals', 'mu'] as const) {
      for (let seed = 0; seed < 10; seed++) {
        // tensorly's random_cp: uniform [0, 1) factors.
        const { x } = cpTensor([6, 3, 12], 3, (_m, rng) => rng.uniform(), seed);
        const rng = new Rng(seed);
        let best = { error: Infinity, maxAbs: Infinity };
        for (let restart = 0; restart < 3; restart++) {
          const fit = await fitNtf(await engine(), x, {
            rank: 3,
            algorithm,
            init: restart === 0 ? 'nndsvda' : 'random',
            tol: 1e-6,
            maxIterations: algorithm === 'hals' ? 80 : 500,
            rng: rng.fork(),
          });
          expect(largestIncrease(fit.errors)).toBeLessThanOrEqual(1e-9);
          for (const f of fit.loadings) expect(Math.min(...f)).toBeGreaterThanOrEqual(0);
          const xhat = reconstruct(fit.loadings, x.shape, 3);
          const error = relativeError(x, xhat);
          if (error < best.error) best = { error, maxAbs: maxAbsDifference(x, xhat) };
        }
        expect(best.error, `${algorithm} tensor ${seed}`).toBeLessThan(0.07);
        expect(best.maxAbs, `${algorithm} tensor ${seed}`).toBeLessThan(0.1);
      }
    }
  });

  it('shape (8, 9, 10), rank 3, mode 1 unconstrained (normal): ‖X − X̂‖ < 1e-3 and congruence > 0.99 per mode', async () => {
    const weights = [0.6, 0.3, 0.9];
    const { x, truth } = cpTensor(
      [8, 9, 10],
      3,
      (m, rng) => (m === 0 ? rng.uniform() : m === 1 ? rng.normal() : 0.1 + rng.uniform()),
      1234,
      weights,
    );
    const fit = await fitNtf(await engine(), x, {
      rank: 3,
      algorithm: 'hals',
      init: 'nndsvda',
      tol: 0,
      maxIterations: 100,
      nonNegative: [true, false, true],
      rng: new Rng(0),
    });
    const xhat = reconstruct(fit.loadings, x.shape, 3);
    let diff = 0;
    for (let q = 0; q < xhat.length; q++) diff += (x.data[q]! - xhat[q]!) ** 2;
    expect(Math.sqrt(diff)).toBeLessThan(1e-3);
    const found = normalise(fit.loadings, x.shape, 3).factors;
    const want = normalise(truth, x.shape, 3).factors;
    // tensorly's congruence_coefficient(absolute_value=True): per mode, mean |cosine| over paired components.
    const { assignment } = congruence(found, want, 3);
    for (let m = 0; m < 3; m++) {
      const n = x.shape[m];
      let total = 0;
      for (let r = 0; r < 3; r++) {
        const s = assignment[r]!;
        let dot = 0;
        for (let i = 0; i < n; i++) dot += found[m]![r * n + i]! * want[m]![s * n + i]!;
        total += Math.abs(dot);
      }
      expect(total / 3, `mode ${m}`).toBeGreaterThan(0.99);
    }
    for (const m of [0, 2]) expect(Math.min(...fit.loadings[m]!)).toBeGreaterThanOrEqual(0);
  });
});
