/**
 * Export a figure for a journal: preset, page size, text size, resolution and format; a preview of
 * the exact print page; and, once written, where the figure and the files beside it went.
 */
import {
  Alert,
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  LinearProgress,
  ListSubheader,
  MenuItem,
  TextField,
  ToggleButton,
  ToggleButtonGroup,
  Typography,
} from '@mui/material';
import { useEffect, useState } from 'react';
import type { Figure, FigureExport } from '../../../shared/domain/figure';
import {
  EXPORT_FORMATS,
  ExportOptionsError,
  PRESETS,
  presetById,
  resolveExportOptions,
  type ExportFormat,
} from '../../../shared/figures/presets';
import { client } from '../../api';
import { useQuery } from '../../api/hooks';
import { messageOf } from '../../app/notifications';

const DESCRIPTION: Record<ExportFormat, string> = {
  svg: 'vector, text editable',
  pdf: 'vector, font embedded',
  png: 'raster at the dpi',
  tiff: 'raster at the dpi, LZW',
};

/** '' → undefined, else the number (NaN included, so the check below can name it). */
const optionalNumber = (s: string): number | undefined => (s.trim() === '' ? undefined : Number(s));

/** The same checks main makes, as the user types; main checks again. */
function checkOptions(request: Parameters<typeof resolveExportOptions>[0]): string | null {
  try {
    resolveExportOptions(request);
    return null;
  } catch (e) {
    return e instanceof ExportOptionsError ? e.message : messageOf(e);
  }
}

export function ExportDialog({
  figure,
  open,
  onClose,
  onExported,
}: {
  figure: Figure;
  open: boolean;
  onClose: () => void;
  onExported?: (e: FigureExport) => void;
}) {
  const info = useQuery('app.info', open ? {} : null);
  const [preset, setPreset] = useState(figure.composition?.preset ?? 'nature-single');
  const [format, setFormat] = useState<ExportFormat>('pdf');
  const [width, setWidth] = useState('');
  const [height, setHeight] = useState('');
  const [font, setFont] = useState('');
  const [dpi, setDpi] = useState('');
  const [out, setOut] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [written, setWritten] = useState<FigureExport | null>(null);
  const [preview, setPreview] = useState<{ svg: string; widthMm: number; heightMm: number } | null>(null);

  const p = presetById(preset)!;
  const request = {
    preset,
    widthMm: optionalNumber(width),
    heightMm: optionalNumber(height),
    fontPt: optionalNumber(font),
    dpi: optionalNumber(dpi),
  };
  const check = checkOptions(figure.composition && request.heightMm === undefined ? { ...request, heightMm: p.heightMm } : request);

  useEffect(() => {
    setPreview(null);
    setWritten(null);
  }, [preset, width, height, font, dpi, format]);

  const run = async (what: 'preview' | 'export') => {
    setBusy(true);
    setError(null);
    try {
      if (what === 'preview') {
        const { preset, widthMm, heightMm, fontPt } = request;
        setPreview(await client.call('figures.render', { figureId: figure.id, preset, widthMm, heightMm, fontPt }));
      } else {
        const result = await client.call('figures.export', { figureId: figure.id, format, ...request, out: out.trim() || undefined });
        setWritten(result);
        onExported?.(result);
      }
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  const journals = [...new Set(PRESETS.map((x) => x.journal))];
  return (
    <Dialog open={open} onClose={onClose} maxWidth="md" fullWidth data-testid="export-dialog">
      <DialogTitle sx={{ fontSize: 15 }}>Export “{figure.title}”</DialogTitle>
      <DialogContent sx={{ display: 'flex', flexDirection: 'column', gap: 1.5, pt: '8px !important' }}>
        <Box sx={{ display: 'grid', gridTemplateColumns: '2fr 1fr 1fr 1fr 1fr', gap: 1 }}>
          <TextField
            select
            label="Preset"
            value={preset}
            onChange={(e) => setPreset(e.target.value)}
            slotProps={{ htmlInput: { 'data-testid': 'export-preset' } }}
          >
            {journals.flatMap((j) => [
              <ListSubheader key={`h-${j}`} sx={{ lineHeight: '28px', fontSize: 11 }}>
                {j}
              </ListSubheader>,
              ...PRESETS.filter((x) => x.journal === j).map((x) => (
                <MenuItem key={x.id} value={x.id} data-testid={`preset-${x.id}`}>
                  {x.label}
                </MenuItem>
              )),
            ])}
          </TextField>
          <TextField
            label="Width (mm)"
            value={width}
            placeholder={String(figure.composition?.widthMm ?? p.widthMm)}
            onChange={(e) => setWidth(e.target.value)}
            helperText={`≤ ${p.maxWidthMm}`}
            slotProps={{ htmlInput: { 'data-testid': 'export-width' }, inputLabel: { shrink: true } }}
          />
          <TextField
            label="Height (mm)"
            value={height}
            placeholder={figure.composition ? 'auto' : String(p.heightMm)}
            onChange={(e) => setHeight(e.target.value)}
            helperText={`≤ ${p.maxHeightMm}`}
            slotProps={{ htmlInput: { 'data-testid': 'export-height' }, inputLabel: { shrink: true } }}
          />
          <TextField
            label="Text (pt)"
            value={font}
            placeholder={String(p.font.pt)}
            onChange={(e) => setFont(e.target.value)}
            helperText={`${p.font.minPt}–${p.font.maxPt}`}
            slotProps={{ inputLabel: { shrink: true } }}
          />
          <TextField
            label="Resolution (dpi)"
            value={dpi}
            placeholder={String(p.dpi)}
            onChange={(e) => setDpi(e.target.value)}
            helperText="PNG, TIFF, heatmaps"
            slotProps={{ htmlInput: { 'data-testid': 'export-dpi' }, inputLabel: { shrink: true } }}
          />
        </Box>
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 1.5 }}>
          <ToggleButtonGroup
            exclusive
            size="small"
            value={format}
            onChange={(_e, v: ExportFormat | null) => v && setFormat(v)}
            aria-label="format"
          >
            {EXPORT_FORMATS.map((f) => (
              <ToggleButton key={f} value={f} sx={{ px: 1.5, py: 0.25, fontSize: 12 }} data-testid={`format-${f}`}>
                {f.toUpperCase()}
              </ToggleButton>
            ))}
          </ToggleButtonGroup>
          <Typography variant="body2" color="text.secondary">
            {DESCRIPTION[format]} · lines {p.lineWidthPt.axis}/{p.lineWidthPt.data} pt · panel letters {p.panelLetter.pt} pt bold
          </Typography>
        </Box>
        <TextField
          label="Save as"
          value={out}
          onChange={(e) => setOut(e.target.value)}
          placeholder={info.data ? `${info.data.dataDir}/exports/…` : ''}
          helperText="A full path, or a name inside the exports folder of the data directory. The data (CSV), provenance (JSON) and a methods paragraph are written beside it."
          slotProps={{ htmlInput: { 'data-testid': 'export-out' }, inputLabel: { shrink: true } }}
        />
        {check && <Alert severity="warning">{check}</Alert>}
        {error && (
          <Alert severity="error" data-testid="export-error">
            {error}
          </Alert>
        )}
        {busy && <LinearProgress />}
        {written && (
          <Alert severity="success" data-testid="export-written">
            <Typography variant="body2" sx={{ fontWeight: 600 }}>
              Written ({written.options.widthMm} × {written.options.heightMm} mm, {written.options.fontPt} pt
              {written.format === 'png' || written.format === 'tiff' ? `, ${written.options.dpi} dpi` : ''}):
            </Typography>
            {[written.path, ...written.csv, written.provenance, written.methods].map((f) => (
              <Typography key={f} variant="body2" sx={{ fontFamily: 'monospace', fontSize: 11.5, wordBreak: 'break-all' }}>
                {f}
              </Typography>
            ))}
          </Alert>
        )}
        {preview && (
          <Box
            sx={{
              bgcolor: '#e9ebee',
              p: 1.5,
              display: 'flex',
              justifyContent: 'center',
              borderRadius: 1,
              '& svg': { maxWidth: '100%', height: 'auto', bgcolor: '#fff', boxShadow: '0 1px 4px rgba(0,0,0,0.25)' },
            }}
            data-testid="export-preview"
            // The print page itself (plotly's SVG from main), inline so it uses the bundled figure font.
            dangerouslySetInnerHTML={{ __html: preview.svg }}
          />
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={() => run('preview')} disabled={busy || Boolean(check)}>
          Preview at print size
        </Button>
        <Box sx={{ flex: 1 }} />
        <Button onClick={onClose}>Close</Button>
        <Button variant="contained" onClick={() => run('export')} disabled={busy || Boolean(check)} data-testid="export-run">
          Export {format.toUpperCase()}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
