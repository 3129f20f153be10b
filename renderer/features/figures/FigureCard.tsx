/**
 * A stored figure, drawn exactly as it will be exported (white paper, print styling, the bundled
 * figure font). A multi-panel figure shows its panels in their grid, lettered as in the export.
 */
import { Alert, Box, CircularProgress, Paper, Typography } from '@mui/material';
import type { Composition } from '../../../shared/domain/figure';
import { panelLetter, presetById } from '../../../shared/figures/presets';
import { useQuery } from '../../api/hooks';
import { Plot } from '../../plots/Plot';
import './figure-font.css';

function Panel({ figureId, letter, height }: { figureId: number; letter: string; height: number }) {
  const figure = useQuery('figures.get', { id: figureId });
  return (
    <Box sx={{ position: 'relative', pt: 2.5, minWidth: 0 }} data-testid={`panel-${letter}`}>
      <Typography
        sx={{
          position: 'absolute',
          top: 0,
          left: 4,
          fontWeight: 700,
          fontSize: 15,
          color: '#000',
          fontFamily: 'Liberation Sans, Arial, sans-serif',
        }}
      >
        {letter}
      </Typography>
      {figure.error && <Alert severity="warning">{figure.error.message}</Alert>}
      {figure.data && <Plot spec={figure.data.plot} height={height} themed={false} />}
    </Box>
  );
}

export function CompositionView({ composition, height = 320 }: { composition: Composition; height?: number }) {
  const letterCase = presetById(composition.preset)?.panelLetter.case ?? 'lower';
  const columns = Math.max(1, Math.min(composition.columns, composition.panels.length));
  return (
    <Box sx={{ display: 'grid', gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`, gap: 1 }}>
      {composition.panels.map((id, i) => (
        <Panel key={`${i}-${id}`} figureId={id} letter={panelLetter(i, letterCase)} height={height} />
      ))}
    </Box>
  );
}

export function FigureCard({ figureId, height = 520 }: { figureId: number; height?: number }) {
  const figure = useQuery('figures.get', { id: figureId });
  if (figure.error) return <Alert severity="error">{figure.error.message}</Alert>;
  const f = figure.data;
  return (
    <Paper variant="outlined" sx={{ p: 1, bgcolor: '#ffffff' }} data-testid={`figure-${figureId}`} data-figure-key={f?.key}>
      {!f && <CircularProgress size={20} />}
      {f?.composition && <CompositionView composition={f.composition} height={Math.round(height * 0.62)} />}
      {f && !f.composition && <Plot spec={f.plot} height={height} themed={false} testId={`plot-${f.key}`} />}
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
