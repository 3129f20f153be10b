/**
 * One dataset: where it came from, what is in its file ("what is in this file"), a view of any
 * usable object (traces with raster and ROI map, or a spike raster), and preprocessing steps that
 * add their result as a new dataset.
 */
import AddIcon from '@mui/icons-material/Add';
import ArrowBackIcon from '@mui/icons-material/ArrowBack';
import ExpandLessIcon from '@mui/icons-material/ExpandLess';
import ExpandMoreIcon from '@mui/icons-material/ExpandMore';
import TuneIcon from '@mui/icons-material/Tune';
import {
  Alert,
  Box,
  Button,
  Chip,
  Collapse,
  IconButton,
  Menu,
  MenuItem,
  Paper,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Tooltip,
  Typography,
} from '@mui/material';
import { useState } from 'react';
import { PREPROCESSING, type PreprocessingId } from '../../../shared/analyses/preprocess';
import { analysisDescriptor } from '../../../shared/analyses/index';
import { derivedOf } from '../../../shared/domain/derived';
import type { Dataset, DatasetFileState } from '../../../shared/domain/project';
import type { FileInfo, FileObject } from '../../../shared/domain/recording';
import { client } from '../../api';
import { formatBytes, formatShape } from '../../app/format';
import { MONO } from '../../app/theme';
import { messageOf, useNotify } from '../../app/notifications';
import { FileStateWarning } from '../viewer/FileStateWarning';
import { ObjectViewer } from '../viewer/ObjectViewer';
import { PreprocessDialog } from '../viewer/PreprocessDialog';
import { FILE_STATE } from './datasetInfo';

type Listed = Dataset & { fileState: DatasetFileState };

const VIEWABLE_KINDS = new Set(['traces', 'timeseries', 'spikes']);

/** The object to open for a row: itself when it has data to draw, the traces behind an ROI table, or none. */
function viewTarget(info: FileInfo, o: FileObject): string | null {
  if (VIEWABLE_KINDS.has(o.kind) && o.uses.some((u) => u === 'traces' || u === 'spike raster')) return o.path;
  if (o.kind === 'rois') return info.objects.find((t) => t.kind === 'traces' && t.uses.includes('ROI map'))?.path ?? null;
  return null;
}

/** The object a dataset points at: its own, or what the reader opens by default (traces first, then units). */
function ownObject(info: FileInfo, object: string): FileObject | undefined {
  if (object) return info.objects.find((o) => o.path === object);
  return info.objects.find((o) => o.kind === 'traces') ?? info.objects.find((o) => o.kind === 'spikes');
}

function preprocessingAvailable(d: Dataset, info: FileInfo, id: PreprocessingId): string | null {
  const own = ownObject(info, d.object);
  const needs = PREPROCESSING[id].needs;
  if (!own) return 'this dataset has no traces or spikes';
  if (needs === 'spikes') return own.kind === 'spikes' ? null : 'needs spike times (an NWB Units table)';
  if (own.kind === 'spikes') return 'needs traces (this dataset holds spike times: bin them first)';
  if (needs === 'suite2p') {
    if (d.format !== 'suite2p') return 'needs a Suite2p folder (F.npy with Fneu.npy)';
    if (!['F.npy', 'F_chan2.npy'].includes(own.path)) return 'needs F.npy as the dataset’s object';
    if (!info.objects.some((o) => o.path === own.path.replace('F', 'Fneu'))) return 'the folder has no Fneu.npy';
  }
  return null;
}

export function DatasetPage(props: { dataset: Listed; onBack: () => void; onChanged: () => void }) {
  const { dataset } = props;
  const notify = useNotify();
  const info = (dataset.info ?? { objects: [], notes: [] }) as FileInfo;
  const own = ownObject(info, dataset.object);
  const [viewing, setViewing] = useState<string | null>(() => (own ? dataset.object || '' : null));
  const [menu, setMenu] = useState<HTMLElement | null>(null);
  const [step, setStep] = useState<PreprocessingId | null>(null);
  // The list starts open where there is nothing to view yet or little to list.
  const [listOpen, setListOpen] = useState(() => !own || info.objects.length <= 4);
  const nothingHere = info.notes.find((n) => /no calcium or spike data/.test(n));
  const otherNotes = info.notes.filter((n) => n !== nothingHere);
  const derived = derivedOf(dataset);
  const chip = FILE_STATE[dataset.fileState];

  const addObject = async (o: FileObject) => {
    try {
      await client.call('datasets.add', { projectId: dataset.projectId, path: dataset.path, object: o.path, rate: dataset.rate });
      notify('success', `Added ${o.path} as a dataset`);
      props.onChanged();
    } catch (e) {
      notify('error', `Could not add ${o.path}: ${messageOf(e)}`);
    }
  };

  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1.5 }} data-testid="dataset-page">
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
        <Tooltip title="All recordings">
          <IconButton aria-label="back to recordings" onClick={props.onBack}>
            <ArrowBackIcon sx={{ fontSize: 18 }} />
          </IconButton>
        </Tooltip>
        <Typography variant="h6" data-testid="dataset-title">
          {dataset.name}
        </Typography>
        <Chip label={dataset.format} variant="outlined" />
        {derived && <Chip label="derived" color="secondary" variant="outlined" />}
        <Tooltip title={chip.help}>
          <Chip label={chip.label} color={chip.color} variant="outlined" data-testid="file-state" />
        </Tooltip>
        <Box sx={{ flex: 1 }} />
        <Button startIcon={<TuneIcon />} variant="outlined" onClick={(e) => setMenu(e.currentTarget)} data-testid="preprocess-menu">
          Preprocess…
        </Button>
        <Menu anchorEl={menu} open={Boolean(menu)} onClose={() => setMenu(null)}>
          {(Object.keys(PREPROCESSING) as PreprocessingId[]).map((id) => {
            const why = preprocessingAvailable(dataset, info, id);
            return (
              <MenuItem
                key={id}
                disabled={why !== null}
                onClick={() => {
                  setMenu(null);
                  setStep(id);
                }}
              >
                <Box>
                  <Typography variant="body2">{analysisDescriptor(id)?.title}</Typography>
                  {why && (
                    <Typography variant="caption" color="text.secondary">
                      {why}
                    </Typography>
                  )}
                </Box>
              </MenuItem>
            );
          })}
        </Menu>
      </Box>
      <Typography variant="caption" color="text.secondary" sx={{ fontFamily: MONO, mt: -1 }}>
        {dataset.path}
        {dataset.object ? ` [${dataset.object}]` : ''} · {formatBytes(dataset.size)}
        {dataset.rate ? ` · ${dataset.rate} Hz` : ''}
      </Typography>
      {derived && (
        <Typography variant="body2" color="text.secondary" data-testid="provenance">
          {derived.analysis} run {derived.runId} of {derived.source ? derived.source.path : 'a dataset since removed'} · parameters{' '}
          <Box component="span" sx={{ fontFamily: MONO }}>
            {JSON.stringify(derived.params)}
          </Box>
        </Typography>
      )}
      <FileStateWarning state={dataset.fileState} path={dataset.path} />
      {nothingHere && (
        <Alert severity="info" variant="outlined" sx={{ py: 0 }} data-testid="no-data-note">
          {nothingHere}
        </Alert>
      )}
      <Paper variant="outlined" sx={{ px: 1, py: 0.5 }}>
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
          <Typography variant="overline" color="text.secondary">
            In this file · {info.objects.length} object{info.objects.length === 1 ? '' : 's'}
          </Typography>
          <Typography variant="caption" color="text.secondary" sx={{ flex: 1, minWidth: 0 }} noWrap>
            {otherNotes.join(' · ')}
          </Typography>
          <Button
            onClick={() => setListOpen((o) => !o)}
            endIcon={listOpen ? <ExpandLessIcon /> : <ExpandMoreIcon />}
            data-testid="toggle-objects"
          >
            {listOpen ? 'Hide' : 'Show'}
          </Button>
        </Box>
        <Collapse in={listOpen}>
          <Box sx={{ maxHeight: 240, overflow: 'auto', mb: 0.5 }}>
            <Table stickyHeader data-testid="objects-table">
              <TableHead>
                <TableRow>
                  <TableCell>Object</TableCell>
                  <TableCell>Type</TableCell>
                  <TableCell>Shape</TableCell>
                  <TableCell>dtype</TableCell>
                  <TableCell>Rate</TableCell>
                  <TableCell>The studio can show</TableCell>
                  <TableCell />
                </TableRow>
              </TableHead>
              <TableBody>
                {info.objects.map((o) => {
                  const target = viewTarget(info, o);
                  const isOwn = own?.path === o.path;
                  return (
                    <TableRow
                      key={o.path}
                      hover={target !== null}
                      selected={target !== null && target === viewing}
                      onClick={() => target !== null && setViewing(target)}
                      sx={{ cursor: target !== null ? 'pointer' : 'default' }}
                    >
                      <TableCell sx={{ fontFamily: MONO, wordBreak: 'break-all' }}>
                        {o.path || '(whole file)'}
                        {isOwn && (
                          <Tooltip title="The object this dataset points at: analyses and preprocessing read it">
                            <Chip label="dataset" variant="outlined" sx={{ ml: 0.5, height: 16, fontSize: 10 }} />
                          </Tooltip>
                        )}
                      </TableCell>
                      <TableCell>{o.type ?? o.kind}</TableCell>
                      <TableCell>{o.shape.length ? formatShape(o.shape) : '—'}</TableCell>
                      <TableCell>{o.dtype || '—'}</TableCell>
                      <TableCell>{o.rate ? `${o.rate} Hz` : '—'}</TableCell>
                      <TableCell>{o.uses.join(', ') || '—'}</TableCell>
                      <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                        {!isOwn && target === o.path && !derived && (
                          <Tooltip title="Add this object as its own dataset (to analyse it)">
                            <IconButton
                              aria-label={`add ${o.path} as a dataset`}
                              onClick={(e) => {
                                e.stopPropagation();
                                void addObject(o);
                              }}
                            >
                              <AddIcon sx={{ fontSize: 16 }} />
                            </IconButton>
                          </Tooltip>
                        )}
                      </TableCell>
                    </TableRow>
                  );
                })}
              </TableBody>
            </Table>
          </Box>
        </Collapse>
      </Paper>
      {dataset.fileState === 'missing' ? null : viewing !== null ? (
        <ObjectViewer key={viewing} datasetId={dataset.id} object={viewing} />
      ) : (
        <Typography variant="body2" color="text.secondary" data-testid="nothing-to-view">
          {info.objects.some((o) => viewTarget(info, o) !== null)
            ? 'Choose an object above to view it.'
            : 'Nothing in this file can be drawn as traces, a raster or spikes.'}
        </Typography>
      )}
      {step && <PreprocessDialog analysisId={step} dataset={dataset} onClose={() => setStep(null)} />}
    </Box>
  );
}
