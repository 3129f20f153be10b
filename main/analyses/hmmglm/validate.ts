/** Checks that the counts can carry the requested model, before any fitting, with the reason in words. */
import type { HmmGlmParams } from '../../../shared/analyses/hmm-glm.js';
import { StudioError } from '../../../shared/ipc/contract.js';
import type { Basis } from './basis.js';
import type { SpikeCounts } from './data.js';

/** Training bins needed per weight of every state's GLM. */
export const BINS_PER_WEIGHT = 10;

/** `covariateColumns`: design columns of the external covariates (they add weights to every state's GLM). */
export function validateCounts(
  counts: SpikeCounts,
  basis: Basis,
  params: HmmGlmParams,
  sources: readonly string[],
  covariateColumns = 0,
): void {
  const { s, m, t, n, starts, labels } = counts;
  if (n === 0) throw new StudioError('bad-data', `${sources[0]}: no neurons`);
  const bounds = [...starts, t];
  let trainBins = 0;
  const spikes = new Float64Array(n);
  starts.forEach((start, q) => {
    const len = bounds[q + 1]! - start;
    const train = len - Math.max(1, Math.round(params.heldOutFraction * len));
    if (len < basis.length || train <= basis.length) {
      throw new StudioError(
        'bad-data',
        `${sources[q]}: ${len} bins (${train} for training) but the history basis spans ${basis.length} bins; use a longer recording or a shorter history basis`,
      );
    }
    trainBins += train;
    for (let r = start; r < start + train; r++) for (let i = 0; i < n; i++) spikes[i] += s[r * n + i]! * m[r * n + i]!;
  });
  const empty = [...spikes.keys()].filter((i) => spikes[i] === 0);
  if (empty.length > 0) {
    const names = empty.slice(0, 10).map((i) => `${i}${labels[i] !== String(i) ? ` (${labels[i]})` : ''}`);
    throw new StudioError(
      'bad-data',
      `${empty.length} neuron${empty.length === 1 ? ' has' : 's have'} no spikes in the training bins: ${names.join(', ')}${empty.length > 10 ? ', …' : ''}; their rates cannot be fitted (remove them or use a longer recording)`,
    );
  }
  const k = params.states;
  const p = n * basis.count + covariateColumns + 1;
  const needed = BINS_PER_WEIGHT * k * p * (params.selectStates ? params.folds / (params.folds - 1) : 1);
  if (trainBins < needed) {
    throw new StudioError(
      'invalid-input',
      `${k} states cannot be identified from ${trainBins} training bins: each state's GLM has ${p} weights per neuron, and the fit needs about ${BINS_PER_WEIGHT} bins per weight and state (${Math.ceil(needed)} bins${params.selectStates ? ' with cross-validation folds' : ''}); use fewer states, a shorter history basis or a longer recording`,
    );
  }
  if (params.prior === 'onehot' && basis.count !== 1) {
    throw new StudioError(
      'invalid-input',
      `the one-hot prior types each connection by one weight: use the exponential basis (the ${params.basis} basis has ${basis.count} functions per connection)`,
    );
  }
}
