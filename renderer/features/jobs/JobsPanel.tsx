/** The jobs drawer: live progress bars, current objective, cancel buttons. */
import CloseIcon from '@mui/icons-material/Close';
import StopCircleOutlinedIcon from '@mui/icons-material/StopCircleOutlined';
import { Box, IconButton, LinearProgress, Tooltip, Typography } from '@mui/material';
import { analysisDescriptor } from '../../../shared/analyses/index';
import { client } from '../../api';
import { formatNumber } from '../../app/format';
import { messageOf, useNotify } from '../../app/notifications';
import { StatusChip } from '../runs/StatusChip';
import type { JobView } from './useJobs';

export function JobsPanel(props: { jobs: JobView[]; onClose: () => void; onOpen: (job: JobView) => void }) {
  const notify = useNotify();
  const cancel = async (job: JobView) => {
    try {
      await client.call('jobs.cancel', { runId: job.id });
    } catch (e) {
      notify('error', `Could not cancel run ${job.id}: ${messageOf(e)}`);
    }
  };
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', height: '100%' }} data-testid="jobs-panel">
      <Box sx={{ display: 'flex', alignItems: 'center', px: 1.5, py: 0.75, borderBottom: 1, borderColor: 'divider' }}>
        <Typography variant="overline" color="text.secondary" sx={{ flex: 1 }}>
          Jobs
        </Typography>
        <IconButton aria-label="close jobs" onClick={props.onClose}>
          <CloseIcon sx={{ fontSize: 16 }} />
        </IconButton>
      </Box>
      <Box sx={{ overflow: 'auto', flex: 1 }}>
        {props.jobs.length === 0 && (
          <Typography variant="body2" color="text.secondary" sx={{ p: 1.5 }}>
            No jobs in this session.
          </Typography>
        )}
        {props.jobs.map((j) => {
          const active = j.status === 'running' || j.status === 'queued';
          return (
            <Box key={j.id} sx={{ px: 1.5, py: 1, borderBottom: 1, borderColor: 'divider' }} data-testid={`job-${j.id}`}>
              <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
                <Typography
                  variant="body2"
                  sx={{ flex: 1, cursor: 'pointer', fontWeight: 500, '&:hover': { textDecoration: 'underline' } }}
                  onClick={() => props.onOpen(j)}
                  noWrap
                >
                  {analysisDescriptor(j.analysis)?.title ?? j.analysis} #{j.id}
                </Typography>
                <StatusChip status={j.status} />
                {active && (
                  <Tooltip title="Cancel">
                    <IconButton aria-label={`cancel run ${j.id}`} onClick={() => cancel(j)}>
                      <StopCircleOutlinedIcon sx={{ fontSize: 17 }} />
                    </IconButton>
                  </Tooltip>
                )}
              </Box>
              <LinearProgress
                variant={j.status === 'queued' ? 'indeterminate' : 'determinate'}
                value={j.progress * 100}
                color={j.status === 'failed' ? 'error' : j.status === 'done' ? 'success' : 'primary'}
                sx={{ my: 0.5 }}
                aria-label={`progress of run ${j.id}`}
                data-progress={Math.round(j.progress * 100)}
              />
              <Typography variant="caption" color="text.secondary" component="div" noWrap>
                {Math.round(j.progress * 100)} % · {j.error ?? j.message}
                {j.objectiveLive !== null && active ? ` · objective ${formatNumber(j.objectiveLive)}` : ''}
              </Typography>
            </Box>
          );
        })}
      </Box>
    </Box>
  );
}
