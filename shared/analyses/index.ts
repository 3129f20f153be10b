/**
 * The analyses the studio offers: id, what the user sees, and the parameter schema the UI builds
 * its form from (defaults, ranges and help come from the schema's metadata). Main maps each id
 * to its fit; the renderer and the CLI only need this table.
 */
import type { z } from 'zod';
import { correlationParams } from './correlation.js';
import { hmmGlmParams } from './hmm-glm.js';
import { ntfConnectomeParams } from './ntf-connectome.js';
import { binSpikesParams, dffParams, neuropilParams, zScoreParams } from './preprocess.js';

export interface AnalysisDescriptor {
  id: string;
  title: string;
  summary: string;
  params: z.ZodObject;
  /** For analyses that take further recordings after the first: what they are, as the UI labels them. */
  furtherInputs?: { label: string; help: string };
}

export const ANALYSES = [
  {
    id: 'correlation',
    title: 'Pairwise correlation',
    summary: 'Correlation matrix of all neurons’ traces (neurons × neurons).',
    params: correlationParams,
  },
  {
    id: 'hmm-glm',
    title: 'Switching states (HMM-GLM)',
    summary:
      'Hidden Markov model whose states each have a Poisson GLM with neuron-to-neuron coupling filters and optional external covariates (Li et al. 2024).',
    params: hmmGlmParams,
    furtherInputs: {
      label: 'Further sessions or covariate recordings',
      help: 'Further sessions of the same neurons, in order; with “covariateInput” set, the recordings from that position on are covariates.',
    },
  },
  {
    id: 'ntf-connectome',
    title: 'Dynamic functional connectome (NTF)',
    summary:
      'Windowed pair affinities factorized by non-negative tensor factorization (pairs × time × recordings), with Louvain communities per component and a circular-shift null (Dyballa et al. 2024).',
    params: ntfConnectomeParams,
    furtherInputs: {
      label: 'Further recordings (animals, sessions)',
      help: 'Recordings of the same neurons (matched by label when present, else by index): the recordings mode of the tensor.',
    },
  },
  {
    id: 'dff',
    title: 'ΔF/F (sliding-percentile baseline)',
    summary: 'ΔF/F = (F − F0)/F0 per neuron, F0 a running percentile over a centred window. Adds the result as a dataset.',
    params: dffParams,
  },
  {
    id: 'zscore',
    title: 'z-score',
    summary: 'Each neuron’s trace minus its mean, divided by its standard deviation. Adds the result as a dataset.',
    params: zScoreParams,
  },
  {
    id: 'neuropil',
    title: 'Neuropil subtraction (Suite2p)',
    summary: 'F − r·Fneu with Fneu.npy of the same Suite2p folder. Adds the result as a dataset.',
    params: neuropilParams,
  },
  {
    id: 'bin-spikes',
    title: 'Bin spike times',
    summary: 'Spike counts per unit and bin, NaN outside the unit’s obs_intervals. Adds the counts as a dataset.',
    params: binSpikesParams,
  },
] as const satisfies readonly AnalysisDescriptor[];

export type AnalysisId = (typeof ANALYSES)[number]['id'];

export function analysisDescriptor(id: string): AnalysisDescriptor | undefined {
  return ANALYSES.find((a) => a.id === id);
}
