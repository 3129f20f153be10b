/** `cajal run hmm-glm` on a 2-D .npy count matrix (and a covariates .npy): the files scripts rely on, with their dtypes and shapes. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exponentialBasis } from '../../../main/analyses/hmmglm/basis.js';
import { readNpy, writeNpy } from '../../../main/io/npy.js';
import { tempDir } from '../helpers.js';
import { randomTruth, simulate } from './simulate.js';

const bin = resolve(import.meta.dirname, '../../../bin/cajal.js');
const dir = tempDir('cajal-hmmglm-cli-');
const env = { ...process.env, CAJAL_DATA_DIR: join(dir.path, 'data') };

describe('cajal run hmm-glm', () => {
  afterAll(() => dir.remove());

  it('writes viterbi.npy (int32), posterior.npy (float32), the fitted parameters and result.json', async () => {
    const n = 10;
    const t = 6000;
    const sim = simulate(randomTruth(n, 2, 23), exponentialBasis(5, 1), t, 2);
    const input = join(dir.path, 'counts.npy');
    // Time-first, as a (bins, neurons) matrix: the longer axis is taken as time, with a note.
    await writeNpy(input, { dtype: 'float32', shape: [t, n], data: Float32Array.from(sim.s) });
    const out = join(dir.path, 'out');
    const params = JSON.stringify({ states: 2, restarts: 1, surrogates: 2, seed: 3 });
    const r = spawnSync(process.execPath, [bin, 'run', 'hmm-glm', '--input', input, '--params', params, '--out', out, '--json'], {
      env,
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ analysis: 'hmm-glm', status: 'done' });
    expect(summary.figureIds.length).toBe(8);

    const viterbi = await readNpy(join(out, 'viterbi.npy'));
    expect(viterbi).toMatchObject({ dtype: 'int32', shape: [t] });
    const posterior = await readNpy(join(out, 'posterior.npy'));
    expect(posterior).toMatchObject({ dtype: 'float32', shape: [t, 2] });
    expect(Number(posterior.data[0]) + Number(posterior.data[1])).toBeCloseTo(1, 5);
    const shapes: Record<string, number[]> = {
      weights: [2, n, n, 1],
      coupling: [2, n, n],
      bias: [2, n],
      transition: [2, 2],
      initial: [2],
      basis: [5, 1],
      rates: [2, n],
      connectionTypes: [n, n],
      stateTypes: [2, n, n],
      nullGains: [2],
    };
    for (const [name, shape] of Object.entries(shapes)) expect((await readNpy(join(out, `${name}.npy`))).shape, name).toEqual(shape);

    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    expect(result.logLikelihoodPerIteration.length).toBeGreaterThan(1);
    expect(result.logLikelihoodPerIteration.at(-1)).toBeCloseTo(result.metrics.logLikelihood, 6);
    expect(result.heldOut.bitsPerSpike.model).toBe(result.metrics.heldOutBitsPerSpike);
    expect(result.nullControl).toMatchObject({ surrogates: 2, pValue: result.metrics.pValue });
    expect(result.metrics).toMatchObject({ states: 2, neurons: n, bins: t, layout: 'guessed (longer axis = time)' });
    expect(result.notes.join(' ')).toMatch(/orientation guessed/);
    expect(result.params).toMatchObject({ states: 2, restarts: 1, surrogates: 2, seed: 3, layout: 'auto' });
  });

  it('takes a covariates .npy as a second --input: covariate weights as .npy and in result.json, the file among the recorded inputs', async () => {
    const n = 6;
    const t = 4000;
    const sim = simulate(randomTruth(n, 2, 23), exponentialBasis(5, 1), t, 4);
    const counts = join(dir.path, 'counts6.npy');
    await writeNpy(counts, { dtype: 'float32', shape: [t, n], data: Float32Array.from(sim.s.subarray(0, t * n)) });
    const behaviour = join(dir.path, 'behaviour.npy');
    const x = Float32Array.from({ length: t * 2 }, (_, i) => (i % 2 ? Math.cos(i / 300) : Math.sin(i / 70)));
    await writeNpy(behaviour, { dtype: 'float32', shape: [t, 2], data: x });
    const out = join(dir.path, 'out-covariates');
    const params = JSON.stringify({ states: 2, restarts: 1, surrogates: 0, covariateInput: 1, maxIterations: 20 });
    const r = spawnSync(
      process.execPath,
      [bin, 'run', 'hmm-glm', '--input', counts, '--input', behaviour, '--params', params, '--out', out, '--json'],
      { env, encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    // Without surrogates there is no null figure; the covariate weights figure takes its place.
    expect(JSON.parse(r.stdout).figureIds.length).toBe(8);
    expect(await readNpy(join(out, 'covariateWeights.npy'))).toMatchObject({ dtype: 'float32', shape: [2, n, 2, 1] });
    expect(await readNpy(join(out, 'oneStateCovariateWeights.npy'))).toMatchObject({ dtype: 'float32', shape: [n, 2, 1] });
    expect(await readNpy(join(out, 'covariates.npy'))).toMatchObject({ dtype: 'float32', shape: [t, 2] });
    expect(await readNpy(join(out, 'viterbi.npy'))).toMatchObject({ shape: [t] });
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    expect(result.metrics).toMatchObject({ covariates: 2, bins: t, sequences: 1 });
    expect(result.covariates.names).toEqual(['behaviour.npy[0]', 'behaviour.npy[1]']);
    expect(result.covariates.sources).toMatchObject([
      { input: 1, path: behaviour, channel: 0, resampling: 'one sample per bin' },
      { input: 1, path: behaviour, channel: 1, resampling: 'one sample per bin' },
    ]);
    expect(result.covariates.weightsPerState).toHaveLength(2);
    expect(result.notes.join(' ')).toMatch(/behaviour\.npy: orientation guessed .*2 covariates × 4000 samples/);
    const inputs = result.provenance.inputs as Array<{ path: string; hash: string }>;
    expect(inputs.map((i) => i.path)).toEqual([counts, behaviour]);
    expect(inputs[1]!.hash).toMatch(/^sha256-sampled:[0-9a-f]{16,}$/);
  });

  it('exits 2 naming the parameter when the parameters are out of range', () => {
    const r = spawnSync(
      process.execPath,
      [bin, 'run', 'hmm-glm', '--input', join(dir.path, 'counts.npy'), '--params', '{"states":0}', '--out', join(dir.path, 'o')],
      {
        env,
        encoding: 'utf8',
      },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/invalid parameters for hmm-glm: states: Too small/);
  });
});
