/**
 * Neuropil subtraction F − r·Fneu for a Suite2p plane: the dataset is F.npy (or F_chan2.npy) of
 * the folder, and Fneu.npy (Fneu_chan2.npy) of the same folder is read alongside it.
 */
import { neuropilParams } from '../../../shared/analyses/preprocess.js';
import { ndarray } from '../../../shared/domain/ndarray.js';
import { StudioError } from '../../../shared/ipc/contract.js';
import { subtractNeuropil } from '../../io/preprocess.js';
import { openRecording } from '../../io/registry.js';
import { defineAnalysis } from '../types.js';
import { derivedName, mapNeuronBlocks, timingOf } from './common.js';

const NEUROPIL_OF: Record<string, string> = { 'F.npy': 'Fneu.npy', 'F_chan2.npy': 'Fneu_chan2.npy' };

export const neuropil = defineAnalysis({
  id: 'neuropil',
  params: neuropilParams,
  async fit({ recording, dataset }, params, ctx) {
    const object = recording.meta.source.object;
    const fneuName = NEUROPIL_OF[object];
    if (dataset.format !== 'suite2p' || !fneuName) {
      throw new StudioError(
        'invalid-input',
        `${dataset.path}: neuropil subtraction needs the F.npy of a Suite2p folder (found ${dataset.format} ${object ? `object '${object}'` : 'file'})`,
      );
    }
    const fneu = await openRecording(dataset.path, { object: fneuName, rate: dataset.rate ?? undefined });
    try {
      const { nNeurons, nFrames } = recording.meta;
      if (fneu.meta.nNeurons !== nNeurons || fneu.meta.nFrames !== nFrames) {
        throw new StudioError(
          'bad-data',
          `${dataset.path}: ${fneuName} is ${fneu.meta.nNeurons} × ${fneu.meta.nFrames}, ${object} is ${nNeurons} × ${nFrames}`,
        );
      }
      const { rate, start } = await timingOf(recording);
      const corrected = await mapNeuronBlocks(recording, ctx, 'F − r·Fneu', async (block, n, t, first) =>
        subtractNeuropil(block, await fneu.readTraces([first, first + n], [0, t]), params.coefficient),
      );
      return {
        metrics: { neurons: nNeurons, frames: nFrames, rate, coefficient: params.coefficient, neuropil: fneuName },
        arrays: { corrected: ndarray(corrected, [nNeurons, nFrames]) },
        derived: { array: 'corrected', name: derivedName(`F − ${params.coefficient}·Fneu`, dataset.path), rate, start },
      };
    } finally {
      await fneu.close();
    }
  },
});
