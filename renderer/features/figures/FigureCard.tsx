/** A stored figure, drawn exactly as it will be exported (white paper, print styling). */
import { Alert, Box, CircularProgress, Paper, Typography } from '@mui/material';
import { useQuery } from '../../api/hooks';
import { Plot } from '../../plots/Plot';

export function FigureCard({ figureId, height = 520 }: { figureId: number; height?: number }) {
  const figure = useQuery('figures.get', { id: figureId });
  if (figure.error) return <Alert severity="error">{figure.error.message}</Alert>;
  const f = figure.data;
  return (
    <Paper variant="outlined" sx={{ p: 1, bgcolor: '#ffffff' }} data-testid={`figure-${figureId}`} data-figure-key={f?.key}>
      {f ? <Plot spec={f.plot} height={height} themed={false} testId={`plot-${f.key}`} /> : <CircularProgress size={20} />}
      {f?.methods && (
        <Box sx={{ px: 1, pb: 0.5 }}>
          <Typography variant="caption" sx={{ color: '#555' }}>
            {f.methods}
          </Typography>
        </Box>
      )}
    </Paper>
  );
}
