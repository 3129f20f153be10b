import { Box, LinearProgress, List, ListItemButton, ListItemText, Typography } from '@mui/material';
import { analysisDescriptor } from '../../../shared/analyses/index';
import type { RunSummary } from '../../../shared/domain/project';
import { formatTime } from '../../app/format';
import { RunView } from './RunView';
import { StatusChip } from './StatusChip';

export function RunsPanel(props: { runs: RunSummary[]; selected: number | null; onSelect: (id: number) => void }) {
  const selected = props.selected ?? props.runs[0]?.id ?? null;
  return (
    <Box sx={{ display: 'flex', gap: 2, minHeight: 0, height: '100%' }}>
      <Box sx={{ width: 220, flexShrink: 0, overflow: 'auto', borderRight: 1, borderColor: 'divider', pr: 1 }}>
        <List data-testid="runs-list">
          {props.runs.map((r) => (
            <ListItemButton key={r.id} selected={r.id === selected} onClick={() => props.onSelect(r.id)} sx={{ display: 'block' }}>
              <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
                <ListItemText
                  primary={`${analysisDescriptor(r.analysis)?.title ?? r.analysis} #${r.id}`}
                  secondary={formatTime(r.createdAt)}
                  slotProps={{ primary: { noWrap: true, sx: { fontSize: 12.5 } }, secondary: { sx: { fontSize: 11 } } }}
                />
                <StatusChip status={r.status} />
              </Box>
              {r.status === 'running' && <LinearProgress variant="determinate" value={r.progress * 100} sx={{ mt: 0.5 }} />}
            </ListItemButton>
          ))}
        </List>
        {props.runs.length === 0 && (
          <Typography variant="body2" color="text.secondary" sx={{ p: 1 }}>
            No runs yet.
          </Typography>
        )}
      </Box>
      <Box sx={{ flex: 1, overflow: 'auto', minWidth: 0 }}>{selected !== null && <RunView runId={selected} />}</Box>
    </Box>
  );
}
