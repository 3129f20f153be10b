import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame } from '../../../shared/ipc/codec.js';
import { CHANNEL_NAMES, channels } from '../../../shared/ipc/contract.js';
import { Router, studioHandlers } from '../../../main/router.js';
import type { Studio } from '../../../main/services/studio.js';
import { bootTestStudio, tempDir } from '../helpers.js';

describe('binary frame codec', () => {
  it('round-trips JSON with typed-array attachments of every kind, byte for byte', () => {
    const value = {
      name: 'x',
      nested: { f32: new Float32Array([1.5, -2, Number.NaN]), list: [new Int32Array([1, -2, 3]), new Uint8Array([255, 0])] },
      f64: new Float64Array([Math.PI, -0, 1e-300]),
      big: new BigInt64Array([-(2n ** 62n), 5n]),
      u64: new BigUint64Array([2n ** 63n]),
      scalar: 12345678901234567890n,
    };
    const back = decodeFrame(encodeFrame(value)) as typeof value;
    expect(back.name).toBe('x');
    expect(back.nested.f32).toBeInstanceOf(Float32Array);
    expect(Array.from(back.nested.f32)).toEqual([1.5, -2, Number.NaN]);
    expect(back.nested.list[0]).toEqual(new Int32Array([1, -2, 3]));
    expect(back.nested.list[1]).toEqual(new Uint8Array([255, 0]));
    expect(Object.is(back.f64[1], -0)).toBe(true);
    expect(back.f64[0]).toBe(Math.PI);
    expect(back.big).toEqual(new BigInt64Array([-(2n ** 62n), 5n]));
    expect(back.u64[0]).toBe(2n ** 63n);
    expect(back.scalar).toBe(12345678901234567890n);
  });

  it('decodes a frame delivered at an unaligned offset of a larger buffer', () => {
    const frame = encodeFrame({ a: new Float64Array([1, 2, 3]) });
    const host = new Uint8Array(frame.length + 3);
    host.set(frame, 3);
    const back = decodeFrame(host.subarray(3)) as { a: Float64Array };
    expect(Array.from(back.a)).toEqual([1, 2, 3]);
  });

  it('rejects truncated frames instead of reading past them', () => {
    const frame = encodeFrame({ a: new Float32Array(100) });
    expect(() => decodeFrame(frame.subarray(0, 50))).toThrow(/does not fit/);
    expect(() => decodeFrame(new Uint8Array(3))).toThrow(/too short/);
  });
});

describe('router validation', () => {
  const dir = tempDir();
  let studio: Studio;
  let router: Router;
  const errors: string[] = [];
  beforeAll(async () => {
    studio = await bootTestStudio(dir.path);
    router = new Router(studioHandlers(studio), (channel, error) => errors.push(`${channel}:${error.code}`));
  });
  afterAll(async () => {
    await studio.shutdown();
    dir.remove();
  });

  it('has one schema per channel and a handler for each', () => {
    const handlers = studioHandlers(studio);
    expect(Object.keys(handlers).sort()).toEqual([...CHANNEL_NAMES].sort());
    for (const name of CHANNEL_NAMES) expect(typeof channels[name].input.safeParse).toBe('function');
  });

  it('rejects invalid payloads with the validation message and keeps serving', async () => {
    const bad = await router.call('projects.create', { name: '' });
    expect(bad).toEqual({ ok: false, error: { code: 'invalid-input', message: 'projects.create: name: a name is required' } });
    const extra = await router.call('projects.create', { name: 'x', evil: true });
    expect(extra.ok).toBe(false);
    expect(!extra.ok && extra.error.message).toMatch(/Unrecognized key.*evil/);
    const wrongType = await router.call('projects.rename', { id: 'one', name: 'x' });
    expect(!wrongType.ok && wrongType.error.message).toMatch(/^projects\.rename: id: /);
    const notObject = await router.call('projects.list', 42);
    expect(notObject.ok).toBe(false);
    const unknown = await router.call('fs.readFile', { path: '/etc/passwd' });
    expect(unknown).toEqual({ ok: false, error: { code: 'unknown-channel', message: 'unknown channel "fs.readFile"' } });
    const good = await router.call('projects.create', { name: '  Cortex  ' });
    expect(good.ok && (good.value as { name: string }).name).toBe('Cortex');
    expect(errors).toEqual([
      'projects.create:invalid-input',
      'projects.create:invalid-input',
      'projects.rename:invalid-input',
      'projects.list:invalid-input',
      'fs.readFile:unknown-channel',
    ]);
  });

  it('maps missing records to not-found with the record named', async () => {
    const r = await router.call('runs.get', { id: 999 });
    expect(r).toEqual({ ok: false, error: { code: 'not-found', message: 'run 999 does not exist' } });
  });

  it('reports an unreadable dataset path as not-found naming the path', async () => {
    const p = await router.call('projects.create', { name: 'P' });
    const id = p.ok ? (p.value as { id: number }).id : 0;
    const r = await router.call('datasets.add', { projectId: id, path: '/no/such/file.npy' });
    expect(r).toEqual({ ok: false, error: { code: 'not-found', message: '/no/such/file.npy: file not found' } });
  });
});
