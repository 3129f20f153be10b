import { Alert, Box, LinearProgress, Paper, Table, TableBody, TableCell, TableRow, Typography } from '@mui/material';
import { useEffect } from 'react';
import { analysisDescriptor } from '../../../shared/analyses/index';
import { useEvent, useQuery } from '../../api/hooks';
import { formatDuration, formatNumber, formatTime } from '../../app/format';
import { RunFigures } from './resultViews';
import { StatusChip } from './StatusChip';

function KeyValues({ title, entries }: { title: string; entries: Array<[string, unknown]> }) {
  if (entries.length === 0) return null;
  return (
    <Paper variant="outlined" sx={{ p: 1 }}>
      <Typography variant="overline" color="text.secondary">
        {title}
      </Typography>
      <Table>
        <TableBody>
          {entries.map(([k, v]) => (
            <TableRow key={k}>
              <TableCell sx={{ color: 'text.secondary', border: 0, py: 0.25, pl: 0 }}>{k}</TableCell>
              <TableCell sx={{ border: 0, py: 0.25, fontVariantNumeric: 'tabular-nums', wordBreak: 'break-word' }}>
                {formatNumber(v)}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Paper>
  );
}

export function RunView({ runId }: { runId: number }) {
  const run = useQuery('runs.get', { id: runId });
  const { reload } = run;
  useEvent('job.state', (s) => {
    if (s.id === runId) reload();
  });
  useEffect(() => reload(), [runId, reload]);
  const r = run.data;
  if (run.error) return <Alert severity="error">{run.error.message}</Alert>;
  if (!r) return null;
  const title = analysisDescriptor(r.analysis)?.title ?? r.analysis;
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1.5 }} data-testid="run-view">
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
        <Typography variant="h6">
          {title} · run {r.id}
        </Typography>
        <StatusChip status={r.status} />
        <Typography variant="body2" color="text.secondary" sx={{ ml: 'auto' }}>
          started {formatTime(r.startedAt)} · finished {formatTime(r.finishedAt)}
          {r.timings.totalMs !== undefined && ` · ${formatDuration(r.timings.totalMs)}`}
        </Typography>
      </Box>
      {(r.status === 'running' || r.status === 'queued') && <LinearProgress variant="determinate" value={r.progress * 100} />}
      {r.error && <Alert severity={r.status === 'failed' ? 'error' : 'warning'}>{r.error}</Alert>}
      <Box sx={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(230px, 1fr))', gap: 1.5, alignItems: 'start' }}>
        <KeyValues title="Parameters" entries={Object.entries(r.params)} />
        <KeyValues title="Metrics" entries={Object.entries(r.metrics)} />
        <KeyValues
          title="Provenance"
          entries={[
            ['app version', r.appVersion],
            ['data hash', r.dataHash ? r.dataHash.slice(-16) : null],
            ['arrays', r.arrays.map((a) => `${a.name} [${a.shape.join('×')}]`).join(', ')],
          ]}
        />
      </Box>
      {r.status === 'done' && <RunFigures run={r} />}
    </Box>
  );
}
