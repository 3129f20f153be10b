/** HMM inference against brute-force enumeration of every state path, and the two forward–backward forms against each other. */
import { describe, expect, it } from 'vitest';
import {
  forwardLogLikelihoods,
  logForwardBackward,
  scaledForwardBackward,
  type Segment,
  viterbi,
} from '../../../main/analyses/hmmglm/forwardBackward.js';
import { Rng } from '../../../main/util/rng.js';

function randomChain(k: number, rng: Rng) {
  const norm = (v: Float64Array) => v.map((x) => x / v.reduce((a, b) => a + b, 0));
  const transition = new Float64Array(k * k);
  for (let i = 0; i < k; i++) transition.set(norm(Float64Array.from({ length: k }, () => 0.1 + rng.uniform())), i * k);
  const initial = norm(Float64Array.from({ length: k }, () => 0.1 + rng.uniform()));
  return { transition, initial };
}

/** Every path of one segment: log p(path, y) for all K^T paths. */
function enumerate(logB: Float64Array, k: number, transition: Float64Array, initial: Float64Array, [a, b]: Segment) {
  const t = b - a;
  const paths: Array<{ path: number[]; logJoint: number }> = [];
  for (let code = 0; code < k ** t; code++) {
    const path = Array.from({ length: t }, (_, r) => Math.floor(code / k ** r) % k);
    let lj = Math.log(initial[path[0]!]!) + logB[a * k + path[0]!]!;
    for (let r = 1; r < t; r++) lj += Math.log(transition[path[r - 1]! * k + path[r]!]!) + logB[(a + r) * k + path[r]!]!;
    paths.push({ path, logJoint: lj });
  }
  return paths;
}

describe('forward–backward', () => {
  for (const [k, lengths] of [
    [2, [6]],
    [3, [5]],
    [3, [4, 1, 3]],
    [4, [3, 2]],
  ] as Array<[number, number[]]>) {
    it(`matches brute-force enumeration (K = ${k}, segments of ${lengths.join(', ')} bins)`, () => {
      const rng = new Rng(k * 10 + lengths.length);
      const t = lengths.reduce((a, b) => a + b, 0);
      const logB = Float64Array.from({ length: t * k }, () => -5 * rng.uniform() - 1);
      const { transition, initial } = randomChain(k, rng);
      const segments: Segment[] = [];
      let row = 0;
      for (const len of lengths) {
        segments.push([row, row + len]);
        row += len;
      }
      const gamma = new Float64Array(t * k);
      const xi = new Float64Array(k * k);
      let ll = 0;
      const best: number[] = [];
      for (const seg of segments) {
        const paths = enumerate(logB, k, transition, initial, seg);
        const max = Math.max(...paths.map((p) => p.logJoint));
        const z = paths.reduce((a, p) => a + Math.exp(p.logJoint - max), 0);
        const logZ = max + Math.log(z);
        ll += logZ;
        for (const { path, logJoint } of paths) {
          const w = Math.exp(logJoint - logZ);
          path.forEach((s, r) => (gamma[(seg[0] + r) * k + s] += w));
          for (let r = 1; r < path.length; r++) xi[path[r - 1]! * k + path[r]!] += w;
        }
        best.push(...paths.reduce((a, p) => (p.logJoint > a.logJoint ? p : a)).path);
      }
      for (const fb of [logForwardBackward, scaledForwardBackward]) {
        const post = fb(logB, k, transition, initial, segments);
        expect(post.logLikelihood).toBeCloseTo(ll, 10);
        post.gamma.forEach((v, i) => expect(v).toBeCloseTo(gamma[i]!, 12));
        post.xi.forEach((v, i) => expect(v).toBeCloseTo(xi[i]!, 12));
      }
      expect(forwardLogLikelihoods(logB, k, transition, initial, segments).reduce((a, b) => a + b, 0)).toBeCloseTo(ll, 10);
      expect(Array.from(viterbi(logB, k, transition, initial, segments))).toEqual(best);
    });
  }

  it('log-space and scaled versions agree to 1e-8 on long sequences with sharp emissions', () => {
    const rng = new Rng(7);
    const k = 3;
    const t = 20_000;
    // Emission log-likelihoods of hundreds of nats per bin, as 100 neurons give.
    const logB = Float64Array.from({ length: t * k }, () => -300 - 60 * rng.uniform());
    const { transition, initial } = randomChain(k, rng);
    const segments: Segment[] = [
      [0, 12_000],
      [12_000, t],
    ];
    const a = logForwardBackward(logB, k, transition, initial, segments);
    const b = scaledForwardBackward(logB, k, transition, initial, segments);
    expect(Math.abs(a.logLikelihood - b.logLikelihood)).toBeLessThanOrEqual(1e-8 * Math.abs(a.logLikelihood));
    let maxGamma = 0;
    for (let i = 0; i < a.gamma.length; i++) maxGamma = Math.max(maxGamma, Math.abs(a.gamma[i]! - b.gamma[i]!));
    expect(maxGamma).toBeLessThan(1e-8);
    a.xi.forEach((v, i) => expect(Math.abs(v - b.xi[i]!)).toBeLessThan(1e-8 * Math.max(1, v)));
    // Posteriors are distributions and ξ counts every transition once.
    for (let r = 0; r < t; r += 997) expect(a.gamma[r * k]! + a.gamma[r * k + 1]! + a.gamma[r * k + 2]!).toBeCloseTo(1, 10);
    expect(a.xi.reduce((x, y) => x + y, 0)).toBeCloseTo(t - segments.length, 6);
  });
});
