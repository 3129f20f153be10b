import AddIcon from '@mui/icons-material/Add';
import DeleteOutlinedIcon from '@mui/icons-material/DeleteOutlined';
import { Box, Button, Chip, IconButton, Table, TableBody, TableCell, TableHead, TableRow, Tooltip, Typography } from '@mui/material';
import { useState } from 'react';
import type { Dataset, DatasetFileState } from '../../../shared/domain/project';
import type { FileInfo } from '../../../shared/domain/recording';
import { client } from '../../api';
import { formatBytes, formatShape } from '../../app/format';
import { messageOf, useNotify } from '../../app/notifications';
import { AddDatasetDialog } from './AddDatasetDialog';

const STATE_CHIP: Record<DatasetFileState, { label: string; color: 'success' | 'warning' | 'error'; help: string }> = {
  ok: { label: 'ok', color: 'success', help: 'The file is as it was when added.' },
  changed: { label: 'changed', color: 'warning', help: 'The file changed since it was added: results may no longer match it.' },
  missing: { label: 'missing', color: 'error', help: 'The file was moved or deleted.' },
};

function shapeOf(d: Dataset): string {
  const info = d.info as FileInfo | undefined;
  const o = info?.objects?.find((x) => x.path === d.object) ?? info?.objects?.[0];
  return o ? formatShape(o.shape) : '—';
}

export function DatasetsPanel(props: {
  projectId: number;
  datasets: Array<Dataset & { fileState: DatasetFileState }>;
  onChanged: () => void;
}) {
  const notify = useNotify();
  const [adding, setAdding] = useState(false);
  const remove = async (d: Dataset) => {
    try {
      await client.call('datasets.remove', { id: d.id });
      props.onChanged();
    } catch (e) {
      notify('error', `Could not remove ${d.name}: ${messageOf(e)}`);
    }
  };
  return (
    <Box>
      <Box sx={{ display: 'flex', alignItems: 'center', mb: 1 }}>
        <Typography variant="subtitle1" sx={{ flex: 1 }}>
          Recordings
        </Typography>
        <Button startIcon={<AddIcon />} variant="outlined" onClick={() => setAdding(true)}>
          Add file…
        </Button>
      </Box>
      <Table data-testid="datasets-table">
        <TableHead>
          <TableRow>
            <TableCell>Name</TableCell>
            <TableCell>Format</TableCell>
            <TableCell>Shape</TableCell>
            <TableCell>Rate</TableCell>
            <TableCell>Size</TableCell>
            <TableCell>File</TableCell>
            <TableCell />
          </TableRow>
        </TableHead>
        <TableBody>
          {props.datasets.map((d) => (
            <TableRow key={d.id} hover>
              <TableCell>
                <Tooltip title={d.path}>
                  <span>{d.name}</span>
                </Tooltip>
              </TableCell>
              <TableCell>{d.format}</TableCell>
              <TableCell>{shapeOf(d)}</TableCell>
              <TableCell>{d.rate ? `${d.rate} Hz` : '—'}</TableCell>
              <TableCell>{formatBytes(d.size)}</TableCell>
              <TableCell>
                <Tooltip title={STATE_CHIP[d.fileState].help}>
                  <Chip label={STATE_CHIP[d.fileState].label} color={STATE_CHIP[d.fileState].color} variant="outlined" />
                </Tooltip>
              </TableCell>
              <TableCell align="right">
                <Tooltip title="Remove from project (the file stays on disk)">
                  <IconButton aria-label={`remove ${d.name}`} onClick={() => remove(d)}>
                    <DeleteOutlinedIcon sx={{ fontSize: 16 }} />
                  </IconButton>
                </Tooltip>
              </TableCell>
            </TableRow>
          ))}
          {props.datasets.length === 0 && (
            <TableRow>
              <TableCell colSpan={7}>
                <Typography variant="body2" color="text.secondary" sx={{ py: 2 }}>
                  No recordings yet. Add an NWB file, a Suite2p folder, a CaImAn result, a NumPy, MATLAB or CSV file.
                </Typography>
              </TableCell>
            </TableRow>
          )}
        </TableBody>
      </Table>
      <AddDatasetDialog projectId={props.projectId} open={adding} onClose={() => setAdding(false)} onAdded={props.onChanged} />
    </Box>
  );
}
