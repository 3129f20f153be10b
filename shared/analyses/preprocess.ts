/**
 * Preprocessing steps run as analyses: each stores its result array with the run and registers it
 * as a derived dataset (a .npy in the studio's data folder) so the next analysis can take it.
 */
import { z } from 'zod';

export const dffParams = z.object({
  window: z.number().positive().max(1e7).default(60).meta({
    title: 'Baseline window',
    description: 'Length of the centred window the baseline percentile is taken over (clipped at the ends).',
  }),
  windowUnit: z
    .enum(['seconds', 'frames'])
    .default('seconds')
    .meta({ title: 'Window unit', description: 'Seconds (at the recording’s rate) or frames.' }),
  percentile: z.number().min(0).max(100).default(8).meta({
    title: 'Baseline percentile',
    description: 'F0 is this percentile of F in the window (8–20 track the resting level under transients).',
  }),
});
export type DffParams = z.output<typeof dffParams>;

export const zScoreParams = z.object({});
export type ZScoreParams = z.output<typeof zScoreParams>;

export const neuropilParams = z.object({
  coefficient: z.number().min(0).max(2).default(0.7).meta({
    title: 'Neuropil coefficient r',
    description: 'F − r·Fneu, with Fneu.npy of the same Suite2p folder (Suite2p’s default r is 0.7).',
  }),
});
export type NeuropilParams = z.output<typeof neuropilParams>;

export const binSpikesParams = z.object({
  binWidth: z.number().positive().max(3600).default(0.05).meta({
    title: 'Bin width (s)',
    description: 'Spike counts per unit in bins of this width. Bins outside a unit’s obs_intervals are NaN (not observed), not 0.',
  }),
});
export type BinSpikesParams = z.output<typeof binSpikesParams>;

/** Which inputs each step takes, for pickers that offer only the steps a dataset supports. */
export const PREPROCESSING = {
  dff: { needs: 'traces' },
  zscore: { needs: 'traces' },
  neuropil: { needs: 'suite2p' },
  'bin-spikes': { needs: 'spikes' },
} as const;
export type PreprocessingId = keyof typeof PREPROCESSING;
