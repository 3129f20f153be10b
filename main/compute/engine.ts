/**
 * The tensor engine: runs graphs from GraphBuilder on onnxruntime-node with sessions cached by graph
 * signature, and offers single operations (engine.matmul, engine.exp …) as cached one-op graphs.
 *
 *   const engine = await createEngine({ provider: settings.provider, workers: pool.size });
 *   const c = await engine.matmul(a, b, { transB: true });
 *   const sweep = engine.compile(g);            // once per fit
 *   const out = await sweep.run({ X, A, B });   // once per iteration
 *
 * Determinism: on the CPU provider every op gives bit-identical results for identical inputs on the
 * same machine and thread count: kernels split work by output block, never by timing (tested in
 * ops.test.ts). Between 1 and 2 intra-op threads we measured identical bits for MatMul, Gemm, Einsum
 * and every reduction, but ONNX Runtime does not promise it, so record the thread count with results.
 * Different CPUs may differ in the last bits (MLAS picks SIMD kernels per CPU for MatMul/Gemm/Exp).
 * GPU providers give no bit-level guarantee (reductions use atomics).
 */
import ort from 'onnxruntime-node';
import { availableParallelism } from 'node:os';
import type { InferenceSession } from 'onnxruntime-node';
import type { ExecutionProviderInfo, ProviderSetting } from '../../shared/domain/engine.js';
import { DTypeError, EngineError, ShapeError, formatShape } from './errors.js';
import { type FrozenGraph, GraphBuilder, type MatmulOptions, type ReduceOptions, type Value } from './graph.js';
import { chooseProvider, listBackends, runtimeVersion } from './providers.js';
import { SessionCache, type SessionCacheStats } from './session-cache.js';
import type { FloatDType, Tensor } from './tensor.js';
import { intraOpThreads } from './threads.js';

export type EngineLog = (level: 'info' | 'warn', message: string) => void;

export interface EngineOptions {
  /** Default 'auto': the platform's GPU provider when it loads, else the CPU. */
  provider?: ProviderSetting;
  /** Engines expected to run at once (the jobs pool size); the cores are divided among them. Default 1. */
  workers?: number;
  /** Intra-op threads per session; overrides the division of cores by workers. */
  threads?: number;
  /**
   * Whether idle ORT threads spin waiting for work: lower latency for short ops, but burnt cycles
   * other workers could use. Default: only when this engine's threads cover every core.
   */
  spinning?: boolean;
  /** Sessions kept alive (least recently used are released). Default 64. */
  cacheSize?: number;
  /** Where fallback notices go; default: warnings to console.warn, info dropped. */
  log?: EngineLog;
}

export interface EngineStats extends SessionCacheStats {
  /** One-op graphs kept for the eager API (plain JS objects; their sessions are in the session cache). */
  eagerGraphs: number;
  runs: number;
}

const DEFAULT_LOG: EngineLog = (level, message) => {
  if (level === 'warn') console.warn(`[engine] ${message}`);
};

/** Resolves the provider and thread settings as createEngine would, without keeping anything open. */
export async function engineInfo(options: EngineOptions = {}): Promise<ExecutionProviderInfo> {
  const requested = options.provider ?? 'auto';
  const workers = options.workers ?? 1;
  const threads = options.threads ?? intraOpThreads(workers);
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`threads must be a positive integer, got ${threads}`);
  const { active, fallbackReason } = await chooseProvider(requested);
  return { available: listBackends(), requested, active, fallbackReason, threads, workers, runtimeVersion: runtimeVersion() };
}

export async function createEngine(options: EngineOptions = {}): Promise<Engine> {
  const info = await engineInfo(options);
  const log = options.log ?? DEFAULT_LOG;
  if (info.fallbackReason !== null) {
    // An explicit request that failed deserves a warning; auto not finding a GPU is ordinary.
    log(info.requested === 'auto' ? 'info' : 'warn', `using ${info.active} instead of ${info.requested === 'auto' ? 'a GPU provider' : info.requested}: ${info.fallbackReason}`);
  }
  return new Engine(info, options.spinning ?? info.threads >= availableParallelism(), options.cacheSize ?? 64);
}

type Arg = Tensor | number;

const EAGER_GRAPHS = 256;

export class Engine {
  private readonly sessions: SessionCache;
  private readonly eagerGraphs = new Map<string, CompiledGraph>();
  private runs = 0;
  private disposed = false;

  /** Use createEngine: the provider must be probed first. */
  constructor(
    readonly info: ExecutionProviderInfo,
    spinning: boolean,
    cacheSize: number,
  ) {
    const options: InferenceSession.SessionOptions = {
      executionProviders: info.active === 'cpu' ? ['cpu'] : [info.active, 'cpu'],
      intraOpNumThreads: info.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      // Failures come back as exceptions with the same text; ORT printing them too is noise.
      logSeverityLevel: 4,
      extra: { session: { intra_op: { allow_spinning: spinning ? '1' : '0' } } },
    };
    this.sessions = new SessionCache(cacheSize, async (bytes) => {
      try {
        return await ort.InferenceSession.create(bytes, options);
      } catch (e) {
        throw new EngineError(`ONNX Runtime refused the graph: ${(e as Error).message}`, { cause: e });
      }
    });
  }

  /** Prepares a finished graph for repeated runs; the session is created on the first run and cached. */
  compile(graph: GraphBuilder): CompiledGraph {
    return new CompiledGraph(this, graph.finish());
  }

  /** @internal Runs a frozen graph; CompiledGraph.run is the public door. */
  async execute(graph: FrozenGraph, feeds: Readonly<Record<string, Tensor>>): Promise<Record<string, Tensor>> {
    if (this.disposed) throw new Error('the engine has been disposed');
    graph.check(feeds);
    const lease = await this.sessions.acquire(graph.key, () => graph.bytes);
    try {
      const ortFeeds: Record<string, ort.Tensor> = {};
      for (const spec of graph.inputs) {
        const t = feeds[spec.name]!;
        ortFeeds[spec.name] = new ort.Tensor(t.dtype, t.data, t.shape);
      }
      let result: InferenceSession.ReturnType;
      try {
        result = await lease.session.run(ortFeeds);
      } catch (e) {
        throw new EngineError(`ONNX Runtime failed running the graph: ${(e as Error).message}`, { cause: e });
      }
      this.runs++;
      const out: Record<string, Tensor> = {};
      for (const spec of graph.outputs) {
        const r = result[spec.onnxName] as ort.Tensor;
        out[spec.name] = { dtype: spec.dtype as FloatDType, shape: [...r.dims], data: r.data } as Tensor;
      }
      return out;
    } finally {
      lease.done();
    }
  }

  stats(): EngineStats {
    return { ...this.sessions.stats(), eagerGraphs: this.eagerGraphs.size, runs: this.runs };
  }

  /** Releases every session; the engine cannot run anything afterwards. */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.eagerGraphs.clear();
    await this.sessions.clear();
  }

  // ── single operations: each is a cached one-op graph; number operands are fed as scalars ──

  add(a: Arg, b: Arg): Promise<Tensor> {
    return this.eager('add', '', [a, b], (g, [x, y]) => g.add(x!, y!));
  }
  sub(a: Arg, b: Arg): Promise<Tensor> {
    return this.eager('sub', '', [a, b], (g, [x, y]) => g.sub(x!, y!));
  }
  mul(a: Arg, b: Arg): Promise<Tensor> {
    return this.eager('mul', '', [a, b], (g, [x, y]) => g.mul(x!, y!));
  }
  div(a: Arg, b: Arg): Promise<Tensor> {
    return this.eager('div', '', [a, b], (g, [x, y]) => g.div(x!, y!));
  }
  pow(a: Arg, b: Arg): Promise<Tensor> {
    return this.eager('pow', '', [a, b], (g, [x, y]) => g.pow(x!, y!));
  }
  maximum(a: Arg, b: Arg): Promise<Tensor> {
    return this.eager('maximum', '', [a, b], (g, [x, y]) => g.maximum(x!, y!));
  }
  minimum(a: Arg, b: Arg): Promise<Tensor> {
    return this.eager('minimum', '', [a, b], (g, [x, y]) => g.minimum(x!, y!));
  }

  neg(a: Tensor): Promise<Tensor> {
    return this.eager('neg', '', [a], (g, [x]) => g.neg(x!));
  }
  abs(a: Tensor): Promise<Tensor> {
    return this.eager('abs', '', [a], (g, [x]) => g.abs(x!));
  }
  exp(a: Tensor): Promise<Tensor> {
    return this.eager('exp', '', [a], (g, [x]) => g.exp(x!));
  }
  log(a: Tensor): Promise<Tensor> {
    return this.eager('log', '', [a], (g, [x]) => g.log(x!));
  }
  log1p(a: Tensor): Promise<Tensor> {
    return this.eager('log1p', '', [a], (g, [x]) => g.log1p(x!));
  }
  sqrt(a: Tensor): Promise<Tensor> {
    return this.eager('sqrt', '', [a], (g, [x]) => g.sqrt(x!));
  }
  square(a: Tensor): Promise<Tensor> {
    return this.eager('square', '', [a], (g, [x]) => g.square(x!));
  }
  reciprocal(a: Tensor): Promise<Tensor> {
    return this.eager('reciprocal', '', [a], (g, [x]) => g.reciprocal(x!));
  }
  sigmoid(a: Tensor): Promise<Tensor> {
    return this.eager('sigmoid', '', [a], (g, [x]) => g.sigmoid(x!));
  }
  softplus(a: Tensor): Promise<Tensor> {
    return this.eager('softplus', '', [a], (g, [x]) => g.softplus(x!));
  }
  tanh(a: Tensor): Promise<Tensor> {
    return this.eager('tanh', '', [a], (g, [x]) => g.tanh(x!));
  }
  relu(a: Tensor): Promise<Tensor> {
    return this.eager('relu', '', [a], (g, [x]) => g.relu(x!));
  }

  /** Clamps to [lo, hi]; bounds are fed as scalars so changing them reuses the session. */
  clip(a: Tensor, lo?: number, hi?: number): Promise<Tensor> {
    if (lo !== undefined && hi !== undefined && lo > hi) return Promise.reject(new RangeError(`clip: lower bound ${lo} is above upper bound ${hi}`));
    const args: Arg[] = [a, ...(lo === undefined ? [] : [lo]), ...(hi === undefined ? [] : [hi])];
    const has = `${lo === undefined ? '' : 'lo'}${hi === undefined ? '' : 'hi'}`;
    return this.eager('clip', has, args, (g, [x, ...b]) => g.clip(x!, lo === undefined ? undefined : b[0], hi === undefined ? undefined : b[b.length - 1]));
  }

  matmul(a: Tensor, b: Tensor, opts: MatmulOptions = {}): Promise<Tensor> {
    return this.eager('matmul', `${opts.transA ? 'T' : 'N'}${opts.transB ? 'T' : 'N'}`, [a, b], (g, [x, y]) => g.matmul(x, y, opts));
  }
  einsum(equation: string, ...operands: Tensor[]): Promise<Tensor> {
    return this.eager('einsum', equation, operands, (g, xs) => g.einsum(equation, ...(xs)));
  }
  khatriRao(a: Tensor, b: Tensor): Promise<Tensor> {
    return this.eager('khatriRao', '', [a, b], (g, [x, y]) => g.khatriRao(x, y));
  }

  sum(a: Tensor, axes?: number | readonly number[], opts: ReduceOptions = {}): Promise<Tensor> {
    return this.reduce('sum', a, axes, opts);
  }
  mean(a: Tensor, axes?: number | readonly number[], opts: ReduceOptions = {}): Promise<Tensor> {
    return this.reduce('mean', a, axes, opts);
  }
  max(a: Tensor, axes?: number | readonly number[], opts: ReduceOptions = {}): Promise<Tensor> {
    return this.reduce('max', a, axes, opts);
  }
  min(a: Tensor, axes?: number | readonly number[], opts: ReduceOptions = {}): Promise<Tensor> {
    return this.reduce('min', a, axes, opts);
  }
  sumSquares(a: Tensor, axes?: number | readonly number[], opts: ReduceOptions = {}): Promise<Tensor> {
    return this.reduce('sumSquares', a, axes, opts);
  }
  logsumexp(a: Tensor, axes?: number | readonly number[], opts: ReduceOptions = {}): Promise<Tensor> {
    return this.reduce('logsumexp', a, axes, opts);
  }

  transpose(a: Tensor, perm?: readonly number[]): Promise<Tensor> {
    return this.eager('transpose', perm?.join(',') ?? '', [a], (g, [x]) => g.transpose(x, perm));
  }
  reshape(a: Tensor, target: readonly number[]): Promise<Tensor> {
    return this.eager('reshape', target.join(','), [a], (g, [x]) => g.reshape(x, target));
  }
  slice(a: Tensor, axis: number, start: number, end?: number, step = 1): Promise<Tensor> {
    return this.eager('slice', `${axis}:${start}:${end}:${step}`, [a], (g, [x]) => g.slice(x, axis, start, end, step));
  }
  gather(a: Tensor, axis: number, indices: number | readonly number[]): Promise<Tensor> {
    const key = `${axis}:${typeof indices === 'number' ? indices : `[${indices.join(',')}]`}`;
    return this.eager('gather', key, [a], (g, [x]) => g.gather(x, axis, indices));
  }
  concat(values: readonly Tensor[], axis: number): Promise<Tensor> {
    return this.eager('concat', String(axis), values, (g, xs) => g.concat(xs, axis));
  }

  private reduce(op: 'sum' | 'mean' | 'max' | 'min' | 'sumSquares' | 'logsumexp', a: Tensor, axes: number | readonly number[] | undefined, opts: ReduceOptions): Promise<Tensor> {
    const key = `${axes === undefined ? '*' : String(axes)}:${opts.keepDims ? 'k' : ''}`;
    return this.eager(op, key, [a], (g, [x]) => g[op](x, axes, opts));
  }

  private async eager(op: string, attrs: string, args: readonly Arg[], build: (g: GraphBuilder, inputs: Value[]) => Value): Promise<Tensor> {
    const ref = args.find((a): a is Tensor => typeof a !== 'number');
    if (!ref) throw new TypeError(`${op}: at least one operand must be a tensor`);
    let key = `${op}|${attrs}`;
    for (const a of args) key += typeof a === 'number' ? '|s' : `|${a.dtype}:${a.shape.length}`;
    let compiled = this.eagerGraphs.get(key);
    if (compiled) {
      this.eagerGraphs.delete(key);
    } else {
      const g = new GraphBuilder();
      const inputs = args.map((a, i) =>
        typeof a === 'number' ? g.input(`s${i}`, ref.dtype, []) : g.input(`x${i}`, checkedDType(op, a), a.shape.map((_, k) => `x${i}_${k}`)),
      );
      g.output('y', build(g, inputs));
      compiled = this.compile(g);
      if (this.eagerGraphs.size >= EAGER_GRAPHS) this.eagerGraphs.delete(this.eagerGraphs.keys().next().value!);
    }
    this.eagerGraphs.set(key, compiled);
    const feeds: Record<string, Tensor> = {};
    args.forEach((a, i) => {
      if (typeof a === 'number') feeds[`s${i}`] = { dtype: ref.dtype, shape: [], data: ref.dtype === 'float32' ? Float32Array.of(a) : Float64Array.of(a) } as Tensor;
      else feeds[`x${i}`] = a;
    });
    return (await compiled.run(feeds)).y!;
  }
}

function checkedDType(op: string, t: Tensor): FloatDType {
  if (t.dtype !== 'float32' && t.dtype !== 'float64') throw new DTypeError(`${op}: the engine computes on float32 or float64, got ${String(t.dtype)} ${formatShape(t.shape)}`);
  if (!Array.isArray(t.shape)) throw new ShapeError(`${op}: tensor has no shape array`, []);
  return t.dtype;
}

/** A graph ready to run; keep one per fit and call run once per iteration. */
export class CompiledGraph {
  constructor(
    private readonly engine: Engine,
    readonly graph: FrozenGraph,
  ) {}

  run(feeds: Readonly<Record<string, Tensor>>): Promise<Record<string, Tensor>> {
    return this.engine.execute(this.graph, feeds);
  }
}
