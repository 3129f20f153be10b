/**
 * How a run's results are shown: its stored figures (identical to their exports), plus any
 * interactive view an analysis registers here (analysis id → component).
 */
import { Box } from '@mui/material';
import type { ComponentType } from 'react';
import type { Run } from '../../../shared/domain/project';
import { useQuery } from '../../api/hooks';
import { FigureCard } from '../figures/FigureCard';

export const RESULT_VIEWS: Record<string, ComponentType<{ run: Run }>> = {};

export function RunFigures({ run }: { run: Run }) {
  const figures = useQuery('figures.list', { projectId: run.projectId, runId: run.id });
  const Extra = RESULT_VIEWS[run.analysis];
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
      {Extra && <Extra run={run} />}
      <Box sx={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(440px, 1fr))', gap: 2 }}>
        {(figures.data ?? []).map((f) => (
          <FigureCard key={f.id} figureId={f.id} />
        ))}
      </Box>
    </Box>
  );
}
