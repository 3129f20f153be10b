/**
 * The connectome run's interactive view: every component in one table (strength, null-control p,
 * modularity, communities, peak time), and the selected component's stored figure, stepped through
 * with the arrows (or ← → keys). The figure is the stored one, so what is seen is what exports.
 */
import ChevronLeftIcon from '@mui/icons-material/ChevronLeft';
import ChevronRightIcon from '@mui/icons-material/ChevronRight';
import { Box, IconButton, Paper, Table, TableBody, TableCell, TableHead, TableRow, Tooltip, Typography } from '@mui/material';
import { useState, type KeyboardEvent } from 'react';
import type { NtfComponentReport } from '../../../shared/analyses/ntf-connectome';
import type { Run } from '../../../shared/domain/project';
import { useQuery } from '../../api/hooks';
import { formatNumber } from '../../app/format';
import { FigureCard } from '../figures/FigureCard';

const cell = { py: 0.25, px: 0.75, fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' } as const;

function formatP(p: number | null): string {
  if (p === null) return '—';
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}

function cellList(cells: number[]): string {
  return cells.length > 24 ? `${cells.slice(0, 24).join(', ')} … (+${cells.length - 24})` : cells.join(', ');
}

export function NtfResultView({ run }: { run: Run }) {
  const components = (run.report.components ?? []) as NtfComponentReport[];
  const figures = useQuery('figures.list', { projectId: run.projectId, runId: run.id });
  const [selected, setSelected] = useState(0);
  if (components.length === 0) return null;
  const current = components[Math.min(selected, components.length - 1)]!;
  const figure = figures.data?.find((f) => f.key === `ntf-component-${current.index + 1}`);
  const step = (d: number) => setSelected((s) => (s + d + components.length) % components.length);
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'ArrowLeft') step(-1);
    else if (e.key === 'ArrowRight') step(1);
    else return;
    e.preventDefault();
  };

  return (
    <Paper
      variant="outlined"
      sx={{ p: 1.5, display: 'flex', flexDirection: 'column', gap: 1 }}
      data-testid="ntf-view"
      tabIndex={0}
      onKeyDown={onKey}
    >
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
        <Typography variant="overline" color="text.secondary">
          Components
        </Typography>
        <Box sx={{ ml: 'auto', display: 'flex', alignItems: 'center' }}>
          <IconButton size="small" aria-label="previous component" onClick={() => step(-1)}>
            <ChevronLeftIcon fontSize="small" />
          </IconButton>
          <Typography variant="body2" sx={{ minWidth: 120, textAlign: 'center' }} data-testid="ntf-current">
            component {current.index + 1} of {components.length}
          </Typography>
          <IconButton size="small" aria-label="next component" onClick={() => step(1)}>
            <ChevronRightIcon fontSize="small" />
          </IconButton>
        </Box>
      </Box>
      <Box sx={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(440px, 1fr))', gap: 1.5, alignItems: 'start' }}>
        <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1, minWidth: 0, overflowX: 'auto' }}>
          <Table size="small" data-testid="ntf-components">
            <TableHead>
              <TableRow>
                {['#', 'strength', 'p', 'weight', 'modularity', 'communities', 'peak (s)'].map((h) => (
                  <TableCell key={h} sx={{ ...cell, color: 'text.secondary' }}>
                    {h}
                  </TableCell>
                ))}
              </TableRow>
            </TableHead>
            <TableBody>
              {components.map((c, k) => (
                <TableRow key={c.index} hover selected={c === current} onClick={() => setSelected(k)} sx={{ cursor: 'pointer' }}>
                  <TableCell sx={cell}>{c.index + 1}</TableCell>
                  <TableCell sx={cell}>{formatNumber(c.strength)}</TableCell>
                  <TableCell sx={{ ...cell, fontWeight: c.pValue !== null && c.pValue < 0.05 ? 600 : undefined }}>
                    {formatP(c.pValue)}
                  </TableCell>
                  <TableCell sx={cell}>{formatNumber(c.weight)}</TableCell>
                  <TableCell sx={cell}>{c.modularity.toFixed(3)}</TableCell>
                  <TableCell sx={cell}>{c.communities.length ? c.communities.map((m) => m.length).join(' · ') : '—'}</TableCell>
                  <TableCell sx={cell}>{c.peakTime.toFixed(1)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <Box data-testid="ntf-communities">
            {current.communities.length === 0 && (
              <Typography variant="body2" color="text.secondary">
                No community stands out in this component.
              </Typography>
            )}
            {current.communities.map((m, k) => (
              <Tooltip key={k} title={m.join(', ')} placement="bottom-start">
                <Typography variant="body2" sx={{ fontVariantNumeric: 'tabular-nums' }}>
                  <b>community {k + 1}</b> · {m.length} cells · density {formatNumber(current.communityDensity[k])}: {cellList(m)}
                </Typography>
              </Tooltip>
            ))}
            <Typography variant="caption" color="text.secondary">
              Cells are 0-based rows of the (first) recording; cells in no community are left out.
            </Typography>
          </Box>
        </Box>
        <Box sx={{ minWidth: 0 }}>{figure ? <FigureCard key={figure.id} figureId={figure.id} height={560} /> : null}</Box>
      </Box>
    </Paper>
  );
}
