/**
 * History bases and the design matrix they give: column m·J + j of the design holds neuron m's
 * counts filtered by basis function j over the previous L bins (lag 1 = the bin before), the last
 * column is the constant for the bias; external covariates sit between the two. History never
 * reaches across a sequence start.
 */

export interface Basis {
  /** Lags 1…length. */
  length: number;
  /** Functions per connection. */
  count: number;
  /** length × count, row-major: values[(l − 1)·count + j] = φ_j(l). */
  values: Float64Array;
}

/** Li et al.'s single exponential filter, e^{−(l−1)/τ} normalised to sum to 1 (τ = 1, L = 5 gives .636 .234 .086 .032 .012). */
export function exponentialBasis(length: number, decay: number): Basis {
  const values = new Float64Array(length);
  let sum = 0;
  for (let l = 0; l < length; l++) sum += values[l] = Math.exp(-l / decay);
  for (let l = 0; l < length; l++) values[l] /= sum;
  return { length, count: 1, values };
}

/**
 * Raised-cosine bumps as nemos defines them (Pillow et al. 2005): lags rescaled to x ∈ [0, 1],
 * φ_j(x) = ½(cos(clip(π(x − c_j)/(Δ·w), ±π)) + 1) with width w = 2 and Δ the spacing of the peaks c_j.
 * The log variant stretches x to log(50x + 1)/log 51 and places the last peak so it decays to 0 at
 * the end of the window.
 */
export function raisedCosineBasis(length: number, count: number, log: boolean): Basis {
  if (count < 2) throw new RangeError(`a raised-cosine basis needs at least 2 functions, got ${count}`);
  if (length < 2) throw new RangeError(`a raised-cosine basis needs a history of at least 2 bins, got ${length}`);
  const width = 2;
  const lastPeak = log ? 1 - width / (count + width - 1) : 1;
  const peaks = Array.from({ length: count }, (_, j) => (lastPeak * j) / (count - 1));
  const delta = peaks[1]! - peaks[0]!;
  const values = new Float64Array(length * count);
  for (let l = 0; l < length; l++) {
    const x0 = l / (length - 1);
    const x = log ? Math.log(50 * x0 + 1) / Math.log(51) : x0;
    for (let j = 0; j < count; j++) {
      const a = Math.min(Math.PI, Math.max(-Math.PI, (Math.PI * (x - peaks[j]!)) / (delta * width)));
      values[l * count + j] = 0.5 * (Math.cos(a) + 1);
    }
  }
  return { length, count, values };
}

/** Σ_l φ_j(l): the net effect of one unit of weight on basis function j (a connection's "net coupling"). */
export function basisMass(basis: Basis): Float64Array {
  const mass = new Float64Array(basis.count);
  for (let l = 0; l < basis.length; l++) for (let j = 0; j < basis.count; j++) mass[j] += basis.values[l * basis.count + j]!;
  return mass;
}

/** Covariates as design columns: standardised values (T × C, time-major), each with its history through `history` when given. */
export interface CovariateColumns {
  values: Float64Array;
  c: number;
  history: Basis | null;
}

/** Design columns per covariate: its value in the bin, then one per history basis function. */
export function columnsPerCovariate(covariates: Pick<CovariateColumns, 'history'>): number {
  return 1 + (covariates.history?.count ?? 0);
}

/**
 * Adds, for every source m (a neuron's counts or a covariate; values T × n, time-major), its history
 * filtered by each basis function into column first + m·stride + j of the T × p design.
 */
function addHistory(
  x: Float64Array,
  p: number,
  first: number,
  stride: number,
  values: Float64Array,
  t: number,
  n: number,
  starts: readonly number[],
  basis: Basis,
): void {
  const { length: L, count: J, values: phi } = basis;
  const bounds = [...starts, t];
  for (let s = 0; s + 1 < bounds.length; s++) {
    const a = bounds[s]!;
    const b = bounds[s + 1]!;
    for (let row = a; row < b; row++) {
      const out = row * p + first;
      const maxLag = Math.min(L, row - a);
      for (let l = 1; l <= maxLag; l++) {
        const src = (row - l) * n;
        const at = (l - 1) * J;
        for (let m = 0; m < n; m++) {
          const c = values[src + m]!;
          if (c === 0) continue;
          for (let j = 0; j < J; j++) x[out + m * stride + j] += c * phi[at + j]!;
        }
      }
    }
  }
}

/**
 * The design X (T × P, row-major) from counts S (T × N, time-major; unobserved bins count as 0)
 * over sequences given by their start rows: N·J history columns, then the covariates' columns
 * (C·(1 + J) with covariate history, else C), then the constant. P = N·J + 1 without covariates.
 */
export function historyDesign(
  counts: Float64Array,
  t: number,
  n: number,
  starts: readonly number[],
  basis: Basis,
  covariates?: CovariateColumns,
): Float64Array {
  const J = basis.count;
  const per = covariates ? columnsPerCovariate(covariates) : 0;
  const c = covariates?.c ?? 0;
  const p = n * J + c * per + 1;
  const x = new Float64Array(t * p);
  for (let row = 0; row < t; row++) x[row * p + p - 1] = 1;
  addHistory(x, p, 0, J, counts, t, n, starts, basis);
  if (covariates) {
    const first = n * J;
    for (let row = 0; row < t; row++) {
      for (let q = 0; q < c; q++) x[row * p + first + q * per] = covariates.values[row * c + q]!;
    }
    if (covariates.history) addHistory(x, p, first + 1, per, covariates.values, t, c, starts, covariates.history);
  }
  return x;
}
