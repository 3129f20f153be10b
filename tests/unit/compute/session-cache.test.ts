import type { InferenceSession } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { SessionCache } from '../../../main/compute/session-cache.js';

/** Stand-in sessions that record their release. */
function fakes() {
  const released: string[] = [];
  const create = async (bytes: Uint8Array) => {
    const name = new TextDecoder().decode(bytes);
    if (name === 'bad') throw new Error('refused');
    return { name, release: async () => void released.push(name) } as unknown as InferenceSession;
  };
  return { released, create };
}

const bytes = (s: string) => () => new TextEncoder().encode(s);

describe('session cache', () => {
  it('keeps the most recently used sessions and releases the evicted one', async () => {
    const { released, create } = fakes();
    const cache = new SessionCache(2, create);
    for (const k of ['a', 'b', 'a', 'c']) (await cache.acquire(k, bytes(k))).done();
    await cache.clear();
    expect(released[0]).toBe('b');
    expect(released.sort()).toEqual(['a', 'b', 'c']);
  });

  it('reuses a cached session instead of creating another', async () => {
    const { create } = fakes();
    const cache = new SessionCache(4, create);
    const first = await cache.acquire('a', bytes('a'));
    first.done();
    const second = await cache.acquire('a', bytes('a'));
    second.done();
    expect(second.session).toBe(first.session);
    expect(cache.stats()).toMatchObject({ cached: 1, created: 1, released: 0 });
  });

  it('releases a session evicted while in use only after its run is done', async () => {
    const { released, create } = fakes();
    const cache = new SessionCache(1, create);
    const held = await cache.acquire('a', bytes('a'));
    (await cache.acquire('b', bytes('b'))).done();
    await Promise.resolve();
    expect(released).toEqual([]);
    held.done();
    held.done();
    await cache.clear();
    expect(released.sort()).toEqual(['a', 'b']);
    expect(cache.stats()).toMatchObject({ cached: 0, created: 2, released: 2 });
  });

  it('forgets a graph whose session could not be created, so a later attempt retries', async () => {
    const { create } = fakes();
    const cache = new SessionCache(2, create);
    await expect(cache.acquire('x', bytes('bad'))).rejects.toThrow('refused');
    expect(cache.stats().cached).toBe(0);
  });
});
