/** Projects: list, create, rename in place, delete with confirmation. */
import AddIcon from '@mui/icons-material/Add';
import DeleteOutlinedIcon from '@mui/icons-material/DeleteOutlined';
import EditOutlinedIcon from '@mui/icons-material/EditOutlined';
import FolderOutlinedIcon from '@mui/icons-material/FolderOutlined';
import { Box, IconButton, List, ListItemButton, ListItemIcon, ListItemText, TextField, Tooltip, Typography } from '@mui/material';
import { useState } from 'react';
import type { Project } from '../../../shared/domain/project';
import { client } from '../../api';
import { ConfirmDialog } from '../../app/ConfirmDialog';
import { messageOf, useNotify } from '../../app/notifications';

function NameField({ initial, onDone }: { initial: string; onDone: (name: string | null) => void }) {
  const [value, setValue] = useState(initial);
  return (
    <TextField
      autoFocus
      fullWidth
      value={value}
      placeholder="Project name"
      slotProps={{ htmlInput: { 'aria-label': 'project name' } }}
      onChange={(e) => setValue(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') onDone(value.trim() || null);
        if (e.key === 'Escape') onDone(null);
      }}
      onBlur={() => onDone(value.trim() || null)}
      sx={{ my: 0.5 }}
    />
  );
}

export function ProjectSidebar(props: {
  projects: Project[];
  selected: number | null;
  onSelect: (id: number | null) => void;
  onChanged: () => void;
}) {
  const notify = useNotify();
  const [creating, setCreating] = useState(false);
  const [renaming, setRenaming] = useState<number | null>(null);
  const [deleting, setDeleting] = useState<Project | null>(null);

  const create = async (name: string | null) => {
    setCreating(false);
    if (!name) return;
    try {
      const p = await client.call('projects.create', { name });
      props.onChanged();
      props.onSelect(p.id);
    } catch (e) {
      notify('error', `Could not create the project: ${messageOf(e)}`);
    }
  };
  const rename = async (id: number, name: string | null) => {
    setRenaming(null);
    if (!name) return;
    try {
      await client.call('projects.rename', { id, name });
      props.onChanged();
    } catch (e) {
      notify('error', `Could not rename the project: ${messageOf(e)}`);
    }
  };
  const remove = async (p: Project) => {
    try {
      await client.call('projects.delete', { id: p.id });
      if (props.selected === p.id) props.onSelect(null);
      props.onChanged();
      notify('info', `Deleted project “${p.name}”.`);
    } catch (e) {
      notify('error', `Could not delete “${p.name}”: ${messageOf(e)}`);
    }
  };

  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', height: '100%' }} data-testid="project-sidebar">
      <Box sx={{ display: 'flex', alignItems: 'center', px: 1.5, pt: 1, pb: 0.5 }}>
        <Typography variant="overline" color="text.secondary" sx={{ flex: 1 }}>
          Projects
        </Typography>
        <Tooltip title="New project">
          <IconButton aria-label="new project" onClick={() => setCreating(true)}>
            <AddIcon fontSize="small" />
          </IconButton>
        </Tooltip>
      </Box>
      <List sx={{ px: 0.75, overflow: 'auto', flex: 1 }}>
        {creating && <NameField initial="" onDone={create} />}
        {props.projects.map((p) =>
          renaming === p.id ? (
            <NameField key={p.id} initial={p.name} onDone={(name) => rename(p.id, name)} />
          ) : (
            <ListItemButton
              key={p.id}
              selected={p.id === props.selected}
              onClick={() => props.onSelect(p.id)}
              onDoubleClick={() => setRenaming(p.id)}
              sx={{ '& .row-actions': { display: 'none' }, '&:hover .row-actions': { display: 'flex' } }}
            >
              <ListItemIcon sx={{ minWidth: 26 }}>
                <FolderOutlinedIcon sx={{ fontSize: 16 }} />
              </ListItemIcon>
              <ListItemText primary={p.name} slotProps={{ primary: { noWrap: true, sx: { fontSize: 13 } } }} />
              <Box className="row-actions">
                <Tooltip title="Rename">
                  <IconButton
                    aria-label={`rename ${p.name}`}
                    onClick={(e) => {
                      e.stopPropagation();
                      setRenaming(p.id);
                    }}
                  >
                    <EditOutlinedIcon sx={{ fontSize: 15 }} />
                  </IconButton>
                </Tooltip>
                <Tooltip title="Delete">
                  <IconButton
                    aria-label={`delete ${p.name}`}
                    onClick={(e) => {
                      e.stopPropagation();
                      setDeleting(p);
                    }}
                  >
                    <DeleteOutlinedIcon sx={{ fontSize: 15 }} />
                  </IconButton>
                </Tooltip>
              </Box>
            </ListItemButton>
          ),
        )}
        {props.projects.length === 0 && !creating && (
          <Typography variant="body2" color="text.secondary" sx={{ px: 1, py: 2 }}>
            No projects yet. Create one with +.
          </Typography>
        )}
      </List>
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete “${deleting?.name ?? ''}”?`}
        text="Its datasets, runs, figures and notebooks are removed from the studio. Your data files on disk are not touched."
        confirm="Delete project"
        danger
        onConfirm={() => deleting && void remove(deleting)}
        onClose={() => setDeleting(null)}
      />
    </Box>
  );
}
