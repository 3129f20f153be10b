/**
 * A file and folder browser over main's folder listings, for the browser host where there is no
 * native file dialog. Files the studio can open (and Suite2p plane folders) stand out; choosing
 * one hands its path to the Add dialog, which inspects it.
 */
import ArrowUpwardIcon from '@mui/icons-material/ArrowUpward';
import FolderOutlinedIcon from '@mui/icons-material/FolderOutlined';
import InsertDriveFileOutlinedIcon from '@mui/icons-material/InsertDriveFileOutlined';
import {
  Alert,
  Box,
  Button,
  Chip,
  IconButton,
  List,
  ListItemButton,
  ListItemIcon,
  ListItemText,
  TextField,
  Tooltip,
  Typography,
} from '@mui/material';
import { useEffect, useState } from 'react';
import type { FolderListing } from '../../../shared/domain/viewer';
import { client } from '../../api';
import { formatBytes } from '../../app/format';
import { MONO } from '../../app/theme';
import { messageOf } from '../../app/notifications';

const LAST_FOLDER = 'cajal.browse.folder';

export function FileBrowser(props: { start?: string; onPick: (path: string) => void; selected?: string }) {
  const [folder, setFolder] = useState<string | undefined>(() => props.start || localStorage.getItem(LAST_FOLDER) || undefined);
  const [typed, setTyped] = useState('');
  const [listing, setListing] = useState<FolderListing | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    client.call('files.list', { path: folder }).then(
      (l) => {
        if (!live) return;
        setListing(l);
        setTyped(l.path);
        setError(null);
        localStorage.setItem(LAST_FOLDER, l.path);
      },
      (e: unknown) => live && setError(messageOf(e)),
    );
    return () => {
      live = false;
    };
  }, [folder]);

  return (
    <Box sx={{ border: 1, borderColor: 'divider', borderRadius: 1, p: 1 }} data-testid="file-browser">
      <Box sx={{ display: 'flex', gap: 0.5, alignItems: 'center', mb: 0.5 }}>
        <Tooltip title="Up one folder">
          <span>
            <IconButton aria-label="up one folder" disabled={!listing?.parent} onClick={() => listing?.parent && setFolder(listing.parent)}>
              <ArrowUpwardIcon sx={{ fontSize: 16 }} />
            </IconButton>
          </span>
        </Tooltip>
        <TextField
          fullWidth
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && typed.trim() && setFolder(typed.trim())}
          slotProps={{ htmlInput: { 'aria-label': 'folder', 'data-testid': 'browse-folder', style: { fontFamily: MONO, fontSize: 12 } } }}
        />
        {listing?.places.map((p) => (
          <Button key={p.path} onClick={() => setFolder(p.path)} sx={{ whiteSpace: 'nowrap', minWidth: 0 }}>
            {p.name}
          </Button>
        ))}
      </Box>
      {error && (
        <Alert severity="error" sx={{ py: 0, mb: 0.5 }}>
          {error}
        </Alert>
      )}
      <List sx={{ maxHeight: 260, overflow: 'auto', py: 0 }} data-testid="browse-entries">
        {listing?.entries.map((e) => {
          const isFolder = e.kind === 'folder';
          const pick = () => props.onPick(e.path);
          return (
            <ListItemButton
              key={e.path}
              selected={props.selected === e.path}
              disabled={!isFolder && !e.openable}
              onClick={isFolder ? () => setFolder(e.path) : pick}
              sx={{ py: 0 }}
            >
              <ListItemIcon sx={{ minWidth: 26 }}>
                {isFolder ? <FolderOutlinedIcon sx={{ fontSize: 16 }} /> : <InsertDriveFileOutlinedIcon sx={{ fontSize: 16 }} />}
              </ListItemIcon>
              <ListItemText primary={e.name} slotProps={{ primary: { variant: 'body2', noWrap: true } }} />
              {isFolder && e.openable && (
                <Chip
                  label="Suite2p · choose"
                  color="primary"
                  variant="outlined"
                  onClick={(ev) => {
                    ev.stopPropagation();
                    pick();
                  }}
                  sx={{ ml: 1, height: 18 }}
                />
              )}
              {!isFolder && (
                <Typography variant="caption" color="text.secondary" sx={{ ml: 1, whiteSpace: 'nowrap' }}>
                  {formatBytes(e.size)}
                </Typography>
              )}
            </ListItemButton>
          );
        })}
        {listing && listing.entries.length === 0 && (
          <Typography variant="body2" color="text.secondary" sx={{ p: 1 }}>
            This folder is empty.
          </Typography>
        )}
      </List>
      <Typography variant="caption" color="text.secondary">
        Files the studio can open are enabled: NWB, HDF5, CaImAn, NumPy, MATLAB, CSV/TSV; a Suite2p output folder opens as one recording.
      </Typography>
    </Box>
  );
}
