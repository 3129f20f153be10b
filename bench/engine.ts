/**
 * Tensor-engine benchmark: matmul GFLOP/s through the engine against plain JS loops, the per-call
 * overhead of a tiny op, and a fused HALS sweep against the same sweep op by op.
 * Usage: npm run bench:engine [-- --json] [-- --quick]
 * Every figure is the median of several timed runs after a warm-up run.
 */
import { cpus, platform } from 'node:os';
import { performance } from 'node:perf_hooks';
import { type Engine, createEngine } from '../main/compute/engine.js';
import { GraphBuilder, type Value } from '../main/compute/graph.js';
import { type FloatDType, type Tensor, arrayOf } from '../main/compute/tensor.js';
import { halsSweep } from './_hals-sweep.js';

const args = new Set(process.argv.slice(2));
const json = args.has('--json');
const quick = args.has('--quick');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function timeMs(fn: () => Promise<unknown> | unknown, runs: number): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

function random(dtype: FloatDType, shape: number[], seed: number, lo = 0, hi = 1): Tensor {
  let s = seed >>> 0;
  const n = shape.reduce((a, b) => a * b, 1);
  const data = arrayOf(dtype, n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = lo + ((hi - lo) * s) / 4294967296;
  }
  return { dtype, shape, data } as Tensor;
}

/** The plain-JS baseline: i-k-j loops over typed arrays (the cache-friendly order). */
function jsMatmul(a: Tensor, b: Tensor, n: number): void {
  const c = arrayOf(a.dtype, n * n);
  const A = a.data;
  const B = b.data;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = A[i * n + k]!;
      const row = k * n;
      const out = i * n;
      for (let j = 0; j < n; j++) c[out + j] += aik * B[row + j]!;
    }
  }
}

interface MatmulRow {
  dtype: FloatDType;
  n: number;
  engineGflops: number;
  jsGflops: number | null;
  ratio: number | null;
}

async function benchMatmul(engine: Engine): Promise<MatmulRow[]> {
  const rows: MatmulRow[] = [];
  for (const dtype of ['float32', 'float64'] as const) {
    for (const n of quick ? [64, 256] : [64, 256, 1000, 2000]) {
      const a = random(dtype, [n, n], 1, -1, 1);
      const b = random(dtype, [n, n], 2, -1, 1);
      const flop = 2 * n ** 3;
      const runs = n <= 256 ? 50 : 7;
      const engineMs = await timeMs(() => engine.matmul(a, b), runs);
      const jsMs = n <= 1000 ? await timeMs(() => jsMatmul(a, b, n), n <= 256 ? 7 : 3) : null;
      const engineGflops = flop / engineMs / 1e6;
      const jsGflops = jsMs === null ? null : flop / jsMs / 1e6;
      rows.push({ dtype, n, engineGflops, jsGflops, ratio: jsGflops === null ? null : engineGflops / jsGflops });
    }
  }
  return rows;
}

async function benchOverhead(engine: Engine): Promise<{ eagerUs: number; compiledUs: number }> {
  const x = random('float32', [4], 3);
  const g = new GraphBuilder();
  g.output('y', g.add(g.input('x', 'float32', ['n']), 1));
  const compiled = engine.compile(g);
  const calls = 5000;
  const perCall = async (fn: () => Promise<unknown>) => {
    const samples: number[] = [];
    for (let rep = 0; rep < 5; rep++)
      samples.push(
        (await timeMs(async () => {
          for (let i = 0; i < calls; i++) await fn();
        }, 1)) / calls,
      );
    return median(samples) * 1000;
  };
  return { eagerUs: await perCall(() => engine.add(x, 1)), compiledUs: await perCall(() => compiled.run({ x })) };
}

interface HalsRow {
  shape: [number, number, number];
  rank: number;
  dtype: FloatDType;
  fusedMs: number;
  opByOpMs: number;
  speedup: number;
  opByOpCalls: number;
}

async function benchHals(engine: Engine): Promise<HalsRow> {
  const [I, J, K, R] = quick ? [4485, 200, 4, 10] : [44850, 200, 4, 10];
  const dtype = 'float32';
  const X = random(dtype, [I, J, K], 4);
  const A = random(dtype, [I, R], 5, 0.1, 1);
  const B = random(dtype, [J, R], 6, 0.1, 1);
  const C = random(dtype, [K, R], 7, 0.1, 1);

  const g = new GraphBuilder();
  const v = {
    X: g.input('X', dtype, [I, J, K]),
    A: g.input('A', dtype, [I, R]),
    B: g.input('B', dtype, [J, R]),
    C: g.input('C', dtype, [K, R]),
  };
  g.outputs({ ...(await halsSweep<Value>(g, v.X, v.A, v.B, v.C, { I, J, K, R })) });
  const fused = engine.compile(g);
  const fusedMs = await timeMs(() => fused.run({ X, A, B, C }), 7);

  const runsBefore = engine.stats().runs;
  await halsSweep<Tensor>(engine, X, A, B, C, { I, J, K, R });
  const opByOpCalls = engine.stats().runs - runsBefore;
  const opByOpMs = await timeMs(() => halsSweep<Tensor>(engine, X, A, B, C, { I, J, K, R }), 5);
  return { shape: [I, J, K], rank: R, dtype, fusedMs, opByOpMs, speedup: opByOpMs / fusedMs, opByOpCalls };
}

const engine = await createEngine({ log: (level, message) => !json && console.log(`[${level}] ${message}`) });
const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  platform: `${platform()} ${process.arch}`,
  node: process.version,
  onnxruntime: engine.info.runtimeVersion,
  provider: engine.info.active,
  threads: engine.info.threads,
};
const matmul = await benchMatmul(engine);
const overhead = await benchOverhead(engine);
const hals = await benchHals(engine);
await engine.dispose();

const fp32k = matmul.find((r) => r.dtype === 'float32' && r.n === 1000);
const targets = [
  { name: 'fp32 matmul 1000² GFLOP/s', target: '≥ 100', value: fp32k?.engineGflops ?? null, met: fp32k ? fp32k.engineGflops >= 100 : null },
  {
    name: 'fp32 matmul 1000² vs plain JS',
    target: '≥ 50×',
    value: fp32k?.ratio ?? null,
    met: fp32k?.ratio != null ? fp32k.ratio >= 50 : null,
  },
  { name: 'per-call overhead of a tiny op (µs)', target: '≤ 100', value: overhead.eagerUs, met: overhead.eagerUs <= 100 },
  {
    name: `fused HALS sweep vs op by op (${hals.shape.join('×')}, rank ${hals.rank})`,
    target: '≥ 2×',
    value: hals.speedup,
    met: hals.speedup >= 2,
  },
];

if (json) {
  console.log(JSON.stringify({ machine, matmul, overhead, hals, targets }, null, 2));
} else {
  const f = (x: number | null, d = 1) => (x === null ? '—' : x.toFixed(d));
  console.log(
    `\n${machine.cpu} · ${machine.cores} cores · ${machine.platform} · Node ${machine.node} · onnxruntime-node ${machine.onnxruntime} · provider ${machine.provider} · ${machine.threads} intra-op threads\n`,
  );
  console.log('matmul n×n           engine GFLOP/s   plain JS GFLOP/s   ratio');
  for (const r of matmul)
    console.log(
      `${r.dtype.padEnd(8)} n=${String(r.n).padEnd(5)}      ${f(r.engineGflops).padStart(10)}   ${f(r.jsGflops, 2).padStart(16)}   ${(r.ratio === null ? '—' : `${r.ratio.toFixed(0)}×`).padStart(5)}`,
    );
  console.log(`\nper-call overhead (add on 4 floats): eager op ${f(overhead.eagerUs)} µs, compiled graph ${f(overhead.compiledUs)} µs`);
  console.log(
    `\nHALS sweep ${hals.shape.join('×')} rank ${hals.rank} ${hals.dtype}: fused ${f(hals.fusedMs)} ms (1 call), op by op ${f(hals.opByOpMs)} ms (${hals.opByOpCalls} calls), fused ${hals.speedup.toFixed(2)}× faster`,
  );
  console.log('\ntargets');
  for (const t of targets)
    console.log(`  ${t.met === null ? 'n/a ' : t.met ? 'met ' : 'MISS'}  ${t.name}: ${f(t.value, 1)} (target ${t.target})`);
}
