/**
 * Adding a file: type or paste its path or browse to it, see what is inside ("what is in this
 * file"), pick the object and give a sampling rate where the format stores none. Files are opened
 * read-only.
 */
import {
  Alert,
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@mui/material';
import { useState } from 'react';
import type { FileInfo } from '../../../shared/domain/recording';
import { client } from '../../api';
import { formatBytes, formatShape } from '../../app/format';
import { messageOf, useNotify } from '../../app/notifications';
import { FileBrowser } from './FileBrowser';

export function AddDatasetDialog(props: { projectId: number; open: boolean; onClose: () => void; onAdded: () => void }) {
  const notify = useNotify();
  const [path, setPath] = useState('');
  const [info, setInfo] = useState<FileInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [object, setObject] = useState('');
  const [rate, setRate] = useState('');
  const [busy, setBusy] = useState(false);
  const [browsing, setBrowsing] = useState(false);

  const reset = () => {
    setInfo(null);
    setError(null);
    setObject('');
  };
  const inspect = async (target = path) => {
    reset();
    setBusy(true);
    try {
      const i = await client.call('files.inspect', { path: target.trim() });
      setInfo(i);
      // Calcium traces first, then spike times, then anything with data to draw.
      const pick =
        i.objects.find((o) => o.kind === 'traces') ??
        i.objects.find((o) => o.kind === 'spikes') ??
        i.objects.find((o) => o.uses.length > 0);
      setObject(pick?.path ?? i.objects[0]?.path ?? '');
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  const selected = info?.objects.find((o) => o.path === object);
  const needsRate = selected !== undefined && selected.rate === undefined;
  const rateValue = rate.trim() === '' ? null : Number(rate);
  const rateInvalid = rateValue !== null && !(rateValue > 0);
  const add = async () => {
    setBusy(true);
    try {
      await client.call('datasets.add', { projectId: props.projectId, path: path.trim(), object, rate: rateValue });
      notify('success', `Added ${path.trim()}`);
      props.onAdded();
      props.onClose();
      setPath('');
      reset();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open={props.open} onClose={props.onClose} maxWidth="md" fullWidth>
      <DialogTitle sx={{ fontSize: 15 }}>Add a recording</DialogTitle>
      <DialogContent>
        <Box sx={{ display: 'flex', gap: 1, mt: 1 }}>
          <TextField
            autoFocus
            fullWidth
            label="File or folder path"
            placeholder="/data/mouse12/suite2p/plane0  or  recording.nwb"
            value={path}
            onChange={(e) => {
              setPath(e.target.value);
              reset();
            }}
            onKeyDown={(e) => e.key === 'Enter' && path.trim() && void inspect()}
            slotProps={{ htmlInput: { 'data-testid': 'dataset-path' } }}
          />
          <Button variant="outlined" onClick={() => inspect()} disabled={!path.trim() || busy}>
            Inspect
          </Button>
          <Button onClick={() => setBrowsing((b) => !b)} sx={{ whiteSpace: 'nowrap', flex: 'none' }} data-testid="browse">
            {browsing ? 'Hide' : 'Browse…'}
          </Button>
        </Box>
        {browsing && (
          <Box sx={{ mt: 1 }}>
            <FileBrowser
              selected={path.trim()}
              onPick={(picked) => {
                setPath(picked);
                void inspect(picked);
              }}
            />
          </Box>
        )}
        {error && (
          <Alert severity="error" sx={{ mt: 1.5 }}>
            {error}
          </Alert>
        )}
        {info && (
          <Box sx={{ mt: 1.5 }}>
            <Typography variant="body2" color="text.secondary">
              {info.format.toUpperCase()} · {formatBytes(info.size)} · {info.objects.length} object{info.objects.length === 1 ? '' : 's'}
            </Typography>
            {info.notes.map((n) => (
              <Alert key={n} severity="info" sx={{ mt: 1, py: 0 }}>
                {n}
              </Alert>
            ))}
            <Table sx={{ mt: 1 }}>
              <TableHead>
                <TableRow>
                  <TableCell>Object</TableCell>
                  <TableCell>Kind</TableCell>
                  <TableCell>Shape</TableCell>
                  <TableCell>Type</TableCell>
                  <TableCell>Rate</TableCell>
                  <TableCell>Can show</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {info.objects.map((o) => (
                  <TableRow key={o.path} hover selected={o.path === object} onClick={() => setObject(o.path)} sx={{ cursor: 'pointer' }}>
                    <TableCell sx={{ fontFamily: 'monospace' }}>{o.path || '(whole file)'}</TableCell>
                    <TableCell>{o.type ?? o.kind}</TableCell>
                    <TableCell>{formatShape(o.shape)}</TableCell>
                    <TableCell>{o.dtype}</TableCell>
                    <TableCell>{o.rate ? `${o.rate} Hz` : '—'}</TableCell>
                    <TableCell>{o.uses.join(', ') || '—'}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            {needsRate && (
              <TextField
                sx={{ mt: 1.5, width: 220 }}
                label="Sampling rate (Hz)"
                value={rate}
                error={rateInvalid}
                helperText={rateInvalid ? 'a positive number' : 'this file does not state one'}
                onChange={(e) => setRate(e.target.value)}
                slotProps={{ htmlInput: { inputMode: 'decimal' } }}
              />
            )}
          </Box>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Cancel</Button>
        <Button
          variant="contained"
          onClick={add}
          disabled={!info || busy || rateInvalid || (info.objects.length > 0 && selected === undefined)}
        >
          Add to project
        </Button>
      </DialogActions>
    </Dialog>
  );
}
