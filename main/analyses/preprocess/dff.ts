/** ΔF/F against a sliding-percentile baseline, per neuron, as a preprocessing run. */
import { dffParams } from '../../../shared/analyses/preprocess.js';
import { ndarray } from '../../../shared/domain/ndarray.js';
import { StudioError } from '../../../shared/ipc/contract.js';
import { deltaFOverF } from '../../io/preprocess.js';
import { defineAnalysis } from '../types.js';
import { countNonFinite, derivedName, mapNeuronBlocks, timingOf } from './common.js';

export const dff = defineAnalysis({
  id: 'dff',
  params: dffParams,
  async fit({ recording, dataset }, params, ctx) {
    const { nNeurons, nFrames } = recording.meta;
    const { rate, start } = await timingOf(recording);
    const windowFrames = Math.round(params.windowUnit === 'seconds' ? params.window * rate : params.window);
    if (windowFrames < 1) {
      throw new StudioError(
        'invalid-input',
        `window: ${params.window} ${params.windowUnit} is less than one frame at ${rate.toPrecision(4)} Hz`,
      );
    }
    const dff = await mapNeuronBlocks(recording, ctx, 'ΔF/F', (block, n, t) =>
      deltaFOverF(block, n, t, { window: windowFrames, percentile: params.percentile }),
    );
    return {
      metrics: { neurons: nNeurons, frames: nFrames, rate, windowFrames, percentile: params.percentile, nonFinite: countNonFinite(dff) },
      arrays: { dff: ndarray(dff, [nNeurons, nFrames]) },
      derived: { array: 'dff', name: derivedName('ΔF/F', dataset.path), rate, start },
    };
  },
});
