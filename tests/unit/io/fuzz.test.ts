/**
 * Fuzzing: for each format, ≥ 200 seeded mutations of a valid file (truncation, bit flips, wrong
 * magic, absurd sizes, overwritten blocks). Every one must open fine or fail with a DataError, each
 * within a bounded time; no other exception, no hang, no crash of the test process.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniforms } from '../helpers.js';
import { ndarray } from '../../../shared/domain/ndarray.js';
import { shutdownHdf5 } from '../../../main/io/hdf5/engine.js';
import { encodeNpy } from '../../../main/io/npy.js';
import { inspectFile, openRecording } from '../../../main/io/registry.js';
import { DataError } from '../../../main/io/types.js';

const FIX = resolve(__dirname, '../../fixtures/io');
const MUTATIONS = 200;
const PER_FILE_MS = 30_000;
let dir = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cajal-fuzz-'));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await shutdownHdf5();
});

const MAGICS = [
  [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a],
  [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 0x01, 0x00],
  [0x50, 0x4b, 0x03, 0x04],
  [...new TextEncoder().encode('MATLAB 5.0 MAT-file')],
];

/** One seeded mutation of `src`. */
function mutate(src: Uint8Array, r: () => number, absurd: (b: Uint8Array, r: () => number) => void): Uint8Array {
  const b = Uint8Array.from(src);
  const pick = (n: number) => Math.floor(r() * n);
  switch (pick(6)) {
    case 0:
      return b.subarray(0, pick(b.length));
    case 1:
      for (let k = 1 + pick(8); k > 0; k--) b[pick(b.length)] ^= 1 << pick(8);
      return b;
    case 2: {
      const head = Math.min(b.length, 2048);
      for (let k = 1 + pick(8); k > 0; k--) b[pick(head)] ^= 1 << pick(8);
      return b;
    }
    case 3: {
      const magic = MAGICS[pick(MAGICS.length)];
      if (r() < 0.5) b.set(magic.slice(0, Math.min(magic.length, b.length)), 0);
      else for (let i = 0; i < Math.min(16, b.length); i++) b[i] = pick(256);
      return b;
    }
    case 4:
      absurd(b, r);
      return b;
    default: {
      const at = pick(Math.max(1, b.length - 64));
      for (let i = at; i < Math.min(b.length, at + 64); i++) b[i] = pick(256);
      return b;
    }
  }
}

/** Big numbers written over 4/8-byte words near the start, where sizes and offsets live. */
function absurdWords(b: Uint8Array, r: () => number): void {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let k = 0; k < 3; k++) {
    const at = Math.floor((r() * Math.min(b.length - 8, 4096)) / 4) * 4;
    if (at >= 0) v.setUint32(at, [0xffffffff, 0x7fffffff, 0x10000000, 0][Math.floor(r() * 4)], true);
  }
}

/** An absurd .npy shape in the header text. */
function absurdShape(b: Uint8Array, r: () => number): void {
  const text = new TextDecoder('latin1').decode(b.subarray(0, Math.min(b.length, 256)));
  const m = /'shape': \(([^)]*)\)/.exec(text);
  if (!m) return absurdWords(b, r);
  const bad = ['99999999999, 99999999999', '-1, 5', '0, 1e9', '4294967296', 'x', '1, 2, 3, 4, 5, 6, 7, 8'][Math.floor(r() * 6)];
  const repl = bad.slice(0, m[1].length).padEnd(m[1].length, ' ');
  b.set(new TextEncoder().encode(repl), m.index + "'shape': (".length);
}

function absurdCsv(b: Uint8Array, r: () => number): void {
  const junk = ['1e400', '"unterminated', '\u0000\u0000', ',,,,,,,,', 'NaN,NaN', '\r\r\r'][Math.floor(r() * 6)];
  b.set(new TextEncoder().encode(junk).subarray(0, b.length), Math.floor(r() * Math.max(1, b.length - junk.length)));
}

/** Everything a viewer would touch: inspect, open, a small slice, and any extras. */
async function exercise(path: string): Promise<void> {
  await inspectFile(path);
  const rec = await openRecording(path);
  try {
    const { nNeurons, nFrames } = rec.meta;
    await rec.readTraces([0, Math.min(4, nNeurons)], [0, Math.min(100, nFrames)]);
    if (rec.rois) await rec.rois();
    if (rec.spikes) await rec.spikes();
    if (rec.timestamps) await rec.timestamps();
  } finally {
    await rec.close();
  }
}

type Outcome = 'ok' | 'DataError' | 'other' | 'timeout';

async function run(path: string): Promise<{ outcome: Outcome; error?: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((res) => (timer = setTimeout(() => res('timeout'), PER_FILE_MS)));
  try {
    const r = await Promise.race([exercise(path).then(() => 'ok' as const), deadline]);
    return { outcome: r };
  } catch (error) {
    return { outcome: error instanceof DataError ? 'DataError' : 'other', error };
  } finally {
    clearTimeout(timer);
  }
}

interface Case {
  format: string;
  seed: () => Uint8Array;
  /** Where the mutated bytes go and which path is opened. */
  target: (i: number) => { write: string; open: string };
  absurd: (b: Uint8Array, r: () => number) => void;
}

function plain(name: string): Case['target'] {
  return () => ({ write: join(dir, name), open: join(dir, name) });
}

function npySeed(rows = 20): Uint8Array {
  const m = new Float32Array(rows * 200).map((_, k) => Math.sin(k));
  return encodeNpy(ndarray(m, [rows, 200]));
}

const suite2pFiles = ['F.npy', 'stat.npy', 'ops.npy'];
function suite2pTarget(i: number): { write: string; open: string } {
  // Fresh valid folder, then one of its files replaced by the mutation.
  const suite2pDir = join(dir, 's2p');
  mkdirSync(suite2pDir, { recursive: true });
  // Five ROIs, as in the committed stat.npy.
  writeFileSync(join(suite2pDir, 'F.npy'), npySeed(5));
  copyFileSync(join(FIX, 'suite2p/np2/stat.npy'), join(suite2pDir, 'stat.npy'));
  copyFileSync(join(FIX, 'suite2p/np2/ops.npy'), join(suite2pDir, 'ops.npy'));
  return { write: join(suite2pDir, suite2pFiles[i % 3]), open: suite2pDir };
}

const csvSeed = () => {
  const lines = ['cell,' + Array.from({ length: 50 }, (_, t) => `t${t}`).join(',')];
  for (let i = 0; i < 8; i++) lines.push([`c${i}`, ...Array.from({ length: 50 }, (_, t) => (Math.cos(i + t) * 3).toFixed(4))].join(','));
  return new TextEncoder().encode(lines.join('\n'));
};

const CASES: Case[] = [
  { format: 'npy', seed: npySeed, target: plain('f.npy'), absurd: absurdShape },
  {
    format: 'npz (CaImAn, pickled sparse, zip64)',
    seed: () => readFileSync(join(FIX, 'caiman_small.npz')),
    target: plain('f.npz'),
    absurd: absurdWords,
  },
  { format: 'nwb', seed: () => readFileSync(join(FIX, 'nwb_edge_cases.nwb')), target: plain('f.nwb'), absurd: absurdWords },
  { format: 'caiman hdf5', seed: () => readFileSync(join(FIX, 'caiman_cnmf_small.hdf5')), target: plain('f.hdf5'), absurd: absurdWords },
  { format: 'mat v5', seed: () => readFileSync(join(FIX, 'matlab_v5_small.mat')), target: plain('f5.mat'), absurd: absurdWords },
  { format: 'mat v7.3', seed: () => readFileSync(join(FIX, 'matlab_v73_small.mat')), target: plain('f73.mat'), absurd: absurdWords },
  { format: 'csv', seed: csvSeed, target: plain('f.csv'), absurd: absurdCsv },
  {
    format: 'suite2p (F/stat/ops)',
    seed: () => npySeed(5),
    target: suite2pTarget,
    absurd: absurdShape,
  },
];

describe('fuzzing: mutated files give a DataError or open, never a crash or hang', () => {
  CASES.forEach((c, ci) => {
    it(`${c.format}: ${MUTATIONS} mutations`, { timeout: 600_000 }, async () => {
      const r = uniforms(0xc0ffee + ci);
      const counts: Record<Outcome, number> = { ok: 0, DataError: 0, other: 0, timeout: 0 };
      const failures: string[] = [];
      const reasons = new Map<string, number>();
      const t0 = performance.now();
      let slowest = 0;
      for (let i = 0; i < MUTATIONS; i++) {
        const { write, open } = c.target(i);
        const seed = c.format.startsWith('suite2p') ? readFileSync(write) : c.seed();
        writeFileSync(write, mutate(seed, r, c.absurd));
        const start = performance.now();
        const { outcome, error } = await run(open);
        slowest = Math.max(slowest, performance.now() - start);
        counts[outcome]++;
        if (error instanceof DataError) {
          const why = error.problem.replace(/\d+/g, 'N').slice(0, 70);
          reasons.set(why, (reasons.get(why) ?? 0) + 1);
        }
        if (outcome === 'other' || outcome === 'timeout')
          failures.push(`#${i}: ${outcome} ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
      }
      const common = [...reasons]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([why, n]) => `${n}× ${why}`);
      console.log(
        `fuzz ${c.format}: ${JSON.stringify(counts)}, ${((performance.now() - t0) / 1000).toFixed(1)} s, slowest ${slowest.toFixed(0)} ms; most common errors: ${common.join(' | ')}`,
      );
      expect(failures).toEqual([]);
      expect(counts.ok + counts.DataError).toBe(MUTATIONS);
    });
  });
});
