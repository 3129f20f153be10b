/**
 * The engine's NTF against a numpy re-creation of tensorly (tests/fixtures/ntf/make_ntf_fixtures.py,
 * numbers in ntf_reference.json): NNDSVDa initialisation, and HALS and multiplicative-update error
 * trajectories and factors from the same start, iteration by iteration. Float64 throughout.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fitNtf, initialLoadings } from '../../../main/analyses/ntf/cp.js';
import type { Loadings } from '../../../main/analyses/ntf/init.js';
import type { Tensor3 } from '../../../main/analyses/ntf/tensor3.js';
import { createEngine } from '../../../main/compute/index.js';
import { Rng } from '../../../main/util/rng.js';

interface Reference {
  shape: [number, number, number];
  rank: number;
  tensor: number[];
  init: number[][];
  hals: { errors: number[]; factors: number[][] };
  mu: { errors: number[]; factors: number[][] };
}

const ref = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../fixtures/ntf/ntf_reference.json'), 'utf8')) as Reference;
const x: Tensor3 = { shape: ref.shape, data: Float64Array.from(ref.tensor) };
const init = ref.init.map((f) => Float64Array.from(f)) as Loadings;

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, relTol: number, what: string) {
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++)
    expect(Math.abs(actual[i]! - expected[i]!), `${what}[${i}]`).toBeLessThanOrEqual(relTol * scale);
}

describe('NTF against the numpy re-creation of tensorly', () => {
  it('NNDSVDa initialisation matches to 1e-9 of each factor’s scale', async () => {
    const engine = await createEngine({ provider: 'cpu', threads: 1 });
    const ours = await initialLoadings(engine, x, { rank: ref.rank, init: 'nndsvda', rng: new Rng(0) });
    ours.forEach((f, m) => expectClose(f, ref.init[m]!, 1e-9, `mode ${m}`));
    await engine.dispose();
  });

  for (const algorithm of ['hals', 'mu'] as const) {
    it(`${algorithm.toUpperCase()}: the same errors every iteration (1e-10) and the same factors (1e-7) from the same start`, async () => {
      const engine = await createEngine({ provider: 'cpu', threads: 1 });
      const fit = await fitNtf(engine, x, { rank: ref.rank, algorithm, init, tol: 1e-10, maxIterations: 60, rng: new Rng(0) });
      const want = ref[algorithm];
      expect(fit.iterations).toBe(want.errors.length);
      for (let i = 0; i < want.errors.length; i++)
        expect(Math.abs(fit.errors[i]! - want.errors[i]!), `iteration ${i + 1}`).toBeLessThan(1e-10);
      fit.loadings.forEach((f, m) => expectClose(f, want.factors[m]!, 1e-7, `mode ${m}`));
      await engine.dispose();
    });
  }
});
