/** Status-bar item: which execution provider the engine runs on; click to choose another. */
import { Menu, MenuItem, Tooltip, Typography } from '@mui/material';
import { useState } from 'react';
import { PROVIDER_SETTINGS, type ProviderSetting } from '../../shared/domain/engine';
import { client } from '../api';
import { useQuery } from '../api/hooks';
import { messageOf, useNotify } from './notifications';

const LABELS: Record<ProviderSetting, string> = {
  auto: 'auto (GPU if present)',
  cpu: 'CPU',
  cuda: 'CUDA',
  dml: 'DirectML',
  coreml: 'CoreML',
};

export function EngineStatus() {
  const info = useQuery('engine.info', {});
  const notify = useNotify();
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const e = info.data;
  if (!e) return null;
  const choose = async (provider: ProviderSetting) => {
    setAnchor(null);
    try {
      const next = await client.call('engine.setProvider', { provider });
      info.reload();
      if (next.fallbackReason && provider !== 'auto')
        notify('warning', `${LABELS[provider]} is not available, fits run on ${next.active}: ${next.fallbackReason}`);
    } catch (err) {
      notify('error', `Could not change the execution provider: ${messageOf(err)}`);
    }
  };
  return (
    <>
      <Tooltip
        title={
          e.fallbackReason
            ? `${e.requested} → ${e.active}: ${e.fallbackReason}`
            : `onnxruntime-node ${e.runtimeVersion}, ${e.threads} thread(s) per worker`
        }
      >
        <Typography
          variant="caption"
          color="text.secondary"
          sx={{ cursor: 'pointer', whiteSpace: 'nowrap', '&:hover': { color: 'text.primary' } }}
          onClick={(ev) => setAnchor(ev.currentTarget)}
          data-testid="engine-status"
        >
          engine: {e.active.toUpperCase()}
          {e.requested === 'auto' ? ' (auto)' : ''}
        </Typography>
      </Tooltip>
      <Menu anchorEl={anchor} open={anchor !== null} onClose={() => setAnchor(null)}>
        {PROVIDER_SETTINGS.map((p) => (
          <MenuItem key={p} selected={p === e.requested} onClick={() => choose(p)} dense>
            {LABELS[p]}
          </MenuItem>
        ))}
      </Menu>
    </>
  );
}
