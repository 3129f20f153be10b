/**
 * Job-system test doubles (registered only with CAJAL_TEST_ANALYSES=1): a fit that spins for a
 * given time checking the token (or ignoring it, to exercise the hard terminate), or crashes.
 */
import { z } from 'zod';
import { defineAnalysis } from './types.js';

const spinParams = z.object({
  seconds: z.number().min(0).max(600).default(5),
  ignoreCancel: z.boolean().default(false),
  crash: z.enum(['none', 'throw', 'exit']).default('none'),
});

export const spin = defineAnalysis({
  id: 'test.spin',
  params: spinParams,
  async fit(_input, params, ctx) {
    if (params.crash === 'throw') throw new Error('deliberate failure');
    if (params.crash === 'exit') process.exit(3);
    const start = Date.now();
    let iterations = 0;
    for (;;) {
      const elapsed = (Date.now() - start) / 1000;
      if (elapsed >= params.seconds) break;
      if (!params.ignoreCancel) ctx.token.throwIfCancelled();
      iterations++;
      ctx.progress({ fraction: elapsed / params.seconds, message: `spinning (${iterations})`, objective: elapsed });
      // Busy-wait on purpose: a real fit blocks the worker's event loop the same way.
      const until = Date.now() + 5;
      while (Date.now() < until);
    }
    return { metrics: { iterations }, arrays: {} };
  },
});

export const testingAnalyses = [spin];
