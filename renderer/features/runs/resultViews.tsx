/**
 * How a run's results are shown: its stored figures (identical to their exports), plus any
 * interactive view an analysis registers here (analysis id → component).
 */
import { Box } from '@mui/material';
import type { ComponentType } from 'react';
import type { Run } from '../../../shared/domain/project';
import { useQuery } from '../../api/hooks';
import { FigureCard } from '../figures/FigureCard';
import { HmmGlmResultView } from '../hmmglm/HmmGlmResultView';
import { NtfResultView } from '../ntf/NtfResultView';

export const RESULT_VIEWS: Record<string, ComponentType<{ run: Run }>> = {
  'ntf-connectome': NtfResultView,
  'hmm-glm': HmmGlmResultView,
};

/** Stored figures an analysis's interactive view already shows (by key); the grid below leaves them out. */
const SHOWN_IN_VIEW: Record<string, (key: string) => boolean> = {
  'ntf-connectome': (key) => key.startsWith('ntf-component-'),
};

export function RunFigures({ run }: { run: Run }) {
  const figures = useQuery('figures.list', { projectId: run.projectId, runId: run.id });
  const Extra = RESULT_VIEWS[run.analysis];
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
      {Extra && <Extra run={run} />}
      <Box sx={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(440px, 1fr))', gap: 2 }}>
        {(figures.data ?? [])
          .filter((f) => !SHOWN_IN_VIEW[run.analysis]?.(f.key))
          .map((f) => (
            <FigureCard key={f.id} figureId={f.id} />
          ))}
      </Box>
    </Box>
  );
}
