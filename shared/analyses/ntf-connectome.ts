import { z } from 'zod';

/**
 * Dynamic functional connectome (after Dyballa et al., ICLR 2024): pairwise affinities in sliding
 * windows form a tensor pairs × windows × recordings, factorized by non-negative CP (tensorly's
 * HALS and multiplicative updates); each component's pair loadings become a weighted graph whose
 * communities are found by Louvain; circular-shift surrogates give each component a p-value.
 */
export const ntfConnectomeParams = z.object({
  rank: z.int().min(1).max(50).default(5).meta({
    title: 'Components',
    description: 'Rank of the non-negative CP model: how many (neuron-pair group, time course, recording) components.',
  }),
  windowFrames: z.int().min(3).default(200).meta({
    title: 'Window (frames)',
    description: 'Length of each sliding window in frames; one affinity matrix per window.',
  }),
  stepFrames: z.int().min(1).default(100).meta({
    title: 'Step (frames)',
    description: 'Frames between the starts of consecutive windows (equal to the window: no overlap).',
  }),
  traces: z
    .enum(['auto', 'as-is', 'dff'])
    .default('auto')
    .meta({
      title: 'Traces',
      description:
        'Affinities are computed on ΔF/F. auto: traces the file calls dF/F, or with any value ≤ 0, are used as they are; strictly positive traces ' +
        '(raw fluorescence) become ΔF/F = (F − F0)/F0, F0 the 10th percentile over a sliding baseline window, which also removes slow drift. as-is / dff force either.',
    }),
  baselineSeconds: z.number().positive().max(3600).default(60).meta({
    title: 'Baseline window (s)',
    description: 'Length of the sliding window of the ΔF/F baseline F0.',
  }),
  affinity: z
    .enum(['pearson', 'coactivation'])
    .default('pearson')
    .meta({
      title: 'Affinity',
      description:
        'pearson: a_ij = max(0, r_ij), the positive part of the Pearson correlation of the two traces (ΔF/F) within the window. ' +
        'coactivation: rising phases s_i(t) = d_i(t) where the frame-to-frame increase d_i(t) = x_i(t+1) − x_i(t) exceeds ' +
        '“rise threshold” × the robust SD of d_i (1.4826 × median absolute deviation over the whole recording), else 0; ' +
        'a_ij = Σ_t s_i(t) s_j(t) / (‖s_i‖ ‖s_j‖) within the window (0 when either neuron has no rise). Both lie in [0, 1], ' +
        'are symmetric, equal 1 for identical traces and ignore each neuron’s gain and offset.',
    }),
  riseThreshold: z.number().min(0).max(20).default(2).meta({
    title: 'Rise threshold (SD)',
    description: 'Co-activation only: a frame-to-frame increase counts as a rising phase above this many robust SDs of the increases.',
  }),
  algorithm: z
    .enum(['hals', 'mu'])
    .default('hals')
    .meta({
      title: 'Algorithm',
      description:
        'hals: hierarchical alternating least squares (tensorly non_negative_parafac_hals: per-mode HALS NNLS sweeps, inner loop stopped ' +
        'when the squared update falls below 1e-8 × the first, at most 100 sweeps). mu: multiplicative updates (tensorly non_negative_parafac).',
    }),
  init: z
    .enum(['nndsvda', 'nndsvd', 'random'])
    .default('nndsvda')
    .meta({
      title: 'Initialisation',
      description:
        'nndsvda / nndsvd: non-negative double SVD of each unfolding (small entries filled with the tensor mean / left at zero), as tensorly’s init="svd". ' +
        'random: uniform [0, 1) factors. Restarts after the first always start from random factors (seeded).',
    }),
  restarts: z.int().min(1).max(50).default(3).meta({
    title: 'Restarts',
    description: 'Fits per rank; the one with the lowest final error is kept. Their agreement is the stability shown against rank.',
  }),
  tol: z.number().positive().max(0.1).default(1e-7).meta({
    title: 'Tolerance',
    description: 'Stop when the relative reconstruction error changes by less than this between iterations (tensorly: 1e-7 for HALS).',
  }),
  maxIterations: z.int().min(1).max(100_000).default(1000).meta({
    title: 'Max iterations',
    description: 'Upper bound on outer iterations per fit.',
  }),
  sparsityPairs: z.number().min(0).default(0).meta({
    title: 'L1 on pair loadings',
    description:
      'Sparsity coefficient λ of the pair mode: subtracted in each HALS row update (tensorly sparsity_coefficients), added to the MU denominator.',
  }),
  sparsityTime: z
    .number()
    .min(0)
    .default(0)
    .meta({ title: 'L1 on time loadings', description: 'Sparsity coefficient of the window mode.' }),
  sparsityRecordings: z.number().min(0).default(0).meta({
    title: 'L1 on recording loadings',
    description: 'Sparsity coefficient of the recording mode (ignored with a single recording, whose loadings are fixed at 1).',
  }),
  rankSweepFrom: z.int().min(1).max(50).default(1).meta({
    title: 'Rank sweep from',
    description:
      'Smallest rank of the rank-selection sweep (error and restart stability versus rank). Set it to the rank to skip the sweep.',
  }),
  rankSweepTo: z.int().min(1).max(50).nullable().default(null).meta({
    title: 'Rank sweep to',
    description: 'Largest rank of the sweep; empty means the chosen rank.',
  }),
  resolution: z.number().positive().max(10).default(1).meta({
    title: 'Louvain resolution',
    description: 'Modularity resolution γ of the Louvain community detection on each component’s pair graph.',
  }),
  communityContrast: z
    .number()
    .min(1)
    .max(100)
    .default(3)
    .meta({
      title: 'Community contrast',
      description:
        'Louvain partitions every cell; cells whose mean loading to their community is below half its mean internal loading are dropped, and a ' +
        'community is kept when its mean internal loading is at least this many times both the mean loading of the pairs leaving it and the ' +
        'component’s median pair loading, and above its mean. Cells in no kept community (background, isolated cells, singletons) belong to none.',
    }),
  surrogates: z
    .int()
    .min(0)
    .max(1000)
    .default(20)
    .meta({
      title: 'Surrogates',
      description:
        'Null control: the whole pipeline is rerun on data where each neuron’s trace is circularly shifted by its own random offset (one offset per ' +
        'neuron and recording for all windows). A component’s strength is the modelled affinity among its strongest community at its peak window; its ' +
        'p-value = (1 + #{surrogates whose strongest component is at least as strong}) / (1 + surrogates). 0 skips it.',
    }),
  seed: z.int().min(0).default(0).meta({ title: 'Seed', description: 'Seeds random restarts, surrogate shifts and Louvain.' }),
});

export type NtfConnectomeParams = z.output<typeof ntfConnectomeParams>;

/** One component as written to the run's report (and result.json). */
export interface NtfComponentReport {
  /** 0-based, by decreasing weight. */
  index: number;
  /** λ_r: product of the component's factor norms (factors are unit-norm columns). */
  weight: number;
  /**
   * Modelled affinity among its strongest community at its peak window and recording:
   * weight · community density · max time loading · max recording loading (affinity units).
   */
  strength: number;
  /** Null control p-value of the strength; null when no surrogates were run. */
  pValue: number | null;
  /** Louvain modularity of the component's pair graph. */
  modularity: number;
  modularityPValue: number | null;
  /** Kept communities as 0-based cell indices, strongest community first; cells in none are left out. */
  communities: number[][];
  /** Mean internal pair loading of each kept community. */
  communityDensity: number[];
  /** Time (s) of the window where the time loading peaks. */
  peakTime: number;
}

export interface NtfRankReport {
  rank: number;
  /** Final relative error of each restart. */
  errors: number[];
  /** Mean factor congruence of the other restarts to the best one (null with one restart). */
  stability: number | null;
}
