/** The `cajal` command as scripts use it: a real process, its exit codes, stdout JSON and files. */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readNpy, writeNpy } from '../../../main/io/npy.js';
import { tempDir } from '../helpers.js';

const bin = resolve(import.meta.dirname, '../../../bin/cajal.js');
const dir = tempDir();
const env = { ...process.env, CAJAL_DATA_DIR: join(dir.path, 'data') };
const cajal = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { env, encoding: 'utf8' });

describe('cajal CLI', () => {
  afterAll(() => dir.remove());

  it('info --json reports version, runtime and the database in CAJAL_DATA_DIR', () => {
    const r = cajal('info', '--json');
    expect(r.status).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info).toMatchObject({ name: 'Cajal Studio', runtime: 'node', dbPath: join(dir.path, 'data', 'studio.db') });
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('run correlation writes result arrays and result.json, records the run, prints a JSON summary', async () => {
    const input = join(dir.path, 'traces.npy');
    const t = 200;
    const x = new Float32Array(3 * t);
    for (let j = 0; j < t; j++) {
      x[j] = Math.sin(j / 7);
      x[t + j] = 2 * Math.sin(j / 7) + 1;
      x[2 * t + j] = Math.cos(j / 3);
    }
    await writeNpy(input, { dtype: 'float32', shape: [3, t], data: x });
    const out = join(dir.path, 'out');
    const r = cajal('run', 'correlation', '--input', input, '--params', '{"method":"pearson"}', '--out', out, '--json');
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ analysis: 'correlation', status: 'done', out });
    expect(summary.figureIds).toHaveLength(1);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    expect(result.params).toEqual({ method: 'pearson', startFrame: 0, endFrame: null, shuffles: 0, seed: 0 });
    expect(result.provenance.input.path).toBe(input);
    expect(result.figureIds).toEqual(summary.figureIds);
    expect(result.provenance.dataHash).toMatch(/^sha256-sampled:[0-9a-f]{64}$/);
    const c = await readNpy(join(out, 'correlation.npy'));
    expect(c.shape).toEqual([3, 3]);
    expect(c.data[1]).toBeCloseTo(1, 5);
    const projects = JSON.parse(cajal('projects', 'list', '--json').stdout);
    expect(projects).toContainEqual(expect.objectContaining({ name: 'Command line', runs: 1, datasets: 1 }));
    // The same unchanged file reuses its dataset row.
    expect(cajal('run', 'correlation', '--input', input, '--out', out).status).toBe(0);
    expect(JSON.parse(cajal('projects', 'list', '--json').stdout)).toContainEqual(
      expect.objectContaining({ name: 'Command line', runs: 2, datasets: 1 }),
    );
  });

  it('exits 2 naming the path when the input file is missing', () => {
    const r = cajal('run', 'correlation', '--input', '/no/such/recording.npy', '--out', join(dir.path, 'o'));
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('cajal run: input file not found: /no/such/recording.npy');
  });

  it('exits 2 with a one-line reason on bad parameters, unknown analyses, flags and commands', () => {
    const input = join(dir.path, 'traces.npy');
    const badParams = cajal('run', 'correlation', '--input', input, '--out', join(dir.path, 'o'), '--params', '{"shuffles":-1}');
    expect(badParams.status).toBe(2);
    expect(badParams.stderr).toMatch(/^cajal run: invalid parameters for correlation: shuffles: Too small/);
    expect(cajal('run', 'correlation', '--input', input, '--out', 'o', '--params', '{oops').stderr).toMatch(/--params is not valid JSON/);
    expect(cajal('run', 'nope', '--input', input, '--out', 'o').stderr).toMatch(/unknown analysis 'nope' \(available: correlation/);
    expect(cajal('info', '--bogus').status).toBe(2);
    expect(cajal('frobnicate').status).toBe(2);
  });

  it('never writes to the input file', () => {
    const input = join(dir.path, 'traces.npy');
    const before = readFileSync(input);
    execFileSync(process.execPath, [bin, 'run', 'correlation', '--input', input, '--out', join(dir.path, 'o2')], { env });
    expect(readFileSync(input)).toEqual(before);
  });
});
