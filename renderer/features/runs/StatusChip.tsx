import { Chip } from '@mui/material';
import type { RunStatus } from '../../../shared/domain/project';

const COLORS: Record<RunStatus, 'default' | 'info' | 'success' | 'error' | 'warning'> = {
  queued: 'default',
  running: 'info',
  done: 'success',
  failed: 'error',
  cancelled: 'warning',
  interrupted: 'warning',
};

export function StatusChip({ status }: { status: RunStatus }) {
  return (
    <Chip label={status} color={COLORS[status]} variant="outlined" data-testid={`status-${status}`} sx={{ height: 20, fontSize: 11 }} />
  );
}
