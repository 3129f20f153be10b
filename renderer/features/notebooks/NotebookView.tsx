/**
 * One notebook: its cells in order, each with move/delete; text edited in place; run cells show
 * the run (parameters, status, figures) and re-run through the job system, keeping the earlier runs
 * in their history. Every edit, move, insert and delete can be undone (button or Ctrl+Z).
 */
import AddIcon from '@mui/icons-material/Add';
import ArrowDownwardIcon from '@mui/icons-material/ArrowDownward';
import ArrowUpwardIcon from '@mui/icons-material/ArrowUpward';
import DeleteOutlinedIcon from '@mui/icons-material/DeleteOutlined';
import EditOutlinedIcon from '@mui/icons-material/EditOutlined';
import ReplayIcon from '@mui/icons-material/Replay';
import UndoIcon from '@mui/icons-material/Undo';
import { Alert, Box, Button, IconButton, LinearProgress, Menu, MenuItem, Paper, TextField, Tooltip, Typography } from '@mui/material';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { analysisDescriptor } from '../../../shared/analyses/index';
import type { NotebookCell } from '../../../shared/domain/notebook';
import type { RunSummary } from '../../../shared/domain/project';
import { markdownToHtml } from '../../../shared/notebooks/markdown';
import { client } from '../../api';
import { useEvent, useQuery } from '../../api/hooks';
import { formatNumber } from '../../app/format';
import { messageOf, useNotify } from '../../app/notifications';
import { FigureCard } from '../figures/FigureCard';
import { StatusChip } from '../runs/StatusChip';

interface UndoStep {
  label: string;
  undo: () => Promise<unknown>;
}

const KIND_LABEL: Record<NotebookCell['kind'], string> = { markdown: 'Text', run: 'Run', figure: 'Figure' };

function Markdown({ source }: { source: string }) {
  return (
    <Box
      sx={{
        fontSize: 13.5,
        lineHeight: 1.55,
        '& h1': { fontSize: 20, my: 0.5 },
        '& h2': { fontSize: 17, my: 0.5 },
        '& h3': { fontSize: 15 },
        '& p': { my: 0.75 },
        '& pre': { bgcolor: 'action.hover', p: 1, borderRadius: 1, overflow: 'auto' },
        '& code': { fontFamily: 'monospace', fontSize: 12.5 },
        '& blockquote': { borderLeft: 3, borderColor: 'divider', m: 0, pl: 1.5, color: 'text.secondary' },
        '& a': { color: 'primary.main' },
      }}
      // markdownToHtml escapes all text and emits only its own tags (see shared/notebooks/markdown.ts).
      dangerouslySetInnerHTML={{ __html: markdownToHtml(source) || '<p style="opacity:.6">Empty text cell</p>' }}
    />
  );
}

function MarkdownCell({
  cell,
  editing,
  onEditing,
  onSave,
}: {
  cell: NotebookCell;
  editing: boolean;
  onEditing: (on: boolean) => void;
  onSave: (content: string) => void;
}) {
  const [text, setText] = useState(cell.content);
  if (!editing) {
    return (
      <Box onDoubleClick={() => onEditing(true)} sx={{ cursor: 'text' }}>
        <Markdown source={cell.content} />
      </Box>
    );
  }
  const done = (save: boolean) => {
    onEditing(false);
    if (save && text !== cell.content) onSave(text);
    else setText(cell.content);
  };
  return (
    <Box>
      <TextField
        autoFocus
        fullWidth
        multiline
        minRows={3}
        value={text}
        placeholder="Text in markdown: # headings, **bold**, *italic*, - lists, `code`, [links](https://…)"
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) done(true);
          if (e.key === 'Escape') done(false);
        }}
        slotProps={{ htmlInput: { 'aria-label': 'cell text', style: { fontFamily: 'monospace', fontSize: 12.5 } } }}
      />
      <Box sx={{ display: 'flex', gap: 1, mt: 0.5 }}>
        <Button variant="contained" onClick={() => done(true)}>
          Save
        </Button>
        <Button onClick={() => done(false)}>Cancel</Button>
        <Typography variant="caption" color="text.secondary" sx={{ alignSelf: 'center' }}>
          Ctrl+Enter saves, Esc cancels
        </Typography>
      </Box>
    </Box>
  );
}

function RunCell({ cell, projectId }: { cell: NotebookCell; projectId: number }) {
  const run = useQuery('runs.get', cell.runId === null ? null : { id: cell.runId });
  const figures = useQuery('figures.list', cell.runId === null ? null : { projectId, runId: cell.runId });
  const { reload } = run;
  const reloadFigures = figures.reload;
  useEvent('job.state', (s) => {
    if (s.id !== cell.runId) return;
    reload();
    if (s.status === 'done') reloadFigures();
  });
  if (run.error) return <Alert severity="warning">{run.error.message}</Alert>;
  const r = run.data;
  if (!r) return null;
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1 }}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
        <Typography variant="subtitle1" sx={{ flexShrink: 0 }}>
          {analysisDescriptor(r.analysis)?.title ?? r.analysis} · run {r.id}
        </Typography>
        <StatusChip status={r.status} />
        <Typography variant="body2" color="text.secondary" sx={{ ml: 1, minWidth: 0 }} noWrap>
          {Object.entries(r.params)
            .map(([k, v]) => `${k} = ${formatNumber(v)}`)
            .join(' · ')}
        </Typography>
      </Box>
      {(r.status === 'running' || r.status === 'queued') && <LinearProgress variant="determinate" value={r.progress * 100} />}
      {r.error && <Alert severity={r.status === 'failed' ? 'error' : 'warning'}>{r.error}</Alert>}
      <Box sx={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(380px, 1fr))', gap: 1 }}>
        {(figures.data ?? []).map((f) => (
          <FigureCard key={f.id} figureId={f.id} height={360} />
        ))}
      </Box>
      {cell.history.length > 0 && (
        <Typography variant="caption" color="text.secondary" data-testid="run-history">
          Earlier runs: {cell.history.map((id) => `#${id}`).join(', ')}
        </Typography>
      )}
    </Box>
  );
}

function CellFrame(props: {
  cell: NotebookCell;
  count: number;
  actions?: ReactNode;
  onMove: (to: number) => void;
  onDelete: () => void;
  children: ReactNode;
}) {
  const { cell } = props;
  return (
    <Paper
      variant="outlined"
      sx={{ display: 'flex', gap: 1, p: 1, '&:hover .cell-tools': { opacity: 1 } }}
      data-testid={`cell-${cell.position}`}
      data-kind={cell.kind}
    >
      <Typography variant="overline" color="text.secondary" sx={{ width: 44, flexShrink: 0, lineHeight: '22px' }}>
        {KIND_LABEL[cell.kind]}
      </Typography>
      <Box sx={{ flex: 1, minWidth: 0 }}>{props.children}</Box>
      <Box className="cell-tools" sx={{ display: 'flex', flexDirection: 'column', opacity: 0.55, transition: 'opacity 120ms' }}>
        {props.actions}
        <Tooltip title="Move up">
          <span>
            <IconButton aria-label="move cell up" disabled={cell.position === 0} onClick={() => props.onMove(cell.position - 1)}>
              <ArrowUpwardIcon sx={{ fontSize: 15 }} />
            </IconButton>
          </span>
        </Tooltip>
        <Tooltip title="Move down">
          <span>
            <IconButton
              aria-label="move cell down"
              disabled={cell.position === props.count - 1}
              onClick={() => props.onMove(cell.position + 1)}
            >
              <ArrowDownwardIcon sx={{ fontSize: 15 }} />
            </IconButton>
          </span>
        </Tooltip>
        <Tooltip title="Delete cell (undo brings it back)">
          <IconButton aria-label="delete cell" onClick={props.onDelete}>
            <DeleteOutlinedIcon sx={{ fontSize: 15 }} />
          </IconButton>
        </Tooltip>
      </Box>
    </Paper>
  );
}

export function NotebookView(props: { notebookId: number; projectId: number; runs: RunSummary[]; onChanged: () => void }) {
  const notify = useNotify();
  const notebook = useQuery('notebooks.get', { id: props.notebookId });
  const figures = useQuery('figures.list', { projectId: props.projectId });
  const [undoStack, setUndoStack] = useState<UndoStep[]>([]);
  const [picker, setPicker] = useState<{ kind: 'run' | 'figure'; anchor: HTMLElement } | null>(null);
  const [exported, setExported] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [editing, setEditing] = useState<number | null>(null);
  const { reload } = notebook;
  const { onChanged } = props;

  /** Runs a change; what it returns undoes it. */
  const change = useCallback(
    async (label: string, action: () => Promise<(() => Promise<unknown>) | null>) => {
      try {
        const undo = await action();
        if (undo) setUndoStack((s) => [...s.slice(-49), { label, undo }]);
      } catch (e) {
        notify('error', `Could not ${label}: ${messageOf(e)}`);
      }
      reload();
      onChanged();
    },
    [notify, reload, onChanged],
  );

  const undoLast = useCallback(async () => {
    const step = undoStack[undoStack.length - 1];
    if (!step) return;
    setUndoStack((s) => s.slice(0, -1));
    try {
      await step.undo();
    } catch (e) {
      notify('error', `Could not undo ${step.label}: ${messageOf(e)}`);
    }
    reload();
    onChanged();
  }, [undoStack, notify, reload, onChanged]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA')) return;
      if ((e.ctrlKey || e.metaKey) && e.key === 'z') {
        e.preventDefault();
        void undoLast();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [undoLast]);

  const nb = notebook.data;
  if (notebook.error) return <Alert severity="error">{notebook.error.message}</Alert>;
  if (!nb) return null;
  const count = nb.cells.length;

  const add = (cell: { kind: NotebookCell['kind']; runId?: number; figureId?: number }) =>
    change('add the cell', async () => {
      const added = await client.call('notebooks.addCell', { notebookId: nb.id, ...cell });
      if (added.kind === 'markdown') setEditing(added.id);
      return () => client.call('notebooks.deleteCell', { id: added.id });
    });
  const move = (cell: NotebookCell, to: number) =>
    change('move the cell', async () => {
      await client.call('notebooks.moveCell', { id: cell.id, position: to });
      return () => client.call('notebooks.moveCell', { id: cell.id, position: cell.position });
    });
  const remove = (cell: NotebookCell) =>
    change('delete the cell', async () => {
      const was = await client.call('notebooks.deleteCell', { id: cell.id });
      return () =>
        client.call('notebooks.addCell', {
          notebookId: was.notebookId,
          kind: was.kind,
          content: was.content,
          runId: was.runId,
          figureId: was.figureId,
          history: was.history,
          position: was.position,
        });
    });
  const edit = (cell: NotebookCell, content: string) =>
    change('save the text', async () => {
      await client.call('notebooks.updateCell', { id: cell.id, content });
      return () => client.call('notebooks.updateCell', { id: cell.id, content: cell.content });
    });
  const rerun = (cell: NotebookCell) =>
    change('re-run', async () => {
      await client.call('notebooks.rerunCell', { id: cell.id });
      // A run cannot be un-run; the earlier run stays in the cell's history.
      return null;
    });
  const exportAs = async (format: 'html' | 'pdf') => {
    setBusy(true);
    try {
      const { path } = await client.call('notebooks.export', { id: nb.id, format });
      setExported(path);
    } catch (e) {
      notify('error', `Could not export the notebook: ${messageOf(e)}`);
    } finally {
      setBusy(false);
    }
  };

  const doneRuns = props.runs.filter((r) => r.status === 'done');
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1, maxWidth: 1100 }} data-testid="notebook-view">
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
        <Typography variant="h6" sx={{ flex: 1 }} data-testid="notebook-title">
          {nb.title}
        </Typography>
        <Button startIcon={<AddIcon />} onClick={() => void add({ kind: 'markdown' })} data-testid="add-markdown">
          Text
        </Button>
        <Button
          startIcon={<AddIcon />}
          onClick={(e) => setPicker({ kind: 'run', anchor: e.currentTarget })}
          disabled={doneRuns.length === 0}
          data-testid="add-run"
        >
          Run
        </Button>
        <Button
          startIcon={<AddIcon />}
          onClick={(e) => setPicker({ kind: 'figure', anchor: e.currentTarget })}
          disabled={(figures.data?.length ?? 0) === 0}
          data-testid="add-figure"
        >
          Figure
        </Button>
        <Tooltip title={undoStack.length ? `Undo: ${undoStack[undoStack.length - 1].label} (Ctrl+Z)` : 'Nothing to undo'}>
          <span>
            <Button startIcon={<UndoIcon />} disabled={undoStack.length === 0} onClick={() => void undoLast()} data-testid="undo">
              Undo
            </Button>
          </span>
        </Tooltip>
        <Button variant="outlined" disabled={busy} onClick={() => void exportAs('html')} data-testid="export-html">
          Export HTML
        </Button>
        <Button variant="outlined" disabled={busy} onClick={() => void exportAs('pdf')} data-testid="export-pdf">
          Export PDF
        </Button>
      </Box>
      {busy && <LinearProgress />}
      {exported && (
        <Alert severity="success" onClose={() => setExported(null)} data-testid="notebook-exported">
          Written: <span style={{ fontFamily: 'monospace' }}>{exported}</span>
        </Alert>
      )}
      {nb.cells.map((cell) => (
        <CellFrame
          key={cell.id}
          cell={cell}
          count={count}
          onMove={(to) => void move(cell, to)}
          onDelete={() => void remove(cell)}
          actions={
            cell.kind === 'run' ? (
              <Tooltip title="Re-run with the same parameters and data (the current run moves to the history)">
                <IconButton aria-label="re-run" onClick={() => void rerun(cell)}>
                  <ReplayIcon sx={{ fontSize: 15 }} />
                </IconButton>
              </Tooltip>
            ) : cell.kind === 'markdown' ? (
              <Tooltip title="Edit (or double-click the text)">
                <IconButton aria-label="edit text" onClick={() => setEditing(cell.id)}>
                  <EditOutlinedIcon sx={{ fontSize: 15 }} />
                </IconButton>
              </Tooltip>
            ) : undefined
          }
        >
          {cell.kind === 'markdown' && (
            <MarkdownCell
              key={cell.content}
              cell={cell}
              editing={editing === cell.id}
              onEditing={(on) => setEditing(on ? cell.id : null)}
              onSave={(content) => void edit(cell, content)}
            />
          )}
          {cell.kind === 'run' && <RunCell cell={cell} projectId={props.projectId} />}
          {cell.kind === 'figure' && cell.figureId !== null && <FigureCard figureId={cell.figureId} height={420} />}
        </CellFrame>
      ))}
      {count === 0 && (
        <Typography variant="body2" color="text.secondary" sx={{ p: 2 }}>
          Empty notebook: add text, a run (its parameters, status and figures) or a figure.
        </Typography>
      )}
      <Menu
        open={picker !== null}
        anchorEl={picker?.anchor}
        onClose={() => setPicker(null)}
        slotProps={{ paper: { sx: { maxHeight: 360 } } }}
      >
        {picker?.kind === 'run' &&
          doneRuns.map((r) => (
            <MenuItem
              key={r.id}
              onClick={() => {
                setPicker(null);
                void add({ kind: 'run', runId: r.id });
              }}
              sx={{ fontSize: 12.5 }}
            >
              {analysisDescriptor(r.analysis)?.title ?? r.analysis} · run {r.id}
            </MenuItem>
          ))}
        {picker?.kind === 'figure' &&
          (figures.data ?? []).map((f) => (
            <MenuItem
              key={f.id}
              onClick={() => {
                setPicker(null);
                void add({ kind: 'figure', figureId: f.id });
              }}
              sx={{ fontSize: 12.5 }}
            >
              {f.title} · #{f.id}
            </MenuItem>
          ))}
      </Menu>
    </Box>
  );
}
