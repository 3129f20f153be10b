import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { createEngine, engineInfo } from '../../../main/compute/engine.js';
import { candidates, listBackends } from '../../../main/compute/providers.js';
import { intraOpThreads } from '../../../main/compute/threads.js';
import { t64 } from './reference.js';

/** A provider no build for this platform carries: DirectML off Windows, CoreML on Windows. */
const FOREIGN = process.platform === 'win32' ? 'coreml' : 'dml';

describe('execution providers', () => {
  it('lists the backends of this onnxruntime-node build, the CPU always among them', () => {
    const backends = listBackends();
    expect(backends).toContainEqual({ name: 'cpu', bundled: true });
  });

  it('tries the platform GPU provider first under auto, and the CPU last in every case', () => {
    expect(candidates('auto', 'linux')).toEqual(['cuda', 'cpu']);
    expect(candidates('auto', 'win32')).toEqual(['dml', 'cpu']);
    expect(candidates('auto', 'darwin')).toEqual(['coreml', 'cpu']);
    expect(candidates('auto', 'freebsd')).toEqual(['cpu']);
    expect(candidates('cpu', 'linux')).toEqual(['cpu']);
    expect(candidates('cuda', 'win32')).toEqual(['cuda', 'cpu']);
  });

  it(`falls back to the CPU with a logged reason when ${FOREIGN} is requested here, and still computes`, async () => {
    const logged: [string, string][] = [];
    const engine = await createEngine({ provider: FOREIGN, log: (level, message) => logged.push([level, message]) });
    try {
      expect(engine.info.requested).toBe(FOREIGN);
      expect(engine.info.active).toBe('cpu');
      expect(engine.info.fallbackReason).toContain(`${FOREIGN} is not in this onnxruntime-node build`);
      expect(logged).toHaveLength(1);
      expect(logged[0]![0]).toBe('warn');
      expect(logged[0]![1]).toContain(`using cpu instead of ${FOREIGN}`);
      expect(Array.from((await engine.add(t64([1, 2]), 3)).data)).toEqual([4, 5]);
    } finally {
      await engine.dispose();
    }
  });

  it('either runs on CUDA or says why not when CUDA is requested', async () => {
    const info = await engineInfo({ provider: 'cuda' });
    if (info.active === 'cuda') {
      expect(info.fallbackReason).toBeNull();
    } else {
      expect(info.active).toBe('cpu');
      expect(info.fallbackReason).toMatch(/cuda|CUDA/);
    }
  });

  it('cpu is used without a fallback reason when asked for', async () => {
    const info = await engineInfo({ provider: 'cpu' });
    expect(info).toMatchObject({ requested: 'cpu', active: 'cpu', fallbackReason: null, workers: 1 });
    expect(info.runtimeVersion).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('threads', () => {
  it('divides the cores among parallel workers, never below one thread', () => {
    expect(intraOpThreads(1, 8)).toBe(8);
    expect(intraOpThreads(4, 16)).toBe(4);
    expect(intraOpThreads(3, 8)).toBe(2);
    expect(intraOpThreads(3, 2)).toBe(1);
    expect(() => intraOpThreads(0, 8)).toThrow(RangeError);
  });

  it('engineInfo reports the split for the machine, or the explicit override', async () => {
    expect((await engineInfo({ provider: 'cpu', workers: 2 })).threads).toBe(Math.max(1, Math.floor(availableParallelism() / 2)));
    expect((await engineInfo({ provider: 'cpu', threads: 3 })).threads).toBe(3);
    await expect(engineInfo({ provider: 'cpu', threads: 0 })).rejects.toThrow(RangeError);
  });
});
