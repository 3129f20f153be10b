/**
 * The multi-panel composer: pick figures, order them, choose a journal preset and a number of
 * columns; the panels are lettered a, b, c … (or A, B, C …) as the journal wants.
 */
import ArrowDownwardIcon from '@mui/icons-material/ArrowDownward';
import ArrowUpwardIcon from '@mui/icons-material/ArrowUpward';
import CloseIcon from '@mui/icons-material/Close';
import {
  Alert,
  Box,
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  IconButton,
  List,
  ListItemButton,
  ListItemText,
  MenuItem,
  TextField,
  Typography,
} from '@mui/material';
import { useState } from 'react';
import type { Figure, FigureSummary } from '../../../shared/domain/figure';
import { panelLetter, PRESETS, presetById } from '../../../shared/figures/presets';
import { client } from '../../api';
import { messageOf } from '../../app/notifications';
import { CompositionView } from './FigureCard';

export function ComposerDialog(props: {
  projectId: number;
  /** The project's single-panel figures to choose from. */
  figures: FigureSummary[];
  /** The multi-panel figure being edited; a new one when absent. */
  editing?: Figure;
  open: boolean;
  onClose: () => void;
  onSaved: (figure: FigureSummary) => void;
}) {
  const [title, setTitle] = useState(props.editing?.title ?? 'Figure 1');
  const [preset, setPreset] = useState(props.editing?.composition?.preset ?? 'nature-double');
  const [columns, setColumns] = useState(props.editing?.composition?.columns ?? 2);
  const [panels, setPanels] = useState<number[]>(props.editing?.composition?.panels ?? []);
  const [error, setError] = useState<string | null>(null);
  const letterCase = presetById(preset)?.panelLetter.case ?? 'lower';
  const byId = new Map(props.figures.map((f) => [f.id, f]));

  const toggle = (id: number) => setPanels((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id]));
  const move = (i: number, by: number) =>
    setPanels((p) => {
      const next = [...p];
      const [x] = next.splice(i, 1);
      next.splice(Math.max(0, Math.min(next.length, i + by)), 0, x);
      return next;
    });

  const save = async () => {
    setError(null);
    const composition = { panels, columns, preset };
    try {
      const saved = props.editing
        ? await client.call('figures.updateComposite', { id: props.editing.id, title, composition })
        : await client.call('figures.createComposite', { projectId: props.projectId, title, composition });
      props.onSaved(saved);
      props.onClose();
    } catch (e) {
      setError(messageOf(e));
    }
  };

  return (
    <Dialog open={props.open} onClose={props.onClose} maxWidth="lg" fullWidth data-testid="composer">
      <DialogTitle sx={{ fontSize: 15 }}>{props.editing ? 'Edit multi-panel figure' : 'New multi-panel figure'}</DialogTitle>
      <DialogContent sx={{ display: 'grid', gridTemplateColumns: '300px 1fr', gap: 2, pt: '8px !important', minHeight: 480 }}>
        <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1.5, minWidth: 0 }}>
          <TextField
            label="Title"
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            slotProps={{ htmlInput: { 'data-testid': 'composer-title' } }}
          />
          <Box sx={{ display: 'flex', gap: 1 }}>
            <TextField select label="Preset" value={preset} onChange={(e) => setPreset(e.target.value)} sx={{ flex: 1 }}>
              {PRESETS.map((p) => (
                <MenuItem key={p.id} value={p.id}>
                  {p.label}
                </MenuItem>
              ))}
            </TextField>
            <TextField select label="Columns" value={columns} onChange={(e) => setColumns(Number(e.target.value))} sx={{ width: 86 }}>
              {[1, 2, 3, 4].map((n) => (
                <MenuItem key={n} value={n}>
                  {n}
                </MenuItem>
              ))}
            </TextField>
          </Box>
          <Typography variant="overline" color="text.secondary">
            Panels, in reading order
          </Typography>
          <List sx={{ border: 1, borderColor: 'divider', borderRadius: 1, py: 0 }} data-testid="composer-panels">
            {panels.map((id, i) => (
              <Box key={id} sx={{ display: 'flex', alignItems: 'center', gap: 0.5, px: 1, py: 0.25 }}>
                <Typography sx={{ fontWeight: 700, width: 18 }}>{panelLetter(i, letterCase)}</Typography>
                <Typography variant="body2" noWrap sx={{ flex: 1 }}>
                  {byId.get(id)?.title ?? `figure ${id}`}
                </Typography>
                <IconButton aria-label="move up" disabled={i === 0} onClick={() => move(i, -1)}>
                  <ArrowUpwardIcon sx={{ fontSize: 15 }} />
                </IconButton>
                <IconButton aria-label="move down" disabled={i === panels.length - 1} onClick={() => move(i, 1)}>
                  <ArrowDownwardIcon sx={{ fontSize: 15 }} />
                </IconButton>
                <IconButton aria-label="remove panel" onClick={() => toggle(id)}>
                  <CloseIcon sx={{ fontSize: 15 }} />
                </IconButton>
              </Box>
            ))}
            {panels.length === 0 && (
              <Typography variant="body2" color="text.secondary" sx={{ p: 1 }}>
                Tick figures below to add them.
              </Typography>
            )}
          </List>
          <Typography variant="overline" color="text.secondary">
            Figures of this project
          </Typography>
          <List sx={{ overflow: 'auto', maxHeight: 260, py: 0 }} data-testid="composer-choices">
            {props.figures.map((f) => (
              <ListItemButton key={f.id} onClick={() => toggle(f.id)} sx={{ py: 0 }}>
                <Checkbox
                  size="small"
                  checked={panels.includes(f.id)}
                  sx={{ p: 0.5 }}
                  slotProps={{ input: { 'aria-label': `panel ${f.title} #${f.id}` } }}
                />
                <ListItemText
                  primary={f.title}
                  secondary={f.runId !== null ? `run ${f.runId} · ${f.key}` : f.key}
                  slotProps={{ primary: { noWrap: true, sx: { fontSize: 12.5 } }, secondary: { sx: { fontSize: 11 } } }}
                />
              </ListItemButton>
            ))}
          </List>
        </Box>
        <Box sx={{ bgcolor: '#ffffff', border: 1, borderColor: 'divider', borderRadius: 1, p: 1, overflow: 'auto', minWidth: 0 }}>
          {panels.length > 0 ? (
            <CompositionView composition={{ panels, columns, preset }} height={columns >= 3 ? 220 : 280} />
          ) : (
            <Typography variant="body2" sx={{ color: '#777', p: 2 }}>
              The figure appears here as it will be laid out.
            </Typography>
          )}
        </Box>
        {error && (
          <Alert severity="error" sx={{ gridColumn: '1 / -1' }}>
            {error}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Cancel</Button>
        <Button variant="contained" onClick={save} disabled={panels.length === 0 || !title.trim()} data-testid="composer-save">
          {props.editing ? 'Save' : 'Create'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
