/**
 * The project's figures: multi-panel figures first, then each run's figures under the run; the
 * selected one drawn as it exports, with its export history, and the export and composer dialogs.
 */
import AddIcon from '@mui/icons-material/Add';
import DeleteOutlinedIcon from '@mui/icons-material/DeleteOutlined';
import EditOutlinedIcon from '@mui/icons-material/EditOutlined';
import FileDownloadOutlinedIcon from '@mui/icons-material/FileDownloadOutlined';
import {
  Box,
  Button,
  List,
  ListItemButton,
  ListItemText,
  IconButton,
  ListSubheader,
  MenuItem,
  Table,
  TableBody,
  TableCell,
  TableRow,
  TextField,
  Tooltip,
  Typography,
} from '@mui/material';
import { useState } from 'react';
import { analysisDescriptor } from '../../../shared/analyses/index';
import { COMPOSITE_KEY, type FigureSummary } from '../../../shared/domain/figure';
import type { RunSummary } from '../../../shared/domain/project';
import { PRESETS } from '../../../shared/figures/presets';
import { client } from '../../api';
import { useEvent, useQuery } from '../../api/hooks';
import { ConfirmDialog } from '../../app/ConfirmDialog';
import { formatTime } from '../../app/format';
import { messageOf, useNotify } from '../../app/notifications';
import { ComposerDialog } from './ComposerDialog';
import { ExportDialog } from './ExportDialog';
import { FigureCard } from './FigureCard';
import { PrintView } from './PrintView';

function groups(figures: FigureSummary[], runs: RunSummary[]): Array<{ title: string; figures: FigureSummary[] }> {
  const composites = figures.filter((f) => f.key === COMPOSITE_KEY);
  const out = composites.length ? [{ title: 'Multi-panel figures', figures: composites }] : [];
  const byRun = new Map<number | null, FigureSummary[]>();
  for (const f of figures) if (f.key !== COMPOSITE_KEY) byRun.set(f.runId, [...(byRun.get(f.runId) ?? []), f]);
  const runIds = [...byRun.keys()].sort((a, b) => (b ?? 0) - (a ?? 0));
  for (const id of runIds) {
    const run = runs.find((r) => r.id === id);
    const title =
      id === null
        ? 'Other figures'
        : run
          ? `${analysisDescriptor(run.analysis)?.title ?? run.analysis} · run ${id}`
          : `run ${id} (deleted)`;
    out.push({ title, figures: byRun.get(id)! });
  }
  return out;
}

function SelectedFigure({
  figureId,
  projectFigures,
  onChanged,
}: {
  figureId: number;
  projectFigures: FigureSummary[];
  onChanged: () => void;
}) {
  const notify = useNotify();
  const figure = useQuery('figures.get', { id: figureId });
  const history = useQuery('figures.exports', { figureId });
  const [exporting, setExporting] = useState(false);
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [view, setView] = useState<string>('screen');
  const f = figure.data;
  if (!f) return null;
  const remove = async () => {
    try {
      await client.call('figures.deleteComposite', { id: f.id });
      onChanged();
    } catch (e) {
      notify('error', `Could not delete ${f.title}: ${messageOf(e)}`);
    }
  };
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1.5 }} data-testid="figure-view">
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, pt: 1 }}>
        <Typography variant="h6" sx={{ flex: 1, minWidth: 0 }} noWrap>
          {f.title}
        </Typography>
        {f.composition && (
          <>
            <Tooltip title="Edit panels">
              <IconButton aria-label="edit panels" onClick={() => setEditing(true)}>
                <EditOutlinedIcon sx={{ fontSize: 17 }} />
              </IconButton>
            </Tooltip>
            <Tooltip title="Delete this multi-panel figure">
              <IconButton aria-label="delete figure" onClick={() => setDeleting(true)}>
                <DeleteOutlinedIcon sx={{ fontSize: 17 }} />
              </IconButton>
            </Tooltip>
          </>
        )}
        <TextField
          select
          label="View"
          value={view}
          onChange={(e) => setView(e.target.value)}
          sx={{ width: 230, flexShrink: 0 }}
          slotProps={{ htmlInput: { 'data-testid': 'figure-view-mode' } }}
        >
          <MenuItem value="screen">As stored</MenuItem>
          {PRESETS.map((p) => (
            <MenuItem key={p.id} value={p.id} data-testid={`view-${p.id}`}>
              Print: {p.label}
            </MenuItem>
          ))}
        </TextField>
        <Button
          variant="contained"
          startIcon={<FileDownloadOutlinedIcon />}
          onClick={() => setExporting(true)}
          data-testid="open-export"
          sx={{ flexShrink: 0 }}
        >
          Export…
        </Button>
      </Box>
      {view === 'screen' ? (
        <Box sx={{ maxWidth: 980 }}>
          <FigureCard key={`${f.id}-${f.updatedAt}`} figureId={f.id} height={460} />
        </Box>
      ) : (
        <Box sx={{ bgcolor: '#e9ebee', p: 2, borderRadius: 1 }}>
          <PrintView key={`${f.id}-${f.updatedAt}-${view}`} figure={f} preset={view} />
        </Box>
      )}
      {(history.data?.length ?? 0) > 0 && (
        <Box>
          <Typography variant="overline" color="text.secondary">
            Exports
          </Typography>
          <Table data-testid="export-history">
            <TableBody>
              {history.data!.map((e) => (
                <TableRow key={e.id}>
                  <TableCell sx={{ width: 130, color: 'text.secondary' }}>{formatTime(e.createdAt)}</TableCell>
                  <TableCell sx={{ width: 50 }}>{e.format.toUpperCase()}</TableCell>
                  <TableCell sx={{ width: 230, color: 'text.secondary' }}>
                    {e.options.preset} · {e.options.widthMm} × {e.options.heightMm} mm
                  </TableCell>
                  <TableCell sx={{ fontFamily: 'monospace', fontSize: 11.5, wordBreak: 'break-all' }}>{e.path}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Box>
      )}
      {exporting && <ExportDialog figure={f} open onClose={() => setExporting(false)} onExported={history.reload} />}
      {editing && (
        <ComposerDialog
          projectId={f.projectId}
          figures={projectFigures.filter((x) => x.key !== COMPOSITE_KEY)}
          editing={f}
          open
          onClose={() => setEditing(false)}
          onSaved={() => {
            figure.reload();
            onChanged();
          }}
        />
      )}
      <ConfirmDialog
        open={deleting}
        title="Delete multi-panel figure"
        text={`Delete “${f.title}”? Its panels stay with their runs.`}
        confirm="Delete"
        danger
        onConfirm={remove}
        onClose={() => setDeleting(false)}
      />
    </Box>
  );
}

export function FiguresPanel(props: { projectId: number; runs: RunSummary[] }) {
  const figures = useQuery('figures.list', { projectId: props.projectId });
  const [selected, setSelected] = useState<number | null>(null);
  const [composing, setComposing] = useState(false);
  const reload = figures.reload;
  useEvent('job.state', (run) => {
    if (run.projectId === props.projectId && run.status === 'done') reload();
  });
  const list = figures.data ?? [];
  const current = list.find((f) => f.id === selected) ?? list[0] ?? null;
  return (
    <Box sx={{ display: 'flex', gap: 2, height: '100%', minHeight: 0 }}>
      <Box sx={{ width: 250, flexShrink: 0, overflow: 'auto', borderRight: 1, borderColor: 'divider', pr: 1 }}>
        <Button
          fullWidth
          variant="outlined"
          startIcon={<AddIcon />}
          onClick={() => setComposing(true)}
          disabled={list.length === 0}
          data-testid="new-composite"
          sx={{ mb: 1 }}
        >
          New multi-panel figure
        </Button>
        <List data-testid="figures-list" sx={{ py: 0 }}>
          {groups(list, props.runs).map((g) => (
            <Box key={g.title}>
              <ListSubheader disableSticky sx={{ lineHeight: '26px', fontSize: 11, bgcolor: 'transparent', px: 1 }}>
                {g.title}
              </ListSubheader>
              {g.figures.map((f) => (
                <ListItemButton
                  key={f.id}
                  selected={f.id === current?.id}
                  onClick={() => setSelected(f.id)}
                  data-testid={`figure-item-${f.id}`}
                >
                  <ListItemText
                    primary={f.title}
                    secondary={`#${f.id} · ${formatTime(f.createdAt)}`}
                    slotProps={{ primary: { noWrap: true, sx: { fontSize: 12.5 } }, secondary: { sx: { fontSize: 11 } } }}
                  />
                </ListItemButton>
              ))}
            </Box>
          ))}
        </List>
        {list.length === 0 && !figures.loading && (
          <Typography variant="body2" color="text.secondary" sx={{ p: 1 }}>
            No figures yet: every finished run records its figures here.
          </Typography>
        )}
      </Box>
      <Box sx={{ flex: 1, overflow: 'auto', minWidth: 0 }}>
        {current && <SelectedFigure key={current.id} figureId={current.id} projectFigures={list} onChanged={reload} />}
      </Box>
      {composing && (
        <ComposerDialog
          projectId={props.projectId}
          figures={list.filter((f) => f.key !== COMPOSITE_KEY)}
          open
          onClose={() => setComposing(false)}
          onSaved={(f) => {
            reload();
            setSelected(f.id);
          }}
        />
      )}
    </Box>
  );
}
