/**
 * The Data tab: the project's recordings with the state of their files; a row opens the dataset's
 * page (what is in its file, the viewer, preprocessing). Derived datasets say which run made them.
 */
import AddIcon from '@mui/icons-material/Add';
import DeleteOutlinedIcon from '@mui/icons-material/DeleteOutlined';
import { Box, Button, Chip, IconButton, Table, TableBody, TableCell, TableHead, TableRow, Tooltip, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { derivedOf } from '../../../shared/domain/derived';
import type { Dataset, DatasetFileState } from '../../../shared/domain/project';
import type { FileInfo } from '../../../shared/domain/recording';
import { client } from '../../api';
import { formatBytes, formatShape } from '../../app/format';
import { messageOf, useNotify } from '../../app/notifications';
import { AddDatasetDialog } from './AddDatasetDialog';
import { FILE_STATE as STATE_CHIP } from './datasetInfo';
import { DatasetPage } from './DatasetPage';

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
  const [openId, setOpenId] = useState<number | null>(null);
  const { onChanged } = props;
  // File states are checked when the list is fetched: fetch it again whenever the list or a page is shown.
  useEffect(() => onChanged(), [openId, onChanged]);
  const remove = async (d: Dataset) => {
    try {
      await client.call('datasets.remove', { id: d.id });
      props.onChanged();
    } catch (e) {
      notify('error', `Could not remove ${d.name}: ${messageOf(e)}`);
    }
  };
  const open = props.datasets.find((d) => d.id === openId);
  if (open) return <DatasetPage key={open.id} dataset={open} onBack={() => setOpenId(null)} onChanged={props.onChanged} />;
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
          {props.datasets.map((d) => {
            const derived = derivedOf(d);
            return (
              <TableRow key={d.id} hover onClick={() => setOpenId(d.id)} sx={{ cursor: 'pointer' }} data-testid={`dataset-${d.id}`}>
                <TableCell>
                  <Tooltip title={d.path}>
                    <span>{d.name}</span>
                  </Tooltip>
                  {derived && (
                    <Tooltip
                      title={`made by ${derived.analysis} run ${derived.runId}${derived.source ? ` from ${derived.source.path}` : ''}`}
                    >
                      <Chip label="derived" color="secondary" variant="outlined" sx={{ ml: 1, height: 18 }} />
                    </Tooltip>
                  )}
                </TableCell>
                <TableCell>{d.format}</TableCell>
                <TableCell>{shapeOf(d)}</TableCell>
                <TableCell>{d.rate ? `${d.rate} Hz` : '—'}</TableCell>
                <TableCell>{formatBytes(d.size)}</TableCell>
                <TableCell>
                  <Tooltip title={STATE_CHIP[d.fileState].help}>
                    <Chip
                      label={STATE_CHIP[d.fileState].label}
                      color={STATE_CHIP[d.fileState].color}
                      variant="outlined"
                      data-testid="file-state-chip"
                    />
                  </Tooltip>
                </TableCell>
                <TableCell align="right">
                  <Tooltip
                    title={
                      derived
                        ? 'Remove from project (deletes the studio’s copy of the result; the run keeps its arrays)'
                        : 'Remove from project (the file stays on disk)'
                    }
                  >
                    <IconButton
                      aria-label={`remove ${d.name}`}
                      onClick={(e) => {
                        e.stopPropagation();
                        void remove(d);
                      }}
                    >
                      <DeleteOutlinedIcon sx={{ fontSize: 16 }} />
                    </IconButton>
                  </Tooltip>
                </TableCell>
              </TableRow>
            );
          })}
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
