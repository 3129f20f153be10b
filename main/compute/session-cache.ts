/**
 * Least-recently-used cache of ONNX Runtime sessions keyed by graph signature. An evicted session is
 * released once the runs holding it finish, so the number of live sessions stays at the capacity
 * plus those still running.
 */
import type { InferenceSession } from 'onnxruntime-node';

export interface Lease {
  readonly session: InferenceSession;
  /** Hands the session back; call exactly once per acquire, after the run. */
  done(): void;
}

interface Entry {
  ready: Promise<InferenceSession>;
  refs: number;
  evicted: boolean;
}

export interface SessionCacheStats {
  cached: number;
  created: number;
  released: number;
}

export class SessionCache {
  private readonly entries = new Map<string, Entry>();
  private readonly releasing = new Set<Promise<void>>();
  private created = 0;
  private released = 0;

  constructor(
    private readonly capacity: number,
    private readonly create: (bytes: Uint8Array) => Promise<InferenceSession>,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`session cache capacity must be a positive integer, got ${capacity}`);
  }

  async acquire(key: string, bytes: () => Uint8Array): Promise<Lease> {
    let entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    } else {
      const fresh: Entry = { ready: this.create(bytes()), refs: 0, evicted: false };
      fresh.ready.then(
        () => this.created++,
        () => {
          if (this.entries.get(key) === fresh) this.entries.delete(key);
        },
      );
      this.entries.set(key, fresh);
      entry = fresh;
      this.evictOverflow();
    }
    const held = entry;
    held.refs++;
    let session: InferenceSession;
    try {
      session = await held.ready;
    } catch (e) {
      held.refs--;
      throw e;
    }
    let returned = false;
    return {
      session,
      done: () => {
        if (returned) return;
        returned = true;
        held.refs--;
        if (held.evicted && held.refs === 0) this.dispose(held);
      },
    };
  }

  stats(): SessionCacheStats {
    return { cached: this.entries.size, created: this.created, released: this.released };
  }

  /** Releases every session (those in use as their runs finish) and waits for the releases. */
  async clear(): Promise<void> {
    for (const key of [...this.entries.keys()]) this.evict(key);
    while (this.releasing.size > 0) await Promise.all(this.releasing);
  }

  private evictOverflow(): void {
    while (this.entries.size > this.capacity) this.evict(this.entries.keys().next().value!);
  }

  private evict(key: string): void {
    const entry = this.entries.get(key)!;
    this.entries.delete(key);
    entry.evicted = true;
    if (entry.refs === 0) this.dispose(entry);
  }

  private dispose(entry: Entry): void {
    const p = entry.ready
      .then(
        async (s) => {
          await s.release();
          this.released++;
        },
        () => undefined,
      )
      .finally(() => this.releasing.delete(p));
    this.releasing.add(p);
  }
}
