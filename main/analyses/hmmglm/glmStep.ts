/**
 * The GLM M-step: maximise, for every state k and neuron n at once (B = K·N independent problems
 * of P weights), the posterior-weighted Poisson log-likelihood plus the log prior
 *
 *   f_b(w) = Σ_t γ_k(t)·M_n(t)·ℓ_n(t; w) − ½ Σ_p c_bp (w_p − μ_bp)² + e_b(w),
 *
 * where the quadratic part carries the ridge and the Gaussian prior, e_b is the one-hot type term
 * (constant while the types are, which are set between M-step runs), fixed coordinates stay at 0 and sign-typed ones within their
 * bound (projected steps; a coordinate at its bound whose gradient points out is held for the
 * step). Newton uses exact Hessians from the engine; L-BFGS (two-loop, Hessian-diagonal initial
 * scaling) needs only gradients. Every step passes a per-problem Armijo test on f_b, so each
 * problem's objective never decreases (the generalised-EM condition); a step that yields a
 * non-finite value is halved like any other failed step.
 */
import { choleskySolve, LinalgError, tensor } from '../../compute/index.js';
import type { EvalMode, Evaluation, GlmEvaluator } from './emission.js';

export interface Penalty {
  /** B × P precision of the quadratic penalty (0 = none). */
  prec: Float64Array;
  /** B × P centre of the quadratic penalty. */
  center: Float64Array;
  /** B × P, 1 where the weight is held at 0. */
  fixed: Uint8Array;
  /** B × P sign constraints: +1 keeps the weight ≥ 0, −1 keeps it ≤ 0, 0 leaves it free. */
  sign?: Int8Array;
  /** B × P, 1 where the weight is one value shared by all states: held by glmMStep, fitted by sharedStep. */
  shared?: Uint8Array;
  /** A term per problem that does not depend on the weights (the one-hot type prior), so that f_b is the whole objective. */
  extra?: (b: number) => number;
}

export interface MStepOptions {
  solver: 'newton' | 'lbfgs';
  maxIterations: number;
  /** Stop a problem when its objective improves by less than this (absolute, per problem). */
  tolerance: number;
  /** L-BFGS curvature pairs carried from one M-step to the next (the posteriors change little between EM iterations). */
  memory?: LbfgsMemory;
  /** L-BFGS: evaluate the Hessian diagonal afresh (the one-hot type proposals need it); otherwise the memory's is reused. */
  freshDiagonal?: boolean;
}

export interface MStepResult {
  w: Float64Array;
  /** Per-problem objective f_b at w. */
  f: Float64Array;
  /** B × P gradient of f at w. */
  grad: Float64Array;
  /** B × P diagonal of −∇²f (exact at w under Newton; from the last diagonal evaluation under L-BFGS). */
  hdiag: Float64Array;
  iterations: number;
}

const ARMIJO = 1e-4;
/** A problem whose step was halved this often stops for this M-step. */
const MIN_STEP = 2 ** -30;
const MEMORY = 8;

function quadratic(pen: Penalty, b: number, w: Float64Array, p: number): number {
  let v = 0;
  for (let j = 0; j < p; j++) {
    const c = pen.prec[b * p + j]!;
    if (c > 0) {
      const d = w[j]! - pen.center[b * p + j]!;
      v -= 0.5 * c * d * d;
    }
  }
  return v;
}

/** f_b, ∇f_b and the diagonal of −∇²f_b from an evaluation row. */
function assemble(
  ev: Evaluation,
  pen: Penalty,
  b: number,
  w: Float64Array,
  p: number,
  q: number,
  out: { f: Float64Array; grad: Float64Array; hdiag: Float64Array; hess?: Float64Array },
) {
  out.f[b] = ev.obj![b]! + quadratic(pen, b, w, p) + (pen.extra ? pen.extra(b) : 0);
  for (let j = 0; j < p; j++) {
    const i = b * p + j;
    const c = pen.prec[i]!;
    // Fixed coordinates keep their gradient: the one-hot type proposal reads it.
    out.grad[i] = ev.grad![i]! - c * (w[j]! - pen.center[i]!);
  }
  if (ev.hess) {
    out.hess!.set(ev.hess.subarray(b * q, (b + 1) * q), b * q);
    let c = 0;
    for (let j = 0; j < p; j++) {
      out.hdiag[b * p + j] = ev.hess[b * q + c]! + pen.prec[b * p + j]!;
      c += p - j;
    }
  } else if (ev.hdiag) {
    for (let j = 0; j < p; j++) out.hdiag[b * p + j] = ev.hdiag[b * p + j]! + pen.prec[b * p + j]!;
  }
}

/** Coordinates a step leaves alone: fixed ones, and sign-bounded ones sitting at 0 whose gradient points out of their half-line. */
function heldCoordinates(pen: Penalty, b: number, w: Float64Array, g: Float64Array, p: number): Uint8Array {
  const held = new Uint8Array(p);
  for (let j = 0; j < p; j++) {
    const i = b * p + j;
    const sg = pen.sign?.[i] ?? 0;
    held[j] = pen.fixed[i] || pen.shared?.[i] || (sg !== 0 && w[i] === 0 && sg * g[i]! <= 0) ? 1 : 0;
  }
  return held;
}

/** Projects a problem's weights onto its sign constraints. */
function project(pen: Penalty, b: number, w: Float64Array, p: number): void {
  if (!pen.sign) return;
  for (let j = 0; j < p; j++) {
    const sg = pen.sign[b * p + j]!;
    if (sg !== 0 && sg * w[b * p + j]! < 0) w[b * p + j] = 0;
  }
}

/** Newton direction: solve (−∇²f) d = ∇f over the coordinates not held, with a growing ridge if the matrix is not positive definite. */
function newtonDirection(
  hessPacked: Float64Array,
  pen: Penalty,
  b: number,
  g: Float64Array,
  held: Uint8Array,
  p: number,
  q: number,
): Float64Array {
  const free: number[] = [];
  for (let j = 0; j < p; j++) if (!held[j]) free.push(j);
  const f = free.length;
  const h = new Float64Array(f * f);
  const index = new Int32Array(p).fill(-1);
  free.forEach((j, i) => (index[j] = i));
  let c = 0;
  let trace = 0;
  for (let a = 0; a < p; a++) {
    for (let bb = a; bb < p; bb++, c++) {
      const ia = index[a]!;
      const ib = index[bb]!;
      if (ia < 0 || ib < 0) continue;
      const v = hessPacked[b * q + c]! + (a === bb ? pen.prec[b * p + a]! : 0);
      h[ia * f + ib] = v;
      h[ib * f + ia] = v;
      if (a === bb) trace += v;
    }
  }
  const sol = ridgedSolve(
    h,
    Float64Array.from(free, (j) => g[b * p + j]!),
    f,
    trace,
    `problem ${b}`,
  );
  const d = new Float64Array(p);
  free.forEach((j, i) => (d[j] = sol[i]!));
  return d;
}

/** Solves H d = g (H f × f, symmetric), adding a growing ridge while H is not positive definite. */
function ridgedSolve(h: Float64Array, rhs: Float64Array, f: number, trace: number, what: string): Float64Array {
  let ridge = 0;
  for (let attempt = 0; attempt < 12; attempt++) {
    const m = ridge > 0 ? h.map((v, i) => (i % (f + 1) === 0 ? v + ridge : v)) : h;
    try {
      return Float64Array.from(choleskySolve(tensor(m, [f, f]), tensor(rhs, [f])).data);
    } catch (e) {
      if (!(e instanceof LinalgError)) throw e;
      ridge = ridge === 0 ? 1e-10 * Math.max(1e-300, trace / Math.max(1, f)) + 1e-12 : ridge * 100;
    }
  }
  throw new LinalgError(`the Hessian of ${what} stayed singular after regularisation`);
}

/** L-BFGS two-loop recursion for ascent: d = H·g with H₀ = diag(1/hdiag). */
function lbfgsDirection(mem: LbfgsMemory, b: number, g: Float64Array, hdiag: Float64Array, held: Uint8Array, p: number): Float64Array {
  const d = Float64Array.from(g.subarray(b * p, (b + 1) * p));
  const count = mem.count[b]!;
  const alphas = new Float64Array(count);
  for (let i = count - 1; i >= 0; i--) {
    const slot = (mem.head[b]! - 1 - (count - 1 - i) + MEMORY * 2) % MEMORY;
    const s = mem.s.subarray((b * MEMORY + slot) * p, (b * MEMORY + slot + 1) * p);
    const y = mem.y.subarray((b * MEMORY + slot) * p, (b * MEMORY + slot + 1) * p);
    let a = 0;
    for (let j = 0; j < p; j++) a += s[j]! * d[j]!;
    a *= mem.rho[b * MEMORY + slot]!;
    alphas[i] = a;
    for (let j = 0; j < p; j++) d[j] -= a * y[j]!;
  }
  for (let j = 0; j < p; j++) d[j] = held[j] ? 0 : d[j]! / Math.max(hdiag[b * p + j]!, 1e-12);
  for (let i = 0; i < count; i++) {
    const slot = (mem.head[b]! - count + i + MEMORY * 2) % MEMORY;
    const s = mem.s.subarray((b * MEMORY + slot) * p, (b * MEMORY + slot + 1) * p);
    const y = mem.y.subarray((b * MEMORY + slot) * p, (b * MEMORY + slot + 1) * p);
    let beta = 0;
    for (let j = 0; j < p; j++) beta += y[j]! * d[j]!;
    beta *= mem.rho[b * MEMORY + slot]!;
    for (let j = 0; j < p; j++) d[j] += s[j]! * (alphas[i]! - beta);
  }
  return d;
}

export interface LbfgsMemory {
  /** Initial scaling: the diagonal of −∇²f from the last diagonal evaluation. */
  hdiag: Float64Array | null;
  s: Float64Array;
  y: Float64Array;
  rho: Float64Array;
  head: Int32Array;
  count: Int32Array;
}

export function lbfgsMemory(problems: number, p: number): LbfgsMemory {
  return {
    hdiag: null,
    s: new Float64Array(problems * MEMORY * p),
    y: new Float64Array(problems * MEMORY * p),
    rho: new Float64Array(problems * MEMORY),
    head: new Int32Array(problems),
    count: new Int32Array(problems),
  };
}

/** Stores a curvature pair for ascent (s = step, y = −(g_new − g_old)); skipped unless sᵀy > 0. */
function remember(mem: LbfgsMemory, b: number, step: Float64Array, gOld: Float64Array, gNew: Float64Array, p: number): void {
  const slot = mem.head[b]!;
  let sy = 0;
  const y = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    y[j] = gOld[j]! - gNew[j]!;
    sy += step[j]! * y[j]!;
  }
  if (!(sy > 1e-12)) return;
  mem.s.set(step, (b * MEMORY + slot) * p);
  mem.y.set(y, (b * MEMORY + slot) * p);
  mem.rho[b * MEMORY + slot] = 1 / sy;
  mem.head[b] = (slot + 1) % MEMORY;
  mem.count[b] = Math.min(MEMORY, mem.count[b]! + 1);
}

export async function glmMStep(
  evaluator: GlmEvaluator,
  w0: Float64Array,
  k: number,
  gamma: Float64Array,
  pen: Penalty,
  options: MStepOptions,
): Promise<MStepResult> {
  const { n, p } = evaluator.data;
  const q = evaluator.packedSize;
  const B = k * n;
  const newton = options.solver === 'newton';
  const w = Float64Array.from(w0);
  for (let i = 0; i < w.length; i++) if (pen.fixed[i]) w[i] = 0;
  for (let b = 0; b < B; b++) project(pen, b, w, p);
  const state = {
    f: new Float64Array(B),
    grad: new Float64Array(B * p),
    hdiag: new Float64Array(B * p),
    hess: newton ? new Float64Array(B * q) : undefined,
  };
  const mem: LbfgsMemory | null = newton ? null : (options.memory ?? lbfgsMemory(B, p));
  const diagonal = !newton && (options.freshDiagonal || !mem!.hdiag);
  const firstMode: EvalMode = newton ? 'newton' : diagonal ? 'diagonal' : 'gradient';
  const laterMode: EvalMode = newton ? 'newton' : 'gradient';
  const first = await evaluator.evaluate(w, k, firstMode, gamma);
  for (let b = 0; b < B; b++) assemble(first, pen, b, w.subarray(b * p, (b + 1) * p), p, q, state);
  if (mem && diagonal) mem.hdiag = Float64Array.from(state.hdiag);
  else if (mem) state.hdiag.set(mem.hdiag!);
  const active = new Set<number>();
  for (let b = 0; b < B; b++) if (Number.isFinite(state.f[b])) active.add(b);
  let iterations = 0;
  const scratch = {
    f: new Float64Array(B),
    grad: new Float64Array(B * p),
    hdiag: new Float64Array(B * p),
    hess: newton ? new Float64Array(B * q) : undefined,
  };
  // One engine evaluation per iteration for all problems at once: a problem whose step fails the
  // Armijo test stays put and retries with half the step at the next iteration, so a few hard
  // problems never cost the others extra evaluations.
  const alpha = new Float64Array(B).fill(1);
  const retry = new Map<number, { d: Float64Array; slope: number }>();
  while (iterations < options.maxIterations && active.size > 0) {
    const trial = Float64Array.from(w);
    const tried = new Map<number, { d: Float64Array; slope: number }>();
    for (const b of active) {
      let dir = retry.get(b);
      if (!dir) {
        const held = heldCoordinates(pen, b, w, state.grad, p);
        const d = newton
          ? newtonDirection(state.hess!, pen, b, state.grad, held, p, q)
          : lbfgsDirection(mem!, b, state.grad, state.hdiag, held, p);
        let slope = 0;
        for (let j = 0; j < p; j++) slope += state.grad[b * p + j]! * d[j]!;
        // slope/2 is the gain a full Newton step expects.
        if (!(slope > 2 * options.tolerance)) {
          active.delete(b);
          continue;
        }
        dir = { d, slope };
      }
      tried.set(b, dir);
      for (let j = 0; j < p; j++) trial[b * p + j] = w[b * p + j]! + alpha[b]! * dir.d[j]!;
      project(pen, b, trial, p);
    }
    if (tried.size === 0) break;
    iterations++;
    const ev = await evaluator.evaluate(trial, k, laterMode, gamma);
    for (const [b, dir] of tried) {
      const wb = trial.subarray(b * p, (b + 1) * p);
      assemble(ev, pen, b, wb, p, q, scratch);
      const fNew = scratch.f[b]!;
      // The projected step's first-order gain stands in for α·slope where a bound cut the step.
      let expected = 0;
      for (let j = 0; j < p; j++) expected += state.grad[b * p + j]! * (wb[j]! - w[b * p + j]!);
      if (Number.isFinite(fNew) && expected > 0 && fNew >= state.f[b]! + ARMIJO * expected) {
        const gain = fNew - state.f[b]!;
        if (mem) {
          const step = wb.map((v, j) => v - w[b * p + j]!);
          remember(mem, b, step, state.grad.subarray(b * p, (b + 1) * p), scratch.grad.subarray(b * p, (b + 1) * p), p);
        }
        w.set(wb, b * p);
        state.f[b] = fNew;
        state.grad.set(scratch.grad.subarray(b * p, (b + 1) * p), b * p);
        if (newton) {
          state.hess!.set(scratch.hess!.subarray(b * q, (b + 1) * q), b * q);
          state.hdiag.set(scratch.hdiag.subarray(b * p, (b + 1) * p), b * p);
        }
        retry.delete(b);
        alpha[b] = 1;
        if (gain < options.tolerance) active.delete(b);
      } else {
        alpha[b] = alpha[b]! / 2;
        retry.set(b, dir);
        if (alpha[b]! < MIN_STEP) {
          retry.delete(b);
          active.delete(b);
        }
      }
    }
  }
  return { w, f: state.f, grad: state.grad, hdiag: state.hdiag, iterations };
}

/** Index of (−∇²f)[u, v], u ≤ v, in a problem's packed upper triangle. */
function packedIndex(u: number, v: number, p: number): number {
  return u * p - (u * (u - 1)) / 2 + (v - u);
}

/**
 * The weights every state shares (shared covariate weights): neuron n's shared vector v enters each
 * of its K problems, so Σ_k f_(k,n) is maximised over v with all other weights held — Newton on the
 * summed gradient and Hessian block (the Hessian's diagonal under L-BFGS), a per-neuron Armijo test
 * on the summed objective, failed steps halved and retried at the next evaluation. All K copies of v
 * move together, so they stay equal; the summed objective, and with it the EM objective, never falls.
 */
export async function sharedStep(
  evaluator: GlmEvaluator,
  w0: Float64Array,
  k: number,
  gamma: Float64Array,
  pen: Penalty,
  options: Pick<MStepOptions, 'solver' | 'maxIterations' | 'tolerance'>,
): Promise<Float64Array> {
  const { n, p } = evaluator.data;
  const q = evaluator.packedSize;
  const mode: EvalMode = options.solver === 'newton' ? 'newton' : 'diagonal';
  const cols: number[] = [];
  for (let j = 0; j < p; j++) if (pen.shared?.[j]) cols.push(j);
  const c = cols.length;
  const w = Float64Array.from(w0);
  if (c === 0) return w;
  /** Per neuron: Σ_k f, Σ_k ∇f over the shared coordinates and Σ_k −∇²f on them (c × c). */
  const summarise = (ev: Evaluation, x: Float64Array) => {
    const f = new Float64Array(n);
    const g = new Float64Array(n * c);
    const h = new Float64Array(n * c * c);
    for (let b = 0; b < k * n; b++) {
      const i = b % n;
      f[i] += ev.obj![b]! + quadratic(pen, b, x.subarray(b * p, (b + 1) * p), p) + (pen.extra ? pen.extra(b) : 0);
      for (let a = 0; a < c; a++) {
        const at = b * p + cols[a]!;
        g[i * c + a] += ev.grad![at]! - pen.prec[at]! * (x[at]! - pen.center[at]!);
        h[(i * c + a) * c + a] += pen.prec[at]!;
        if (ev.hdiag) h[(i * c + a) * c + a] += ev.hdiag[at]!;
        else for (let e = a; e < c; e++) h[(i * c + a) * c + e] += ev.hess![b * q + packedIndex(cols[a]!, cols[e]!, p)]!;
      }
    }
    for (let i = 0; i < n; i++) for (let a = 0; a < c; a++) for (let e = 0; e < a; e++) h[(i * c + a) * c + e] = h[(i * c + e) * c + a]!;
    return { f, g, h };
  };
  const current = summarise(await evaluator.evaluate(w, k, mode, gamma), w);
  const active = new Set(Array.from({ length: n }, (_, i) => i));
  for (const i of active) if (!Number.isFinite(current.f[i])) active.delete(i);
  const alpha = new Float64Array(n).fill(1);
  const retry = new Map<number, { d: Float64Array; slope: number }>();
  for (let it = 0; it < options.maxIterations && active.size > 0; it++) {
    const trial = Float64Array.from(w);
    const tried = new Map<number, { d: Float64Array; slope: number }>();
    for (const i of active) {
      let dir = retry.get(i);
      if (!dir) {
        const g = current.g.subarray(i * c, (i + 1) * c);
        const h = current.h.subarray(i * c * c, (i + 1) * c * c);
        let trace = 0;
        for (let a = 0; a < c; a++) trace += h[a * c + a]!;
        const d = ridgedSolve(Float64Array.from(h), Float64Array.from(g), c, trace, `neuron ${i}'s shared weights`);
        let slope = 0;
        for (let a = 0; a < c; a++) slope += g[a]! * d[a]!;
        if (!(slope > 2 * options.tolerance)) {
          active.delete(i);
          continue;
        }
        dir = { d, slope };
      }
      tried.set(i, dir);
      for (let s = 0; s < k; s++) {
        for (let a = 0; a < c; a++) trial[(s * n + i) * p + cols[a]!] = w[i * p + cols[a]!]! + alpha[i]! * dir.d[a]!;
      }
    }
    if (tried.size === 0) break;
    const next = summarise(await evaluator.evaluate(trial, k, mode, gamma), trial);
    for (const [i, dir] of tried) {
      if (Number.isFinite(next.f[i]) && next.f[i]! >= current.f[i]! + ARMIJO * alpha[i]! * dir.slope) {
        const gain = next.f[i]! - current.f[i]!;
        for (let s = 0; s < k; s++) w.set(trial.subarray((s * n + i) * p, (s * n + i + 1) * p), (s * n + i) * p);
        current.f[i] = next.f[i]!;
        current.g.set(next.g.subarray(i * c, (i + 1) * c), i * c);
        current.h.set(next.h.subarray(i * c * c, (i + 1) * c * c), i * c * c);
        retry.delete(i);
        alpha[i] = 1;
        if (gain < options.tolerance) active.delete(i);
      } else {
        alpha[i] = alpha[i]! / 2;
        retry.set(i, dir);
        if (alpha[i]! < MIN_STEP) {
          retry.delete(i);
          active.delete(i);
        }
      }
    }
  }
  return w;
}
