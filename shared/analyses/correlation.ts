import { z } from 'zod';

export const correlationParams = z.object({
  method: z
    .enum(['pearson', 'spearman'])
    .default('pearson')
    .meta({ title: 'Method', description: 'Pearson on the traces, or Spearman (Pearson on per-neuron ranks).' }),
  startFrame: z.int().min(0).default(0).meta({ title: 'First frame', description: 'First frame of the window (inclusive).' }),
  endFrame: z
    .int()
    .min(0)
    .nullable()
    .default(null)
    .meta({ title: 'Last frame', description: 'End of the window (exclusive); empty means the end of the recording.' }),
  shuffles: z.int().min(0).max(100_000).default(0).meta({
    title: 'Surrogates',
    description: 'Circular-shift surrogates for per-pair p-values (0 = none). Each shifts every trace by its own random offset.',
  }),
  seed: z.int().min(0).default(0).meta({ title: 'Seed', description: 'Seed of the surrogate shifts.' }),
});

export type CorrelationParams = z.output<typeof correlationParams>;
