import { Box, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { client, onConnection } from '../api';
import { useQuery } from '../api/hooks';
import { EngineStatus } from './EngineStatus';

export function StatusBar({ activeJobs }: { activeJobs: number }) {
  const info = useQuery('app.info', {});
  const [connection, setConnection] = useState<'connecting' | 'open' | 'closed'>('open');
  useEffect(() => onConnection(setConnection), []);
  const i = info.data;
  const item = (text: string, testId?: string) => (
    <Typography variant="caption" color="text.secondary" sx={{ whiteSpace: 'nowrap' }} data-testid={testId}>
      {text}
    </Typography>
  );
  return (
    <Box
      sx={{
        display: 'flex',
        alignItems: 'center',
        gap: 2,
        px: 1.5,
        height: 24,
        borderTop: 1,
        borderColor: 'divider',
        bgcolor: 'background.paper',
      }}
      data-testid="status-bar"
    >
      <Box
        sx={{
          width: 7,
          height: 7,
          borderRadius: '50%',
          bgcolor: connection === 'open' ? 'success.main' : connection === 'connecting' ? 'warning.main' : 'error.main',
        }}
      />
      {item(
        client.transport === 'electron' ? 'desktop' : connection === 'open' ? 'browser host · connected' : `browser host · ${connection}`,
      )}
      {i && item(`${i.runtime === 'electron' ? `Electron ${i.electronVersion}` : `Node ${i.nodeVersion}`}`)}
      {i && item(`${i.workers} worker${i.workers === 1 ? '' : 's'}`)}
      <EngineStatus />
      {item(`${activeJobs} job${activeJobs === 1 ? '' : 's'} running`, 'active-jobs')}
      <Box sx={{ flex: 1 }} />
      {i && item(i.dbPath)}
      {i && item(`v${i.version}`)}
    </Box>
  );
}
