import { describe, expect, it } from 'vitest';
import { DEMO_DEFAULTS, simulateDemo } from '../../../main/demo/simulate.js';
import { pearson as corr } from '../helpers.js';

describe('demo recording', () => {
  const demo = simulateDemo();
  const { neurons: n, frames: t } = DEMO_DEFAULTS;

  it('is deterministic given the seed, and differs for another seed', () => {
    expect(simulateDemo().traces).toEqual(demo.traces);
    expect(simulateDemo({ ...DEMO_DEFAULTS, seed: 1 }).traces).not.toEqual(demo.traces);
  });

  it('has the documented shape, 4 assemblies of equal size, and positive fluorescence', () => {
    expect(demo.traces.length).toBe(n * t);
    expect(demo.assemblies).toHaveLength(4);
    for (const a of demo.assemblies) expect(a.members).toHaveLength(18);
    expect(demo.traces.reduce((m, v) => Math.min(m, v), Infinity)).toBeGreaterThan(0);
  });

  it('plants co-activation: assembly members correlate within their epochs, not across assemblies', () => {
    const trace = (i: number, [s, e]: [number, number]) => Float64Array.from(demo.traces.subarray(i * t + s, i * t + e));
    const within: number[] = [];
    const across: number[] = [];
    const epoch = demo.assemblies[2].epochs[0]; // assembly C is active throughout
    const c = demo.assemblies[2].members;
    const others = demo.assemblies[0].members;
    for (let a = 0; a < 6; a++) {
      within.push(corr(trace(c[a], epoch), trace(c[a + 1], epoch)));
      across.push(corr(trace(c[a], epoch), trace(others[a], epoch)));
    }
    const mean = (v: number[]) => v.reduce((x, y) => x + y, 0) / v.length;
    expect(mean(within)).toBeGreaterThan(0.3);
    expect(mean(across)).toBeLessThan(0.15);
  });

  it('turns assemblies off outside their epochs: assembly A members decouple in the second half', () => {
    const [a0, a1] = demo.assemblies[0].members;
    const early: [number, number] = [0, Math.round(0.45 * t)];
    const late: [number, number] = [Math.round(0.55 * t), t];
    const seg = (i: number, [s, e]: [number, number]) => Float64Array.from(demo.traces.subarray(i * t + s, i * t + e));
    expect(corr(seg(a0, early), seg(a1, early))).toBeGreaterThan(0.3);
    expect(Math.abs(corr(seg(a0, late), seg(a1, late)))).toBeLessThan(0.2);
  });
});
