/**
 * HDF5 access for the readers (NWB, CaImAn, MATLAB v7.3): h5wasm runs in one worker thread (see
 * worker-source.ts). Every request has a deadline; a request that aborts the engine or runs past it
 * ends that worker, its callers get a DataError, and the next request starts a fresh engine (files
 * are reopened transparently).
 */
import { Worker } from 'node:worker_threads';
import type { Range } from '../types.js';
import { DataError } from '../types.js';
import { WORKER_SOURCE } from './worker-source.js';

/** Element type of a dataset, as the engine reports it. */
export interface H5Dtype {
  cls: 'int' | 'uint' | 'float' | 'string' | 'compound' | 'reference' | 'enum' | 'vlen' | 'array' | 'other';
  size: number;
  members?: { name: string; cls: string; size: number; offset: number }[];
  enumMembers?: Record<string, number>;
}

/** A value read from a file: numbers, strings, typed arrays, object references as {ref: path}, or nested arrays. */
export type H5Value = unknown;

export interface H5Node {
  path: string;
  kind: 'group' | 'dataset' | 'link' | 'external' | 'broken' | 'other';
  attrs?: Record<string, H5Value>;
  /** Datasets. */
  shape?: number[] | null;
  chunks?: number[] | null;
  dtype?: H5Dtype;
  /** Small datasets (≤ 64 values) come with their value. */
  value?: H5Value;
  /** Soft links. */
  target?: string;
  error?: string;
}

export type Slice = [number, number] | [];

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
  worker: Worker;
  file: string;
  object: string;
}

interface Reply {
  id: number;
  ok: boolean;
  value?: unknown;
  message?: string;
  fatal?: boolean;
  restart?: boolean;
}

/** Seconds allowed for metadata requests; large reads get more in proportion to their size. */
const BASE_TIMEOUT_MS = 20_000;
const MS_PER_MB = 20;

class Engine {
  /** The worker new requests go to; retired workers finish what they were given, then end. */
  private worker: Worker | undefined;
  private retired = new Set<Worker>();
  private pending = new Map<number, Pending>();
  private nextId = 1;
  /** Bumped whenever a worker is started: file handles of an older generation are stale. */
  generation = 0;

  private start(): Worker {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { h5url: import.meta.resolve('h5wasm/node') } });
    worker.unref();
    worker.on('message', (msg: Reply) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.settle(msg.id);
      if (msg.restart) this.retire(worker);
      if (msg.ok) p.resolve(msg.value);
      else p.reject(new DataError(p.file, p.object, `HDF5 error: ${msg.message}${msg.fatal ? ' (the HDF5 engine aborted and was restarted)' : ''}`));
    });
    worker.on('error', (e) => this.fail(worker, `the HDF5 engine failed: ${e.message}`));
    worker.on('exit', (code) => this.fail(worker, `the HDF5 engine stopped (exit code ${code})`));
    this.worker = worker;
    this.generation++;
    return worker;
  }

  private forWorker(worker: Worker): [number, Pending][] {
    return [...this.pending].filter(([, p]) => p.worker === worker);
  }

  private settle(id: number): void {
    const p = this.pending.get(id);
    if (!p) return;
    clearTimeout(p.timer);
    this.pending.delete(id);
    const left = this.forWorker(p.worker).length;
    if (left === 0) {
      p.worker.unref();
      if (this.retired.delete(p.worker)) void p.worker.terminate();
    }
  }

  /** New requests go to a fresh worker; this one ends once its requests are answered. */
  private retire(worker: Worker): void {
    if (this.worker === worker) this.worker = undefined;
    if (this.forWorker(worker).length === 0) void worker.terminate();
    else this.retired.add(worker);
  }

  /** A worker died or hung: fail what it was doing and end it. */
  private fail(worker: Worker, why: string): void {
    if (this.worker === worker) this.worker = undefined;
    this.retired.delete(worker);
    for (const [id, p] of this.forWorker(worker)) {
      this.settle(id);
      p.reject(new DataError(p.file, p.object, `${why}; the file may be damaged`));
    }
    void worker.terminate();
  }

  request<T>(op: string, args: unknown[], file: string, object: string, timeoutMs = BASE_TIMEOUT_MS): Promise<T> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(worker, `HDF5 request '${op}' took longer than ${Math.round(timeoutMs / 1000)} s`), timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer, worker, file, object });
      worker.ref();
      worker.postMessage({ id, op, args });
    });
  }

  currentGeneration(): number {
    if (!this.worker) this.start();
    return this.generation;
  }

  /** Ends the workers (tests, shutdown). Open files are reopened on their next request. */
  async shutdown(): Promise<void> {
    const workers = [this.worker, ...this.retired].filter((w): w is Worker => !!w);
    this.worker = undefined;
    this.retired.clear();
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

const engine = new Engine();

export function shutdownHdf5(): Promise<void> {
  return engine.shutdown();
}

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** HDF5 signature at offset 0 or at a user-block boundary (512, 1024, …) within `head`. */
export function isHdf5(head: Uint8Array): boolean {
  for (let at = 0; at + 8 <= head.length; at = at === 0 ? 512 : at * 2) {
    if (SIGNATURE.every((b, i) => head[at + i] === b)) return true;
  }
  return false;
}

/** An HDF5 file opened read-only in the engine. */
export class H5File {
  private fid: Promise<number> | undefined;
  private generation = -1;
  private closed = false;

  private constructor(readonly path: string) {}

  static async open(path: string): Promise<H5File> {
    const f = new H5File(path);
    await f.handle();
    return f;
  }

  private handle(): Promise<number> {
    if (this.closed) return Promise.reject(new DataError(this.path, '', 'file is closed'));
    if (!this.fid || this.generation !== engine.currentGeneration()) {
      this.generation = engine.generation;
      this.fid = engine.request<number>('open', [this.path], this.path, '');
    }
    return this.fid;
  }

  async walk(): Promise<{ nodes: H5Node[]; truncated: boolean }> {
    return engine.request('walk', [await this.handle()], this.path, '/');
  }

  /** A whole dataset or a slice of it (one [start, end) per dimension; [] = all of that dimension). */
  async read(object: string, slice?: Slice[]): Promise<H5Value> {
    return engine.request('read', [await this.handle(), object, slice], this.path, object);
  }

  /**
   * Rows × columns of a 1-D/2-D numeric dataset as float32 (value*scale + offset), transposed to
   * columns × rows when asked (time-major NWB data → neurons × frames).
   */
  async readMatrix(object: string, rows: Range, cols: Range, opts: { transpose: boolean; scale?: number; offset?: number }): Promise<Float32Array> {
    const mb = ((rows[1] - rows[0]) * (cols[1] - cols[0]) * 8) / (1 << 20);
    return engine.request(
      'readMatrix',
      [await this.handle(), object, rows[0], rows[1], cols[0], cols[1], opts.transpose, opts.scale ?? 1, opts.offset ?? 0],
      this.path,
      object,
      BASE_TIMEOUT_MS + mb * MS_PER_MB,
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const fid = this.fid;
    if (fid && this.generation === engine.generation) {
      await fid.then((id) => engine.request('close', [id], this.path, '')).catch(() => undefined);
    }
  }
}
