/**
 * Spike trains (NWB Units) binned into counts per unit, as a preprocessing run. Bins whose centre
 * lies outside a unit's obs_intervals are NaN: not observed is not zero spikes.
 */
import { binSpikesParams } from '../../../shared/analyses/preprocess.js';
import { ndarray } from '../../../shared/domain/ndarray.js';
import { StudioError } from '../../../shared/ipc/contract.js';
import type { SpikeTrains } from '../../io/types.js';
import { binSpikes } from '../../io/views.js';
import { defineAnalysis } from '../types.js';
import { derivedName, timingOf } from './common.js';

/** Bins beyond this many values would not fit a float32 result in memory comfortably. */
const MAX_VALUES = 1 << 28;

function lastTime(trains: SpikeTrains, from: number): number {
  let last = from;
  for (const t of trains.times) for (const v of t) if (v > last) last = v;
  for (const iv of trains.observed ?? []) for (const v of iv) if (v > last) last = v;
  return last;
}

export const binSpikesAnalysis = defineAnalysis({
  id: 'bin-spikes',
  params: binSpikesParams,
  async fit({ recording, dataset }, params, ctx) {
    if (!recording.spikes) {
      throw new StudioError(
        'invalid-input',
        `${dataset.path}: ${dataset.object || 'the default object'} holds no spike trains (choose an NWB Units table)`,
      );
    }
    ctx.progress({ fraction: 0, message: 'reading spike times' });
    const trains = await recording.spikes();
    // Bins start where the Units recording does (min(0, first spike or interval)) and reach the last
    // spike or interval end; one bin more when that lies exactly on an edge, so it is counted.
    const { start } = await timingOf(recording);
    const last = lastTime(trains, start);
    const nBins = Math.floor((last - start) / params.binWidth + 1e-9) + 1;
    const nUnits = trains.times.length;
    if (nUnits * nBins > MAX_VALUES) {
      throw new StudioError('invalid-input', `binWidth: ${params.binWidth} s gives ${nUnits} × ${nBins} bins; choose a wider bin`);
    }
    ctx.token.throwIfCancelled();
    const { counts, observed } = binSpikes(trains, { start, binWidth: params.binWidth, nBins });
    let spikes = 0;
    let unobserved = 0;
    for (let k = 0; k < counts.length; k++) {
      if (observed[k]) spikes += counts[k];
      else unobserved++;
    }
    ctx.progress({ fraction: 1, message: 'binned' });
    return {
      metrics: { units: nUnits, bins: nBins, binWidth: params.binWidth, start, spikesCounted: spikes, unobservedBins: unobserved },
      arrays: { counts: ndarray(counts, [nUnits, nBins]), observed: ndarray(observed, [nUnits, nBins]) },
      derived: {
        array: 'counts',
        name: derivedName(`spike counts (${params.binWidth} s bins)`, dataset.path),
        rate: 1 / params.binWidth,
        start,
      },
    };
  },
});
