/** Per-neuron z-scores as a preprocessing run. */
import { zScoreParams } from '../../../shared/analyses/preprocess.js';
import { ndarray } from '../../../shared/domain/ndarray.js';
import { zScore } from '../../io/preprocess.js';
import { defineAnalysis } from '../types.js';
import { countNonFinite, derivedName, mapNeuronBlocks, timingOf } from './common.js';

export const zscore = defineAnalysis({
  id: 'zscore',
  params: zScoreParams,
  async fit({ recording, dataset }, _params, ctx) {
    const { nNeurons, nFrames } = recording.meta;
    const { rate, start } = await timingOf(recording);
    const z = await mapNeuronBlocks(recording, ctx, 'z-score', (block, n, t) => zScore(block, n, t));
    return {
      metrics: { neurons: nNeurons, frames: nFrames, rate, nonFinite: countNonFinite(z) },
      arrays: { zscore: ndarray(z, [nNeurons, nFrames]) },
      derived: { array: 'zscore', name: derivedName('z-score', dataset.path), rate, start },
    };
  },
});
