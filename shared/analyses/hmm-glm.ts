import { z } from 'zod';

/**
 * Poisson HMM-GLM with coupling filters (Li et al., ICLR 2024): each hidden state has its own
 * Poisson GLM whose rate depends on every neuron's recent spikes through a history basis; a prior
 * ties the states' coupling matrices together.
 */
export const hmmGlmParams = z.object({
  states: z.int().min(1).max(10).default(2).meta({
    title: 'States',
    description: 'Number of hidden states K (with cross-validation on: the largest number tried).',
  }),
  prior: z.enum(['none', 'gaussian', 'onehot']).default('none').meta({
    title: 'Connectivity prior',
    description:
      'gaussian: coupling weights ~ N(shared mean, σ²) across states, mean and σ learned. onehot: each connection is inhibitory, absent or excitatory, with a learned categorical prior shared across states.',
  }),
  basis: z.enum(['exponential', 'raised-cosine', 'raised-cosine-log']).default('exponential').meta({
    title: 'History basis',
    description:
      'Exponential: one decaying filter per connection (Li et al.). Raised cosine (linear or log-stretched time, as in nemos): several bumps.',
  }),
  basisLength: z
    .int()
    .min(1)
    .max(500)
    .default(5)
    .meta({ title: 'History length (bins)', description: 'How many past bins the coupling filters see.' }),
  basisCount: z.int().min(1).max(20).default(3).meta({
    title: 'Raised-cosine functions',
    description: 'Number of raised-cosine bumps per connection (the exponential basis has one).',
  }),
  basisDecay: z.number().positive().max(1000).default(1).meta({
    title: 'Exponential decay (bins)',
    description: 'Time constant of the exponential basis; the filter is normalised to sum to 1.',
  }),
  binSeconds: z.number().positive().max(10).default(0.02).meta({
    title: 'Bin width (s)',
    description: 'Bin width for spike-time inputs (NWB Units). Count matrices use their own frames as bins.',
  }),
  link: z.enum(['exp', 'softplus']).default('exp').meta({ title: 'Link', description: 'Rate = link(bias + coupling input).' }),
  selfCoupling: z.enum(['free', 'prior', 'none']).default('free').meta({
    title: 'Self-coupling',
    description:
      'free: each neuron’s own history filter is fitted per state outside the prior; prior: treated like any connection; none: left out.',
  }),
  restarts: z.int().min(1).max(50).default(3).meta({
    title: 'Restarts',
    description: 'EM runs from the one-state GLM plus independent seeded jitter; the best training objective is kept.',
  }),
  surrogates: z.int().min(0).max(1000).default(20).meta({
    title: 'Null surrogates',
    description:
      'Refits on circularly shifted spike trains (each neuron by its own offset) giving a null for the bits/spike gain over one state (0 = no null control).',
  }),
  heldOutFraction: z.number().min(0.05).max(0.5).default(0.2).meta({
    title: 'Held-out fraction',
    description: 'The last part of every sequence is kept out of the fit and scores the model (held-out log-likelihood, bits/spike).',
  }),
  selectStates: z.boolean().default(false).meta({
    title: 'Choose states by cross-validation',
    description: 'Fit 1…States states on folds of the training bins and keep the number with the best held-out likelihood.',
  }),
  folds: z.int().min(2).max(10).default(3).meta({
    title: 'Folds',
    description: 'Contiguous blocks of each training sequence used as validation folds when choosing the number of states.',
  }),
  seed: z.int().min(0).default(0).meta({ title: 'Seed', description: 'Seeds the restarts’ jitter and the surrogate shifts.' }),
  layout: z.enum(['auto', 'time-first', 'neurons-first']).default('auto').meta({
    title: 'Matrix layout',
    description: 'Orientation of a 2-D count matrix (.npy, .csv …): auto takes the longer axis as time and says so in the log.',
  }),
  nonInteger: z.enum(['reject', 'round']).default('reject').meta({
    title: 'Non-integer counts',
    description: 'Refuse matrices whose values are not whole spike counts, or round them to the nearest count.',
  }),
  priorScale: z.number().positive().max(100).default(0.33).meta({
    title: 'Gaussian prior σ₀',
    description: 'Scale of the inverse-gamma hyperprior on the learned σ² (σ starts here).',
  }),
  typeConcentration: z.number().min(0.1).max(1000).default(4).meta({
    title: 'One-hot prior strength',
    description:
      'Dirichlet pseudo-counts on each connection’s type prior, split 20/60/20 over inh/none/exc (favouring absent connections).',
  }),
  l2: z.number().min(0).max(1e4).default(0.01).meta({
    title: 'Ridge (L2)',
    description: 'Penalty ½·l2·w² on every coupling weight (the magnitude prior of typed connections under the one-hot prior).',
  }),
  stickiness: z.number().min(0).max(1e7).default(10).meta({
    title: 'Sticky prior κ',
    description: 'Extra Dirichlet pseudo-counts on staying in the same state (per row of the transition matrix).',
  }),
  transitionConcentration: z.number().min(1).max(1e6).default(1).meta({
    title: 'Transition concentration α',
    description: 'Dirichlet concentration on every transition probability (1 = none).',
  }),
  jitter: z
    .number()
    .min(0)
    .max(10)
    .default(0.1)
    .meta({ title: 'Initial jitter', description: 'Standard deviation of the per-state noise added to the one-state GLM’s weights.' }),
  maxIterations: z.int().min(1).max(5000).default(100).meta({ title: 'Max EM iterations', description: 'Per restart.' }),
  tolerance: z.number().positive().max(1).default(1e-5).meta({
    title: 'Tolerance',
    description: 'EM stops when the objective improves by less than tolerance·|objective| in one iteration.',
  }),
  solver: z.enum(['auto', 'newton', 'lbfgs']).default('auto').meta({
    title: 'GLM solver',
    description:
      'GLM M-step: Newton with exact Hessians (float64 graphs), or a few L-BFGS steps per EM iteration (float32 graphs) for designs whose Hessians are too large; auto picks by size.',
  }),
  covariates: z
    .union([z.string(), z.array(z.string())])
    .default('')
    .meta({
      title: 'Covariates (NWB TimeSeries)',
      description:
        'Object paths of TimeSeries in the same NWB file (running speed, pupil …), comma-separated; each channel becomes a covariate, averaged over every spike bin and standardised.',
    }),
  covariateInput: z.int().min(1).nullable().default(null).meta({
    title: 'Covariate input',
    description:
      'Position among the run’s inputs (primary = 0) from which on the inputs are covariate recordings (time × covariates matrices), one per spike sequence in the same order; empty = none.',
  }),
  covariateRate: z.number().positive().max(1e6).nullable().default(null).meta({
    title: 'Covariate rate (Hz)',
    description:
      'Sampling rate of the covariate recordings, when their files state none or a different one; without a rate on both sides covariates need one sample per spike bin.',
  }),
  covariateLayout: z.enum(['auto', 'time-first', 'covariates-first']).default('auto').meta({
    title: 'Covariate matrix layout',
    description: 'Orientation of a covariate matrix file: auto takes the longer axis as time and says so in the notes.',
  }),
  covariateHistory: z.boolean().default(false).meta({
    title: 'Covariate history',
    description: 'Besides each covariate’s value in the bin, let its recent past act through the history basis (lags 1…history length).',
  }),
  covariateWeights: z.enum(['per-state', 'shared']).default('per-state').meta({
    title: 'Covariate weights',
    description:
      'per-state: every state has its own weight per covariate and neuron; shared: one weight per covariate and neuron for all states (states then differ only in bias and coupling).',
  }),
  typeThreshold: z.number().min(0).max(100).default(0.2).meta({
    title: 'Type threshold',
    description: 'Without the one-hot prior, a connection is drawn excitatory/inhibitory when its net coupling exceeds ±threshold.',
  }),
});

export type HmmGlmParams = z.output<typeof hmmGlmParams>;

/** The covariate object paths of the parameters, as a list (the form gives one comma-separated string). */
export function covariatePaths(params: Pick<HmmGlmParams, 'covariates'>): string[] {
  const list = typeof params.covariates === 'string' ? params.covariates.split(',') : params.covariates;
  return list.map((p) => p.trim()).filter((p) => p !== '');
}
