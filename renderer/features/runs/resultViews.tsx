/** How each analysis's results are shown: analysis id → component that reads the run's arrays. */
import { Alert, Box, CircularProgress } from '@mui/material';
import type { ComponentType } from 'react';
import type { Run } from '../../../shared/domain/project';
import { useQuery } from '../../api/hooks';
import { correlationHeatmap } from '../../plots/heatmaps';
import { Plot } from '../../plots/Plot';

function CorrelationResult({ run }: { run: Run }) {
  const matrix = useQuery('runs.array', { id: run.id, name: 'correlation' });
  if (matrix.error) return <Alert severity="error">{matrix.error.message}</Alert>;
  if (!matrix.data) return <CircularProgress size={20} />;
  return (
    <Box sx={{ maxWidth: 720 }}>
      <Plot
        spec={correlationHeatmap(matrix.data, `Pairwise ${String(run.params.method)} correlation`)}
        height={560}
        testId="correlation-heatmap"
      />
    </Box>
  );
}

export const RESULT_VIEWS: Record<string, ComponentType<{ run: Run }>> = {
  correlation: CorrelationResult,
};
