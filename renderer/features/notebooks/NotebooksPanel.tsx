/**
 * Notebooks of a project: a list on the left; the open notebook's cells (text, runs with their
 * figures, figures) on the right, edited, reordered, deleted with undo, exported as HTML or PDF.
 */
import AddIcon from '@mui/icons-material/Add';
import DeleteOutlinedIcon from '@mui/icons-material/DeleteOutlined';
import { Box, Button, IconButton, List, ListItemButton, ListItemText, TextField, Tooltip, Typography } from '@mui/material';
import { useState } from 'react';
import type { RunSummary } from '../../../shared/domain/project';
import { client } from '../../api';
import { useQuery } from '../../api/hooks';
import { ConfirmDialog } from '../../app/ConfirmDialog';
import { formatTime } from '../../app/format';
import { messageOf, useNotify } from '../../app/notifications';
import { NotebookView } from './NotebookView';

export function NotebooksPanel(props: { projectId: number; runs: RunSummary[] }) {
  const notify = useNotify();
  const notebooks = useQuery('notebooks.list', { projectId: props.projectId });
  const [selected, setSelected] = useState<number | null>(null);
  const [creating, setCreating] = useState(false);
  const [title, setTitle] = useState('');
  const [deleting, setDeleting] = useState<{ id: number; title: string } | null>(null);
  const list = notebooks.data ?? [];
  const current = list.find((n) => n.id === selected) ?? list[0] ?? null;

  const create = async () => {
    const name = title.trim();
    setCreating(false);
    setTitle('');
    if (!name) return;
    try {
      const nb = await client.call('notebooks.create', { projectId: props.projectId, title: name });
      notebooks.reload();
      setSelected(nb.id);
    } catch (e) {
      notify('error', `Could not create the notebook: ${messageOf(e)}`);
    }
  };
  const remove = async (id: number) => {
    try {
      await client.call('notebooks.delete', { id });
      notebooks.reload();
    } catch (e) {
      notify('error', `Could not delete the notebook: ${messageOf(e)}`);
    }
  };

  return (
    <Box sx={{ display: 'flex', gap: 2, height: '100%', minHeight: 0 }}>
      <Box sx={{ width: 220, flexShrink: 0, overflow: 'auto', borderRight: 1, borderColor: 'divider', pr: 1 }}>
        {creating ? (
          <TextField
            autoFocus
            fullWidth
            value={title}
            placeholder="Notebook title"
            onChange={(e) => setTitle(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') void create();
              if (e.key === 'Escape') setCreating(false);
            }}
            onBlur={() => void create()}
            slotProps={{ htmlInput: { 'aria-label': 'notebook title' } }}
          />
        ) : (
          <Button fullWidth variant="outlined" startIcon={<AddIcon />} onClick={() => setCreating(true)} data-testid="new-notebook">
            New notebook
          </Button>
        )}
        <List data-testid="notebooks-list">
          {list.map((n) => (
            <ListItemButton key={n.id} selected={n.id === current?.id} onClick={() => setSelected(n.id)} sx={{ pr: 0.5 }}>
              <ListItemText
                primary={n.title}
                secondary={`edited ${formatTime(n.updatedAt)}`}
                slotProps={{ primary: { noWrap: true, sx: { fontSize: 12.5 } }, secondary: { sx: { fontSize: 11 } } }}
              />
              <Tooltip title="Delete notebook (its runs and figures stay)">
                <IconButton
                  aria-label={`delete ${n.title}`}
                  onClick={(e) => {
                    e.stopPropagation();
                    setDeleting(n);
                  }}
                >
                  <DeleteOutlinedIcon sx={{ fontSize: 15 }} />
                </IconButton>
              </Tooltip>
            </ListItemButton>
          ))}
        </List>
        {list.length === 0 && !notebooks.loading && (
          <Typography variant="body2" color="text.secondary" sx={{ p: 1 }}>
            Notebooks keep text, runs and figures together, and export as one HTML file or a PDF.
          </Typography>
        )}
      </Box>
      <Box sx={{ flex: 1, overflow: 'auto', minWidth: 0 }}>
        {current && (
          <NotebookView
            key={current.id}
            notebookId={current.id}
            projectId={props.projectId}
            runs={props.runs}
            onChanged={notebooks.reload}
          />
        )}
      </Box>
      <ConfirmDialog
        open={deleting !== null}
        title="Delete notebook"
        text={`Delete “${deleting?.title}”? Its runs and figures stay in the project.`}
        confirm="Delete"
        danger
        onConfirm={() => deleting && void remove(deleting.id)}
        onClose={() => setDeleting(null)}
      />
    </Box>
  );
}
