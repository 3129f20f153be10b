/** Analysis id → implementation. Every real id here has a descriptor (title, params) in shared/analyses. */
import { correlation } from './correlation/correlation.js';
import { hmmGlm } from './hmmglm/hmmglm.js';
import { ntfConnectome } from './ntf/ntf-connectome.js';
import { binSpikesAnalysis } from './preprocess/bin-spikes.js';
import { dff } from './preprocess/dff.js';
import { neuropil } from './preprocess/neuropil.js';
import { zscore } from './preprocess/zscore.js';
import { testingAnalyses } from './testing.js';
import type { Analysis } from './types.js';

const analyses = new Map<string, Analysis>([
  [correlation.id, correlation as unknown as Analysis],
  [hmmGlm.id, hmmGlm as unknown as Analysis],
  [ntfConnectome.id, ntfConnectome as unknown as Analysis],
  [dff.id, dff as unknown as Analysis],
  [zscore.id, zscore as unknown as Analysis],
  [neuropil.id, neuropil as unknown as Analysis],
  [binSpikesAnalysis.id, binSpikesAnalysis as unknown as Analysis],
]);
const testing = new Map<string, Analysis>(testingAnalyses.map((a) => [a.id, a as unknown as Analysis]));

/** Job-system test doubles exist only where a test asked for them (CAJAL_TEST_ANALYSES=1). */
export function analysisImpl(id: string): Analysis | undefined {
  return analyses.get(id) ?? (process.env.CAJAL_TEST_ANALYSES === '1' ? testing.get(id) : undefined);
}
